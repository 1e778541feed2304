"""Each firm's prospecting status (its latest outcome), with the map's colours.

A firm on the imported list of firms already supported (``supported_firm``)
that nobody has contacted yet has the status « Déjà accompagnée », the outcome
an adviser would have recorded; :func:`attach_supported` adds the flag itself.
"""

from __future__ import annotations

import polars as pl
from sqlalchemy import Connection, func, select

from planner.db.models import Contact, SupportedFirm
from planner.domain.outcomes import OUTCOMES

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
