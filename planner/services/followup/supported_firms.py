"""Firms already supported by another scheme: import the list, then flag or leave them out.

The list comes from another tool's export; it replaces the previous list in
one transaction (or is added to it). Firms that are not in the campaign are
kept too, since a later SIRENE import may bring them in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, delete, func, insert, select

from planner.db import models
from planner.db.store import CampaignStore
from planner.domain.json_types import JsonObject
from planner.domain.progress import CancelToken, Progress, no_progress
from planner.io.supported_firms_file import BadRow, read_supported_firms

_CHUNK = 5000  # SIRETs per IN (...) query, well under SQLite's parameter limit


@dataclass(frozen=True)
class SupportedImport:
    """What an import of the list did.

    Attributes:
        file: the list's name.
        column: the SIRET column used.
        sirets: valid SIRETs stored.
        matched: of those, firms of the campaign.
        unknown: of those, SIRETs the campaign does not have.
        bad: rows left out, with line, column and reason.
        duplicates: rows repeating a SIRET.
        replaced: SIRETs of the previous list removed (0 when adding).
    """

    file: str
    column: str
    sirets: int
    matched: int
    unknown: int
    bad: tuple[BadRow, ...]
    duplicates: int
    replaced: int

    def to_json(self) -> JsonObject:
        return {
            "file": self.file,
            "column": self.column,
            "sirets": self.sirets,
            "matched": self.matched,
            "unknown": self.unknown,
            "duplicates": self.duplicates,
            "replaced": self.replaced,
            "bad_rows": [
                {"line": b.line, "column": b.column, "value": b.value, "reason": b.reason}
                for b in self.bad
            ],
        }


def import_supported(
    store: CampaignStore,
    path: Path,
    *,
    add: bool = False,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> SupportedImport:
    """Store the list of firms already supported.

    Args:
        store: the campaign.
        path: CSV or XLSX list with a SIRET column.
        add: keep the previous list and add this one (default: replace it).
        progress: ``(done, total, message)`` callback.
        cancel: checked before writing; nothing is written if cancelled.

    Raises:
        InputError: unreadable file, no SIRET column, or no valid SIRET.
    """
    progress(0, 2, f"Lecture de {Path(path).name}")
    listing = read_supported_firms(path)
    if cancel is not None:
        cancel.check()
    progress(1, 2, "Enregistrement dans la campagne")
    now = dt.datetime.now().replace(microsecond=0)
    source = listing.file[:200]
    with store.session() as session:
        previous = set(session.scalars(select(models.SupportedFirm.siret)))
        replaced = 0
        if not add:
            replaced = len(previous - set(listing.sirets))
            session.execute(delete(models.SupportedFirm))
            previous = set()
        new = [s for s in listing.sirets if s not in previous]
        if new:
            session.execute(
                insert(models.SupportedFirm),
                [{"siret": s, "source": source, "imported_at": now} for s in new],
            )
        known: set[str] = set()
        for start in range(0, len(listing.sirets), _CHUNK):
            chunk = listing.sirets[start : start + _CHUNK]
            known.update(
                session.scalars(
                    select(models.Establishment.siret).where(models.Establishment.siret.in_(chunk))
                )
            )
        session.add(
            models.ImportRun(
                kind="supported",
                finished_at=now,
                files={"supported": listing.file},
                options={"add": add},
                summary={"sirets": len(listing.sirets), "bad": len(listing.bad)},
            )
        )
    progress(2, 2, "Import terminé")
    return SupportedImport(
        file=listing.file,
        column=listing.column,
        sirets=len(listing.sirets),
        matched=len(known),
        unknown=len(listing.sirets) - len(known),
        bad=listing.bad,
        duplicates=listing.duplicates,
        replaced=replaced,
    )


def supported_sirets(conn: Connection) -> set[str]:
    """Every SIRET of the list of firms already supported."""
    return set(conn.scalars(select(models.SupportedFirm.siret)))


def supported_counts(store: CampaignStore) -> dict[str, int]:
    """How many SIRETs the list holds, and how many are firms of the campaign."""
    with store.session() as session:
        total = session.scalar(select(func.count()).select_from(models.SupportedFirm)) or 0
        matched = (
            session.scalar(
                select(func.count())
                .select_from(models.SupportedFirm)
                .join(
                    models.Establishment,
                    models.Establishment.siret == models.SupportedFirm.siret,
                )
            )
            or 0
        )
    return {"total": int(total), "matched": int(matched)}
