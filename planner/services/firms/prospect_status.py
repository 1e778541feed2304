"""Each firm's prospecting status (its latest outcome), with the map's colours,
and its stage (how far the task force got with it: the firm table's « Statut »).

A firm on the imported list of firms already supported (``supported_firm``)
that nobody has contacted yet has the status « Déjà accompagnée », the outcome
an adviser would have recorded; :func:`attach_supported` adds the flag itself.
"""

from __future__ import annotations

import polars as pl
from sqlalchemy import Connection, case, exists, func, select

from planner.db.models import Contact, ContactNeed, SupportedFirm
from planner.domain.outcomes import OUTCOMES, REACHED, WITH_NEED

NOT_CONTACTED = "Pas encore contactée"
ALREADY_SUPPORTED = "Déjà accompagnée"

STATUS_ORDER: tuple[str, ...] = (NOT_CONTACTED, *OUTCOMES)
STATUS_COLORS: dict[str, str] = {
    NOT_CONTACTED: "#bdbdbd",
    "Non joint": "#fdd49e",
    "À rappeler": "#fdae61",
    "Pas de besoin": "#74add1",
    "Besoin recueilli": "#66bd63",
    "Offre déposée": "#1a9850",
    "Refus": "#d73027",
    "Entreprise fermée / injoignable": "#4d4d4d",
    "Déjà accompagnée": "#8073ac",
}


def attach_supported(conn: Connection, firms: pl.DataFrame) -> pl.DataFrame:
    """Add ``supported``: whether the firm is on the list of firms already supported."""
    sirets = pl.Series(sorted(conn.scalars(select(SupportedFirm.siret))), dtype=pl.String)
    return firms.with_columns(pl.col("siret").is_in(sirets.implode()).alias("supported"))


def attach_status(conn: Connection, firms: pl.DataFrame) -> pl.DataFrame:
    """Add ``status``: the outcome of the firm's latest contact; for a firm never
    contacted, « Déjà accompagnée » if it is on the list of firms already
    supported, else « Pas encore contactée »."""
    latest = (
        select(
            Contact.siret,
            Contact.outcome,
            func.row_number()
            .over(
                partition_by=Contact.siret,
                order_by=(Contact.date.desc(), Contact.recorded_at.desc(), Contact.id.desc()),
            )
            .label("n"),
        )
    ).subquery()
    rows = conn.execute(select(latest.c.siret, latest.c.outcome).where(latest.c.n == 1)).all()
    table = pl.DataFrame(rows, schema={"siret": pl.String(), "status": pl.String()}, orient="row")
    joined = attach_supported(
        conn, firms.join(table, on="siret", how="left", maintain_order="left")
    )
    return joined.with_columns(
        pl.when(pl.col("status").is_not_null())
        .then(pl.col("status"))
        .when(pl.col("supported"))
        .then(pl.lit(ALREADY_SUPPORTED))
        .otherwise(pl.lit(NOT_CONTACTED))
        .alias("status")
    ).drop("supported")


# --- the prospecting stage: how far the task force got with the firm ----------------

STAGE_NOT_CONTACTED = "Non contactée"
STAGE_CONTACTED = "Contactée"
STAGE_REACHED = "Jointe"
STAGE_NEED = "Besoin"
STAGE_ACCOMPANIED = "Accompagnée"

STAGE_ORDER: tuple[str, ...] = (
    STAGE_NOT_CONTACTED,
    STAGE_CONTACTED,
    STAGE_REACHED,
    STAGE_NEED,
    STAGE_ACCOMPANIED,
)
"""The stages in the order a firm goes through them (the table sorts in this order)."""

STAGE_COLORS: dict[str, str] = {
    STAGE_NOT_CONTACTED: "#bdbdbd",
    STAGE_CONTACTED: "#a1dab4",
    STAGE_REACHED: "#41b6c4",
    STAGE_NEED: "#2c7fb8",
    STAGE_ACCOMPANIED: "#253494",
}
"""The map's colours of the stages: grey, then an ordered palette (light to dark)."""

ACCOMPANIED_COLUMN = "accompanied"
"""The hook for « Accompagnée »: a boolean column of the frame, true for a firm that
received a service counting as accompaniment. Whoever computes it adds it to the
frame before :func:`attach_stage` runs (``firm_table._build``); without it, no firm
is « Accompagnée » and the stage stops at « Besoin »."""


def attach_stage(conn: Connection, firms: pl.DataFrame) -> pl.DataFrame:
    """Add ``stage``: the furthest point the task force reached with the firm.

    Over the whole history, not the latest call (a firm reached once stays
    reached after a later « Non joint »), as the dashboard counts: « Contactée »
    once any contact is recorded, « Jointe » when someone at the firm was
    spoken to (:data:`REACHED`), « Besoin » when a need was collected (an
    outcome of :data:`WITH_NEED` or a need row), « Accompagnée » when the
    frame's :data:`ACCOMPANIED_COLUMN` says so.
    """
    need = exists(select(ContactNeed.id).where(ContactNeed.contact_id == Contact.id))
    level = case(
        (Contact.outcome.in_(sorted(WITH_NEED)) | need, 3),
        (Contact.outcome.in_(sorted(REACHED)), 2),
        else_=1,
    )
    rows = conn.execute(select(Contact.siret, func.max(level)).group_by(Contact.siret)).all()
    levels = pl.DataFrame(
        rows, schema={"siret": pl.String(), "stage_level": pl.Int64()}, orient="row"
    )
    joined = firms.join(levels, on="siret", how="left", maintain_order="left")
    level_expr = pl.col("stage_level").fill_null(0)
    if ACCOMPANIED_COLUMN in joined.columns:
        level_expr = (
            pl.when(pl.col(ACCOMPANIED_COLUMN).fill_null(False)).then(4).otherwise(level_expr)
        )
    labels = dict(enumerate(STAGE_ORDER))
    return joined.with_columns(
        level_expr.replace_strict(labels, return_dtype=pl.String).alias("stage")
    ).drop("stage_level")
