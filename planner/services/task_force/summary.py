"""Teams (capacity and assigned) and assignment counts for ``planner info --json``."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
from sqlalchemy import func, select

from planner.db.models import Adviser, Assignment, Partner, Team
from planner.db.store import CampaignStore
from planner.services.task_force.division.quality import count_pieces
from planner.services.task_force.division.solver import capacity_targets, project_km
from planner.services.task_force.task_force import team_capacity


def team_rows(store: CampaignStore) -> list[dict[str, Any]]:
    """One row per team: partner, capacity, assigned and locked firms, communes, advisers."""
    with store.session() as session:
        assigned: dict[int, int] = {
            int(t): int(n)
            for t, n in session.execute(
                select(Assignment.team_id, func.count()).group_by(Assignment.team_id)
            )
        }
        locked: dict[int, int] = {
            int(t): int(n)
            for t, n in session.execute(
                select(Assignment.team_id, func.count())
                .where(Assignment.locked.is_(True))
                .group_by(Assignment.team_id)
            )
        }
        rows = []
        for team in session.scalars(select(Team).order_by(Team.id)):
            capacity = team_capacity(team)
            count = int(assigned.get(team.id, 0))
            rows.append(
                {
                    "id": team.id,
                    "team": team.name,
                    "partner": team.partner.name,
                    "capacity": capacity,
                    "assigned": count,
                    "locked": int(locked.get(team.id, 0)),
                    "advisers": len(team.advisers),
                }
            )
        return rows


def task_force_summary(store: CampaignStore) -> dict[str, Any]:
    """The keys this area adds to ``campaign_info``."""
    with store.session() as session:
        partners = session.scalar(select(func.count()).select_from(Partner)) or 0
        advisers = session.scalar(select(func.count()).select_from(Adviser)) or 0
        total = session.scalar(select(func.count()).select_from(Assignment)) or 0
        with_adviser = (
            session.scalar(
                select(func.count())
                .select_from(Assignment)
                .where(Assignment.adviser_id.is_not(None))
            )
            or 0
        )
        manual = (
            session.scalar(
                select(func.count()).select_from(Assignment).where(Assignment.source == "manual")
            )
            or 0
        )
        locked = (
            session.scalar(
                select(func.count()).select_from(Assignment).where(Assignment.locked.is_(True))
            )
            or 0
        )
    return {
        "partners": int(partners),
        "advisers": int(advisers),
        "teams": team_rows(store),
        "assignments": {
            "total": int(total),
            "with_adviser": int(with_adviser),
            "manual": int(manual),
            "locked": int(locked),
        },
    }


def summary_rows(store: CampaignStore, firms: pl.DataFrame) -> list[dict[str, Any]]:
    """Team rows for the app's summary table: :func:`team_rows` plus each team's
    target share, deviation from it, communes and pieces (disjoint areas) among
    ``firms`` (the loaded firm frame, with its ``team_id`` column)."""
    rows = team_rows(store)
    assigned = firms.filter(pl.col("team_id").is_not_null())
    communes = dict(assigned.group_by("team_id").agg(pl.col("commune_code").n_unique()).iter_rows())
    placed = assigned.filter(pl.col("lon").is_not_null() & pl.col("lat").is_not_null())
    xy = project_km(placed["lon"].to_numpy(), placed["lat"].to_numpy())
    team_of = placed["team_id"].to_numpy()
    total = sum(r["assigned"] for r in rows)
    capacities = np.array([r["capacity"] for r in rows], dtype=float)
    targets = capacity_targets(total, capacities) if rows else np.zeros(0)
    for row, target in zip(rows, targets.tolist(), strict=True):
        row["target"] = int(target)
        row["deviation_pct"] = 100.0 * (row["assigned"] - target) / target if target else 0.0
        row["communes"] = int(communes.get(row["id"], 0))
        row["pieces"] = count_pieces(xy[team_of == row["id"]])
    return rows
