"""Each firm's prospecting status (its latest outcome), with the map's colours."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Connection, func, select

from planner.db.models import Contact
from planner.domain.outcomes import OUTCOMES

NOT_CONTACTED = "Pas encore contactée"

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


def attach_status(conn: Connection, firms: pl.DataFrame) -> pl.DataFrame:
    """Add ``status``: the outcome of the firm's latest contact, or « Pas encore contactée »."""
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
    joined = firms.join(table, on="siret", how="left", maintain_order="left")
    return joined.with_columns(pl.col("status").fill_null(NOT_CONTACTED))
