"""Load on a shared campaign: 20 writers (separate processes) for 60 s on PostgreSQL.

Twenty processes work at once on the demo campaign published on the local
PostgreSQL server, each in a loop: 40 % reads of a firm (its assignment,
adviser and last contacts), 25 % assignments based on the version just read,
25 % contacts recorded, 10 % session edits based on the version just read;
half of the operations fall on the same 200 firms (and 5 sessions), so that
writers collide. planner's services do the work (``firm_edits.show_firm``,
``assign_firm(if_version=…)``, ``add_contact``, ``sessions.planning
.save_session(expected_version=…)``), each process with its own
``CampaignStore``.

Floor: the same processes, mix, firms and duration, each operation sent by
psycopg as the single SQL statement that does that work (a SELECT; an
``UPDATE … WHERE version = %s``; an INSERT), so that the ratio shows what the
services add (ORM, remit check, journal triggers are on in both).

Lost updates must be 0. They are checked by replaying the journal against
the final state: for every row written, the journal's entries must chain
(each entry's version before is the previous entry's version after), the
last entry must be the row as it is, and each write a process saw succeed
must be in the journal as a change from exactly the version that process
had read. A contact a process saw recorded must exist.

``PLANNER_LOAD_SECONDS`` (default 60) and ``PLANNER_LOAD_WRITERS`` (20) change
the run; ``PLANNER_TEST_PG`` names the server (default
``postgresql+psycopg://postgres@127.0.0.1:5432``).
"""

from __future__ import annotations

import datetime as dt
import itertools
import multiprocessing as mp
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import timing

SERVER = os.environ.get("PLANNER_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
DATABASE = "planner_bench_load"
HOT_FIRMS = 200
HOT_SESSIONS = 5
OUTCOMES = ("Non joint", "À rappeler", "Besoin recueilli")


@dataclass
class Plan:
    """What every writer works on (picklable)."""

    url: str
    seconds: float
    hot: list[str]
    firms: list[str]
    teams: dict[str, list[tuple[int, str]]]  # siret → teams of its partner (id, name)
    sessions: list[int]
    mode: str  # product | floor
    seed: int = 0


@dataclass
class Outcome:
    """What one writer did and saw."""

    reads: list[float] = field(default_factory=list)
    writes: list[float] = field(default_factory=list)
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)
    # (table, key, version read, version written)
    acknowledged: list[tuple[str, str, int | None, int]] = field(default_factory=list)
    contacts: list[int] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)

    def wrote(self, kind: str, seconds: float) -> None:
        self.writes.append(seconds)
        self.by_kind.setdefault(kind, []).append(seconds)


def _url(database: str) -> str:
    return f"{SERVER.rstrip('/')}/{database}"


def _recreate(database: str) -> None:
    import psycopg

    admin = SERVER.replace("postgresql+psycopg://", "postgresql://").rstrip("/") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{database}"')


def _publish_demo() -> str:
    from planner.services.demo.demo_campaign import create_demo
    from planner.services.shared_campaign.publish import publish

    url = _url(DATABASE)
    _recreate(DATABASE)
    with tempfile.TemporaryDirectory(prefix="planner-load-") as tmp:
        demo = Path(tmp) / "demo.planner"
        create_demo(demo)
        publish(demo, url)
    return url


def _plan(url: str) -> tuple[list[str], list[str], dict[str, list[tuple[int, str]]], list[int]]:
    """The firms (hot ones first), the teams each may move to (its partner's), the sessions."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    teams: dict[str, list[tuple[int, str]]] = {}
    with engine.connect() as conn:
        for siret, team_id, name in conn.execute(
            text(
                "SELECT a.siret, t2.id, t2.name FROM assignment a "
                "JOIN team t ON t.id = a.team_id JOIN team t2 ON t2.partner_id = t.partner_id "
                # Locked firms (a partner's portfolio) move only when told: not in the plan.
                "WHERE NOT a.locked ORDER BY a.siret, t2.id"
            )
        ):
            teams.setdefault(siret, []).append((team_id, name))
        sessions = list(
            conn.execute(text("SELECT id FROM discovery_session ORDER BY starts_at DESC")).scalars()
        )
    engine.dispose()
    firms = sorted(teams)
    rng = random.Random(2026)
    return rng.sample(firms, HOT_FIRMS), firms, teams, sessions[:HOT_SESSIONS]


def _pick(rng: random.Random, plan: Plan) -> str:
    return rng.choice(plan.hot) if rng.random() < 0.5 else rng.choice(plan.firms)


# --- product: planner's services -------------------------------------------------


def _product_ops(plan: Plan, out: Outcome) -> Callable[[random.Random], None]:
    from planner.db.store import open_store
    from planner.domain.session_clashes import holiday_name
    from planner.services.sessions.planning import (
        draft_of,
        invitees_of,
        list_sessions,
        save_session,
    )
    from planner.services.shared_campaign.conflicts import StaleVersion
    from planner.services.shared_campaign.firm_edits import add_contact, assign_firm, show_firm
    from planner.services.task_force.remit_cache import check_remit

    store = open_store(plan.url)
    days = {r.id: r.starts_at.date() for r in list_sessions(store) if r.id in plan.sessions}
    # Warm, as an app that has been open a while: the remit matrix is read once per
    # campaign and kept (planner/services/task_force/remit_cache.py).
    check_remit(store, [plan.hot[0]], plan.teams[plan.hot[0]][0][0])
    # …and the public holidays of the clash rules (a second's import, once per process).
    holiday_name(dt.date.today())

    def edit_session(rng: random.Random) -> None:
        sid = rng.choice(plan.sessions)
        day = days[sid]
        record = next(r for r in list_sessions(store, start=day, end=day) if r.id == sid)
        draft = draft_of(record, [s for s, _, _ in invitees_of(store, sid)])
        # Always a change: a save that changes nothing writes nothing (and journals nothing).
        draft.capacity = rng.choice(
            [
                c
                for c in range(len(draft.invitee_sirets) + 5, len(draft.invitee_sirets) + 40)
                if c != record.capacity
            ]
        )
        start = time.perf_counter()
        try:
            save_session(
                store,
                draft,
                session_id=sid,
                override=record.clash_override or "charge",
                expected_version=record.version,
            )
            out.acknowledged.append(("discovery_session", str(sid), record.version, 0))
        except StaleVersion:
            out.conflicts += 1
        out.wrote("session", time.perf_counter() - start)

    def one(rng: random.Random) -> None:
        siret = _pick(rng, plan)
        roll = rng.random()
        start = time.perf_counter()
        kind = "assignment" if 0.40 <= roll < 0.65 else "contact"
        try:
            if roll < 0.40:
                show_firm(store, siret)
                out.reads.append(time.perf_counter() - start)
                return
            if roll < 0.65:
                state = show_firm(store, siret)
                start = time.perf_counter()
                written = assign_firm(
                    store, siret, rng.choice(plan.teams[siret])[1], if_version=state.version
                )
                assert written.version is not None
                if written.version != state.version:  # not a no-op (same team as before)
                    out.acknowledged.append(("assignment", siret, state.version, written.version))
            elif roll < 0.90:
                line = add_contact(store, siret, outcome=rng.choice(OUTCOMES), note="charge")
                out.contacts.append(line.id)
            else:
                edit_session(rng)
                return
        except StaleVersion:
            out.conflicts += 1
        out.wrote(kind, time.perf_counter() - start)

    return one


# --- floor: the same statements by psycopg ---------------------------------------------


def _floor_ops(plan: Plan, out: Outcome) -> Callable[[random.Random], None]:
    import psycopg

    from planner.db.row_versions import next_version

    conn = psycopg.connect(plan.url.replace("postgresql+psycopg://", "postgresql://"))
    conn.autocommit = True

    def one(rng: random.Random) -> None:
        siret = _pick(rng, plan)
        roll = rng.random()
        start = time.perf_counter()
        if roll < 0.40:
            conn.execute(
                "SELECT a.team_id, a.adviser_id, a.locked, a.version, e.name FROM establishment e "
                "LEFT JOIN assignment a ON a.siret = e.siret WHERE e.siret = %s",
                (siret,),
            ).fetchall()
            conn.execute(
                "SELECT date, outcome, adviser_name, comment FROM contact WHERE siret = %s "
                "ORDER BY date DESC, id DESC LIMIT 5",
                (siret,),
            ).fetchall()
            out.reads.append(time.perf_counter() - start)
            return
        if roll < 0.65:
            row = conn.execute(
                "SELECT version FROM assignment WHERE siret = %s", (siret,)
            ).fetchone()
            start = time.perf_counter()
            changed = conn.execute(
                "UPDATE assignment SET team_id = %s, adviser_id = NULL, source = 'manual', "
                "version = %s WHERE siret = %s AND version = %s",
                (rng.choice(plan.teams[siret])[0], next_version(), siret, row[0] if row else None),
            ).rowcount
            out.conflicts += changed == 0
        elif roll < 0.90:
            conn.execute(
                "INSERT INTO contact (siret, date, outcome, comment, recorded_at, version) "
                "VALUES (%s, %s, %s, 'charge', now(), %s)",
                (siret, dt.date.today(), rng.choice(OUTCOMES), next_version()),
            )
        else:
            sid = rng.choice(plan.sessions)
            row = conn.execute(
                "SELECT version FROM discovery_session WHERE id = %s", (sid,)
            ).fetchone()
            start = time.perf_counter()
            changed = conn.execute(
                "UPDATE discovery_session SET capacity = %s, version = %s "
                "WHERE id = %s AND version = %s",
                (rng.randint(10, 40), next_version(), sid, row[0] if row else None),
            ).rowcount
            out.conflicts += changed == 0
        out.writes.append(time.perf_counter() - start)

    return one


def _writer(plan: Plan, queue: mp.Queue, ready: Any, go: Any) -> None:  # type: ignore[type-arg]
    out = Outcome()
    rng = random.Random(plan.seed)
    try:
        one = (_product_ops if plan.mode == "product" else _floor_ops)(plan, out)
        ready.release()
        go.wait()  # every writer starts at once, its imports and connection made
        deadline = time.perf_counter() + plan.seconds
        while time.perf_counter() < deadline:
            try:
                one(rng)
            except Exception as exc:  # counted and reported, the load goes on
                out.errors.append(f"{type(exc).__name__}: {exc}"[:300])
    finally:
        queue.put(out)


def _run(plan: Plan, writers: int) -> tuple[list[Outcome], float]:
    ctx = mp.get_context("spawn")
    queue: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
    ready, go = ctx.Semaphore(0), ctx.Event()
    procs = []
    for i in range(writers):
        mine = Plan(**{**plan.__dict__, "seed": i + plan.seed})  # same ops for both
        procs.append(ctx.Process(target=_writer, args=(mine, queue, ready, go)))
    for proc in procs:
        proc.start()
    for _ in procs:
        ready.acquire()
    go.set()
    outcomes = [queue.get() for _ in procs]
    for proc in procs:
        proc.join()
    return outcomes, plan.seconds


def _lost_updates(url: str, outcomes: list[Outcome], since_journal_id: int) -> dict[str, int]:
    """Replay the journal against the final state; count every write that was lost, by kind."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    kinds = ("broken_chain", "final_differs", "write_missing", "same_base", "contact_missing")
    lost = dict.fromkeys(kinds, 0)
    with engine.connect() as conn:
        entries: dict[tuple[str, str], list[tuple[int | None, int | None]]] = {}
        for table, key, before, after in conn.execute(
            text(
                "SELECT table_name, row_key, before ->> 'version', after ->> 'version' "
                "FROM journal WHERE id > :since AND table_name IN "
                "('assignment', 'discovery_session') ORDER BY id"
            ),
            {"since": since_journal_id},
        ):
            entries.setdefault((table, key), []).append(
                (int(before) if before else None, int(after) if after else None)
            )
        final = {
            ("assignment", s): v
            for s, v in conn.execute(text("SELECT siret, version FROM assignment"))
        }
        final.update(
            {
                ("discovery_session", str(i)): v
                for i, v in conn.execute(text("SELECT id, version FROM discovery_session"))
            }
        )
        for key, chain in entries.items():
            for (_, after), (before, _) in itertools.pairwise(chain):
                lost["broken_chain"] += after != before
            lost["final_differs"] += chain[-1][1] != final.get(key)
        transitions = {(k, b, a) for k, chain in entries.items() for b, a in chain}
        starts = {(k, b) for k, chain in entries.items() for b, _ in chain}
        contacts = set(conn.execute(text("SELECT id FROM contact")).scalars())
    engine.dispose()
    for out in outcomes:
        for table, key, read, written in out.acknowledged:
            if written:
                lost["write_missing"] += ((table, key), read, written) not in transitions
            else:  # a session: its new version is not returned, its change must be there
                lost["write_missing"] += ((table, key), read) not in starts
        lost["contact_missing"] += sum(1 for c in out.contacts if c not in contacts)
    return lost


def _summary(outcomes: list[Outcome], elapsed: float) -> dict[str, float | int]:
    writes = sorted(w for o in outcomes for w in o.writes)
    reads = [r for o in outcomes for r in o.reads]
    ops = len(writes) + len(reads)
    q = statistics.quantiles(writes, n=100) if len(writes) > 1 else [0.0] * 99
    return {
        "ops": ops,
        "ops_per_s": round(ops / elapsed, 1),
        "seconds_per_op": ops and elapsed / ops,
        "write_p50_ms": round(q[49] * 1000, 1),
        "write_p95_ms": round(q[94] * 1000, 1),
        "conflicts": sum(o.conflicts for o in outcomes),
        "write_p95_ms_by_kind": {
            kind: round(statistics.quantiles(values, n=100)[94] * 1000, 1)
            for kind in sorted({k for o in outcomes for k in o.by_kind})
            if len(values := [v for o in outcomes for v in o.by_kind.get(kind, [])]) > 1
        },
        "errors": sum(len(o.errors) for o in outcomes),
    }


def bench_shared_campaign_load() -> dict[str, object]:
    """``--runs`` rounds (3 by default) of product then floor (P F P F P F), each
    ``PLANNER_LOAD_SECONDS`` / rounds long (60 s of product load in all); medians of the
    rounds, latency percentiles and the lost-update check over every product round."""
    from sqlalchemy import create_engine, text

    seconds = float(os.environ.get("PLANNER_LOAD_SECONDS", "60"))
    writers = int(os.environ.get("PLANNER_LOAD_WRITERS", "20"))
    rounds = timing.runs()
    url = _publish_demo()
    hot, firms, teams, sessions = _plan(url)
    engine = create_engine(url)
    with engine.connect() as conn:
        since = conn.execute(text("SELECT coalesce(max(id), 0) FROM journal")).scalar_one()
    engine.dispose()
    plan = Plan(url, seconds / rounds, hot, firms, teams, sessions, "product")
    product: list[Outcome] = []
    floor_all: list[Outcome] = []
    mine_rounds: list[dict[str, float | int]] = []
    floor_rounds: list[dict[str, float | int]] = []
    for turn in range(rounds):
        outcomes, elapsed = _run(Plan(**{**plan.__dict__, "seed": 100 * turn}), writers)
        product.extend(outcomes)
        mine_rounds.append(_summary(outcomes, elapsed))
        floor_plan = Plan(**{**plan.__dict__, "mode": "floor", "seed": 100 * turn})
        floor_outcomes, floor_elapsed = _run(floor_plan, writers)
        floor_all.extend(floor_outcomes)
        floor_rounds.append(_summary(floor_outcomes, floor_elapsed))
    lost = _lost_updates(url, product, since)
    mine = _summary(product, seconds)
    base = _summary(floor_all, seconds)  # percentiles pooled over the rounds, as the product's
    errors = [e for o in product for e in o.errors][:3]

    def median(values: list[dict[str, float | int]], key: str) -> float:
        return float(statistics.median(float(v[key]) for v in values))

    return {
        "seconds": round(median(mine_rounds, "seconds_per_op"), 5),
        "floor_seconds": round(median(floor_rounds, "seconds_per_op"), 5),
        "runs": rounds,
        "seconds_all": [round(float(v["seconds_per_op"]), 5) for v in mine_rounds],
        "floor_all": [round(float(v["seconds_per_op"]), 5) for v in floor_rounds],
        "writers": writers,
        "duration_s": seconds,
        "ops_per_s": median(mine_rounds, "ops_per_s"),
        "write_p50_ms": mine["write_p50_ms"],
        "write_p95_ms": mine["write_p95_ms"],
        "write_p95_ms_by_kind": mine["write_p95_ms_by_kind"],
        "conflicts": mine["conflicts"],
        "errors": mine["errors"],
        "floor_ops_per_s": median(floor_rounds, "ops_per_s"),
        "floor_write_p95_ms": base["write_p95_ms"],
        "lost_updates": sum(lost.values()),
        "lost_by_kind": lost,
        "first_errors": errors,
    }


BENCHMARKS = {"shared_campaign_load": bench_shared_campaign_load}
