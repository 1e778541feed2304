"""The assignment columns of the firm frame: team and adviser of each firm."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Connection, case, select

from planner.db.models import Adviser, Assignment, Team
from planner.services.firms.column_read import read_columns

ASSIGNMENT_SCHEMA: dict[str, pl.DataType] = {
    "team_id": pl.Int64(),
    "team": pl.String(),
    "adviser_id": pl.Int64(),
    "adviser": pl.String(),
    "locked": pl.Boolean(),
    "team_capacity": pl.Int64(),
    "assignment_version": pl.Int64(),
}


def attach_assignments(conn: Connection, firms: pl.DataFrame) -> pl.DataFrame:
    """Add ``team_id``, ``team``, ``adviser_id``, ``adviser``, ``locked``, ``team_capacity``
    and ``assignment_version`` (what a manual assignment names as the version it saw)."""
    query = select(
        Assignment.siret.label("siret"),
        Assignment.team_id.label("team_id"),
        Assignment.adviser_id.label("adviser_id"),
        # An integer on every backend (PostgreSQL's COPY writes booleans as t/f).
        case((Assignment.locked.is_(True), 1), else_=0).label("locked"),
        Assignment.version.label("assignment_version"),
    )
    types: dict[str, pl.DataType] = {
        "siret": pl.String(),
        "team_id": pl.Int64(),
        "adviser_id": pl.Int64(),
        "locked": pl.Int64(),
        "assignment_version": pl.Int64(),
    }
    # Columns straight from the driver, names joined here: 500,000 rows through
    # SQLAlchemy's Row, with two names each, took seconds.
    table = read_columns(conn, query, types)
    teams = conn.execute(select(Team.id, Team.name, Team.capacity)).all()
    advisers = conn.execute(
        select(Adviser.id, Adviser.team_id, Adviser.name, Adviser.capacity)
    ).all()
    summed: dict[int, int] = {}
    for _id, team_id, _name, capacity in advisers:
        summed[team_id] = summed.get(team_id, 0) + (capacity or 0)
    team_frame = pl.DataFrame(
        [(t, name, c if c is not None else summed.get(t, 0)) for t, name, c in teams],
        schema={"team_id": pl.Int64(), "team": pl.String(), "team_capacity": pl.Int64()},
        orient="row",
    )
    adviser_frame = pl.DataFrame(
        [(a, name) for a, _t, name, _c in advisers],
        schema={"adviser_id": pl.Int64(), "adviser": pl.String()},
        orient="row",
    )
    table = (
        table.join(team_frame, on="team_id", how="inner")
        .join(adviser_frame, on="adviser_id", how="left")
        .select("siret", *[pl.col(name).cast(dtype) for name, dtype in ASSIGNMENT_SCHEMA.items()])
    )
    return firms.join(table, on="siret", how="left", maintain_order="left")
