"""Needs collected by the campaign, by ROME métier."""

from __future__ import annotations

import polars as pl

from planner.db.store import CampaignStore
from planner.io.naf_rome import rome_labels
from planner.services.followup.dashboard.data import Axis, FollowupData, load_followup

NO_CODE = "(non précisé)"
NEEDS_LABELS: dict[str, str] = {
    "rome_code": "Code ROME",
    "rome_label": "Métier",
    "posts": "Postes recueillis",
    "needs": "Besoins",
    "firms": "Entreprises",
    "offers": "Offres déposées",
}
NEEDS_SCHEMA: dict[str, pl.DataType] = {
    "rome_code": pl.String(),
    "rome_label": pl.String(),
    "posts": pl.Int64(),
    "needs": pl.Int64(),
    "firms": pl.Int64(),
    "offers": pl.Int64(),
}


def needs_table(
    data: FollowupData, axis: Axis | None = None, value: str | None = None
) -> pl.DataFrame:
    """Posts collected per ROME métier, most posts first.

    Args:
        data: the campaign's follow-up data.
        axis: with ``value``, keep only the needs of firms whose ``axis`` is ``value``
            (for example ``("commune", "Stains")``).
        value: see ``axis``.

    Returns:
        ``rome_code`` (:data:`NO_CODE` when the partner gave none),
        ``rome_label`` (empty when unknown), ``posts``, ``needs`` (needs
        recorded), ``firms`` (distinct firms) and ``offers`` (offers deposited).
    """
    needs = data.needs
    if axis is not None and value is not None:
        keep = data.firms.filter(pl.col(axis) == value).select("siret")
        needs = needs.join(keep, on="siret", how="semi")
    if needs.is_empty():
        return pl.DataFrame(schema=NEEDS_SCHEMA)
    labels = rome_labels()
    table = (
        needs.with_columns(pl.col("rome_code").str.to_uppercase().fill_null(NO_CODE))
        .group_by("rome_code")
        .agg(
            pl.col("posts").fill_null(0).sum().alias("posts"),
            pl.len().alias("needs"),
            pl.col("siret").n_unique().alias("firms"),
            pl.col("offer").fill_null(False).sum().alias("offers"),
        )
        .with_columns(
            pl.col("rome_code")
            .replace_strict(labels, default="", return_dtype=pl.String())
            .alias("rome_label")
        )
        .sort(["posts", "rome_code"], descending=[True, False])
    )
    return table.select(list(NEEDS_SCHEMA)).cast(NEEDS_SCHEMA)  # type: ignore[arg-type]


def needs_by_rome(
    store: CampaignStore, axis: Axis | None = None, value: str | None = None
) -> pl.DataFrame:
    """The needs of ``store``'s campaign by ROME métier (see :func:`needs_table`)."""
    return needs_table(load_followup(store), axis, value)
