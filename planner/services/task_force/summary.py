"""Teams (capacity and assigned) and assignment counts for ``planner info --json``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from sqlalchemy import func, select

from planner.db.models import Adviser, Assignment, Partner, Team
from planner.db.store import CampaignStore
from planner.services.task_force.division.quality import count_pieces
from planner.services.task_force.division.solver import capacity_targets, project_km
from planner.services.task_force.task_force import team_capacity


@dataclass(frozen=True, slots=True)
class TeamRow:
    """One team as ``planner teams list`` shows it.

    Attributes:
        id: the team's id.
        team: its name.
        partner: its partner's name.
        capacity: firms it can take (its own, or the sum of its advisers').
        assigned: firms assigned to it.
        locked: of which locked (kept by a new division).
        advisers: its advisers.
    """

    id: int
    team: str
    partner: str
    capacity: int
    assigned: int
    locked: int
    advisers: int


@dataclass(frozen=True, slots=True)
class TeamSummaryRow:
    """One row of the app's team summary: a :class:`TeamRow` and how the team's area looks.

    Attributes:
        target: the team's share of the assigned firms, by capacity.
        deviation_pct: how far ``assigned`` is from ``target``, in percent of it.
        communes: communes the team's firms lie in.
        pieces: disjoint areas the team's placed firms form.
    """

    id: int
    team: str
    partner: str
    capacity: int
    assigned: int
    locked: int
    advisers: int
    target: int
    deviation_pct: float
    communes: int
    pieces: int


@dataclass(frozen=True, slots=True)
class AssignmentCounts:
    """Assignments in the campaign: all, with an adviser, made by hand, locked."""

    total: int
    with_adviser: int
    manual: int
    locked: int


@dataclass(frozen=True, slots=True)
class TaskForceSummary:
    """Partners, advisers, teams and assignments, as ``planner info --json`` shows them."""

    partners: int
    advisers: int
    teams: list[TeamRow]
    assignments: AssignmentCounts


def team_rows(store: CampaignStore) -> list[TeamRow]:
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
                TeamRow(
                    id=team.id,
                    team=team.name,
                    partner=team.partner.name,
                    capacity=capacity,
                    assigned=count,
                    locked=int(locked.get(team.id, 0)),
                    advisers=len(team.advisers),
                )
            )
        return rows


def task_force_summary(store: CampaignStore) -> TaskForceSummary:
    """What this area adds to ``campaign_info``."""
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
    return TaskForceSummary(
        partners=int(partners),
        advisers=int(advisers),
        teams=team_rows(store),
        assignments=AssignmentCounts(
            total=int(total),
            with_adviser=int(with_adviser),
            manual=int(manual),
            locked=int(locked),
        ),
    )


def summary_rows(store: CampaignStore, firms: pl.DataFrame) -> list[TeamSummaryRow]:
    """Team rows for the app's summary table: :func:`team_rows` plus each team's
    target share, deviation from it, communes and pieces (disjoint areas) among
    ``firms`` (the loaded firm frame, with its ``team_id`` column)."""
    rows = team_rows(store)
    assigned = firms.filter(pl.col("team_id").is_not_null())
    communes = dict(assigned.group_by("team_id").agg(pl.col("commune_code").n_unique()).iter_rows())
    placed = assigned.filter(pl.col("lon").is_not_null() & pl.col("lat").is_not_null())
    xy = project_km(placed["lon"].to_numpy(), placed["lat"].to_numpy())
    team_of = placed["team_id"].to_numpy()
    total = sum(r.assigned for r in rows)
    capacities = np.array([r.capacity for r in rows], dtype=float)
    targets = capacity_targets(total, capacities) if rows else np.zeros(0)
    return [
        TeamSummaryRow(
            id=row.id,
            team=row.team,
            partner=row.partner,
            capacity=row.capacity,
            assigned=row.assigned,
            locked=row.locked,
            advisers=row.advisers,
            target=int(target),
            deviation_pct=100.0 * (row.assigned - target) / target if target else 0.0,
            communes=int(communes.get(row.id, 0)),
            pieces=count_pieces(xy[team_of == row.id]),
        )
        for row, target in zip(rows, targets.tolist(), strict=True)
    ]
