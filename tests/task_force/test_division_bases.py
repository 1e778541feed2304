"""A team starts where its advisers are based: a team named after a town gets that town."""

from __future__ import annotations

import numpy as np

from planner.services.task_force.division.solver import solve_division


def _towns() -> tuple[np.ndarray, np.ndarray]:
    """Four towns of 300 firms each, 10 km apart (km), and each firm's town."""
    rng = np.random.default_rng(5)
    corners = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0], [10.0, 10.0]])
    town = np.repeat(np.arange(4), 300)
    return corners[town] + rng.normal(0, 1.0, size=(len(town), 2)), town


def test_each_team_gets_the_town_of_its_advisers_bases() -> None:
    xy, town = _towns()
    corners = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0], [10.0, 10.0]])
    allowed = np.ones((len(xy), 4), dtype=bool)
    based_in = np.array([3, 1, 0, 2])  # team t works from town based_in[t]
    drawn = []
    for seed in range(6):
        result = solve_division(xy, allowed, np.ones(4), start=corners[based_in], seed=seed)
        for t in range(4):
            mine = town[result.team == t]
            assert (mine == based_in[t]).mean() > 0.95, (seed, t)
        drawn.append(solve_division(xy, allowed, np.ones(4), seed=seed).team)
    # Without the bases the towns go to whichever team drew them: not these teams.
    assert any((town[team == 0] != based_in[0]).mean() > 0.5 for team in drawn)


def test_a_team_without_base_or_firms_is_still_placed() -> None:
    xy, _town = _towns()
    allowed = np.ones((len(xy), 4), dtype=bool)
    start = np.full((4, 2), np.nan)
    start[2] = (10.0, 10.0)
    result = solve_division(xy, allowed, np.ones(4), start=start, seed=1)
    counts = np.bincount(result.team, minlength=4)
    assert (counts == 300).all()
    assert np.abs(xy[result.team == 2].mean(axis=0) - (10.0, 10.0)).max() < 1.0
