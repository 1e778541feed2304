"""The flow on candidate arcs: widened until optimal over every allowed arc, remits exact."""

from __future__ import annotations

import numpy as np

from planner.services.task_force.division.flow import Flow, solve_flow, unit_costs
from planner.services.task_force.division.solver import capacity_targets, solve_division


def _cells(n: int = 600, teams: int = 6, seed: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Cells over a 10 km square, team centres all in its western third."""
    rng = np.random.default_rng(seed)
    pos = rng.uniform(0, 10, size=(n, 2))
    centres = np.column_stack([rng.uniform(0, 3, teams), rng.uniform(0, 10, teams)])
    return pos, centres


def _cost(pos: np.ndarray, centres: np.ndarray) -> np.ndarray:
    return unit_costs(pos, pos, 0.0, np.full(len(pos), -1), centres, 3.0)


def _total(flow: Flow, cost: np.ndarray) -> int:
    return int((flow.amount * cost[flow.unit, flow.team]).sum())


def _loads(flow: Flow, teams: int) -> np.ndarray:
    return np.bincount(flow.team, weights=flow.amount, minlength=teams).astype(np.int64)


def test_one_candidate_per_cell_is_widened_to_the_optimum_over_all_arcs() -> None:
    pos, centres = _cells()
    cost = _cost(pos, centres)
    counts = np.random.default_rng(1).integers(1, 20, len(pos))
    allowed = np.ones(cost.shape, bool)
    targets = capacity_targets(int(counts.sum()), np.array([3, 1, 1, 1, 1, 1]))
    full = solve_flow(cost, allowed, counts, targets, candidates=cost.shape[1])
    narrow = solve_flow(cost, allowed, counts, targets, candidates=1)
    assert narrow.widenings > 0
    assert narrow.arcs < allowed.sum()
    assert _total(narrow, cost) == _total(full, cost)
    assert _loads(narrow, 6).tolist() == targets.tolist()
    # every cell is sent whole: its firms all leave it
    assert np.bincount(narrow.unit, weights=narrow.amount).tolist() == counts.tolist()


def test_a_team_that_is_no_cells_candidate_still_gets_its_share() -> None:
    """Infeasible on the first arcs (the far team has none): widened, shares exact."""
    pos, centres = _cells(teams=4)
    centres[3] = [30.0, 30.0]  # far from every cell: nobody's nearest team
    cost = _cost(pos, centres)
    counts = np.ones(len(pos), np.int64)
    allowed = np.ones(cost.shape, bool)
    targets = capacity_targets(len(pos), np.ones(4))
    narrow = solve_flow(cost, allowed, counts, targets, candidates=2)
    full = solve_flow(cost, allowed, counts, targets, candidates=4)
    assert narrow.widenings > 0
    assert _loads(narrow, 4).tolist() == targets.tolist() == [150] * 4
    assert _total(narrow, cost) == _total(full, cost)


def test_remits_stay_exact_when_the_nearest_teams_are_forbidden() -> None:
    pos, centres = _cells(teams=5)
    cost = _cost(pos, centres)
    rng = np.random.default_rng(2)
    counts = rng.integers(1, 5, len(pos))
    allowed = np.ones(cost.shape, bool)
    nearest = np.argsort(cost, axis=1)
    rows = np.arange(len(pos))
    allowed[rows, nearest[:, 0]] = False  # nobody may go to its nearest team…
    special = rng.random(len(pos)) < 0.2
    allowed[special] = False
    allowed[special, nearest[special, -1]] = True  # …and some only to their farthest
    targets = capacity_targets(int(counts.sum()), np.ones(5))
    narrow = solve_flow(cost, allowed, counts, targets, candidates=1)
    full = solve_flow(cost, allowed, counts, targets, candidates=5)
    assert allowed[narrow.unit, narrow.team].all()
    assert _total(narrow, cost) == _total(full, cost)
    assert np.array_equal(_loads(narrow, 5), _loads(full, 5))


def test_division_on_narrow_candidates_matches_every_arc() -> None:
    rng = np.random.default_rng(4)
    xy = rng.uniform(0, 12, size=(3000, 2))
    allowed = np.ones((3000, 9), bool)
    craft = rng.random(3000) < 0.2
    allowed[craft] = False
    allowed[craft, 7:] = True
    allowed[~craft, 7:] = False
    capacity = np.ones(9)
    narrow = solve_division(xy, allowed, capacity, seed=0, candidates=1)
    full = solve_division(xy, allowed, capacity, seed=0, candidates=9)
    assert (narrow.team >= 0).all()
    assert allowed[np.arange(3000), narrow.team].all()
    assert narrow.widenings > 0
    # the remits force the two craft teams to take all the craft firms and no more:
    # the general teams share the rest by capacity, to the firm
    for result in (narrow, full):
        loads = np.bincount(result.team, minlength=9)
        assert loads[7:].sum() == craft.sum()
        expected = capacity_targets(int((~craft).sum()), np.ones(7))
        assert sorted(loads[:7].tolist()) == sorted(expected.tolist())


def test_shares_forced_by_two_exclusive_remits_settle_once() -> None:
    """Rounded shares that two exclusive groups cannot fill are settled, not chased."""
    rng = np.random.default_rng(8)
    n = 6000
    xy = rng.uniform(0, 15, size=(n, 2))
    craft = rng.random(n) < 0.15
    young = ~craft & (rng.random(n) < 0.07)
    allowed = np.zeros((n, 12), bool)
    allowed[~craft & ~young, :9] = True
    allowed[young, 9] = True
    allowed[craft, 10:] = True
    capacity = np.ones(12)  # one adviser each: the two exclusive groups cannot fill theirs
    result = solve_division(xy, allowed, capacity, seed=0)
    loads = np.bincount(result.team, minlength=12)
    assert loads[9] == young.sum()
    assert loads[10:].sum() == craft.sum()
    assert loads[:9].max() - loads[:9].min() <= 1
    assert result.solves <= 20  # 12 rounds, a few re-shares and contiguity passes


def test_unit_costs_are_the_plain_formula_to_the_last_bit() -> None:
    """The in-place computation gives exactly the costs of the formula written out."""
    from planner.services.task_force.division.flow import SCALE

    rng = np.random.default_rng(11)
    pos = rng.uniform(-50, 50, (3_000, 2))
    anchor = rng.uniform(-50, 50, (3_000, 2))
    centres = rng.uniform(-50, 50, (17, 2))
    current = rng.integers(-1, 17, 3_000)
    for pull in (0.0, 0.5):
        dist = np.sqrt(
            (pos[:, 0:1] - centres[None, :, 0]) ** 2 + (pos[:, 1:2] - centres[None, :, 1]) ** 2
        )
        if pull:
            to_anchor = np.sqrt(
                (anchor[:, 0:1] - centres[None, :, 0]) ** 2
                + (anchor[:, 1:2] - centres[None, :, 1]) ** 2
            )
            dist = (1.0 - pull) * dist + pull * to_anchor
        dist -= 3.0 * (current[:, None] == np.arange(17)[None, :])
        plain = np.round((dist + 3.0) * SCALE).astype(np.int64)
        np.testing.assert_array_equal(unit_costs(pos, anchor, pull, current, centres, 3.0), plain)
