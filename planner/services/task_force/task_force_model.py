"""The task force as the division and the remit checks read it: partners' remits and teams."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from planner.db.models import Adviser, Partner, Team
from planner.db.store import CampaignStore
from planner.domain.remit import Remit, Rule


@dataclass(frozen=True)
class TeamInfo:
    """A team as the division sees it."""

    id: int
    name: str
    partner_index: int
    capacity: int
    adviser_ids: tuple[int, ...]
    adviser_capacities: tuple[int | None, ...]


@dataclass(frozen=True)
class TaskForce:
    """Partners' remits (index = partner index) and teams."""

    partners: tuple[str, ...]
    remits: tuple[Remit, ...]
    teams: tuple[TeamInfo, ...]


def team_capacity(team: Team) -> int:
    """The team's capacity, or the sum of its advisers' when it has none."""
    if team.capacity is not None:
        return team.capacity
    return sum(a.capacity or 0 for a in team.advisers)


def load_task_force(store: CampaignStore) -> TaskForce:
    """Every partner and team, in id order."""
    with store.session() as session:
        partners = session.scalars(
            select(Partner).options(selectinload(Partner.rules)).order_by(Partner.id)
        ).all()
        index = {p.id: i for i, p in enumerate(partners)}
        remits = tuple(
            Remit(
                p.name,
                tuple(Rule(r.kind, r.value) for r in sorted(p.rules, key=lambda r: r.id)),
                p.exclusive,
            )
            for p in partners
        )
        teams = tuple(
            TeamInfo(
                t.id,
                t.name,
                index[t.partner_id],
                team_capacity(t),
                tuple(a.id for a in sorted(t.advisers, key=lambda a: a.id)),
                tuple(a.capacity for a in sorted(t.advisers, key=lambda a: a.id)),
            )
            for t in session.scalars(
                select(Team).options(selectinload(Team.advisers)).order_by(Team.id)
            ).all()
        )
        return TaskForce(tuple(p.name for p in partners), remits, teams)


@dataclass(frozen=True, slots=True)
class AdviserChoice:
    """An adviser as a picker offers it: with the team the adviser belongs to."""

    id: int
    name: str
    team_name: str
    team_id: int = 0


def adviser_choices(store: CampaignStore) -> list[AdviserChoice]:
    """Every adviser with their team, by team (in id order) then by name."""
    with store.session() as session:
        rows = session.execute(
            select(Adviser.id, Adviser.name, Team.name, Team.id)
            .join(Team, Team.id == Adviser.team_id)
            .order_by(Team.id, Adviser.name)
        )
        return [AdviserChoice(id=i, name=a, team_name=t, team_id=team) for i, a, t, team in rows]
