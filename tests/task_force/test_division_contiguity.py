"""Stray pieces of a team handed to the neighbouring team, shares kept exact."""

from __future__ import annotations

import numpy as np

from planner.services.task_force.division.contiguity import (
    stray_piece_moves,
    team_pieces,
    total_pieces,
)
from planner.services.task_force.division.quality import cell_pieces, count_pieces
from planner.services.task_force.division.solver import solve_division


def _strip() -> tuple[np.ndarray, np.ndarray]:
    """Team 0 west of x = 2 km, team 1 east of it, and one team-0 firm at x = 3.1 km."""
    xs = np.linspace(0.05, 3.95, 40)
    xy = np.array([(x, y) for x in xs for y in (0.1, 0.6)] + [(3.1, 0.3)])
    team = np.array([0 if x < 2 else 1 for x, _ in xy[:-1]] + [0])
    return xy, team


def test_a_stray_firm_goes_to_the_team_around_it() -> None:
    xy, team = _strip()
    allowed = np.ones((len(xy), 2), dtype=bool)
    free = np.full(len(xy), -1)
    assert total_pieces(xy, team, 2) == 3
    assert len(set(team_pieces(xy, team, 2)[team == 0].tolist())) == 2
    firms, to = stray_piece_moves(xy, team, allowed, free)
    assert firms.tolist() == [len(xy) - 1] and to.tolist() == [1]


def test_a_stray_firm_stays_when_locked_or_when_the_neighbour_may_not_take_it() -> None:
    xy, team = _strip()
    allowed = np.ones((len(xy), 2), dtype=bool)
    locked = np.full(len(xy), -1)
    locked[-1] = 0
    assert stray_piece_moves(xy, team, allowed, locked)[0].size == 0
    allowed[-1, 1] = False
    assert stray_piece_moves(xy, team, allowed, np.full(len(xy), -1))[0].size == 0


def test_the_pass_leaves_fewer_pieces_and_exact_shares() -> None:
    rng = np.random.default_rng(2)
    centres = rng.uniform([0, 0], [14, 10], size=(40, 2))
    n, teams = 12000, 8
    xy = centres[rng.integers(0, 40, n)] + rng.normal(scale=0.8, size=(n, 2))
    allowed = np.ones((n, teams), dtype=bool)
    loose = solve_division(xy, allowed, np.ones(teams), contiguity_passes=0)
    assert stray_piece_moves(xy, loose.team, allowed, np.full(n, -1))[0].size > 0
    tight = solve_division(xy, allowed, np.ones(teams))
    assert (np.bincount(tight.team, minlength=teams) == tight.targets).all()
    measured = [sum(count_pieces(xy[r.team == t]) for t in range(teams)) for r in (loose, tight)]
    assert measured[1] < measured[0]


def _flood_fill(cells: list[tuple[int, int]]) -> list[int]:
    """Reference labelling: 8-neighbourhood flood fill, pieces numbered by first cell."""
    present = set(cells)
    label: dict[tuple[int, int], int] = {}
    for start in cells:
        if start in label:
            continue
        piece = len(set(label.values()))
        label[start] = piece
        stack = [start]
        while stack:
            cx, cy = stack.pop()
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    nxt = (cx + dx, cy + dy)
                    if nxt in present and nxt not in label:
                        label[nxt] = piece
                        stack.append(nxt)
    return [label[c] for c in cells]


def test_cell_pieces_match_a_flood_fill() -> None:
    rng = np.random.default_rng(16)
    for density in (0.05, 0.2, 0.45, 0.9):
        grid = rng.random((30, 25)) < density
        cells = np.argwhere(grid) - [7, 11]  # negative coordinates too
        rng.shuffle(cells)
        expected = _flood_fill([(int(x), int(y)) for x, y in cells])
        assert cell_pieces(cells).tolist() == expected
    # diagonal neighbours touch; a gap of one cell separates
    assert cell_pieces(np.array([[0, 0], [1, 1], [3, 1], [4, 0]])).tolist() == [0, 0, 1, 1]
    assert cell_pieces(np.zeros((0, 2), np.int64)).tolist() == []
