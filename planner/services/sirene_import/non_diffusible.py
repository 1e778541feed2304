"""Establishments that became non-diffusible: wipe what names, locates or addresses them.

INSEE marks with ``statutDiffusionEtablissement = P`` (or a partially
diffusible legal unit) the establishments whose owner objected to the use of
their data, prospecting included. The first import only counts them. When a
later stock shows that a firm already in the campaign became non-diffusible,
``scrub_non_diffusible`` runs in the import's transaction:

- the establishment keeps its SIRET (the key of its assignment, prospecting
  history, session links and counts), its commune code (the per-commune
  counts) and the non-identifying SIRENE fields (activity, headcount band,
  dates). Its name, enseigne, usual name, every address field (street,
  complement, postal code, SIRENE's commune label) and its position are
  wiped, and it leaves the target: it is no longer shown on the map or in the
  table, nor exported in call lists (the owner objected to prospecting);
- its contacts keep date, adviser, channel, outcome and needs (the
  dashboard's counts), but lose the contact person, phone, e-mail and free
  text, which may name or address it;
- a venue made from its site is renamed « Lieu non diffusible », loses its
  address, commune and position, and is flagged: the sessions' warnings ask
  the coordinator to replace it.

Wherever a row must still appear (a session's host or invitee, a firm card),
it is labelled « Établissement non diffusible » instead of a name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from planner.db import models
from planner.db.store import CampaignStore
from planner.services.sirene_import.journal_redaction import redact_journal

NON_DIFFUSIBLE_FIRM = "Établissement non diffusible"
"""What is shown instead of the name of a firm that became non-diffusible."""

NON_DIFFUSIBLE_VENUE = "Lieu non diffusible"
"""What is shown instead of the name of a venue made from such a firm's site."""

FIRM_FIELDS_WIPED: tuple[str, ...] = (
    "name", "enseigne", "denomination_usuelle", "numero_voie", "indice_repetition", "type_voie",
    "libelle_voie", "complement_adresse", "code_postal", "libelle_commune", "lon", "lat",
    "geo_source",
)  # fmt: skip
"""Establishment columns wiped; ``name`` becomes ``""`` (not null), the others null."""

CONTACT_FIELDS_WIPED: tuple[str, ...] = ("contact_person", "phone", "email", "next_step", "comment")
"""Contact columns wiped: who was reached, how, and free text that may name the firm."""

_CHUNK = 500
_SHORTEST_NAME = 3  # shorter names would replace bits of ordinary words in titles


@dataclass(frozen=True)
class ScrubResult:
    """How many firms became non-diffusible in this import, and venues flagged with them."""

    firms: int = 0
    venues: int = 0


def _chunks(values: Sequence[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), _CHUNK):
        yield list(values[start : start + _CHUNK])


def scrub_non_diffusible(
    session: Session,
    sirets: Sequence[str],
    import_id: int | None,
    *,
    diffusible_again: Sequence[str] = (),
) -> ScrubResult:
    """Wipe the establishments ``sirets`` (now non-diffusible), their contacts' details and venues.

    Runs inside the caller's transaction; applying it again to the same SIRETs
    changes nothing and counts nothing.

    Args:
        session: the import's unit of work.
        sirets: SIRETs already in the campaign that the new stock shows as
            non-diffusible.
        import_id: the import doing it (``last_import_id``), or None.
        diffusible_again: SIRETs the new stock shows as diffusible whose
            stored fields it rewrote: their flag is cleared.

    Returns:
        How many establishments became non-diffusible in this import (those
        already wiped are not counted again) and how many venues were flagged.
    """
    E = models.Establishment  # noqa: N806
    for chunk in _chunks(diffusible_again):
        session.execute(
            update(E)
            .where(E.siret.in_(chunk), E.non_diffusible.is_(True))
            .values(non_diffusible=False)
        )
    if not sirets:
        return ScrubResult()
    # On SQLite the old values are zeroed in the file (secure_delete, see
    # planner.db.store); on PostgreSQL old row versions stay in the data files
    # until VACUUM reclaims their space.
    firms = venues = 0
    for chunk in _chunks(sirets):
        firms += _count(session, E, chunk)
        venues += _count(session, models.Venue, chunk)
        names, session_ids = _scrub_session_texts(session, chunk)
        _scrub_chunk(session, chunk, import_id)
        redact_journal(
            session,
            chunk,
            contact_fields=CONTACT_FIELDS_WIPED,
            venue_label=NON_DIFFUSIBLE_VENUE,
            firm_label=NON_DIFFUSIBLE_FIRM,
            session_ids=session_ids,
            names=names,
        )
    return ScrubResult(firms, venues)


def _count(session: Session, table: Any, chunk: list[str]) -> int:
    """Rows of ``table`` (establishment or venue) with one of the SIRETs, not flagged yet."""
    query = (
        select(func.count())
        .select_from(table)
        .where(table.siret.in_(chunk), table.non_diffusible.is_(False))
    )
    return int(session.scalar(query) or 0)


def _scrub_chunk(session: Session, chunk: list[str], import_id: int | None) -> None:
    E, V, C = models.Establishment, models.Venue, models.Contact  # noqa: N806
    values: dict[str, Any] = dict.fromkeys(FIRM_FIELDS_WIPED)
    # An empty hash makes the next import rewrite every field should the firm
    # become diffusible again.
    values |= {
        "name": "",
        "in_target": False,
        "non_diffusible": True,
        "source_hash": "",
        "position_outside_commune": False,  # no position left to check
    }
    if import_id is not None:
        values["last_import_id"] = import_id
    session.execute(update(E).where(E.siret.in_(chunk)).values(**values))
    session.execute(update(C).where(C.siret.in_(chunk)).values(dict.fromkeys(CONTACT_FIELDS_WIPED)))
    # Free text of the firm's journey (a service's comment, a mark's note) may name it.
    session.execute(
        update(models.ContactService)
        .where(models.ContactService.siret.in_(chunk))
        .values(comment=None)
    )
    session.execute(
        update(models.FirmBlock).where(models.FirmBlock.siret.in_(chunk)).values(note=None)
    )
    # Its legal unit's names (the firm's name when it has no enseigne, the
    # entrepreneur's own name) go too, unless another establishment of the
    # campaign still shows them.
    L = models.LegalUnit  # noqa: N806
    still_shown = select(E.siren).where(E.non_diffusible.is_(False))
    session.execute(
        delete(L).where(L.siren.in_({s[:9] for s in chunk}), L.siren.not_in(still_shown))
    )
    session.execute(
        update(V)
        .where(V.siret.in_(chunk))
        .values(
            name=NON_DIFFUSIBLE_VENUE,
            address=None,
            commune_code=None,
            lon=None,
            lat=None,
            non_diffusible=True,
        )
    )


def _scrub_session_texts(
    session: Session, chunk: list[str]
) -> tuple[re.Pattern[str] | None, set[int]]:
    """Replace the firms' names in the texts of their sessions (title, bilan, override note).

    Coordinators title a visit after its host (« Visite chez Dupont »): the
    sessions the firm hosts, is invited to or takes place at are rewritten
    with « Établissement non diffusible » instead of the name. Returns the
    names' pattern and the sessions linked to the firms (for the journal).
    """
    E, S = models.Establishment, models.DiscoverySession  # noqa: N806
    L = models.LegalUnit  # noqa: N806
    names: set[str] = set()
    for row in session.execute(
        select(E.name, E.enseigne, E.denomination_usuelle).where(E.siret.in_(chunk))
    ):
        names.update(n.strip() for n in row if n and len(n.strip()) >= _SHORTEST_NAME)
    # Its legal unit's names too: coordinators write « Visite SARL Dupont » or
    # « Visite chez M. Dupont » as well as the displayed name.
    sirens = {siret[:9] for siret in chunk}
    for unit in session.execute(
        select(L.denomination, L.sigle, L.nom, L.nom_usage, L.prenom).where(L.siren.in_(sirens))
    ):
        denomination, sigle, nom, nom_usage, prenom = (v.strip() if v else "" for v in unit)
        candidates = [denomination, sigle, nom, nom_usage]
        candidates += [f"{prenom} {n}" for n in (nom, nom_usage) if prenom and n]
        candidates += [f"{n} {prenom}" for n in (nom, nom_usage) if prenom and n]
        names.update(n for n in candidates if len(n) >= _SHORTEST_NAME)
    if not names:
        return None, set()
    pattern = re.compile(
        "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)), re.IGNORECASE
    )
    linked = (
        select(models.SessionHost.session_id)
        .where(models.SessionHost.siret.in_(chunk))
        .union(
            select(models.SessionInvitee.session_id).where(models.SessionInvitee.siret.in_(chunk)),
            select(S.id)
            .join(models.Venue, models.Venue.id == S.venue_id)
            .where(models.Venue.siret.in_(chunk)),
        )
    )
    ids: set[int] = set()
    for found in session.scalars(select(S).where(S.id.in_(linked))):
        ids.add(found.id)
        found.title = pattern.sub(NON_DIFFUSIBLE_FIRM, found.title)
        if found.outcome_notes:
            found.outcome_notes = pattern.sub(NON_DIFFUSIBLE_FIRM, found.outcome_notes)
        if found.clash_override:
            found.clash_override = pattern.sub(NON_DIFFUSIBLE_FIRM, found.clash_override)
    session.flush()
    return pattern, ids


def firm_label(name: str | None, siret: str, non_diffusible: bool) -> str:
    """A firm as a list shows it: its name, its SIRET if it has none, or the withheld label."""
    if non_diffusible:
        return NON_DIFFUSIBLE_FIRM
    return name or siret


__all__ = [
    "CONTACT_FIELDS_WIPED",
    "FIRM_FIELDS_WIPED",
    "NON_DIFFUSIBLE_FIRM",
    "NON_DIFFUSIBLE_VENUE",
    "ScrubResult",
    "firm_label",
    "scrub_non_diffusible",
]


# Tables whose rows a wipe rewrites (their old versions hold the wiped values).
WIPED_TABLES = (
    "establishment", "legal_unit", "contact", "venue", "discovery_session", "journal",
)  # fmt: skip


def reclaim_wiped_rows(store: CampaignStore) -> bool:
    """On PostgreSQL, VACUUM the tables a wipe rewrote; whether it ran.

    PostgreSQL keeps the old version of an updated row in its data files until
    VACUUM removes it, so the wiped name, address and position would stay on
    the server's disk (SQLite zeroes them at once with ``secure_delete``, and the
    import then checkpoints its write-ahead log). Run
    after the import's commit (VACUUM cannot run in a transaction). A login
    that may not vacuum (not the tables' owner) leaves it to autovacuum.
    """
    if store.engine.dialect.name != "postgresql":
        return False
    try:
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in WIPED_TABLES:
                conn.execute(text(f'VACUUM "{table}"'))
    except SQLAlchemyError:
        return False
    return True
