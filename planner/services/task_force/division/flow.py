"""One min-cost flow of units to teams, on candidate arcs only, proven optimal on all.

A unit (a grid cell of firms with the same remits) could go to every team its
remits allow, but only the few teams nearest to it (in cost, after each team's
*price*) can reasonably take it. The flow is solved with arcs to the
``candidates`` cheapest allowed teams of each unit, those within a margin of
its cheapest (the prices are the previous round's). The solution is then
checked against every allowed arc left out: from the solved flow, each team
gets a price (the cost of sending one more firm from it to the sink, a
shortest path in the residual graph, so min-cost-flow potentials). An arc
left out whose cost plus its team's price is below what its unit pays now
could lower the total cost; such arcs are added and the flow solved again,
until none is left. The result is then an optimal flow of the full graph
(every allowed unit-team arc), and never uses an arc the remits forbid.

Each team takes its share at cost 0 and more only through overflow steps at
rising costs, so the flow is always feasible; a share left unfilled because
candidates were too narrow shows as an arc that could lower the cost, and
widens them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.domain.errors import PlannerError

CANDIDATES = 8  # arcs per unit at first: its cheapest allowed teams…
MARGIN_KM = 0.5  # …no dearer than its cheapest + this + how far the centres moved
OVERFLOW_KM = 1000.0
OVERFLOW_STEPS = 40
OVERFLOW_STEP_SHARE = 0.0025  # each overflow step: 0.25 % of the team's share
SCALE = 100  # cost unit: 10 m
_FAR = np.iinfo(np.int64).max // 4


@dataclass
class Flow:
    """A solved flow, as its arcs that carry firms.

    Attributes:
        unit, team, amount: per used arc, its unit, its team and its firms (> 0),
            sorted by unit.
        prices: per team, its price (potential) in cost units; the next flow's
            candidates are chosen by cost plus price.
        arcs: unit-team arcs in the last solve.
        widenings: solves after the first (arcs added by the optimality check).
    """

    unit: np.ndarray
    team: np.ndarray
    amount: np.ndarray
    prices: np.ndarray
    arcs: int
    widenings: int


def unit_costs(
    pos: np.ndarray,
    anchor: np.ndarray,
    pull: float,
    current: np.ndarray,
    centres: np.ndarray,
    stay_bonus_km: float,
) -> np.ndarray:
    """Integer cost (units × teams) of sending a unit's firm to each team.

    The distance to the team's centre (part of it from the unit's commune
    centre when ``pull``), less a bonus for the unit's current team.
    """
    # In place, one units × teams array at a time (the same operations, in the same
    # order, as the plain formula: the same costs to the last bit).
    dist = _distances(pos, centres)
    if pull:
        # Part of the cost is the commune's distance, shared by all its units: a
        # commune goes to one team unless capacities or remits require a split.
        to_anchor = _distances(anchor, centres)
        dist *= 1.0 - pull
        to_anchor *= pull
        dist += to_anchor
    held = np.flatnonzero(current >= 0)
    dist[held, current[held]] -= stay_bonus_km
    dist += stay_bonus_km
    dist *= SCALE
    np.round(dist, out=dist)
    cost: np.ndarray = dist.astype(np.int64)
    return cost


def _distances(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Euclidean distances (points × centres), in km."""
    dist: np.ndarray = points[:, 0:1] - centres[None, :, 0]
    np.square(dist, out=dist)
    dy = points[:, 1:2] - centres[None, :, 1]
    np.square(dy, out=dy)
    dist += dy
    np.sqrt(dist, out=dist)
    return dist


def _sink_segments(targets: np.ndarray, total: int) -> tuple[np.ndarray, np.ndarray]:
    """Capacities and costs (teams × segments) of each team's arcs to the sink."""
    teams = len(targets)
    step = np.maximum(1, np.ceil(targets * OVERFLOW_STEP_SHARE)).astype(np.int64)
    caps = np.empty((teams, OVERFLOW_STEPS + 2), np.int64)
    caps[:, 0] = targets.astype(np.int64)
    caps[:, 1:-1] = step[:, None]
    caps[:, -1] = max(total, 1)
    costs = np.empty(OVERFLOW_STEPS + 2, np.int64)
    costs[0] = 0
    costs[1:] = int(OVERFLOW_KM * SCALE) * np.arange(1, OVERFLOW_STEPS + 2)
    return caps, np.broadcast_to(costs, caps.shape)


def _candidates(
    cost: np.ndarray, allowed: np.ndarray, prices: np.ndarray, k: int, margin: int
) -> np.ndarray:
    """Per unit, its allowed teams within ``margin`` of its cheapest (cost + price), k at most."""
    teams = allowed.shape[1]
    if k >= teams:  # every allowed arc
        return allowed.copy()
    reduced = np.where(allowed, cost + prices[None, :], _FAR)
    near = reduced <= reduced.min(axis=1, keepdims=True) + margin
    # A unit with at most k teams within the margin keeps them all: they are its
    # k cheapest. Only the others need a partial sort (usually few).
    crowded = np.flatnonzero(near.sum(axis=1) > k)
    if crowded.size:
        best = np.argpartition(reduced[crowded], k - 1, axis=1)[:, :k]
        chosen = np.zeros((crowded.size, teams), dtype=bool)
        chosen[np.arange(crowded.size)[:, None], best] = True
        near[crowded] &= chosen
    arcs: np.ndarray = near & allowed
    return arcs


def _solve(
    cost: np.ndarray,
    arcs: np.ndarray,
    counts: np.ndarray,
    caps: np.ndarray,
    seg_costs: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Solve the flow on the marked arcs; returns (arc units, arc teams, flows).

    A unit with one arc sends its firms there: it is not a node of the graph,
    its firms are a supply of its team's node.
    """
    units, teams = arcs.shape
    u_idx, t_idx = np.nonzero(arcs)
    degree = np.bincount(u_idx, minlength=units)
    forced = degree[u_idx] == 1
    open_units = np.flatnonzero(degree > 1)
    node = np.full(units, -1, np.int64)
    node[open_units] = np.arange(len(open_units))
    m = len(open_units)
    o_u, o_t = u_idx[~forced], t_idx[~forced]
    sink = m + teams
    team_nodes = m + np.arange(teams)
    segments = caps.shape[1]
    from ortools.graph.python import min_cost_flow  # type: ignore[import-untyped]  # (kept off the app's start-up)

    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate([node[o_u], np.repeat(team_nodes, segments)]).astype(np.int32),
        np.concatenate([m + o_t, np.full(teams * segments, sink)]).astype(np.int32),
        np.concatenate([counts[o_u], caps.reshape(-1)]).astype(np.int64),
        np.concatenate([cost[o_u, o_t], seg_costs.reshape(-1)]).astype(np.int64),
    )
    supplies = np.zeros(sink + 1, np.int64)
    supplies[:m] = counts[open_units]
    supplies[m:sink] = np.bincount(t_idx[forced], weights=counts[u_idx[forced]], minlength=teams)
    supplies[sink] = -int(counts.sum())
    flow.set_nodes_supplies(np.arange(sink + 1, dtype=np.int32), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise PlannerError(f"Le solveur n'a pas trouvé de répartition (statut {status}).")
    amount = np.zeros(len(u_idx), np.int64)
    amount[forced] = counts[u_idx[forced]]
    amount[~forced] = flow.flows(np.arange(len(o_u), dtype=np.int32))
    used = amount > 0
    return u_idx[used], t_idx[used], amount[used]


def team_prices(
    cost: np.ndarray,
    arcs: np.ndarray,
    unit: np.ndarray,
    team: np.ndarray,
    amount: np.ndarray,
    caps: np.ndarray,
    seg_costs: np.ndarray,
) -> np.ndarray:
    """Each team's potential: the cheapest way to send one more firm from it to the sink.

    In the residual graph of the solved flow, a firm reaches the sink from team
    ``a`` directly (the cost of ``a``'s next free segment), or by moving a unit
    that ``a`` holds to another of its arcs ``b`` (cost ``cost[u, b] - cost[u, a]``)
    and going on from ``b``. Bellman-Ford over the teams; the flow is optimal on
    its arcs, so there is no negative cycle.
    """
    teams = arcs.shape[1]
    inflow = np.bincount(team, weights=amount, minlength=teams).astype(np.int64)
    # the first segment that is not full sets the cost of one more firm
    filled = np.cumsum(caps, axis=1) <= inflow[:, None]
    first_free = np.minimum(filled.sum(axis=1), caps.shape[1] - 1)
    prices: np.ndarray = seg_costs[np.arange(teams), first_free].astype(np.int64)
    # team-to-team moves: a unit held by team a goes to another of its arcs b
    row, col = np.nonzero(arcs[unit])
    a = team[row]
    b = col
    moves = cost[unit[row], b] - cost[unit[row], a]
    keep = a != b
    step = np.full(teams * teams, _FAR, np.int64)
    np.minimum.at(step, a[keep] * teams + b[keep], moves[keep])
    step = step.reshape(teams, teams)
    for _ in range(teams + 1):
        better: np.ndarray = np.minimum(prices, (step + prices[None, :]).min(axis=1))
        if np.array_equal(better, prices):
            break
        prices = better
    return prices


def solve_flow(
    cost: np.ndarray,
    allowed: np.ndarray,
    counts: np.ndarray,
    targets: np.ndarray,
    prices: np.ndarray | None = None,
    candidates: int = CANDIDATES,
    margin_km: float | None = None,
) -> Flow:
    """Min-cost flow of the units' firms to the teams, over every allowed arc.

    Args:
        cost: integer cost (units × teams) of one firm of a unit at a team.
        allowed: (units × teams) arcs the remits allow; no other arc is ever used.
        counts: firms per unit.
        targets: each team's share, taken at cost 0 (more at overflow costs).
        prices: team prices of a previous flow, to choose the first candidates.
        candidates: how many arcs each unit starts with, at most.
        margin_km: only arcs no dearer than the unit's cheapest (cost and
            price) plus this (None: no limit).
    """
    units, teams = allowed.shape
    prices = np.zeros(teams, np.int64) if prices is None else prices
    caps, seg_costs = _sink_segments(targets, int(counts.sum()))
    k = max(1, candidates)
    margin = _FAR if margin_km is None else int(margin_km * SCALE)
    arcs = _candidates(cost, allowed, prices, k, margin)
    widenings = 0
    while True:
        unit, team, amount = _solve(cost, arcs, counts, caps, seg_costs)
        prices = team_prices(cost, arcs, unit, team, amount, caps, seg_costs)
        if k >= teams:  # every allowed arc was in
            return Flow(unit, team, amount, prices, int(arcs.sum()), widenings)
        # what each unit pays now (its dearest used arc, with its team's price)
        paid = np.full(units, -_FAR, np.int64)
        np.maximum.at(paid, unit, cost[unit, team] + prices[team])
        reduced = cost + prices[None, :]
        cheaper = allowed & ~arcs & (reduced < paid[:, None])
        if not cheaper.any():
            return Flow(unit, team, amount, prices, int(arcs.sum()), widenings)
        # each unit that could pay less gets (at most k of) its cheapest such arcs
        rows = np.flatnonzero(cheaper.any(axis=1))
        arcs[rows] |= _candidates(reduced[rows], cheaper[rows], np.zeros(teams, np.int64), k, _FAR)
        widenings += 1
