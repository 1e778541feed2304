"""The task force in a campaign: partners, remit rules, teams, advisers, assignments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from planner.db.bulk import bulk_insert
from planner.db.models import Adviser, Assignment, Partner, RemitRule, Team
from planner.db.row_versions import next_version
from planner.db.store import CampaignStore
from planner.db.write_lock import take_write_lock
from planner.domain.errors import PlannerError
from planner.domain.remit import Rule, validate_rule
from planner.services.shared_campaign.conflicts import StaleVersion
from planner.services.task_force.assignment_writes import (
    AssignmentChange,
    Held,
    State,
    describe_conflict,
    lock_all_assignments,
    read_state,
    run_write,
    write_states,
)
from planner.services.task_force.task_force_model import (
    AdviserChoice,
    TaskForce,
    TeamInfo,
    adviser_choices,
    load_task_force,
    team_capacity,
)

__all__ = [
    "AdviserChoice",
    "TaskForce",
    "TeamInfo",
    "adviser_choices",
    "load_task_force",
    "team_capacity",
]

PARTNER_KINDS = {
    "france_travail": "Agence France Travail",
    "mission_locale": "Mission Locale",
    "cap_emploi": "Cap emploi",
    "maison_emploi": "Maison de l'emploi",
    "cci": "CCI",
    "cma": "CMA",
    "apec": "APEC",
    "collectivite": "Collectivité locale",
    "autre": "Autre",
}


def add_partner(
    store: CampaignStore,
    name: str,
    kind: str,
    *,
    exclusive: bool = False,
    rules: Sequence[Rule] = (),
) -> int:
    """Create a partner with its remit rules; return its id."""
    if kind not in PARTNER_KINDS:
        raise PlannerError(f"Type de partenaire inconnu « {kind} ».")
    for rule in rules:
        problem = validate_rule(rule)
        if problem:
            raise PlannerError(f"Partenaire {name} : {problem}.")
    with store.session() as session:
        partner = Partner(name=name, kind=kind, exclusive=exclusive)
        partner.rules = [RemitRule(kind=r.kind, value=r.value) for r in rules]
        session.add(partner)
        session.flush()
        return partner.id


def add_team(store: CampaignStore, partner_id: int, name: str, capacity: int | None) -> int:
    """Create a team of a partner; return its id."""
    with store.session() as session:
        team = Team(partner_id=partner_id, name=name, capacity=capacity)
        session.add(team)
        session.flush()
        return team.id


def add_adviser(
    store: CampaignStore,
    team_id: int,
    name: str,
    *,
    email: str | None = None,
    phone: str | None = None,
    capacity: int | None = None,
) -> int:
    """Create an adviser in a team; return its id."""
    with store.session() as session:
        adviser = Adviser(team_id=team_id, name=name, email=email, phone=phone, capacity=capacity)
        session.add(adviser)
        session.flush()
        return adviser.id


def assign_firms(
    store: CampaignStore,
    sirets: Sequence[str],
    team_id: int | None,
    *,
    adviser_id: int | None = None,
    locked: bool | None = True,
    expected: Mapping[str, int | None] | None = None,
) -> AssignmentChange:
    """Assign firms by hand (``team_id`` None removes them), in one transaction.

    Args:
        locked: lock (True) or unlock (False) the firms; None keeps each firm's
            lock as it is (a locked firm moved stays locked, no firm is unlocked).
        expected: the version of each firm's assignment when the user saw it
            (None for a firm without one); a firm changed since refuses the
            whole write. None writes over whatever is there now.

    Returns:
        The state replaced and the state written: undo with :func:`restore_assignments`.

    Raises:
        StaleVersion: a firm changed since ``expected`` was read.
    """
    with store.session() as session:
        if adviser_id is not None:
            adviser = session.get(Adviser, adviser_id)
            if adviser is None:
                raise PlannerError("Conseiller introuvable.")
            team_id = adviser.team_id
    if team_id is not None:
        from planner.services.task_force.remit_cache import check_remit

        check_remit(store, sirets, team_id)
    target: State = {
        s: Held(team_id, adviser_id, bool(locked)) if team_id is not None else None for s in sirets
    }
    if locked is not None or team_id is None:
        return run_write(store, target, lambda session: write_states(session, target, expected))
    team = team_id

    def keep_locks(session: Session) -> AssignmentChange:
        take_write_lock(session)
        current = read_state(session, sirets, lock=True)
        kept: State = {
            s: Held(team, adviser_id, bool(h is not None and h.locked)) for s, h in current.items()
        }
        return write_states(session, kept, expected)

    return run_write(store, target, keep_locks)


def previous_assignments(store: CampaignStore, sirets: Sequence[str]) -> State:
    """The current state of these firms' assignments, with their versions."""
    with store.session() as session:
        return read_state(session, sirets)


def restore_assignments(store: CampaignStore, change: AssignmentChange) -> AssignmentChange:
    """Put back the state a change replaced (undo), if no one changed these firms since.

    Returns:
        The change this write made (restoring it in turn redoes the first one).

    Raises:
        StaleVersion: someone changed one of these firms after ``change``.
    """
    target = change.before
    return run_write(
        store, target, lambda session: write_states(session, target, change.versions())
    )


def set_locked(
    store: CampaignStore,
    sirets: Sequence[str],
    locked: bool,
    expected: Mapping[str, int | None] | None = None,
) -> AssignmentChange:
    """Lock or unlock the assignments of these firms (those without a team are left out)."""

    def work(session: Session) -> AssignmentChange:
        take_write_lock(session)
        current = read_state(session, sirets, lock=True)
        target: State = {
            s: Held(h.team_id, h.adviser_id, locked, source=h.source)
            for s, h in current.items()
            if h is not None
        }
        return write_states(session, target, expected)

    return run_write(store, dict.fromkeys(sirets), work)


AssignmentRow = tuple[str, int, int | None, bool, str, dt.datetime]
_ASSIGNMENT_COLUMNS = ["siret", "team_id", "adviser_id", "locked", "source", "assigned_at"]


def snapshot_assignments(store: CampaignStore) -> list[AssignmentRow]:
    """Every assignment as it is now (to undo a whole division)."""
    with store.session() as session:
        rows = session.execute(
            select(
                Assignment.siret,
                Assignment.team_id,
                Assignment.adviser_id,
                Assignment.locked,
                Assignment.source,
                Assignment.assigned_at,
            ).order_by(Assignment.siret)
        ).all()
    return [(s, int(t), a, bool(lk), src, at) for s, t, a, lk, src, at in rows]


def assignment_versions(store: CampaignStore) -> dict[str, int]:
    """The version of every assignment now (to check a whole rewrite against)."""
    with store.session() as session:
        return {s: int(v) for s, v in session.execute(select(Assignment.siret, Assignment.version))}


def replace_assignments(
    store: CampaignStore,
    rows: Sequence[AssignmentRow],
    expected: Mapping[str, int] | None = None,
) -> dict[str, int]:
    """Put every assignment back as in ``rows`` (one transaction, other writers kept out).

    Rows naming a team or adviser deleted since are dropped (or lose their
    adviser), so that an old snapshot never breaks a foreign key.

    Args:
        expected: every assignment's version as the caller left it
            (:func:`assignment_versions`); when one changed since, nothing is
            written.

    Returns:
        The versions after the rewrite (what the next rewrite expects).

    Raises:
        StaleVersion: an assignment changed (or appeared, or went) since ``expected``.
    """

    def work(session: Session) -> dict[str, int]:
        lock_all_assignments(session)
        current = read_state(session, list(session.scalars(select(Assignment.siret))))
        if expected is not None:
            changed = sorted(
                s
                for s in set(current) | set(expected)
                if expected.get(s) != (h.version if (h := current.get(s)) else None)
            )
            if changed:
                first = changed[0]
                raise StaleVersion(
                    describe_conflict(
                        session,
                        first,
                        None,
                        current.get(first),
                        expected.get(first),
                        len(changed) - 1,
                    )
                )
        teams = set(session.scalars(select(Team.id)))
        advisers = set(session.scalars(select(Adviser.id)))
        kept = [
            (s, t, a if a in advisers else None, lk, src, at, next_version())
            for s, t, a, lk, src, at in rows
            if t in teams
        ]
        session.execute(delete(Assignment))
        bulk_insert(session, "assignment", [*_ASSIGNMENT_COLUMNS, "version"], kept)
        return {row[0]: row[-1] for row in kept}

    return run_write(store, {}, work)
