"""Versioned writes of assignments: no change made by someone else is ever lost.

Every write names the versions it was based on; the rows are locked (or, on
SQLite, the file's write lock taken) before they are compared, so that a firm
changed by another person meanwhile refuses the whole write with a
:class:`StaleVersion` saying who changed what. A write returns both states,
as read and as written, so that undo and redo can in turn name the versions
they expect (:class:`AssignmentChange`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Table, bindparam, delete, select, text, update
from sqlalchemy.orm import Session

from planner.db.bulk import bulk_insert
from planner.db.models import Adviser, Assignment, Establishment, Team
from planner.db.row_versions import next_version
from planner.db.store import CampaignStore
from planner.db.write_lock import take_write_lock
from planner.domain.errors import PlannerError
from planner.services.shared_campaign.conflicts import (
    Conflict,
    StaleVersion,
    format_value,
    is_unique_violation,
    last_change,
    retry_transient,
    sqlstate,
)

T = TypeVar("T")
CHUNK = 5000
FOREIGN_KEY_VIOLATION = "23503"


@dataclass(frozen=True, slots=True)
class Held:
    """A firm's assignment as read or written (``version`` 0 in a target: not yet written)."""

    team_id: int
    adviser_id: int | None
    locked: bool
    version: int = 0
    source: str = "manual"

    def same_values(self, other: Held | None) -> bool:
        """Whether ``other`` holds the same team, adviser, lock and source."""
        return other is not None and (
            self.team_id,
            self.adviser_id,
            self.locked,
            self.source,
        ) == (other.team_id, other.adviser_id, other.locked, other.source)


State = dict[str, Held | None]
"""Firms' assignments by SIRET; None for a firm without a team."""


@dataclass(frozen=True, slots=True)
class AssignmentChange:
    """A write of assignments: the state it replaced and the state it left.

    Undo writes ``before`` expecting the versions of ``after``
    (:func:`restore_change`), which gives the change to redo.
    """

    before: State
    after: State

    def versions(self) -> dict[str, int | None]:
        """The versions the write left (what the next write on these firms expects)."""
        return versions_of(self.after)


def versions_of(state: Mapping[str, Held | None]) -> dict[str, int | None]:
    """The version of each firm's row (None: no row)."""
    return {s: (h.version if h is not None else None) for s, h in state.items()}


def _chunks(items: Sequence[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), CHUNK):
        yield list(items[start : start + CHUNK])


def lock_all_assignments(session: Session) -> None:
    """Keep every other writer of assignments out until this transaction ends."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE assignment IN SHARE ROW EXCLUSIVE MODE"))
    else:
        take_write_lock(session)


def read_state(session: Session, sirets: Sequence[str], *, lock: bool = False) -> State:
    """These firms' assignments now; with ``lock``, locked until the transaction ends."""
    state: State = dict.fromkeys(sirets)
    postgres = session.get_bind().dialect.name == "postgresql"
    for chunk in _chunks(sorted(set(sirets))):
        query = (
            select(
                Assignment.siret,
                Assignment.team_id,
                Assignment.adviser_id,
                Assignment.locked,
                Assignment.version,
                Assignment.source,
            )
            .where(Assignment.siret.in_(chunk))
            .order_by(Assignment.siret)
        )
        if lock and postgres:
            query = query.with_for_update()
        for siret, team, adviser, locked, version, source in session.execute(query):
            state[siret] = Held(int(team), adviser, bool(locked), int(version), source)
    return state


def write_states(
    session: Session,
    target: Mapping[str, Held | None],
    expected: Mapping[str, int | None] | None = None,
) -> AssignmentChange:
    """Write ``target`` for each firm, after checking the versions in ``expected``.

    Firms missing from ``expected`` (or all, when it is None) are written
    whatever their version. Firms whose target equals what they hold are
    left as they are (same version).

    Raises:
        StaleVersion: a firm changed since ``expected`` was read; nothing written.
    """
    take_write_lock(session)
    sirets = list(target)
    current = read_state(session, sirets, lock=True)
    if expected is not None:
        seen = versions_of(current)
        stale = [s for s in sirets if s in expected and expected[s] != seen[s]]
        if stale:
            first = stale[0]
            raise StaleVersion(
                describe_conflict(
                    session, first, target[first], current[first], expected[first], len(stale) - 1
                )
            )
    now = dt.datetime.now()
    after: State = {}
    removed: list[str] = []
    updates: list[dict[str, object]] = []
    inserts: list[tuple[object, ...]] = []
    for siret in sirets:
        want, have = target[siret], current[siret]
        if want is None:
            after[siret] = None
            if have is not None:
                removed.append(siret)
            continue
        if want.same_values(have):
            after[siret] = have
            continue
        version = next_version(have.version if have is not None else None)
        after[siret] = Held(want.team_id, want.adviser_id, want.locked, version, want.source)
        if have is None:
            inserts.append(
                (siret, want.team_id, want.adviser_id, want.locked, want.source, now, version)
            )
        else:
            updates.append(
                {
                    "b_siret": siret,
                    "team_id": want.team_id,
                    "adviser_id": want.adviser_id,
                    "locked": want.locked,
                    "source": want.source,
                    "assigned_at": now,
                    "version": version,
                }
            )
    for chunk in _chunks(removed):
        session.execute(delete(Assignment).where(Assignment.siret.in_(chunk)))
    if updates:
        table = Assignment.__table__
        assert isinstance(table, Table)
        session.connection().execute(
            update(table).where(table.c.siret == bindparam("b_siret")),
            updates,
        )
    bulk_insert(
        session,
        "assignment",
        ["siret", "team_id", "adviser_id", "locked", "source", "assigned_at", "version"],
        inserts,
    )
    return AssignmentChange(before=current, after=after)


def run_write(
    store: CampaignStore,
    target: Mapping[str, Held | None],
    work: Callable[[Session], T],
) -> T:
    """Run ``work`` in one transaction, retried on serialization failures and deadlocks;
    an insert that lost a race to another person's becomes a :class:`StaleVersion`."""

    def once() -> T:
        with store.session() as session:
            return work(session)

    try:
        return retry_transient(once)
    except StaleVersion:
        raise
    except Exception as exc:
        if is_unique_violation(exc):
            raise race_conflict(store, target) from exc
        if sqlstate(exc) == FOREIGN_KEY_VIOLATION or "FOREIGN KEY" in str(exc):
            raise PlannerError(
                "L'équipe ou le conseiller choisi vient d'être supprimé par quelqu'un "
                "d'autre : rien n'a été enregistré. Rechargez la campagne."
            ) from exc
        raise


def race_conflict(store: CampaignStore, target: Mapping[str, Held | None]) -> StaleVersion:
    """The conflict of an insert that another person's insert beat (read afresh)."""
    if not target:
        return StaleVersion(Conflict(table="assignment", key="", label="Attributions"))
    with store.session() as session:
        current = read_state(session, list(target))
        assigned = [s for s in target if current[s] is not None]
        first = assigned[0] if assigned else next(iter(target))
        return StaleVersion(
            describe_conflict(
                session, first, target[first], current[first], None, max(0, len(assigned) - 1)
            )
        )


def describe_conflict(
    session: Session,
    siret: str,
    mine: Held | None,
    theirs: Held | None,
    expected: int | None,
    others: int = 0,
) -> Conflict:
    """A :class:`Conflict` on one firm's assignment, with names and the journal's who and when."""
    name = session.scalar(select(Establishment.name).where(Establishment.siret == siret))
    login, at = last_change(session, "assignment", siret)
    return Conflict(
        table="assignment",
        key=siret,
        label=f"{name or 'Établissement'} (SIRET {siret})",
        mine=held_values(session, mine),
        theirs=held_values(session, theirs),
        expected_version=expected,
        current_version=theirs.version if theirs is not None else None,
        login=login,
        at=at,
        others=others,
    )


def held_values(session: Session, held: Held | None) -> dict[str, str]:
    """An assignment as the conflict dialog shows it: French labels and names."""
    if held is None:
        return {"Équipe": "aucune (non attribuée)", "Conseiller": "—", "Verrouillée": "non"}
    team = session.scalar(select(Team.name).where(Team.id == held.team_id))
    adviser = (
        session.scalar(select(Adviser.name).where(Adviser.id == held.adviser_id))
        if held.adviser_id is not None
        else None
    )
    return {
        "Équipe": team or f"équipe n° {held.team_id}",
        "Conseiller": format_value(adviser),
        "Verrouillée": format_value(held.locked),
    }
