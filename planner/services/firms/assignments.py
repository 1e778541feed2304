"""The assignment columns of the firm frame: team and adviser of each firm."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Connection, select

from planner.db.models import Adviser, Assignment, Team

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
    query = (
        select(
            Assignment.siret,
            Assignment.team_id,
            Team.name,
            Assignment.adviser_id,
            Adviser.name,
            Assignment.locked,
            Assignment.version,
        )
        .join(Team, Team.id == Assignment.team_id)
        .outerjoin(Adviser, Adviser.id == Assignment.adviser_id)
    )
    rows = conn.execute(query).all()
    own: dict[int, int | None] = {
        int(t): c for t, c in conn.execute(select(Team.id, Team.capacity))
    }
    summed: dict[int, int] = {}
    for team_id, capacity in conn.execute(select(Adviser.team_id, Adviser.capacity)):
        summed[team_id] = summed.get(team_id, 0) + (capacity or 0)
    capacity = {t: c if c is not None else summed.get(t, 0) for t, c in own.items()}
    schema = {"siret": pl.String(), **ASSIGNMENT_SCHEMA}
    table = pl.DataFrame(
        [(*r[:-1], capacity.get(r[1]), r[-1]) for r in rows], schema=schema, orient="row"
    )
    return firms.join(table, on="siret", how="left", maintain_order="left")
