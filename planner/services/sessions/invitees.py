"""Suggested invitees of a session: firms of the theme's sectors near the venue, best first."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import polars as pl
from sqlalchemy import select

from planner.db import models
from planner.db.store import CampaignStore
from planner.domain import clock
from planner.domain.errors import PlannerError
from planner.domain.nomenclature import NAF2025, REV2, dotted
from planner.io.naf_rome import naf_rome_path
from planner.io.naf_rome import rome_divisions as read_rome_divisions
from planner.io.nomenclatures import load_correspondence, load_nomenclature
from planner.services.campaign.naf_reference import reference_nomenclature
from planner.services.firms.firm_query import load_firms
from planner.services.followup.priorities import load_weights, score_firms
from planner.services.followup.solicitation.pressure import solicitation_exclusions

# Prospecting status, most worth inviting first; never contacted comes after the needs.
STATUS_RANK: dict[str | None, int] = {
    "Besoin recueilli": 0,
    "Offre déposée": 1,
    "À rappeler": 2,
    None: 3,
    "Non joint": 4,
    "Pas de besoin": 5,
    "Déjà accompagnée": 6,
    "Refus": 7,
    "Entreprise fermée / injoignable": 8,
}


DEFAULT_LIMIT = 50
"""Suggestions at a time for a session without a capacity."""
MORE_STEP = 10
"""Suggestions beyond the capacity at each « Proposer plus d'invités »."""


def suggestion_limit(capacity: int | None, invited: int, *, more: bool = False) -> int:
    """How many firms to suggest now for a session.

    The suggestions fill the free places (``capacity`` minus the ``invited``
    already) and no more, unless the user asks for more (``more``): then
    :data:`MORE_STEP` beyond. Without a capacity, :data:`DEFAULT_LIMIT`.
    """
    if capacity is None:
        return DEFAULT_LIMIT
    room = max(capacity - invited, 0)
    return room + MORE_STEP if more else room


@dataclass(frozen=True)
class Suggestion:
    """A firm worth inviting."""

    siret: str
    name: str
    naf_code: str | None
    distance_km: float
    priority: float
    status: str | None  # last prospecting outcome, None when never contacted


def rome_divisions() -> dict[str, frozenset[str]]:
    """ROME code → the NAF divisions it belongs to (France Travail's correspondence)."""
    try:
        return read_rome_divisions()
    except OSError as exc:
        raise PlannerError(f"Correspondance NAF ↔ ROME introuvable : {naf_rome_path()}") from exc


ROME_THROUGH_REV2 = (
    "Métiers ROME → NAF 2025 : aucune table NAF 2025 ↔ ROME n'est publiée ; les secteurs "
    "des métiers viennent de la table NAF rév. 2 ↔ ROME de France Travail, traduite en "
    "NAF 2025 par la table de correspondance de l'INSEE."
)


def rome_note(nomenclature: str) -> str | None:
    """What the UI says about NAF → ROME in this reference (None in rév. 2)."""
    return ROME_THROUGH_REV2 if nomenclature == NAF2025 else None


def theme_subclasses(themes: Sequence[tuple[str, str]], nomenclature: str = REV2) -> set[str]:
    """The sous-classes of ``nomenclature`` a theme covers.

    A NAF theme is read in the reference nomenclature. ROME métiers come with
    NAF rév. 2 divisions (France Travail's table); in NAF 2025 those divisions
    are translated through INSEE's correspondence (see :data:`ROME_THROUGH_REV2`).
    """
    naf = load_nomenclature(nomenclature)
    found: set[str] = set()
    rev2_divisions: set[str] = set()
    for kind, code in themes:
        if kind == "naf":
            found |= set(naf.subclasses_under(dotted(code)))
        elif kind == "rome":
            rev2_divisions |= rome_divisions().get(code.upper(), frozenset())
    if rev2_divisions:
        rev2 = load_nomenclature(REV2)
        subs = {s for d in rev2_divisions for s in rev2.subclasses_under(d)}
        if nomenclature == REV2:
            found |= subs
        else:
            links = load_correspondence().forward
            found |= {target for s in subs for target in links.get(s, ())}
    return found


def theme_divisions(themes: Sequence[tuple[str, str]]) -> set[str]:
    """The NAF divisions a theme covers: its NAF codes, plus those of its ROME métiers."""
    divisions: set[str] = set()
    table = rome_divisions()
    for kind, code in themes:
        if kind == "naf":
            divisions.add(code.replace(".", "")[:2])
        elif kind == "rome":
            divisions |= table.get(code.upper(), frozenset())
    return divisions


def _km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def suggest_invitees(
    store: CampaignStore,
    themes: Sequence[tuple[str, str]],
    lon: float,
    lat: float,
    *,
    radius_km: float = 5.0,
    limit: int = DEFAULT_LIMIT,
    exclude: Collection[str] = (),
    excluded: Collection[str] = (),
    on_date: dt.date | None = None,
) -> list[Suggestion]:
    """Active firms of the theme's sectors within ``radius_km`` of (lon, lat), ``limit`` at most.

    Sectors are read in the campaign's reference nomenclature (see
    :func:`theme_subclasses`). ``exclude``: the firms already invited.
    ``excluded``: other firms that must not be suggested. Firms marked « ne pas
    solliciter » or over the campaign's solicitation cap on ``on_date`` (today by
    default) are never suggested (``planner.services.followup.solicitation.pressure``).

    Ranked by prospecting status (needs collected first), then priority score,
    then distance.
    """
    if limit <= 0:
        return []
    reference = reference_nomenclature(store)
    subclasses = theme_subclasses(themes, reference)
    if not subclasses:
        return []
    with store.session() as session:
        pressure = solicitation_exclusions(session, on_date or clock.today())
    excluded = {*excluded, *pressure}
    firms = load_firms(store, reference)
    firms = firms.filter(
        pl.col("lon").is_not_null()
        & (pl.col("etat") == "A")
        & pl.col("naf_code").is_in(pl.Series(sorted(subclasses), dtype=pl.String).implode())
        & ~pl.col("siret").is_in(
            pl.Series(sorted(_barred(exclude, excluded)), dtype=pl.String).implode()
        )
    )
    if firms.is_empty():
        return []
    scored = score_firms(store, firms, load_weights(store))
    with store.session() as session:
        last: dict[str, str] = dict(
            session.execute(
                select(models.Contact.siret, models.Contact.outcome).order_by(
                    models.Contact.date, models.Contact.id
                )
            )
            .tuples()
            .all()
        )
    found = []
    for row in scored.select("siret", "name", "naf_code", "lon", "lat", "priority").iter_rows():
        siret, name, naf, flon, flat, priority = row
        km = _km(lon, lat, flon, flat)
        if km <= radius_km:
            found.append(
                Suggestion(
                    siret, name or siret, naf, round(km, 2), float(priority), last.get(siret)
                )
            )
    found.sort(key=lambda s: (STATUS_RANK.get(s.status, 5), -s.priority, s.distance_km))
    return found[:limit]


def _barred(invited: Collection[str], excluded: Collection[str]) -> set[str]:
    """The SIRETs never suggested: those already invited, and the ``excluded`` ones.

    The one place where exclusions apply: the contact pressure rules
    (``planner.services.followup.solicitation``) come in through ``excluded``.
    """
    return set(invited) | set(excluded)
