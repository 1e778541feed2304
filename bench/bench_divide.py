"""Division of 50,000 firms among 12 teams and 60 advisers, two exclusive remit rules.

Floor: plain ``k-means-constrained`` on the coordinates (one run, n_init=1),
cluster sizes fixed to the (equal) capacities, no remit rule. planner's division
(OR-Tools min-cost flow on grid-cell units, remit rules and then advisers) is
measured on the same firms, with the rules and, for a like-for-like quality
comparison, without them. Store reading and writing are not included. Pieces
(connected groups of ~500 m cells per team) are also measured without the
contiguity pass, to show what it gains.

k-means-constrained (and scipy) come with the ``bench`` dependency group:
``uv sync --group bench``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from planner.services.task_force.division.quality import division_quality
from planner.services.task_force.division.solver import solve_division

N_FIRMS = 50_000
N_TEAMS = 12
ADVISERS_PER_TEAM = 5


def _firms(seed: int = 2026) -> tuple[np.ndarray, np.ndarray]:
    """Clustered positions over a 14 × 10 km bassin and the team eligibility matrix."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform([0, 0], [14, 10], size=(40, 2))
    which = rng.integers(0, 40, N_FIRMS)
    xy = centres[which] + rng.normal(scale=0.8, size=(N_FIRMS, 2))
    allowed = np.ones((N_FIRMS, N_TEAMS), dtype=bool)
    craft = rng.random(N_FIRMS) < 0.15  # CMA-like: exclusive, teams 10 and 11
    young = ~craft & (rng.random(N_FIRMS) < 0.07)  # created recently: exclusive, team 9
    allowed[:, 9:] = False
    allowed[craft] = False
    allowed[craft, 10:] = True
    allowed[young] = False
    allowed[young, 9] = True
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
    craft = int((allowed[:, 10]).sum())
    young = int((allowed[:, 9] & ~allowed[:, 0]).sum())
    general = N_FIRMS - craft - young
    return np.array([general / 9] * 9 + [young] + [craft / 2] * 2)


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
    start = time.perf_counter()
    baseline = KMeansConstrained(
        n_clusters=N_TEAMS, size_min=size, size_max=size + 1, n_init=1, random_state=0
    ).fit_predict(xy)
    floor = time.perf_counter() - start
    equal = np.full(N_TEAMS, N_FIRMS / N_TEAMS)
    from planner.services.task_force.division.solver import capacity_targets

    equal_targets = capacity_targets(N_FIRMS, equal)
    broken = int((~allowed[np.arange(N_FIRMS), baseline]).sum())

    start = time.perf_counter()
    plain = solve_division(xy, np.ones_like(allowed), equal, seed=0)
    plain_seconds = time.perf_counter() - start
    # the same divisions without the pass that hands stray pieces to a neighbour
    plain_loose = solve_division(xy, np.ones_like(allowed), equal, seed=0, contiguity_passes=0)

    capacity = _capacities(allowed)
    start = time.perf_counter()
    ruled = solve_division(xy, allowed, capacity, seed=0)
    adviser = np.full(N_FIRMS, -1)
    for t in range(N_TEAMS):
        mine = np.flatnonzero(ruled.team == t)
        sub = solve_division(
            xy[mine], np.ones((mine.size, ADVISERS_PER_TEAM), bool), np.ones(ADVISERS_PER_TEAM)
        )
        adviser[mine] = t * ADVISERS_PER_TEAM + sub.team
    seconds = time.perf_counter() - start
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
        "seconds": round(seconds, 3),
        "floor_seconds": round(floor, 3),
        "firms": N_FIRMS,
        "teams": N_TEAMS,
        "advisers": N_TEAMS * ADVISERS_PER_TEAM,
        "baseline_no_rules": {**_quality(xy, baseline, equal_targets), "rule_breaks": broken},
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


BENCHMARKS: dict[str, Callable[[], dict[str, object]]] = {"divide_50k": bench_divide}
