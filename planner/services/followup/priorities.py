"""Priority scores of the campaign's firms, from the coordinator's weights.

Scored frames also say whether each firm is on the list of firms already
supported (``supported``); :func:`leave_out_supported` applies the
coordinator's choice (flag them, or leave them out of call lists).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import polars as pl
from sqlalchemy import select

from planner.db import models
from planner.db.store import CampaignStore
from planner.domain import clock
from planner.domain.errors import InputError
from planner.domain.headcount_bands import BAND_ORDER
from planner.domain.nomenclature import REV2, dotted, undotted
from planner.domain.priority import (
    CODE_FIELDS,
    NUMBER_FIELDS,
    RECENT_YEARS,
    SUPPORTED_POLICIES,
    PriorityWeights,
    normalise_codes,
)
from planner.io.nomenclatures import load_nomenclature
from planner.services.campaign.naf_reference import lock_reference

SETTING_KEY = "priority_weights"

# French labels of the weights, for the dialog and the command line.
WEIGHT_LABELS: dict[str, str] = {
    "headcount": "Taille (points pour la plus grande tranche d'effectifs)",
    "priority_sector": "Secteur NAF prioritaire",
    "never_contacted": "Jamais contactée",
    "recently_created": f"Créée depuis moins de {RECENT_YEARS} ans",
    "distance": "Distance (points retirés par 10 km de la base du conseiller)",
    "priority_metier": "Besoin recueilli sur un métier ROME prioritaire",
    "sectors": "Secteurs NAF prioritaires (préfixes de codes)",
    "metiers": "Métiers ROME prioritaires (codes)",
    "bmo_metiers": "Métiers en tension retenus (BMO, codes FAP)",
    "supported_policy": "Entreprises déjà accompagnées",
}


def load_weights(store: CampaignStore) -> PriorityWeights:
    """The campaign's weights (defaults if never set)."""
    with store.session() as session:
        setting = session.get(models.Setting, SETTING_KEY)
        return PriorityWeights.from_json(setting.value) if setting else PriorityWeights()


def check_sectors(codes: tuple[str, ...], reference: str) -> tuple[str, ...]:
    """Priority sectors checked in the campaign's reference nomenclature, as stored
    (undotted prefixes; a section letter becomes its divisions, as prefixes match codes).

    Raises:
        InputError: a code that is not a section, division, group, class or
            sous-classe of the reference (a rév. 2 ``55.10Z`` in a NAF 2025
            campaign, ``99.99``), in French.
    """
    naf = load_nomenclature(reference)
    found: list[str] = []
    for code in codes:
        text = dotted(code)
        if len(text) == 1 and text in naf.sections:
            found.extend(undotted(d) for d in naf.children(text))
        elif len(text) > 1 and naf.knows(text):
            found.append(undotted(text))
        else:
            letters = f"{next(iter(naf.sections))}–{list(naf.sections)[-1]}"
            raise InputError(
                f"secteur prioritaire « {text} » inconnu en {naf.name}, la nomenclature de "
                f"référence de la campagne (section {letters}, division 56, classe 47.11, "
                f"sous-classe {naf.subclasses[-1]}…)."
            )
    return tuple(dict.fromkeys(found))


def sector_example(reference: str) -> str:
    """A placeholder for the sectors field, in the reference nomenclature."""
    return "ex. 56, 47.11, 55.10Z" if reference == REV2 else "ex. 56, 47.11, 55.10Y"


def save_weights(store: CampaignStore, weights: PriorityWeights) -> None:
    """Store the weights in the campaign, sectors checked against the reference in
    force when they are written (the reference row is locked until commit).

    Raises:
        InputError: an unknown priority sector (see :func:`check_sectors`).
    """
    with store.session() as session:
        reference = lock_reference(session, write=False)
        weights = dataclasses.replace(
            weights, sectors=check_sectors(tuple(weights.sectors), reference)
        )
        setting = session.get(models.Setting, SETTING_KEY)
        if setting is None:
            session.add(models.Setting(key=SETTING_KEY, value=weights.to_json()))
        else:
            setting.value = weights.to_json()


def with_setting(weights: PriorityWeights, key: str, value: str) -> PriorityWeights:
    """``weights`` with one setting changed from text (``planner priorities --set``).

    Raises:
        InputError: unknown key or bad value, in French.
    """
    if key in NUMBER_FIELDS:
        try:
            number = float(value.replace(",", "."))
        except ValueError:
            raise InputError(f"« {key} » attend un nombre de points, pas « {value} ».") from None
        if not 0 <= number <= 1000:
            raise InputError(f"« {key} » doit être entre 0 et 1000 points.")
        changes: dict[str, Any] = {key: number}
        return dataclasses.replace(weights, **changes)
    if key in CODE_FIELDS:
        codes: dict[str, Any] = {key: normalise_codes(value)}
        return dataclasses.replace(weights, **codes)
    if key == "supported_policy":
        if value not in SUPPORTED_POLICIES:
            raise InputError(
                f"« supported_policy » vaut {' ou '.join(SUPPORTED_POLICIES)}, pas « {value} »."
            )
        return dataclasses.replace(weights, supported_policy=value)
    raise InputError(f"réglage inconnu « {key} » (réglages : {', '.join(WEIGHT_LABELS)}).")


def leave_out_supported(scored: pl.DataFrame, weights: PriorityWeights) -> pl.DataFrame:
    """The scored firms a call list should keep: without the firms already
    supported if the coordinator chose to leave them out, else all of them
    (their ``supported`` column then flags them)."""
    if weights.supported_policy == "exclude" and "supported" in scored.columns:
        return scored.filter(~pl.col("supported"))
    return scored


def _supported(store: CampaignStore) -> list[str]:
    with store.session() as session:
        return sorted(session.scalars(select(models.SupportedFirm.siret)))


def _contacted(store: CampaignStore) -> tuple[set[str], set[str]]:
    with store.session() as session:
        contacted = set(session.scalars(select(models.Contact.siret).distinct()))
        rows = session.execute(
            select(models.Contact.siret, models.ContactNeed.rome_code).join(
                models.ContactNeed, models.ContactNeed.contact_id == models.Contact.id
            )
        ).all()
    return contacted, {f"{s}:{r}" for s, r in rows if r}


def score_firms(
    store: CampaignStore,
    firms: pl.DataFrame,
    weights: PriorityWeights,
    *,
    today: dt.date | None = None,
) -> pl.DataFrame:
    """``firms`` (with siret, band, naf_code, date_creation, and optionally
    ``base_km`` — distance to the adviser's base) plus a ``priority`` column,
    and ``supported`` (on the list of firms already supported) if it lacks it.

    Firms already supported are scored like the others: call lists flag them
    or leave them out with :func:`leave_out_supported`."""
    today = today or clock.today()
    contacted, needs = _contacted(store)
    metier_sirets = {k.split(":")[0] for k in needs if k.split(":")[1] in set(weights.metiers)}
    band_rank = {band: i / (len(BAND_ORDER) - 1) for i, band in enumerate(BAND_ORDER)}
    # Only codes of the reference nomenclature (an older code has no section).
    code = pl.col("naf_code")
    if "section" in firms.columns:
        code = pl.when(pl.col("section").is_not_null()).then(code)
    naf = code.fill_null("").str.replace_all(r"\.", "")
    sector = pl.lit(False)
    for prefix in weights.sectors:
        sector = sector | naf.str.starts_with(prefix)
    recent_since = today.replace(year=today.year - RECENT_YEARS)
    score = (
        pl.col("band").replace_strict(band_rank, default=0.0, return_dtype=pl.Float64)
        * weights.headcount
        + sector.cast(pl.Float64) * weights.priority_sector
        + (~pl.col("siret").is_in(list(contacted))).cast(pl.Float64) * weights.never_contacted
        + (pl.col("date_creation") >= recent_since).fill_null(False).cast(pl.Float64)
        * weights.recently_created
        + pl.col("siret").is_in(list(metier_sirets)).cast(pl.Float64) * weights.priority_metier
    )
    if "base_km" in firms.columns:
        score = score - pl.col("base_km").fill_null(0.0) / 10.0 * weights.distance
    if "supported" not in firms.columns:
        supported = pl.Series(_supported(store), dtype=pl.String).implode()
        firms = firms.with_columns(pl.col("siret").is_in(supported).alias("supported"))
    return firms.with_columns(score.round(2).alias("priority"))
