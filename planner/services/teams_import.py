"""Import the teams workbook into a campaign, keeping what already matches."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import delete, select

from planner.db.models import Adviser, Partner, RemitRule, Team
from planner.db.store import CampaignStore
from planner.io.teams_workbook import read_teams_workbook


def _deleted(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def import_teams(store: CampaignStore, path: Path) -> dict[str, Any]:
    """Create or update partners, rules, teams and advisers by name (one transaction).

    Teams and advisers keep their ids (and so their firms) when their names
    match; those no longer in the workbook are removed with their assignments.
    """
    book = read_teams_workbook(path)
    counts = {"partners": 0, "teams": 0, "advisers": 0}
    wanted_partners = [p.name for p in book.partners]
    wanted_teams = [t.name for t in book.teams]
    with store.session() as session:
        # The database cascades to rules, advisers and assignments.
        gone_teams = _deleted(session.execute(delete(Team).where(Team.name.not_in(wanted_teams))))
        gone = _deleted(
            session.execute(delete(Partner).where(Partner.name.not_in(wanted_partners)))
        )
        counts["removed_teams"] = gone_teams
        counts["removed_partners"] = gone
        session.expire_all()
        partners = {p.name: p for p in session.scalars(select(Partner))}
        teams = {t.name: t for t in session.scalars(select(Team))}
        for row in book.partners:
            partner = partners.get(row.name) or Partner(name=row.name)
            partner.kind = row.kind
            partner.exclusive = row.exclusive
            partner.address = row.address
            partner.rules = [RemitRule(kind=r.kind, value=r.value) for r in row.rules]
            session.add(partner)
            partners[row.name] = partner
            counts["partners"] += 1
        session.flush()
        for team_row in book.teams:
            team = teams.get(team_row.name) or Team(name=team_row.name)
            team.partner_id = partners[team_row.partner].id
            team.capacity = team_row.capacity
            session.add(team)
            session.flush()
            existing = {a.name: a for a in team.advisers}
            keep = set()
            for name, email, phone, capacity in team_row.advisers:
                adviser = existing.get(name) or Adviser(name=name, team_id=team.id)
                adviser.email, adviser.phone, adviser.capacity = email, phone, capacity
                session.add(adviser)
                keep.add(name)
                counts["advisers"] += 1
            for name, adviser in existing.items():
                if name not in keep:
                    session.delete(adviser)
            counts["teams"] += 1
    return counts
