"""Priority scores of the campaign's firms, from the coordinator's weights."""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import select

from planner.db import models
from planner.db.store import CampaignStore
from planner.domain.headcount_bands import BAND_ORDER
from planner.domain.priority import RECENT_YEARS, PriorityWeights

SETTING_KEY = "priority_weights"


def load_weights(store: CampaignStore) -> PriorityWeights:
    """The campaign's weights (defaults if never set)."""
    with store.session() as session:
        setting = session.get(models.Setting, SETTING_KEY)
        return PriorityWeights.from_json(setting.value) if setting else PriorityWeights()


def save_weights(store: CampaignStore, weights: PriorityWeights) -> None:
    """Store the weights in the campaign."""
    with store.session() as session:
        setting = session.get(models.Setting, SETTING_KEY)
        if setting is None:
            session.add(models.Setting(key=SETTING_KEY, value=weights.to_json()))
        else:
            setting.value = weights.to_json()


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
    ``base_km`` — distance to the adviser's base) plus a ``priority`` column."""
    today = today or dt.date.today()
    contacted, needs = _contacted(store)
    metier_sirets = {k.split(":")[0] for k in needs if k.split(":")[1] in set(weights.metiers)}
    band_rank = {band: i / (len(BAND_ORDER) - 1) for i, band in enumerate(BAND_ORDER)}
    naf = pl.col("naf_code").fill_null("").str.replace_all(r"\.", "")
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
    return firms.with_columns(score.round(2).alias("priority"))
