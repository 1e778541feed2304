"""Automatic division: firms to teams (or advisers) by min-cost flow.

Firms are grouped into units (a ~250 m grid cell, the same eligible teams and
the same current team) so that a cell goes whole to a team where it can. The
units are sent through an OR-Tools min-cost flow whose cost is the distance to
each team's centre, minus a bonus for staying with the current team (stable
re-divisions); each team takes its capacity share at cost 0, and more only
through costly overflow arcs that the solver uses when remit rules leave no
other way. Centres are refined over a few rounds (a capacitated k-means whose
assignment step is exact and respects the rules). Each flow starts with arcs
from a cell to its few cheapest allowed teams only, and is widened until it is
optimal over every allowed arc (:mod:`.flow`): at 500,000 firms and 100 teams a
round solves ~100,000 arcs instead of ~6 million.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from planner.domain.errors import PlannerError
from planner.domain.progress import CancelToken, Progress, no_progress
from planner.services.task_force.division.contiguity import (
    stray_piece_moves,
    total_pieces,
)
from planner.services.task_force.division.flow import (
    CANDIDATES,
    MARGIN_KM,
    Flow,
    solve_flow,
    unit_costs,
)

CELL_KM = 0.25
ROUNDS = 12
STAY_BONUS_KM = 3.0
CONTIGUITY_PASSES = 3
COMMUNE_PULL = 0.5  # share of a unit's cost taken from its commune's centre
MOVED_FACTOR = 0.5  # candidates within MARGIN_KM + this × how far the centres moved


class DivisionInfeasible(PlannerError):
    """The rules make a fair split impossible; the message says which rule binds."""


@dataclass
class FlowResult:
    """One solved division.

    Attributes:
        team: per firm, the team index (-1 when no team may take it).
        targets: each team's capacity share, in firms.
        centres: (teams × 2) centres in km.
        overloaded: teams above their share (rules left no other way).
        solves, widenings, max_arcs: flows solved, how many of them were
            solved again with more arcs, the most unit-team arcs in one.
    """

    team: np.ndarray
    targets: np.ndarray
    centres: np.ndarray
    overloaded: list[int] = field(default_factory=list)
    solves: int = 0
    widenings: int = 0
    max_arcs: int = 0


def project_km(lon: np.ndarray, lat: np.ndarray, lat0: float | None = None) -> np.ndarray:
    """Equirectangular projection around ``lat0`` (default: the mean latitude), in km (n × 2)."""
    if lat0 is None:
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
    xy: np.ndarray,
    allowed: np.ndarray,
    current: np.ndarray,
    seed: int,
    start: np.ndarray | None = None,
) -> np.ndarray:
    """Each team's first centre: its current firms' centroid, else its ``start``
    point (its advisers' bases), else a firm it may take, drawn far from the others
    (the teams that start from their bases are placed before any is drawn)."""
    rng = np.random.default_rng(seed)
    teams = allowed.shape[1]
    centres = np.zeros((teams, 2))
    # squared distance of every firm to the nearest centre placed so far, brought
    # up to date (with the centres placed since) only when a centre is drawn
    nearest = np.full(len(xy), np.inf)
    pending: list[np.ndarray] = []
    based = np.zeros(teams, dtype=bool)
    if start is not None:
        based = np.isfinite(start).all(axis=1) & ~np.isin(np.arange(teams), current)
        centres[based] = start[based]
        pending.extend(centres[based])
    placed = bool(based.any())
    for t in range(teams):
        mine = current == t
        if based[t]:
            continue
        if mine.any():
            centres[t] = xy[mine].mean(axis=0)
        else:
            pool = np.flatnonzero(allowed[:, t])
            if pool.size == 0:
                centres[t] = xy.mean(axis=0) if len(xy) else 0.0
                continue
            if not placed:
                centres[t] = xy[rng.choice(pool)]
            else:  # k-means++ style: far from the centres already placed
                for centre in pending:
                    dx, dy = xy[:, 0] - centre[0], xy[:, 1] - centre[1]
                    np.minimum(nearest, dx * dx + dy * dy, out=nearest)
                pending = []
                d2 = nearest[pool]
                p = d2 / d2.sum() if d2.sum() > 0 else None
                centres[t] = xy[rng.choice(pool, p=p)]
        pending.append(centres[t])
        placed = True
    return centres


def _rank(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Dense ranks of integer values (order kept) and how many distinct ones."""
    unique, inverse = np.unique(values, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64), len(unique)


def _unit_keys(columns: list[np.ndarray]) -> np.ndarray:
    """One integer per row, ordered as the rows' columns are, lexicographically.

    Ranks are folded column by column into one int64 (re-ranked whenever the
    next fold could overflow), as ``np.unique(..., axis=0)`` would order the rows.
    """
    key, size = _rank(columns[0])
    for column in columns[1:]:
        rank, count = _rank(column)
        if size * count >= 2**62:
            key, size = _rank(key)
        key = key * count + rank
        size *= count
    return key


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
    pattern = np.ascontiguousarray(np.packbits(allowed, axis=1))
    # rows of remit bits compared bytewise: the order of the rows' byte columns
    remits = pattern.view(np.dtype((np.void, pattern.shape[1]))).reshape(-1)
    key = _unit_keys([cells[:, 0], cells[:, 1], group, current, _rank(remits)[0]])
    unit, n_units = _rank(key)
    counts = np.bincount(unit, minlength=n_units)
    pos: np.ndarray = np.column_stack(
        [np.bincount(unit, weights=xy[:, i], minlength=n_units) for i in range(2)]
    )
    pos = pos / counts[:, None]
    group_index, n_groups = _rank(group)
    centre: np.ndarray = np.column_stack(
        [np.bincount(group_index, weights=xy[:, i], minlength=n_groups) for i in range(2)]
    )
    centre = centre / np.bincount(group_index)[:, None]
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
    start: np.ndarray | None = None,
    seed: int = 0,
    contiguity_passes: int = CONTIGUITY_PASSES,
    candidates: int = CANDIDATES,
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
        start: (teams × 2) km, where a team without current firms starts
            (its advisers' bases); NaN rows: drawn among its firms.
        seed: for the initial centres.
        contiguity_passes: how many times stray pieces of a team are handed
            to a neighbouring team (0: none).
        candidates: arcs per grid cell in a flow's first solve (its cheapest
            allowed teams); the flow widens them until it is optimal over all
            allowed arcs (see :mod:`.flow`).
    """
    n, teams = allowed.shape
    current = np.full(n, -1, np.int64) if current is None else current.astype(np.int64)
    locked = np.full(n, -1, np.int64) if locked is None else locked.astype(np.int64)
    assignable = allowed.any(axis=1) | (locked >= 0)
    targets = capacity_targets(int(assignable.sum()), capacity)
    result = np.where(locked >= 0, locked, -1)
    free = np.flatnonzero((locked < 0) & allowed.any(axis=1))
    centres = _initial_centres(xy, allowed, np.where(locked >= 0, locked, current), seed, start)
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
    log = _Log(candidates)
    settled = np.zeros(teams, dtype=bool)  # teams whose shares the rules have set

    def reshare(flow: Flow) -> np.ndarray | None:
        """New shares when the rules force some teams above theirs, else None.

        A flow overflows only where the rules force it (overflow costs more
        than any distance). The teams that the over-full ones could hand firms
        to, step by step, share the firms they hold and keep these shares; the
        teams not settled yet share the rest; each by capacity.
        """
        nonlocal targets
        final = np.bincount(flow.team, weights=flow.amount, minlength=teams).astype(np.int64)
        final += locked_counts
        bound = final > targets
        if not bound.any():
            return None
        held = np.zeros((len(flow.team), teams), np.float32)
        held[np.arange(len(flow.team)), flow.team] = 1.0
        reach = (held.T @ u_allowed[flow.unit].astype(np.float32)) > 0
        while True:
            wider = bound | reach[bound].any(axis=0)
            if (wider == bound).all():
                break
            bound = wider
        if bound.all():
            return None
        shares = targets.copy()
        shares[bound] = capacity_targets(int(final[bound].sum()), np.asarray(capacity)[bound])
        settled[bound] = True
        if not settled.all():
            shares[~settled] = capacity_targets(
                int(assignable.sum()) - int(shares[settled].sum()),
                np.asarray(capacity)[~settled],
            )
        if np.array_equal(shares, targets):
            return None
        targets = shares
        return np.maximum(targets - locked_counts, 0)

    left = np.maximum(targets - locked_counts, 0)
    flow, centres, left = _rounds(
        pos,
        anchor,
        pull,
        counts,
        u_allowed,
        u_current,
        left,
        centres,
        log,
        reshare,
        progress,
        cancel,
    )
    result[free] = _split_units(unit, flow, xy[free], centres)
    result = _gather_stray_pieces(
        xy,
        allowed,
        locked,
        current,
        group,
        pull,
        free,
        left,
        centres,
        result,
        contiguity_passes,
        log,
    )
    final = np.bincount(result[result >= 0], minlength=teams)
    base = capacity_targets(int(assignable.sum()), capacity)
    over = [t for t in range(teams) if final[t] > base[t]]
    return FlowResult(result, base, centres, over, log.solves, log.widenings, log.max_arcs)


@dataclass
class _Log:
    """The flows of one division: arcs per cell at first, team prices, counts."""

    candidates: int
    prices: np.ndarray | None = None
    priced_at: np.ndarray | None = None  # the centres the prices were found with
    solves: int = 0
    widenings: int = 0
    max_arcs: int = 0

    def solve(
        self,
        pos: np.ndarray,
        anchor: np.ndarray,
        pull: float,
        counts: np.ndarray,
        allowed: np.ndarray,
        current: np.ndarray,
        targets: np.ndarray,
        centres: np.ndarray,
    ) -> Flow:
        """One flow, its candidates chosen with the prices of the previous one."""
        cost = unit_costs(pos, anchor, pull, current, centres, STAY_BONUS_KM)
        margin = None
        if self.priced_at is not None:
            # a unit's cost to a team moved at most as far as the team's centre
            moved = float(np.linalg.norm(centres - self.priced_at, axis=1).max())
            margin = MARGIN_KM + MOVED_FACTOR * moved
        flow = solve_flow(cost, allowed, counts, targets, self.prices, self.candidates, margin)
        self.prices, self.priced_at = flow.prices, centres.copy()
        self.solves += 1
        self.widenings += flow.widenings
        self.max_arcs = max(self.max_arcs, flow.arcs)
        return flow


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
    log: _Log,
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
        flow = log.solve(pos, anchor, pull, counts, u_allowed, u_current, left, centres)
        candidate = result.copy()
        candidate[free] = _split_units(unit, flow, xy[free], centres)
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
    log: _Log,
    reshare: Callable[[Flow], np.ndarray | None],
    progress: Progress,
    cancel: CancelToken | None,
) -> tuple[Flow, np.ndarray, np.ndarray]:
    """Capacitated k-means: flow, centres to the flow's centroids, until they stay.

    ``reshare`` is called with each flow; when it returns new shares
    (``left``), the flow is solved again with them.
    """
    teams = allowed.shape[1]
    flow: Flow | None = None
    for round_ in range(ROUNDS):
        if cancel is not None:
            cancel.check()
        progress(round_, ROUNDS, "Répartition des entreprises")
        flow = log.solve(pos, anchor, pull, counts, allowed, current, left, centres)
        for _ in range(teams):
            reshared = reshare(flow)
            if reshared is None:
                break
            left = reshared
            flow = log.solve(pos, anchor, pull, counts, allowed, current, left, centres)
        mass = np.bincount(flow.team, weights=flow.amount, minlength=teams)
        new = centres.copy()
        for i in range(2):
            weighted = np.bincount(
                flow.team, weights=flow.amount * pos[flow.unit, i], minlength=teams
            )
            new[mass > 0, i] = weighted[mass > 0] / mass[mass > 0]
        moved = float(np.abs(new - centres).max())
        centres = new
        if moved < 0.01:
            break
    progress(ROUNDS, ROUNDS, "Répartition des entreprises")
    assert flow is not None
    return flow, centres, left


def _split_units(unit: np.ndarray, flow: Flow, xy: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Give each firm of a unit a team, following the unit's flows (nearest first)."""
    units = int(unit.max()) + 1 if len(unit) else 0
    arcs = np.bincount(flow.unit, minlength=units)
    # a unit that goes whole to one team: all its firms at once
    whole = np.full(units, -1, np.int64)
    single = arcs[flow.unit] == 1
    whole[flow.unit[single]] = flow.team[single]
    team: np.ndarray = whole[unit]
    split = np.flatnonzero(arcs > 1)
    if split.size == 0:
        return team
    firms = np.flatnonzero(np.isin(unit, split))
    firms = firms[np.argsort(unit[firms], kind="stable")]
    bounds = np.searchsorted(unit[firms], np.append(split, units))
    for i, u in enumerate(split.tolist()):
        members = firms[bounds[i] : bounds[i + 1]]
        lo, hi = np.searchsorted(flow.unit, [u, u + 1])  # the flow's arcs are by unit
        taken, amount = flow.team[lo:hi], flow.amount[lo:hi]
        for t, n in zip(
            taken[np.argsort(amount, kind="stable")].tolist(),
            np.sort(amount, kind="stable").tolist(),
            strict=True,
        ):
            # the firms nearest to a team's centre go to that team
            key = np.linalg.norm(xy[members] - centres[t], axis=1)
            near = np.argsort(key, kind="stable")
            team[members[near[:n]]] = t
            members = members[near[n:]]
    return team
