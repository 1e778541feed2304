"""Read filled call lists back: preview first, then write contacts in one transaction."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from sqlalchemy import func, select

from planner.db import models
from planner.db.store import CampaignStore
from planner.domain.cell_text import workbook_text
from planner.domain.errors import InputError
from planner.domain.outcomes import WITH_NEED
from planner.io.call_list_workbook import HEADERS
from planner.io.outcome_workbook import FilledRow, ReadBack, Rejection, read_outcome_workbook
from planner.io.workbook_out import append_row, save_workbook
from planner.services.campaign import read_header

CHANNEL = "téléphone"


@dataclass(frozen=True)
class Conflict:
    """An accepted-looking row that would overwrite newer information."""

    row: FilledRow
    reason: str


@dataclass
class OutcomePreview:
    """What an import would do, before anything is written."""

    files: list[ReadBack] = field(default_factory=list)
    accepted: list[FilledRow] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "files": [
                {"file": f.file, "partner": f.partner, "exported_at": f.exported_at.isoformat()}
                for f in self.files
            ],
            "accepted": len(self.accepted),
            "rejected": [
                {
                    "file": r.file,
                    "sheet": r.sheet,
                    "row": r.row,
                    "column": r.column,
                    "siret": r.siret,
                    "reason": r.reason,
                }
                for r in self.rejected
            ],
            "conflicts": [
                {
                    "file": c.row.file,
                    "sheet": c.row.sheet,
                    "row": c.row.row,
                    "siret": c.row.siret,
                    "reason": c.reason,
                }
                for c in self.conflicts
            ],
        }


def preview_outcomes(store: CampaignStore, paths: Sequence[Path]) -> OutcomePreview:
    """Read every workbook and sort its rows into accepted, rejected and conflicts.

    Raises ``InputError`` if a file is not one of ours or belongs to another campaign.
    """
    # The export wrote the name cleaned (no control character, cell-sized).
    campaign = workbook_text(read_header(store).name)
    preview = OutcomePreview()
    for path in paths:
        back = read_outcome_workbook(path)
        if back.campaign != campaign:
            raise InputError(
                f"ce classeur a été exporté pour la campagne « {back.campaign} », "
                f"pas pour « {campaign} »",
                file=back.file,
            )
        preview.files.append(back)
        preview.rejected.extend(back.rejected)
    rows = [(back, row) for back in preview.files for row in back.filled]
    sirets = {row.siret for _b, row in rows}
    with store.session() as session:
        known = set(
            session.scalars(
                select(models.Establishment.siret).where(models.Establishment.siret.in_(sirets))
            )
        )
        # Became non-diffusible since the export: nothing is recorded, nothing echoed.
        withheld = set(
            session.scalars(
                select(models.Establishment.siret).where(
                    models.Establishment.siret.in_(sirets | {r.siret for r in preview.rejected}),
                    models.Establishment.non_diffusible,
                )
            )
        )
        latest: dict[str, dt.datetime] = {
            row[0]: row[1]
            for row in session.execute(
                select(models.Contact.siret, func.max(models.Contact.recorded_at))
                .where(models.Contact.siret.in_(sirets))
                .group_by(models.Contact.siret)
            )
        }
        already = {
            (s, d, o, f, r)
            for s, d, o, f, r in session.execute(
                select(
                    models.Contact.siret,
                    models.Contact.date,
                    models.Contact.outcome,
                    models.Contact.source_file,
                    models.Contact.source_row,
                ).where(models.Contact.siret.in_(sirets))
            )
        }
    preview.rejected = [
        replace(r, reason=NON_DIFFUSIBLE_REASON, values=()) if r.siret in withheld else r
        for r in preview.rejected
    ]
    files_of: dict[str, set[str]] = defaultdict(set)
    for back, row in rows:
        files_of[row.siret].add(back.file)
    for back, row in rows:
        if row.siret not in known:
            preview.rejected.append(
                Rejection(
                    row.file,
                    row.sheet,
                    row.row,
                    "SIRET",
                    row.siret,
                    "établissement absent de la campagne",
                )
            )
        elif row.siret in withheld:
            preview.rejected.append(
                Rejection(row.file, row.sheet, row.row, None, row.siret, NON_DIFFUSIBLE_REASON)
            )
        elif (row.siret, row.date, row.outcome, row.file, _source_row(row)) in already:
            preview.rejected.append(
                Rejection(row.file, row.sheet, row.row, None, row.siret, "ligne déjà importée")
            )
        elif len(files_of[row.siret]) > 1:
            others = ", ".join(sorted(files_of[row.siret] - {row.file}))
            preview.conflicts.append(Conflict(row, f"entreprise aussi renseignée dans {others}"))
        elif row.siret in latest and latest[row.siret] > back.exported_at:
            preview.conflicts.append(
                Conflict(
                    row,
                    "contact enregistré dans la campagne le "
                    f"{latest[row.siret]:%d/%m/%Y} après l'export du {back.exported_at:%d/%m/%Y}",
                )
            )
        else:
            preview.accepted.append(row)
    return preview


NON_DIFFUSIBLE_REASON = "établissement devenu non diffusible : rien n'est enregistré"


def _source_row(row: FilledRow) -> str:
    return f"{row.sheet}!{row.row}"[:100]


def apply_outcomes(
    store: CampaignStore, preview: OutcomePreview, *, include_conflicts: bool = False
) -> int:
    """Write the accepted rows (and the conflicts, if chosen) as dated contacts.

    One transaction: if anything fails, nothing is written. Returns the
    number of contacts added. Existing contacts are never modified.
    """
    rows = list(preview.accepted)
    if include_conflicts:
        rows += [c.row for c in preview.conflicts]
    with store.session() as session:
        advisers = {
            name: id_
            for id_, name in session.execute(select(models.Adviser.id, models.Adviser.name))
        }
        for row in rows:
            contact = models.Contact(
                siret=row.siret,
                date=row.date,
                adviser_id=advisers.get(row.adviser or ""),
                adviser_name=row.adviser,
                channel=CHANNEL,
                outcome=row.outcome,
                contact_person=row.contact_person,
                phone=row.phone,
                email=row.email,
                session_interest=(row.session_interest or "")[:20] or None,
                next_step=row.next_step,
                comment=row.comment,
                source_file=row.file[:300],
                source_row=_source_row(row),
            )
            if row.outcome in WITH_NEED or row.posts or row.rome_code:
                contact.needs.append(
                    models.ContactNeed(
                        rome_code=row.rome_code,
                        posts=row.posts,
                        offer_deposited=row.outcome == "Offre déposée",
                    )
                )
            session.add(contact)
    return len(rows)


def export_rejections(path: Path, rejected: Sequence[Rejection]) -> None:
    """A workbook of the rejected rows, with the reason, for the partner to fix."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Lignes rejetées"
    append_row(ws, ["Fichier", "Onglet", "Ligne", "Colonne", "Motif", *HEADERS])
    for r in rejected:
        values: list[Any] = [r.file, r.sheet, r.row, r.column or "", r.reason, *r.values]
        append_row(ws, values)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    save_workbook(wb, path, make_folder=True)
