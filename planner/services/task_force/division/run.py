"""Divide a campaign's firms among its teams, then among each team's advisers."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from sqlalchemy import delete, select, text

from planner.db.bulk import bulk_insert
from planner.db.models import Adviser, Assignment
from planner.db.store import CampaignStore
from planner.domain.errors import PlannerError
from planner.domain.progress import CancelToken, Progress, no_progress
from planner.domain.remit import eligibility
from planner.geo.reference import CommuneReference, ReferenceDataError
from planner.services.firms.firm_query import load_firms
from planner.services.shared_campaign.conflicts import retry_transient
from planner.services.task_force.assignment_writes import lock_all_assignments
from planner.services.task_force.division.quality import division_quality
from planner.services.task_force.division.solver import (
    DivisionInfeasible,
    capacity_targets,
    project_km,
    solve_division,
)
from planner.services.task_force.partner_portfolios.conflicts import sirets_in_conflict
from planner.services.task_force.task_force import TaskForce, load_task_force

NO_TEAM = "aucun partenaire n'a ces entreprises dans son périmètre"
TOLERANCE = 0.02  # a forced overload within 2 % is still a fair split
NO_POSITION = "entreprise sans position géographique ni commune connue"
IN_CONFLICT = "entreprise revendiquée par plusieurs portefeuilles (conflit à arbitrer)"


@dataclass(frozen=True, slots=True)
class TeamDivision:
    """One team in a division's report: its :class:`TeamQuality` figures, then who it is.

    Attributes:
        team: the team's name.
        firms: firms it got.
        target: its share by capacity.
        deviation_pct: distance from the share, in percent of it.
        mean_km: mean distance of its firms to their centre.
        p90_km: 90th percentile of that distance.
        pieces: disjoint areas its firms form.
        team_id: the team's id.
        partner: its partner's name.
        capacity: its capacity.
    """

    team: str
    firms: int
    target: int
    deviation_pct: float
    mean_km: float
    p90_km: float
    pieces: int
    team_id: int
    partner: str
    capacity: int


@dataclass(frozen=True, slots=True)
class DivisionReport:
    """What a division did, as ``planner divide --json`` prints it.

    Attributes:
        firms: target firms.
        assigned: of which given a team.
        moved: firms whose team changed.
        placed_at_commune: firms without coordinates placed at their town hall.
        unassigned: firms left without a team, per reason (reasons with none left out).
        problems: rules that forced an overload (accepted with ``accept_overload``).
        teams: per-team figures, in team order.
        max_deviation_pct: the largest deviation from a team's share, in percent.
        mean_km: mean distance of firms to their team's centre.
        p90_km: 90th percentile of that distance.
    """

    firms: int
    assigned: int
    moved: int
    placed_at_commune: int
    unassigned: dict[str, int]
    problems: list[str]
    teams: list[TeamDivision]
    max_deviation_pct: float
    mean_km: float
    p90_km: float


def commune_points(codes: list[str]) -> dict[str, tuple[float, float]]:
    """The town hall of each commune (lon, lat), from the reference data.

    Firms that SIRENE does not geolocate still have a commune: the division
    places them at its town hall, so that they get a team rather than being
    left out. Unknown codes, or a missing reference, give no point. Only the
    attribute table is read: geometries (pyproj CRS objects) must not be used
    from the worker thread that runs a division in the app.
    """
    if not codes:
        return {}
    try:
        reference = CommuneReference.load()
        attributes = reference.attributes
    except (ReferenceDataError, OSError):
        return {}
    points: dict[str, tuple[float, float]] = {}
    for code in codes:
        current = reference.resolve(code)
        if current is None or current not in attributes.index:
            continue
        lon: Any = attributes.at[current, "mairie_lon"]
        lat: Any = attributes.at[current, "mairie_lat"]
        if lon is None or lat is None or math.isnan(lon) or math.isnan(lat):
            continue
        points[code] = (float(lon), float(lat))
    return points


def _positions(firms: pl.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Longitudes, latitudes and a "has a position" mask; firms without one take
    a point of their commune. Also returns how many were placed that way."""
    lon = firms["lon"].to_numpy(allow_copy=True).astype(float, copy=True)
    lat = firms["lat"].to_numpy(allow_copy=True).astype(float, copy=True)
    missing = np.isnan(lon) | np.isnan(lat)
    placed = 0
    if missing.any() and "commune_code" in firms.columns:
        codes = firms["commune_code"].to_list()
        wanted = sorted({codes[i] for i in np.flatnonzero(missing) if codes[i]})
        points = commune_points(wanted)
        for i in np.flatnonzero(missing).tolist():
            point = points.get(codes[i] or "")
            if point is not None:
                lon[i], lat[i] = point
                missing[i] = False
                placed += 1
    return np.nan_to_num(lon), np.nan_to_num(lat), ~missing, placed


def _team_bases(store: CampaignStore, team_ids: list[int], lat0: float) -> np.ndarray:
    """Where each team starts (teams × 2, km): the mean of its advisers' bases.

    A coordinator expects a team named after a commune to be around it: its
    advisers' bases say where it works. A team without any base gets NaN (its
    start is drawn among its firms).
    """
    with store.session() as session:
        rows = session.execute(
            select(Adviser.team_id, Adviser.base_lon, Adviser.base_lat).where(
                Adviser.base_lon.is_not(None), Adviser.base_lat.is_not(None)
            )
        ).all()
    index = {t: i for i, t in enumerate(team_ids)}
    sums = np.zeros((len(team_ids), 2))
    counts = np.zeros(len(team_ids))
    for team_id, base_lon, base_lat in rows:
        i = index.get(team_id)
        if i is None or not (math.isfinite(base_lon) and math.isfinite(base_lat)):
            continue
        sums[i] += (base_lon, base_lat)
        counts[i] += 1
    start = np.full((len(team_ids), 2), np.nan)
    known = counts > 0
    if known.any():
        mean = sums[known] / counts[known][:, None]
        start[known] = project_km(mean[:, 0], mean[:, 1], lat0)
    return start


def _current(
    store: CampaignStore, sirets: list[str], team_ids: list[int], versions: dict[str, int]
) -> dict[str, np.ndarray]:
    """The firms' current teams, advisers and locks; ``versions`` gets each assignment's."""
    index = {s: i for i, s in enumerate(sirets)}
    team_index = {t: i for i, t in enumerate(team_ids)}
    n = len(sirets)
    current = np.full(n, -1, np.int64)
    locked = np.full(n, -1, np.int64)
    adviser = np.full(n, -1, np.int64)
    with store.session() as session:
        rows = session.execute(
            select(
                Assignment.siret,
                Assignment.team_id,
                Assignment.adviser_id,
                Assignment.locked,
                Assignment.version,
            )
        ).all()
    versions.update((r[0], int(r[4])) for r in rows)
    for siret, team_id, adviser_id, is_locked, _version in rows:
        i = index.get(siret)
        t = team_index.get(team_id)
        if i is None or t is None:
            continue
        current[i] = t
        adviser[i] = adviser_id if adviser_id is not None else -1
        if is_locked:
            locked[i] = t
    return {"current": current, "locked": locked, "adviser": adviser}


def infeasibility_messages(
    force: TaskForce, firms: pl.DataFrame, allowed: np.ndarray, targets: np.ndarray
) -> list[str]:
    """Plain French explanations of why a fair split is impossible, naming the rule."""
    messages = []
    for p, remit in enumerate(force.remits):
        teams = [t for t, info in enumerate(force.teams) if info.partner_index == p]
        if not teams:
            continue
        only = allowed[:, teams].any(axis=1) & ~np.delete(allowed, teams, axis=1).any(axis=1)
        needed = int(only.sum())
        share = int(targets[teams].sum())
        if needed <= share * (1 + TOLERANCE):
            continue
        if remit.exclusive:
            rule = f"exclusivité de « {remit.partner} » sur {remit.label()}"
        else:
            others = [
                f"{r.partner} : {r.label()}"
                for q, r in enumerate(force.remits)
                if q != p and r.rules and not r.exclusive
            ]
            rule = "périmètres des autres partenaires (" + " ; ".join(others) + ")"
        messages.append(
            f"Répartition équitable impossible : seul le partenaire « {remit.partner} » "
            f"peut prendre {needed} entreprises, mais la capacité de ses équipes ne lui en "
            f"donne que {share}. Règle en cause : {rule}. Augmentez la capacité de ses "
            f"équipes ou assouplissez cette règle."
        )
    return messages


def divide_campaign(
    store: CampaignStore,
    *,
    seed: int = 0,
    accept_overload: bool = False,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> DivisionReport:
    """Divide every target firm among the teams and advisers; save; return quality.

    Remit rules and locks are never broken. When the rules force a team above
    its share, :class:`DivisionInfeasible` says which rule binds, unless
    ``accept_overload`` (then the figures report the overload). On
    PostgreSQL one division runs at a time (an advisory lock): a second one
    is refused with :class:`DivisionBusy`. Firms that someone changed while
    the division was computed keep that change (the report says how many).
    """
    with division_lock(store):
        return _divide(store, seed, accept_overload, progress, cancel)


def _divide(
    store: CampaignStore,
    seed: int,
    accept_overload: bool,
    progress: Progress,
    cancel: CancelToken | None,
) -> DivisionReport:
    force = load_task_force(store)
    if not force.teams:
        raise DivisionInfeasible("Aucune équipe : créez les partenaires et leurs équipes d'abord.")
    firms = load_firms(store)
    sirets = firms["siret"].to_list()
    team_ids = [t.id for t in force.teams]
    read_versions: dict[str, int] = {}
    state = _current(store, sirets, team_ids, read_versions)
    elig = eligibility(firms, force.remits)
    partner_of = np.array([t.partner_index for t in force.teams])
    allowed = elig.allowed[:, partner_of] if len(force.remits) else np.zeros((len(sirets), 0), bool)
    lon, lat, positioned, placed_at_commune = _positions(firms)
    allowed = allowed & positioned[:, None]
    # A firm two partners' portfolios claim waits for the coordinator's settlement.
    held = sirets_in_conflict(store)
    in_conflict = np.array([s in held for s in sirets], dtype=bool)
    allowed = allowed & ~in_conflict[:, None]
    capacity = np.array([t.capacity for t in force.teams], dtype=float)
    lat0 = float(np.nanmean(lat)) if lat.size else 0.0
    xy = project_km(lon, lat, lat0)
    start = _team_bases(store, team_ids, lat0)
    targets = capacity_targets(int((allowed.any(axis=1) | (state["locked"] >= 0)).sum()), capacity)
    problems = infeasibility_messages(force, firms, allowed, targets)
    if problems and not accept_overload:
        raise DivisionInfeasible("\n".join(problems))
    communes = firms["commune_code"].fill_null("").cast(pl.Categorical).to_physical()
    result = solve_division(
        xy,
        allowed,
        capacity,
        current=state["current"],
        locked=state["locked"],
        group=communes.to_numpy().astype(np.int64),
        start=start,
        seed=seed,
        progress=progress,
        cancel=cancel,
    )
    advisers = _advisers(force, xy, result.team, state, seed)
    if cancel is not None:
        cancel.check()
    moved = int(((state["current"] >= 0) & (state["current"] != result.team)).sum())
    kept = retry_transient(  # a deadlock with a manual assignment is rerun, not a crash
        lambda: _save(
            store, sirets, result.team, team_ids, advisers, state["locked"], read_versions
        )
    )
    if kept:
        problems = [
            *problems,
            f"{kept} entreprise(s) modifiée(s) par quelqu'un d'autre pendant la répartition "
            "ont gardé cette modification.",
        ]
    quality = division_quality(xy, result.team, result.targets, [t.name for t in force.teams])
    teams = [
        TeamDivision(
            team=row.team,
            firms=row.firms,
            target=row.target,
            deviation_pct=row.deviation_pct,
            mean_km=row.mean_km,
            p90_km=row.p90_km,
            pieces=row.pieces,
            team_id=info.id,
            partner=force.partners[info.partner_index],
            capacity=info.capacity,
        )
        for row, info in zip(quality.teams, force.teams, strict=True)
    ]
    unassigned = {
        NO_POSITION: int((~positioned).sum()),
        NO_TEAM: int((positioned & ~elig.allowed.any(axis=1)).sum()),
        IN_CONFLICT: int((in_conflict & (result.team < 0)).sum()),
    }
    return DivisionReport(
        firms=len(sirets),
        assigned=int((result.team >= 0).sum()),
        moved=moved,
        placed_at_commune=placed_at_commune,
        unassigned={k: v for k, v in unassigned.items() if v},
        problems=problems,
        teams=teams,
        max_deviation_pct=quality.max_deviation_pct,
        mean_km=quality.mean_km,
        p90_km=quality.p90_km,
    )


def _advisers(
    force: TaskForce, xy: np.ndarray, team: np.ndarray, state: dict[str, np.ndarray], seed: int
) -> np.ndarray:
    """Within each team, balance advisers' loads in compact areas."""
    adviser = np.full(len(team), -1, np.int64)
    for t, info in enumerate(force.teams):
        mine = np.flatnonzero(team == t)
        if not info.adviser_ids or mine.size == 0:
            continue
        ids = np.array(info.adviser_ids)
        caps = np.array([c if c else 1 for c in info.adviser_capacities], dtype=float)
        if not any(info.adviser_capacities):
            caps = np.ones(len(ids))
        pos = {a: i for i, a in enumerate(ids.tolist())}
        current = np.array([pos.get(int(a), -1) for a in state["adviser"][mine]], np.int64)
        current = np.where(state["current"][mine] == t, current, -1)
        sub = solve_division(
            xy[mine], np.ones((mine.size, len(ids)), bool), caps, current=current, seed=seed
        )
        adviser[mine] = ids[sub.team]
    return adviser


def _save(
    store: CampaignStore,
    sirets: list[str],
    team: np.ndarray,
    team_ids: list[int],
    adviser: np.ndarray,
    locked: np.ndarray,
    read_versions: dict[str, int],
) -> int:
    """Write the division over the unlocked assignments; return how many firms were
    left as someone else changed them after they were read (never overwritten)."""
    now = dt.datetime.now()
    rows = [
        (
            sirets[i],
            team_ids[team[i]],
            int(adviser[i]) if adviser[i] >= 0 else None,
            False,
            "auto",
            now,
        )
        for i in np.flatnonzero((team >= 0) & (locked < 0)).tolist()
    ]
    with store.session() as session:
        lock_all_assignments(session)
        now_versions = {
            s: int(v) for s, v in session.execute(select(Assignment.siret, Assignment.version))
        }
        changed = {
            s
            for s in now_versions.keys() | read_versions.keys()
            if now_versions.get(s) != read_versions.get(s)
        }
        unlocked = Assignment.locked.is_(False)
        if changed:
            gone = sorted(set(session.scalars(select(Assignment.siret).where(unlocked))) - changed)
            for start in range(0, len(gone), 5000):
                session.execute(
                    delete(Assignment).where(Assignment.siret.in_(gone[start : start + 5000]))
                )
        else:
            session.execute(delete(Assignment).where(unlocked))
        present = set(session.scalars(select(Assignment.siret)))
        bulk_insert(
            session,
            "assignment",
            ["siret", "team_id", "adviser_id", "locked", "source", "assigned_at"],
            [r for r in rows if r[0] not in present and r[0] not in changed],
        )
    return len(changed)


class DivisionBusy(PlannerError):
    """Another division of the same campaign is running."""


DIVISION_LOCK = 0x706C616E6E6572  # "planner": one key per database, as the lock is per database


@contextmanager
def division_lock(store: CampaignStore) -> Iterator[None]:
    """Hold PostgreSQL's advisory lock of divisions while one runs; refuse a second one.

    The lock lives in a transaction of its own connection, held open for the
    whole division and released when it ends (even when the program dies).
    An SQLite campaign needs none: its file lock serialises the writes and
    each division checks the versions it read before writing.
    """
    if store.engine.dialect.name != "postgresql":
        yield
        return
    with store.engine.connect() as conn, conn.begin():
        got = conn.execute(
            text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": DIVISION_LOCK}
        ).scalar()
        if not got:
            who = conn.execute(
                text(
                    "SELECT a.usename FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                    "WHERE l.locktype = 'advisory' AND l.granted AND l.database = "
                    "(SELECT oid FROM pg_database WHERE datname = current_database()) "
                    "AND a.pid <> pg_backend_pid() LIMIT 1"
                )
            ).scalar()
            by = f" (lancée par {who})" if who else ""
            raise DivisionBusy(
                f"Une autre répartition automatique est en cours sur cette campagne{by} : "
                "attendez qu'elle se termine, puis relancez la vôtre. Rien n'a été modifié."
            )
        yield
