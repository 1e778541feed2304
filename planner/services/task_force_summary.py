"""Teams (capacity and assigned) and assignment counts for ``planner info --json``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from planner.db.models import Adviser, Assignment, Partner, Team
from planner.db.store import CampaignStore
from planner.services.task_force import team_capacity


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
