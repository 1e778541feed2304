"""Import the teams workbook into a campaign, keeping what already matches."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from planner.db.models import Adviser, Assignment, Partner, RemitRule, Team
from planner.db.store import CampaignStore
from planner.domain.errors import PlannerError
from planner.io.teams_workbook import TeamsBook, read_teams_workbook
from planner.services.campaign.naf_reference import (
    lock_reference,
    reference_nomenclature,
)
from planner.services.task_force.edit import bassin_communes, check_rule, normalise_rule


@dataclass(frozen=True, slots=True)
class TeamsImportImpact:
    """What importing a teams workbook would remove.

    Attributes:
        removed_partners: partners absent from the workbook, by name.
        removed_teams: teams absent from the workbook, by name.
        unassigned_firms: firms whose team would go.
    """

    removed_partners: list[str]
    removed_teams: list[str]
    unassigned_firms: int


@dataclass(frozen=True, slots=True)
class TeamsImportCounts:
    """What an import of the teams workbook did (``planner teams import --json``).

    Attributes:
        partners: partners created or updated.
        teams: teams created or updated.
        advisers: advisers created or updated.
        unassigned_firms: firms that lost their team (a removed team's).
        removed_teams: teams removed, absent from the workbook.
        removed_partners: partners removed, absent from the workbook.
    """

    partners: int
    teams: int
    advisers: int
    unassigned_firms: int
    removed_teams: int
    removed_partners: int


def _deleted(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _read_book(store: CampaignStore, path: Path) -> tuple[TeamsBook, str]:
    """The workbook, every rule checked against the nomenclatures and the bassin."""
    communes = bassin_communes(store)
    reference = reference_nomenclature(store)
    book = read_teams_workbook(
        path, lambda rule: check_rule(normalise_rule(rule.kind, rule.value), communes, reference)
    )
    for read in book.partners:
        read.rules = [normalise_rule(r.kind, r.value) for r in read.rules]
    return book, reference


def _check_reference_at_write(session: Session, book: TeamsBook, read_in: str, path: Path) -> None:
    """Refuse NAF rules the reference in force now does not know (it may have been
    switched since the workbook was read); the reference row stays locked until commit."""
    reference = lock_reference(session, write=False)
    if reference == read_in:
        return
    for partner in book.partners:
        for rule in partner.rules:
            if rule.kind == "naf" and (problem := check_rule(rule, (), reference)):
                raise PlannerError(
                    f"{path.name} : partenaire « {partner.name} », {problem} : la campagne "
                    "vient de changer de nomenclature de référence. Rien n'a été importé."
                )


def _orphaned_firms(session: Session, wanted_teams: list[str]) -> int:
    """Firms assigned to teams that the workbook no longer lists."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(Assignment)
            .join(Team, Team.id == Assignment.team_id)
            .where(Team.name.not_in(wanted_teams))
        )
        or 0
    )


def teams_import_impact(store: CampaignStore, path: Path) -> TeamsImportImpact:
    """What importing ``path`` would remove, without writing anything.

    Reads and checks the workbook (same errors as the import) and returns the
    partners and teams absent from it, and how many firms would lose their team.
    """
    book, _ = _read_book(store, path)
    wanted_partners = [p.name for p in book.partners]
    wanted_teams = [t.name for t in book.teams]
    with store.session() as session:
        partners = session.scalars(
            select(Partner.name).where(Partner.name.not_in(wanted_partners)).order_by(Partner.name)
        ).all()
        teams = session.scalars(
            select(Team.name).where(Team.name.not_in(wanted_teams)).order_by(Team.name)
        ).all()
        orphaned = _orphaned_firms(session, wanted_teams)
    return TeamsImportImpact(
        removed_partners=list(partners), removed_teams=list(teams), unassigned_firms=orphaned
    )


def import_teams(store: CampaignStore, path: Path) -> TeamsImportCounts:
    """Create or update partners, rules, teams and advisers by name (one transaction).

    Teams and advisers keep their ids (and so their firms) when their names
    match; those no longer in the workbook are removed with their assignments.
    """
    book, read_in = _read_book(store, path)
    partner_count = team_count = adviser_count = 0
    wanted_partners = [p.name for p in book.partners]
    wanted_teams = [t.name for t in book.teams]
    with store.session() as session:
        _check_reference_at_write(session, book, read_in, path)
        # The database cascades to rules, advisers and assignments.
        orphaned = _orphaned_firms(session, wanted_teams)
        gone_teams = _deleted(session.execute(delete(Team).where(Team.name.not_in(wanted_teams))))
        gone = _deleted(
            session.execute(delete(Partner).where(Partner.name.not_in(wanted_partners)))
        )
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
            partner_count += 1
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
                adviser_count += 1
            for name, adviser in existing.items():
                if name not in keep:
                    session.delete(adviser)
            team_count += 1
    return TeamsImportCounts(
        partners=partner_count,
        teams=team_count,
        advisers=adviser_count,
        unassigned_firms=orphaned,
        removed_teams=gone_teams,
        removed_partners=gone,
    )
