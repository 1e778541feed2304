"""Automatic division: firms to teams (or advisers) by min-cost flow.

Firms are grouped into units (a ~250 m grid cell, the same eligible teams and
the same current team) so that a cell goes whole to a team where it can. The
units are sent through an OR-Tools min-cost flow whose cost is the distance to
each team's centre, minus a bonus for staying with the current team (stable
re-divisions); each team takes its capacity share at cost 0, and more only
through costly overflow arcs that the solver uses when remit rules leave no
other way. Centres are refined over a few rounds (a capacitated k-means whose
assignment step is exact and respects the rules).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow  # type: ignore[import-untyped]

from planner.domain.errors import PlannerError
from planner.domain.progress import CancelToken, Progress, no_progress
from planner.services.task_force.division.contiguity import (
    stray_piece_moves,
    total_pieces,
)

CELL_KM = 0.25
ROUNDS = 12
STAY_BONUS_KM = 3.0
OVERFLOW_KM = 1000.0
OVERFLOW_STEPS = 40
CONTIGUITY_PASSES = 3
COMMUNE_PULL = 0.5  # share of a unit's cost taken from its commune's centre
_SCALE = 100  # cost unit: 10 m


class DivisionInfeasible(PlannerError):
    """The rules make a fair split impossible; the message says which rule binds."""


@dataclass
class FlowResult:
    """One solved division.

    Attributes:
        team: per firm, the team index (-1 when no team may take it).
        targets: each team's capacity share, in firms.
        centres: (teams × 2) centres in km.
    """

    team: np.ndarray
    targets: np.ndarray
    centres: np.ndarray
    overloaded: list[int] = field(default_factory=list)


def project_km(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Equirectangular projection around the mean latitude, in km (n × 2)."""
    lat0 = float(np.nanmean(lat)) if lat.size else 0.0
    x = np.radians(lon) * 6371.0 * np.cos(np.radians(lat0))
    y = np.radians(lat) * 6371.0
    return np.column_stack([x, y])


def capacity_targets(total: int, capacity: np.ndarray) -> np.ndarray:
    """Split ``total`` firms in proportion to capacities (largest remainders)."""
    cap = np.asarray(capacity, dtype=float)
    if total <= 0 or cap.sum() <= 0:
        return np.zeros(len(cap), dtype=np.int64)
    exact = total * cap / cap.sum()
    base: np.ndarray = np.floor(exact).astype(np.int64)
    rest = int(total - base.sum())
    order = np.argsort(-(exact - base), kind="stable")
    base[order[:rest]] += 1
    return base


def _initial_centres(
    xy: np.ndarray, allowed: np.ndarray, current: np.ndarray, seed: int
) -> np.ndarray:
    rng = np.random.default_rng(seed)
    teams = allowed.shape[1]
    centres = np.zeros((teams, 2))
    chosen: list[np.ndarray] = []
    for t in range(teams):
        mine = current == t
        if mine.any():
            centres[t] = xy[mine].mean(axis=0)
            chosen.append(centres[t])
            continue
        pool = np.flatnonzero(allowed[:, t])
        if pool.size == 0:
            centres[t] = xy.mean(axis=0) if len(xy) else 0.0
            continue
        if not chosen:
            centres[t] = xy[rng.choice(pool)]
        else:  # k-means++ style: far from the centres already placed
            d = np.min(
                np.linalg.norm(xy[pool][:, None, :] - np.array(chosen)[None, :, :], axis=2), axis=1
            )
            p = d**2 / (d**2).sum() if (d**2).sum() > 0 else None
            centres[t] = xy[rng.choice(pool, p=p)]
        chosen.append(centres[t])
    return centres


def _units(
    xy: np.ndarray, allowed: np.ndarray, current: np.ndarray, group: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Group firms: returns (unit of each firm, unit counts, unit positions, anchors).

    A unit never spans two groups (communes); its *anchor* is the centre of its
    group's firms, which pulls the units of one commune towards the same team.
    """
    if len(xy) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros((0, 2)), np.zeros((0, 2))
    cells = np.floor((xy - xy.min(axis=0)) / CELL_KM).astype(np.int64)
    pattern = np.packbits(allowed, axis=1)
    key = np.column_stack([cells, group[:, None], current[:, None], pattern.astype(np.int64)])
    _, unit, counts = np.unique(key, axis=0, return_inverse=True, return_counts=True)
    unit = unit.reshape(-1)
    pos = np.zeros((len(counts), 2))
    np.add.at(pos, unit, xy)
    pos /= counts[:, None]
    _, group_index = np.unique(group, return_inverse=True)
    group_index = group_index.reshape(-1)
    centre = np.zeros((int(group_index.max()) + 1, 2))
    np.add.at(centre, group_index, xy)
    centre /= np.bincount(group_index)[:, None]
    anchor = np.zeros_like(pos)
    anchor[unit] = centre[group_index]
    return unit, counts.astype(np.int64), pos, anchor


def solve_division(
    xy: np.ndarray,
    allowed: np.ndarray,
    capacity: np.ndarray,
    *,
    current: np.ndarray | None = None,
    locked: np.ndarray | None = None,
    group: np.ndarray | None = None,
    seed: int = 0,
    contiguity_passes: int = CONTIGUITY_PASSES,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> FlowResult:
    """Assign every firm that some team may take.

    Args:
        xy: firm positions in km (n × 2).
        allowed: (n × teams) booleans, remits already applied.
        capacity: each team's capacity (relative weights).
        current: the current team of each firm (-1 none), for stability.
        locked: the locked team of each firm (-1 free); kept as is.
        group: the commune of each firm (any integers); firms of one commune
            are pulled towards the same team (see ``COMMUNE_PULL``).
        seed: for the initial centres.
        contiguity_passes: how many times stray pieces of a team are handed
            to a neighbouring team (0: none).
    """
    n, teams = allowed.shape
    current = np.full(n, -1, np.int64) if current is None else current.astype(np.int64)
    locked = np.full(n, -1, np.int64) if locked is None else locked.astype(np.int64)
    assignable = allowed.any(axis=1) | (locked >= 0)
    targets = capacity_targets(int(assignable.sum()), capacity)
    result = np.where(locked >= 0, locked, -1)
    free = np.flatnonzero((locked < 0) & allowed.any(axis=1))
    centres = _initial_centres(xy, allowed, np.where(locked >= 0, locked, current), seed)
    if free.size == 0 or teams == 0:
        return FlowResult(result, targets, centres)
    group = np.zeros(n, np.int64) if group is None else group.astype(np.int64)
    pull = COMMUNE_PULL if len(np.unique(group)) > 1 else 0.0
    unit, counts, pos, anchor = _units(xy[free], allowed[free], current[free], group[free])
    u_allowed = np.zeros((len(counts), teams), dtype=bool)
    u_allowed[unit] = allowed[free]
    u_current = np.full(len(counts), -1, np.int64)
    u_current[unit] = current[free]
    locked_counts = np.bincount(locked[locked >= 0], minlength=teams)
    for attempt in range(2):
        left = np.maximum(targets - locked_counts, 0)
        flows, centres = _rounds(
            pos, anchor, pull, counts, u_allowed, u_current, left, centres, progress, cancel
        )
        result[free] = _split_units(unit, flows, xy[free], centres)
        final = np.bincount(result[result >= 0], minlength=teams)
        over = [t for t in range(teams) if final[t] > targets[t]]
        if not over or attempt:
            break
        # Rules force some teams above their share: the others share the rest fairly.
        others = [t for t in range(teams) if t not in over]
        targets = targets.copy()
        targets[over] = final[over]
        targets[others] = capacity_targets(
            int(assignable.sum() - final[over].sum()), np.asarray(capacity)[others]
        )
    result = _gather_stray_pieces(
        xy, allowed, locked, current, group, pull, free, left, centres, result, contiguity_passes
    )
    final = np.bincount(result[result >= 0], minlength=teams)
    base = capacity_targets(int(assignable.sum()), capacity)
    over = [t for t in range(teams) if final[t] > base[t]]
    return FlowResult(result, base, centres, over)


def _gather_stray_pieces(
    xy: np.ndarray,
    allowed: np.ndarray,
    locked: np.ndarray,
    current: np.ndarray,
    group: np.ndarray,
    pull: float,
    free: np.ndarray,
    left: np.ndarray,
    centres: np.ndarray,
    result: np.ndarray,
    passes: int,
) -> np.ndarray:
    """Give stray pieces to a neighbouring team, then re-solve so that shares stay exact.

    The flow is solved again with each stray piece allowed only to its new
    team; the other teams make room along their borders. A pass is kept only
    when it leaves fewer pieces without a larger deviation from the shares.
    """
    teams = allowed.shape[1]
    targets = left + np.bincount(locked[locked >= 0], minlength=teams)
    pieces = total_pieces(xy, result, teams)
    for _ in range(passes):
        firms, to = stray_piece_moves(xy, result, allowed, locked)
        if firms.size == 0:
            break
        forced = allowed.copy()
        forced[firms] = False
        forced[firms, to] = True
        unit, counts, pos, anchor = _units(xy[free], forced[free], current[free], group[free])
        u_allowed = np.zeros((len(counts), teams), dtype=bool)
        u_allowed[unit] = forced[free]
        u_current = np.full(len(counts), -1, np.int64)
        u_current[unit] = current[free]
        flows = _solve_flow(pos, anchor, pull, counts, u_allowed, u_current, left, centres)
        candidate = result.copy()
        candidate[free] = _split_units(unit, flows, xy[free], centres)
        fewer = total_pieces(xy, candidate, teams)
        before = np.abs(np.bincount(result[result >= 0], minlength=teams) - targets).max()
        after = np.abs(np.bincount(candidate[candidate >= 0], minlength=teams) - targets).max()
        if fewer >= pieces or after > before:
            break
        result, pieces = candidate, fewer
    return result


def _rounds(
    pos: np.ndarray,
    anchor: np.ndarray,
    pull: float,
    counts: np.ndarray,
    allowed: np.ndarray,
    current: np.ndarray,
    left: np.ndarray,
    centres: np.ndarray,
    progress: Progress,
    cancel: CancelToken | None,
) -> tuple[np.ndarray, np.ndarray]:
    teams = allowed.shape[1]
    flows = np.zeros(allowed.shape, np.int64)
    for round_ in range(ROUNDS):
        if cancel is not None:
            cancel.check()
        progress(round_, ROUNDS, "Répartition des entreprises")
        flows = _solve_flow(pos, anchor, pull, counts, allowed, current, left, centres)
        mass = flows.sum(axis=0)
        new = centres.copy()
        for t in range(teams):
            if mass[t] > 0:
                new[t] = (flows[:, t : t + 1] * pos).sum(axis=0) / mass[t]
        moved = float(np.abs(new - centres).max())
        centres = new
        if moved < 0.01:
            break
    progress(ROUNDS, ROUNDS, "Répartition des entreprises")
    return flows, centres


def _solve_flow(
    pos: np.ndarray,
    anchor: np.ndarray,
    pull: float,
    counts: np.ndarray,
    allowed: np.ndarray,
    current: np.ndarray,
    targets: np.ndarray,
    centres: np.ndarray,
) -> np.ndarray:
    units, teams = allowed.shape
    dist = np.linalg.norm(pos[:, None, :] - centres[None, :, :], axis=2)
    if pull:
        # Part of the cost is the commune's distance, shared by all its units: a
        # commune goes to one team unless capacities or remits require a split.
        to_anchor = np.linalg.norm(anchor[:, None, :] - centres[None, :, :], axis=2)
        dist = (1.0 - pull) * dist + pull * to_anchor
    cost = dist - STAY_BONUS_KM * (current[:, None] == np.arange(teams)[None, :])
    cost = np.round((cost + STAY_BONUS_KM) * _SCALE).astype(np.int64)
    u_idx, t_idx = np.nonzero(allowed)
    sink = units + teams
    team_nodes = units + np.arange(teams)
    # Each team takes its share at no cost, then overflow in 0.25 % steps at rising
    # costs, so that an overflow the rules force is spread evenly.
    step = np.maximum(1, np.ceil(targets * 0.0025)).astype(np.int64)
    tails = [u_idx, team_nodes]
    heads = [units + t_idx, np.full(teams, sink)]
    caps = [counts[u_idx], targets.astype(np.int64)]
    costs = [cost[u_idx, t_idx], np.zeros(teams, np.int64)]
    for k in range(OVERFLOW_STEPS + 1):
        tails.append(team_nodes)
        heads.append(np.full(teams, sink))
        last = k == OVERFLOW_STEPS
        caps.append(np.full(teams, int(counts.sum())) if last else step)
        costs.append(np.full(teams, int(OVERFLOW_KM * _SCALE * (k + 1)), np.int64))
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails).astype(np.int32),
        np.concatenate(heads).astype(np.int32),
        np.concatenate(caps).astype(np.int64),
        np.concatenate(costs).astype(np.int64),
    )
    supplies = np.zeros(sink + 1, np.int64)
    supplies[:units] = counts
    supplies[sink] = -int(counts.sum())
    flow.set_nodes_supplies(np.arange(sink + 1, dtype=np.int32), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise PlannerError(f"Le solveur n'a pas trouvé de répartition (statut {status}).")
    out = np.zeros((units, teams), np.int64)
    out[u_idx, t_idx] = flow.flows(np.arange(len(u_idx), dtype=np.int32))
    return out


def _split_units(
    unit: np.ndarray, flows: np.ndarray, xy: np.ndarray, centres: np.ndarray
) -> np.ndarray:
    """Give each firm of a unit a team, following the unit's flows (nearest first)."""
    team = np.full(len(unit), -1, np.int64)
    order = np.argsort(unit, kind="stable")
    bounds = np.searchsorted(unit[order], np.arange(flows.shape[0] + 1))
    for u in range(flows.shape[0]):
        members = order[bounds[u] : bounds[u + 1]]
        taken = np.flatnonzero(flows[u])
        if len(taken) == 1:
            team[members] = taken[0]
            continue
        for t in taken[np.argsort(flows[u, taken])]:
            # the firms nearest to a team's centre go to that team
            key = np.linalg.norm(xy[members] - centres[t], axis=1)
            near = np.argsort(key, kind="stable")
            team[members[near[: flows[u, t]]]] = t
            members = members[near[flows[u, t] :]]
    return team
