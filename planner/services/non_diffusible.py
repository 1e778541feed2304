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

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from planner.db import models

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
    E, V, C = models.Establishment, models.Venue, models.Contact  # noqa: N806
    firms = venues = 0
    for chunk in _chunks(diffusible_again):
        session.execute(
            update(E)
            .where(E.siret.in_(chunk), E.non_diffusible.is_(True))
            .values(non_diffusible=False)
        )
    wiped = dict.fromkeys(FIRM_FIELDS_WIPED) | {"name": ""}
    for chunk in _chunks(sirets):
        firms += (
            session.scalar(
                select(func.count())
                .select_from(E)
                .where(E.siret.in_(chunk), E.non_diffusible.is_(False))
            )
            or 0
        )
        values = {**wiped, "in_target": False, "non_diffusible": True, "source_hash": ""}
        if import_id is not None:
            values["last_import_id"] = import_id
        # An empty hash makes the next import rewrite every field should the
        # firm become diffusible again.
        session.execute(update(E).where(E.siret.in_(chunk)).values(**values))
        session.execute(
            update(C).where(C.siret.in_(chunk)).values(dict.fromkeys(CONTACT_FIELDS_WIPED))
        )
        venues += (
            session.scalar(
                select(func.count())
                .select_from(V)
                .where(V.siret.in_(chunk), V.non_diffusible.is_(False))
            )
            or 0
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
    return ScrubResult(firms, venues)


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
