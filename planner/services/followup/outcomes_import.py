"""Read filled call lists back: preview first, then write contacts in one transaction.

Signed workbooks are checked against the campaign's key; outcomes go to the
adviser the signed row names, and only if that adviser belongs to the partner
the workbook was made for. Unsigned workbooks (exported before signatures) are
read with a warning, or refused when the coordinator chose so.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import func, select

from planner.db import models
from planner.db.store import CampaignStore
from planner.domain.cell_text import workbook_text
from planner.domain.errors import InputError, PlannerError
from planner.domain.json_types import JsonObject
from planner.domain.outcomes import WITH_NEED
from planner.domain.progress import CancelToken
from planner.io.outcome_workbook import (
    CampaignKey,
    FilledRow,
    ReadBack,
    Rejection,
    read_outcome_workbook,
)
from planner.io.rejections_workbook import write_rejections_workbook
from planner.services.campaign.campaign_file import read_header
from planner.services.campaign.identity import CampaignIdentity, stored_identity
from planner.services.campaign.identity import (
    refuse_unsigned as stored_refuse_unsigned,
)
from planner.services.followup.outcome_services import (
    add_services_and_blocks,
    check_services,
    load_catalogue,
)
from planner.services.shared_campaign.access import current_access

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
    warnings: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    """Whole workbooks refused (another campaign, damaged…), when others were read."""

    def services(self, *, include_conflicts: bool = False) -> int:
        """Services the rows to write record (one per row at most)."""
        return sum(1 for row in self._rows(include_conflicts) if row.service is not None)

    def marks(self, *, include_conflicts: bool = False) -> int:
        """Firms whose « Refus » asks *ne pas solliciter* (already marked ones included)."""
        return len({row.siret for row in self._rows(include_conflicts) if row.no_more})

    def _rows(self, include_conflicts: bool) -> list[FilledRow]:
        rows = list(self.accepted)
        return rows + [c.row for c in self.conflicts] if include_conflicts else rows

    def to_json(self) -> JsonObject:
        return {
            "services": self.services(),
            "do_not_solicit": self.marks(),
            "files": [
                {
                    "file": f.file,
                    "partner": f.partner,
                    "exported_at": f.exported_at.isoformat(),
                    "signed": f.signed,
                    "warnings": f.warnings,
                }
                for f in self.files
            ],
            "warnings": self.warnings,
            "refused": self.refused,
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


def _key_withheld(store: CampaignStore) -> bool:
    """Whether the campaign's signing key is hidden from the login (no identity row read):
    on a shared campaign, row-level security keeps it for coordination."""
    if store.engine.dialect.name != "postgresql":
        return False
    try:
        return current_access(store).role != "coordination"
    except PlannerError:
        return True


def preview_outcomes(
    store: CampaignStore,
    paths: Sequence[Path],
    *,
    refuse_unsigned: bool = False,
    today: dt.date | None = None,
    cancel: CancelToken | None = None,
) -> OutcomePreview:
    """Read every workbook and sort its rows into accepted, rejected and conflicts.

    Unsigned workbooks are refused when ``refuse_unsigned`` is set or the
    campaign's setting says so.

    Raises:
        InputError: a file is not one of ours, is too big or unreadable,
            belongs to another campaign, has a changed signed head, or is
            unsigned and refused.
    """
    # A campaign that never exported has no identity yet: every signed workbook
    # then comes from another campaign. Reading back never creates it.
    identity = stored_identity(store)
    # The export wrote the name cleaned (no control character, cell-sized).
    name = workbook_text(identity.name if identity else read_header(store).name)
    key = identity.key() if identity else CampaignKey("", name, b"", _key_withheld(store))
    refuse = refuse_unsigned or stored_refuse_unsigned(store)
    with store.session() as session:
        partners = set(session.scalars(select(models.Partner.name)))
    preview = OutcomePreview()
    for path in paths:
        if cancel is not None:
            cancel.check()
        try:
            back = read_outcome_workbook(path, key, today=today)
            if not back.signed:
                _check_unsigned(back, identity, refuse, partners)
                if back.campaign != name:
                    raise InputError(
                        f"ce classeur a été exporté pour la campagne « {back.campaign} », "
                        f"pas pour « {name} »",
                        file=back.file,
                    )
        except InputError as exc:
            # One bad file in a batch of partners' lists must not hide the others.
            if len(paths) == 1:
                raise
            preview.refused.append(exc.message)
            preview.warnings.append(f"classeur refusé, rien n'en est lu — {exc.message}")
            continue
        preview.files.append(back)
        preview.rejected.extend(back.rejected)
        preview.warnings.extend(f"{back.file} : {warning}" for warning in back.warnings)
    if paths and not preview.files:
        raise InputError("aucun classeur n'a pu être relu : " + " ; ".join(preview.refused))
    if cancel is not None:
        cancel.check()
    reassigned = _attribute_advisers(store, preview)
    with store.session() as session:
        catalogue = load_catalogue(session)
        partner_ids = dict(
            session.execute(select(models.Partner.name, models.Partner.id)).tuples().all()
        )
    for back in preview.files:
        partner_id = back.partner_id if back.signed else partner_ids.get(back.partner)
        preview.rejected.extend(check_services(catalogue, back, partner_id))
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
                    models.Establishment.siret.in_(
                        sirets
                        | {r.siret for r in preview.rejected}
                        | {r.exported_siret for r in preview.rejected}
                    ),
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
    # A row whose SIRET cell was edited or cleared still holds the firm's exported
    # name and address, and what the partner typed: it is not echoed either.
    preview.rejected = [
        replace(r, reason=NON_DIFFUSIBLE_REASON, values=())
        if r.siret in withheld or r.exported_siret in withheld
        else r
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
        elif (row.file, row.sheet, row.row) in reassigned:
            preview.conflicts.append(Conflict(row, reassigned[(row.file, row.sheet, row.row)]))
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


def _check_unsigned(
    back: ReadBack, identity: CampaignIdentity | None, refuse: bool, partners: set[str]
) -> None:
    """Refuse an unsigned workbook unless it can be a list exported before signatures.

    Nothing in an unsigned workbook is signed, its format version included: a
    partner could relabel a signed list "unsigned" to lift every check. So it
    is taken only from a campaign that exported unsigned lists once, dated
    before signing began, and made for one of the campaign's partners.
    """
    if refuse:
        raise InputError(
            "classeur présenté comme non signé : refusé, la campagne n'accepte que les "
            "listes d'appels signées",
            file=back.file,
        )
    if identity is not None and identity.born_signed:
        raise InputError(
            "classeur présenté comme non signé, alors que cette campagne signe toutes ses "
            "listes d'appels depuis sa création : classeur modifié, refusé",
            file=back.file,
        )
    if identity is not None and identity.since is not None and back.exported_at >= identity.since:
        raise InputError(
            f"classeur présenté comme non signé mais daté du {back.exported_at:%d/%m/%Y %H:%M}, "
            f"après le début des signatures ({identity.since:%d/%m/%Y %H:%M}) : refusé",
            file=back.file,
        )
    if back.partner not in partners:
        raise InputError(
            f"classeur non signé pour un partenaire inconnu de la campagne, « {back.partner} » : "
            "refusé (un classeur non signé ne peut être relu que pour un partenaire existant)",
            file=back.file,
        )


def _attribute_advisers(
    store: CampaignStore, preview: OutcomePreview
) -> dict[tuple[str, str, int], str]:
    """Give each row its adviser: the signed id, or for an unsigned workbook the
    name among the partner's advisers, and only an adviser of that partner.

    Rows of an unsigned workbook for a firm not assigned to its partner are
    rejected: nothing else says the partner was given that firm. Rows of a
    signed one for a firm given to another partner since the export are
    returned, (file, sheet, row) -> reason, to be shown as conflicts.
    """
    reassigned: dict[tuple[str, str, int], str] = {}
    with store.session() as session:
        advisers = session.execute(
            select(models.Adviser.id, models.Adviser.name, models.Team.partner_id).join(
                models.Team, models.Team.id == models.Adviser.team_id
            )
        ).all()
        partner_ids = dict(
            session.execute(select(models.Partner.name, models.Partner.id)).tuples().all()
        )
        assigned = dict(
            session.execute(
                select(models.Assignment.siret, models.Team.partner_id).join(
                    models.Team, models.Team.id == models.Assignment.team_id
                )
            )
            .tuples()
            .all()
        )
    partner_of = {id_: partner for id_, _name, partner in advisers}
    name_of = {id_: name for id_, name, _partner in advisers}
    by_name: dict[tuple[int | None, str], list[int]] = defaultdict(list)
    for id_, name, partner in advisers:
        by_name[(partner, name)].append(id_)
        by_name[(None, name)].append(id_)
    for back in preview.files:
        partner = back.partner_id if back.signed else partner_ids.get(back.partner)
        kept: list[FilledRow] = []
        moved = 0
        for row in back.filled:
            if back.signed:
                adviser_id = row.adviser_id
                # Gone, or no longer of the partner (or an id no export would write).
                if adviser_id is not None and (
                    adviser_id not in partner_of
                    or (partner is not None and partner_of[adviser_id] != partner)
                ):
                    adviser_id, moved = None, moved + 1
                if partner is not None and assigned.get(row.siret) != partner:
                    reassigned[(row.file, row.sheet, row.row)] = (
                        f"entreprise retirée au partenaire « {back.partner} » depuis l'export "
                        f"du {back.exported_at:%d/%m/%Y}"
                    )
            else:
                if partner is not None and assigned.get(row.siret) != partner:
                    reason = f"entreprise non attribuée au partenaire « {back.partner} »"
                    preview.rejected.append(
                        Rejection(row.file, row.sheet, row.row, "SIRET", row.siret, reason)
                    )
                    continue
                found = by_name.get((partner, row.adviser or ""), [])
                adviser_id = found[0] if len(found) == 1 else None
            # The name shown in the firm's history is the adviser's, never a typed one.
            adviser = name_of[adviser_id] if adviser_id is not None else row.adviser
            kept.append(dataclasses.replace(row, adviser_id=adviser_id, adviser=adviser))
        back.filled = kept
        if moved:
            preview.warnings.append(
                f"{back.file} : {moved} ligne(s) d'un conseiller qui n'est plus rattaché au "
                f"partenaire « {back.partner} » : contacts enregistrés sans conseiller"
            )
    return reassigned


def _source_row(row: FilledRow) -> str:
    return f"{row.sheet}!{row.row}"[:100]


def apply_outcomes(
    store: CampaignStore, preview: OutcomePreview, *, include_conflicts: bool = False
) -> int:
    """Write the accepted rows (and the conflicts, if chosen) as dated contacts, with
    their services, and mark *ne pas solliciter* the firms whose « Refus » asked it.

    One transaction: if anything fails, nothing is written. Returns the
    number of contacts added. Existing contacts are never modified.
    """
    rows = list(preview.accepted)
    if include_conflicts:
        rows += [c.row for c in preview.conflicts]
    partner_of = {back.file: back.partner for back in preview.files}
    with store.session() as session:
        written: list[tuple[FilledRow, models.Contact, str]] = []
        for row in rows:
            contact = models.Contact(
                siret=row.siret,
                date=row.date,
                adviser_id=row.adviser_id,
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
            written.append((row, contact, partner_of.get(row.file, "")))
        if any(row.service is not None or row.no_more for row in rows):
            session.flush()  # the contacts' ids, for their services
            add_services_and_blocks(session, written)
    return len(rows)


def export_rejections(path: Path, rejected: Sequence[Rejection]) -> None:
    """A workbook of the rejected rows, with the reason, for the partner to fix."""
    write_rejections_workbook(path, rejected)
