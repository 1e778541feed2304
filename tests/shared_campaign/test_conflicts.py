"""No lost update: stale versions refused, races turned into conflicts, divisions one at a time.

On a real SQLite file and on the real PostgreSQL server (``campaign_target``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from planner.db.models import Assignment, Team
from planner.db.store import CampaignStore, open_store
from planner.services.demo.demo_campaign import create_demo
from planner.services.shared_campaign.conflicts import (
    StaleVersion,
    TransientFailure,
    retry_transient,
)
from planner.services.shared_campaign.firm_edits import assign_firm, show_firm
from planner.services.task_force.division.run import DivisionBusy, divide_campaign, division_lock
from planner.services.task_force.task_force import (
    assign_firms,
    assignment_versions,
    replace_assignments,
    restore_assignments,
    snapshot_assignments,
)


@pytest.fixture
def campaign(campaign_target: str | Path) -> Iterator[str | Path]:
    create_demo(campaign_target, rows=1200, seed=5)
    yield campaign_target


def _assigned_firm(store: CampaignStore) -> tuple[str, str, str]:
    """A firm, its team's name and another team of the same partner's remit (by name)."""
    with store.session() as session:
        siret, team = session.execute(
            select(Assignment.siret, Team.name)
            .join(Team, Team.id == Assignment.team_id)
            .where(Team.name.like("FT %"))
            .order_by(Assignment.siret)
            .limit(1)
        ).one()
        others = list(session.scalars(select(Team.name).where(Team.name.like("FT %"))))
    other = next(n for n in others if n != team)
    return siret, team, other


def test_stale_if_version_changes_nothing(campaign: str | Path) -> None:
    with open_store(campaign) as store:
        siret, team, other = _assigned_firm(store)
        before = show_firm(store, siret)
        assert before.team == team and before.version is not None
        moved = assign_firm(store, siret, other, if_version=before.version)
        assert moved.team == other and moved.version != before.version
        with pytest.raises(StaleVersion) as caught:
            assign_firm(store, siret, team, if_version=before.version)
        conflict = caught.value.conflict
        assert conflict.current_version == moved.version
        assert conflict.theirs["Équipe"] == other and conflict.mine["Équipe"] == team
        assert conflict.login  # from the journal
        assert "Rien n'a été enregistré" in str(caught.value)
        assert show_firm(store, siret) == moved


def test_two_threads_same_version_one_wins(campaign: str | Path) -> None:
    with open_store(campaign) as store:
        siret, team, other = _assigned_firm(store)
        version = show_firm(store, siret).version
        barrier = threading.Barrier(2)
        results: list[object] = []

        def write(name: str) -> None:
            barrier.wait()
            try:
                results.append(assign_firm(store, siret, name, if_version=version))
            except StaleVersion as exc:
                results.append(exc)
            except Exception as exc:
                results.append(("crash", exc))

        threads = [threading.Thread(target=write, args=(n,)) for n in (other, team)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        stale = [r for r in results if isinstance(r, StaleVersion)]
        won = [r for r in results if not isinstance(r, StaleVersion)]
        assert len(stale) == 1 and len(won) == 1, results
        assert show_firm(store, siret).team == won[0].team  # type: ignore[attr-defined]
        assert stale[0].conflict.theirs["Équipe"] == won[0].team  # type: ignore[attr-defined]


def test_first_assignment_race_is_a_conflict_not_a_unique_violation(campaign: str | Path) -> None:
    with open_store(campaign) as store:
        siret, team, other = _assigned_firm(store)
        assign_firms(store, [siret], None)  # no team: the next writes insert
        barrier = threading.Barrier(2)
        results: list[object] = []

        def write(name: str) -> None:
            barrier.wait()
            try:
                results.append(assign_firm(store, siret, name, if_version=None))
            except StaleVersion as exc:
                results.append(exc)
            except Exception as exc:
                results.append(("crash", exc))

        threads = [threading.Thread(target=write, args=(n,)) for n in (other, team)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(type(r).__name__ for r in results) == ["FirmState", "StaleVersion"], results


def test_undo_after_another_connection_changed_the_firm(campaign: str | Path) -> None:
    with open_store(campaign) as mine, open_store(campaign) as theirs:
        siret, _team, other = _assigned_firm(mine)
        change = assign_firms(mine, [siret], None)  # A takes the firm out of its team
        assert show_firm(mine, siret).team is None
        assign_firm(theirs, siret, other)  # B gives it to another team
        with pytest.raises(StaleVersion) as caught:
            restore_assignments(mine, change)  # A's undo must not put back its old team
        assert caught.value.conflict.theirs["Équipe"] == other
        assert show_firm(mine, siret).team == other
        # Undo with no one else in between still works, and gives the redo.
        change = assign_firms(mine, [siret], None)
        redo = restore_assignments(mine, change)
        assert show_firm(mine, siret).team == other
        restore_assignments(mine, redo)
        assert show_firm(mine, siret).team is None


def test_division_undo_refused_after_a_change(campaign: str | Path) -> None:
    with open_store(campaign) as store:
        before = snapshot_assignments(store)
        versions = assignment_versions(store)
        siret, _team, other = _assigned_firm(store)
        assign_firm(store, siret, other)
        with pytest.raises(StaleVersion):
            replace_assignments(store, before, versions)
        assert show_firm(store, siret).team == other
        replace_assignments(store, before, assignment_versions(store))
        assert snapshot_assignments(store) == before


def test_retry_transient_reruns_then_reports_in_french() -> None:
    calls: list[int] = []

    def fails(times: int) -> int:
        calls.append(1)
        if len(calls) <= times:
            raise OperationalError("UPDATE", {}, psycopg.errors.SerializationFailure("x"))
        return len(calls)

    assert retry_transient(lambda: fails(2), sleep=lambda _s: None) == 3
    calls.clear()
    with pytest.raises(TransientFailure, match="5 fois de suite"):
        retry_transient(lambda: fails(99), sleep=lambda _s: None)
    assert len(calls) == 5
    calls.clear()
    deadlock = OperationalError("UPDATE", {}, psycopg.errors.DeadlockDetected("x"))

    def dead() -> None:
        raise deadlock

    with pytest.raises(TransientFailure, match="interblocage"):
        retry_transient(dead, attempts=2, sleep=lambda _s: None)
    with pytest.raises(OperationalError):  # anything else is not retried
        retry_transient(
            lambda: (_ for _ in ()).throw(OperationalError("x", {}, Exception("other"))),
            sleep=lambda _s: None,
        )


@pytest.mark.postgres
def test_two_divisions_at_once_on_postgresql(pg_database: str) -> None:
    create_demo(pg_database, rows=1200, seed=5)
    with open_store(pg_database) as store:
        # A division in progress elsewhere: a second one is refused, in French.
        with division_lock(store), pytest.raises(DivisionBusy, match="Une autre répartition"):
            divide_campaign(open_store(pg_database), seed=1)
        barrier = threading.Barrier(2)
        results: list[object] = []

        def run(seed: int) -> None:
            barrier.wait()
            other = open_store(pg_database)
            try:
                results.append(divide_campaign(other, seed=seed).assigned)
            except DivisionBusy as exc:
                results.append(exc)
            except Exception as exc:
                results.append(("crash", exc))
            finally:
                other.close()

        threads = [threading.Thread(target=run, args=(s,)) for s in (1, 2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert all(isinstance(r, int | DivisionBusy) for r in results), results
        assert any(isinstance(r, int) for r in results)
        with store.engine.connect() as conn:  # the lock went with the division
            assert conn.execute(text("SELECT pg_try_advisory_lock(1)")).scalar()


def test_division_keeps_a_change_made_while_it_computed(
    campaign: str | Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from planner.services.task_force.division import run

    with open_store(campaign) as store, open_store(campaign) as theirs:
        siret, _team, other = _assigned_firm(store)
        save = run._save

        def meanwhile(*args: object) -> int:
            assign_firm(theirs, siret, other, lock=False)  # unlocked: the division's to move
            return save(*args)  # type: ignore[arg-type]

        monkeypatch.setattr(run, "_save", meanwhile)
        report = divide_campaign(store, seed=4)
        assert show_firm(store, siret).team == other
        assert any("1 entreprise(s) modifiée(s)" in p for p in report.problems)


@pytest.mark.postgres
def test_a_real_deadlock_is_retried(pg_database: str) -> None:
    """Two transactions take two rows in opposite orders: PostgreSQL aborts one (40P01),
    which ``retry_transient`` runs again; both writes end up made."""
    create_demo(pg_database, rows=300, seed=5)
    with open_store(pg_database) as store:
        with store.session() as session:
            first, second = session.scalars(select(Team.id).order_by(Team.id).limit(2)).all()
        barrier = threading.Barrier(2)
        results: list[object] = []
        attempts: list[int] = []

        def write(order: tuple[int, int], capacity: int) -> None:
            def once() -> None:
                attempts.append(1)
                with store.session() as session:
                    session.execute(
                        text("UPDATE team SET capacity = :c WHERE id = :i"),
                        {"c": capacity, "i": order[0]},
                    )
                    if len(attempts) <= 2:
                        barrier.wait(timeout=10)  # both hold their first row now
                    session.execute(
                        text("UPDATE team SET capacity = :c WHERE id = :i"),
                        {"c": capacity, "i": order[1]},
                    )

            try:
                retry_transient(once)
                results.append(capacity)
            except Exception as exc:
                results.append(("crash", exc))

        threads = [
            threading.Thread(target=write, args=((first, second), 11)),
            threading.Thread(target=write, args=((second, first), 22)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(results, key=str) == [11, 22], results
        assert len(attempts) == 3  # the deadlock's victim ran twice
        with store.session() as session:
            capacities = set(
                session.scalars(select(Team.capacity).where(Team.id.in_([first, second])))
            )
        assert len(capacities) == 1  # the rerun wrote both rows after the other
