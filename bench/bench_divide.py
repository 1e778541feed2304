"""Division of firms among teams and advisers, with exclusive remit rules.

``divide_50k`` (12 teams, 60 advisers), ``divide_200k`` (40 teams, 200
advisers) and ``divide_500k`` (100 teams, 500 advisers): clustered firms with
two exclusive remit rules at constant density (the area grows with the count),
teams then advisers; store reading and writing are not included. Floor: one OR-Tools min-cost
flow (the same library, the product's own sparse flow: candidate arcs widened
until optimal over every allowed cell-team pair) of the same grid cells to the
teams at the centres the division ended with, then one such flow per team to
its advisers at their final centres: the product's last assignment steps done
the direct way, without its rounds of centres or contiguity passes.

``divide_50k`` also reports, outside the timed runs, a quality comparison with
plain ``k-means-constrained`` on the coordinates (one run, n_init=1, cluster
sizes fixed to equal capacities, no remit rule; it needs the ``bench``
dependency group: ``uv sync --group bench``) and with planner's division without
the rules or without the contiguity pass (pieces: connected groups of ~500 m
cells per team). k-means-constrained is not a floor: it does other work (no
remit rule, no advisers). It cannot even be compared at 200k and 500k: each of its iterations
is a flow with an arc per firm and team (8 M arcs at 200k × 40, 50 M at
500k × 100) read back arc by arc in Python; at 200k × 40 it took about 10 s of
CPU per iteration and had not converged after 17 iterations (20 minutes); on a
sample it would not be the same data.

Product and floor run interleaved (P F P F P F, ``--runs`` times each); the
medians are reported.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np
import timing

from planner.services.task_force.division.flow import solve_flow, unit_costs
from planner.services.task_force.division.quality import division_quality
from planner.services.task_force.division.solver import (
    STAY_BONUS_KM,
    FlowResult,
    _units,
    capacity_targets,
    solve_division,
)

N_FIRMS = 50_000
N_TEAMS = 12
ADVISERS_PER_TEAM = 5


def _layout(teams: int) -> tuple[int, int]:
    """General teams and young-firm teams (the rest take craft firms): 9 and 1 of 12."""
    return round(teams * 0.75), max(1, round(teams / 12))


def _firms(
    n: int = N_FIRMS, teams: int = N_TEAMS, seed: int = 2026
) -> tuple[np.ndarray, np.ndarray]:
    """Clustered positions over a 14 × 10 km bassin (scaled to keep the density) and eligibility."""
    scale = math.sqrt(n / N_FIRMS)
    clusters = round(40 * n / N_FIRMS)
    rng = np.random.default_rng(seed)
    centres = rng.uniform([0, 0], [14 * scale, 10 * scale], size=(clusters, 2))
    which = rng.integers(0, clusters, n)
    xy = centres[which] + rng.normal(scale=0.8, size=(n, 2))
    general, young_teams = _layout(teams)
    allowed = np.ones((n, teams), dtype=bool)
    craft = rng.random(n) < 0.15  # CMA-like: exclusive to the last teams
    young = ~craft & (rng.random(n) < 0.07)  # created recently: exclusive
    allowed[:, general:] = False
    allowed[craft] = False
    allowed[craft, general + young_teams :] = True
    allowed[young] = False
    allowed[young, general : general + young_teams] = True
    return xy, allowed


def _communes(xy: np.ndarray, seed: int = 7, count: int = 20) -> np.ndarray:
    """Voronoi "communes" around ``count`` town halls: each firm's nearest one."""
    halls = np.random.default_rng(seed).uniform([0, 0], [14, 10], size=(count, 2))
    return np.argmin(np.linalg.norm(xy[:, None, :] - halls[None, :, :], axis=2), axis=1)


def _pairs(commune: np.ndarray, team: np.ndarray) -> int:
    """How many (commune, team) pairs: the fewer, the fewer communes cut between teams."""
    placed = team >= 0
    return len(set(zip(commune[placed].tolist(), team[placed].tolist(), strict=True)))


def _capacities(allowed: np.ndarray) -> np.ndarray:
    n, teams = allowed.shape
    general, young_teams = _layout(teams)
    craft = int((allowed[:, -1]).sum())
    young = int((allowed[:, general] & ~allowed[:, 0]).sum())
    rest = n - craft - young
    craft_teams = teams - general - young_teams
    return np.array(
        [rest / general] * general
        + [young / young_teams] * young_teams
        + [craft / craft_teams] * craft_teams
    )


def _quality(xy: np.ndarray, team: np.ndarray, sizes: np.ndarray) -> dict[str, float]:
    q = division_quality(xy, team, sizes, [str(t) for t in range(len(sizes))])
    return {
        "max_deviation_pct": q.max_deviation_pct,
        "mean_km": q.mean_km,
        "p90_km": q.p90_km,
        "pieces_max": max(r.pieces for r in q.teams),
        "pieces_total": sum(r.pieces for r in q.teams),
    }


def bench_divide() -> dict[str, object]:
    try:
        from k_means_constrained import KMeansConstrained
    except ImportError as exc:
        raise SystemExit(
            "divide_50k : k-means-constrained manque, installez le groupe de dépendances "
            "« bench » : uv sync --group bench"
        ) from exc

    xy, allowed = _firms()
    size = N_FIRMS // N_TEAMS
    capacity = _capacities(allowed)
    timed, ruled, adviser = _timed_runs(xy, allowed, capacity, N_TEAMS)
    start = time.perf_counter()
    baseline = KMeansConstrained(
        n_clusters=N_TEAMS, size_min=size, size_max=size + 1, n_init=1, random_state=0
    ).fit_predict(xy)
    kmeans_seconds = time.perf_counter() - start
    equal = np.full(N_TEAMS, N_FIRMS / N_TEAMS)
    equal_targets = capacity_targets(N_FIRMS, equal)
    broken = int((~allowed[np.arange(N_FIRMS), baseline]).sum())

    start = time.perf_counter()
    plain = solve_division(xy, np.ones_like(allowed), equal, seed=0)
    plain_seconds = time.perf_counter() - start
    # the same divisions without the pass that hands stray pieces to a neighbour
    plain_loose = solve_division(xy, np.ones_like(allowed), equal, seed=0, contiguity_passes=0)

    communes = _communes(xy)
    start = time.perf_counter()
    ruled_communes = solve_division(xy, allowed, capacity, group=communes, seed=0)
    communes_seconds = time.perf_counter() - start
    start = time.perf_counter()
    ruled_loose = solve_division(xy, allowed, capacity, seed=0, contiguity_passes=0)
    loose_seconds = time.perf_counter() - start
    adviser_targets = np.concatenate(
        [
            np.repeat(capacity_targets(int((ruled.team == t).sum()), np.ones(ADVISERS_PER_TEAM)), 1)
            for t in range(N_TEAMS)
        ]
    )
    return {
        **timed,
        "baseline_no_rules": {
            **_quality(xy, baseline, equal_targets),
            "rule_breaks": broken,
            "seconds_kmeans_constrained": round(kmeans_seconds, 3),
        },
        "planner_no_rules": {
            **_quality(xy, plain.team, plain.targets),
            "seconds_teams_only": round(plain_seconds, 3),
        },
        "planner_no_rules_no_contiguity_pass": _quality(xy, plain_loose.team, plain_loose.targets),
        "planner_with_rules_no_contiguity_pass": {
            **_quality(xy, ruled_loose.team, ruled_loose.targets),
            "seconds_teams_only": round(loose_seconds, 3),
        },
        "planner_with_rules": {
            **_quality(xy, ruled.team, ruled.targets),
            "rule_breaks": int((~allowed[np.arange(N_FIRMS), ruled.team]).sum()),
            "adviser_max_deviation_pct": _quality(xy, adviser, adviser_targets)[
                "max_deviation_pct"
            ],
            "commune_team_pairs": _pairs(communes, ruled.team),
        },
        # as the app divides: 20 communes pull their firms towards one team
        "planner_with_rules_and_communes": {
            **_quality(xy, ruled_communes.team, ruled_communes.targets),
            "rule_breaks": int((~allowed[np.arange(N_FIRMS), ruled_communes.team]).sum()),
            "commune_team_pairs": _pairs(communes, ruled_communes.team),
            "seconds_teams_only": round(communes_seconds, 3),
        },
    }


def _with_advisers(
    xy: np.ndarray, allowed: np.ndarray, capacity: np.ndarray
) -> tuple[FlowResult, np.ndarray, list[np.ndarray]]:
    """Teams, then each team's advisers, as the app divides (store aside).

    Returns the teams, each firm's adviser and each team's adviser centres.
    """
    teams = allowed.shape[1]
    ruled = solve_division(xy, allowed, capacity, seed=0)
    adviser = np.full(len(xy), -1)
    centres = []
    for t in range(teams):
        mine = np.flatnonzero(ruled.team == t)
        sub = solve_division(
            xy[mine], np.ones((mine.size, ADVISERS_PER_TEAM), bool), np.ones(ADVISERS_PER_TEAM)
        )
        adviser[mine] = t * ADVISERS_PER_TEAM + sub.team
        centres.append(sub.centres)
    return ruled, adviser, centres


def _direct_flow(
    xy: np.ndarray, allowed: np.ndarray, capacity: np.ndarray, centres: np.ndarray
) -> tuple[np.ndarray, int]:
    """One min-cost flow of the grid cells to the teams at ``centres`` (optimal over every
    allowed arc)."""
    n, teams = allowed.shape
    unit, counts, pos, anchor = _units(xy, allowed, np.full(n, -1), np.zeros(n, np.int64))
    u_allowed = np.zeros((len(counts), teams), dtype=bool)
    u_allowed[unit] = allowed
    cost = unit_costs(pos, anchor, 0.0, np.full(len(counts), -1), centres, STAY_BONUS_KM)
    targets = capacity_targets(n, capacity)
    # The product's own sparse flow (candidate arcs, widened until optimal over every
    # allowed arc): the fastest well-kept way to the same optimum.
    flow = solve_flow(cost, u_allowed, counts, targets)
    team = np.full(n, -1)
    whole = np.full(len(counts), -1)
    whole[flow.unit] = flow.team  # a split cell counted whole: the floor skips that step
    team[:] = whole[unit]
    return team, flow.arcs


def _timed_runs(
    xy: np.ndarray, allowed: np.ndarray, capacity: np.ndarray, teams: int
) -> tuple[dict[str, object], FlowResult, np.ndarray]:
    """The division and its direct-flow floor, interleaved; medians, the division's teams
    and advisers."""
    n = len(xy)
    product: list[float] = []
    floor: list[float] = []
    for _ in range(timing.runs()):  # interleaved: P F P F P F
        start = time.perf_counter()
        ruled, adviser, adviser_centres = _with_advisers(xy, allowed, capacity)
        product.append(time.perf_counter() - start)
        start = time.perf_counter()
        direct, direct_arcs = _direct_flow(xy, allowed, capacity, ruled.centres)
        for t in range(teams):  # and each team's advisers, one flow each
            mine = np.flatnonzero(direct == t)
            _direct_flow(
                xy[mine],
                np.ones((mine.size, ADVISERS_PER_TEAM), bool),
                np.ones(ADVISERS_PER_TEAM),
                adviser_centres[t],
            )
        floor.append(time.perf_counter() - start)
    timed = timing.medians(product, floor) | {
        "firms": n,
        "teams": teams,
        "advisers": teams * ADVISERS_PER_TEAM,
        "floor_direct_flow": {
            "arcs": direct_arcs,
            "rule_breaks": int((~allowed[np.arange(n), direct]).sum()),
            "mean_km": _quality(xy, direct, ruled.targets)["mean_km"],
        },
    }
    return timed, ruled, adviser


def _bench_region(n: int, teams: int) -> dict[str, object]:
    xy, allowed = _firms(n, teams)
    capacity = _capacities(allowed)
    timed, ruled, adviser = _timed_runs(xy, allowed, capacity, teams)
    adviser_targets = np.concatenate(
        [
            capacity_targets(int((ruled.team == t).sum()), np.ones(ADVISERS_PER_TEAM))
            for t in range(teams)
        ]
    )
    return {
        **timed,
        "planner_with_rules": {
            **_quality(xy, ruled.team, ruled.targets),
            "rule_breaks": int((~allowed[np.arange(n), ruled.team]).sum()),
            "adviser_max_deviation_pct": _quality(xy, adviser, adviser_targets)[
                "max_deviation_pct"
            ],
            "flows_solved": ruled.solves,
            "flows_widened": ruled.widenings,
            "max_arcs": ruled.max_arcs,
        },
    }


def bench_divide_200k() -> dict[str, object]:
    return _bench_region(200_000, 40)


def bench_divide_500k() -> dict[str, object]:
    return _bench_region(500_000, 100)


BENCHMARKS: dict[str, Callable[[], dict[str, object]]] = {
    "divide_50k": bench_divide,
    "divide_200k": bench_divide_200k,
    "divide_500k": bench_divide_500k,
}
