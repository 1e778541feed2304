"""Contiguity of a division: find each team's stray pieces and who could take them.

A team's *pieces* are the connected groups (8-neighbourhood) of the ~500 m
grid cells holding its firms, as :func:`division_quality.count_pieces` counts
them. A piece other than the team's largest is *stray* when a neighbouring
team may take all of its firms; :func:`stray_piece_moves` proposes those
moves, and the division re-solves its flow with them imposed, so that the
capacity shares stay exact.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from planner.services.task_force.division.quality import PIECE_CELL_KM, grid_pieces

MAX_PIECE_SHARE = 0.1  # larger pieces are districts of their own, not strays
_NEIGHBOURS = [(dx, dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)]

Cell = tuple[int, int]


def _cell_keys(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Grid cells of the firms, and one integer key per cell (``x * width + y``)."""
    cells = np.floor(xy / PIECE_CELL_KM).astype(np.int64)
    if len(cells):
        cells -= cells.min(axis=0)
    width = int(cells[:, 1].max()) + 2 if len(cells) else 1
    return cells, cells[:, 0] * width + cells[:, 1], width


def team_pieces(xy: np.ndarray, team: np.ndarray, teams: int) -> np.ndarray:
    """Per firm, its piece number within its team (-1 for firms without a team)."""
    piece = np.full(len(team), -1, np.int64)
    placed = np.flatnonzero((team >= 0) & (team < teams))
    if placed.size == 0:
        return piece
    _, keys, width = _cell_keys(xy)
    # one row per (team, cell), in each team's order of cells
    unique, inverse = np.unique(team[placed] * (keys.max() + 1) + keys[placed], return_inverse=True)
    row_team, row_key = np.divmod(unique, keys.max() + 1)
    coords = np.column_stack([row_key // width, row_key % width])
    piece[placed] = grid_pieces(row_team, coords)[inverse.reshape(-1)]
    return piece


def total_pieces(xy: np.ndarray, team: np.ndarray, teams: int) -> int:
    """The number of pieces of every team, added up."""
    piece = team_pieces(xy, team, teams)
    placed = piece >= 0
    return len(np.unique(team[placed] * (int(piece.max()) + 1) + piece[placed]))


def stray_piece_moves(
    xy: np.ndarray, team: np.ndarray, allowed: np.ndarray, locked: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Firms of stray pieces and the neighbouring team each should go to.

    A piece moves whole, to the neighbouring team with the most firms around
    it that may take every firm of the piece; pieces holding a locked firm
    stay.

    Returns:
        (firm indices, new team of each).
    """
    teams = allowed.shape[1]
    cells, keys, width = _cell_keys(xy)
    around: dict[Cell, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    placed = np.flatnonzero(team >= 0)
    rows, counts = np.unique(keys[placed] * teams + team[placed], return_counts=True)
    for row, n in zip(rows.tolist(), counts.tolist(), strict=True):
        key, t = divmod(row, teams)
        around[divmod(key, width)][t] += n
    piece = team_pieces(xy, team, teams)
    firms: list[np.ndarray] = []
    targets: list[np.ndarray] = []
    for t in range(teams):
        mine = np.flatnonzero(team == t)
        if mine.size == 0:
            continue
        labels, sizes = np.unique(piece[mine], return_counts=True)
        if len(labels) < 2:
            continue
        main = labels[np.argmax(sizes)]
        for label, size in zip(labels.tolist(), sizes.tolist(), strict=True):
            if label == main or size > MAX_PIECE_SHARE * mine.size:
                continue
            members = mine[piece[mine] == label]
            if (locked[members] >= 0).any():
                continue
            near: dict[int, int] = defaultdict(int)
            for cx, cy in {(int(x), int(y)) for x, y in cells[members].tolist()}:
                for dx, dy in _NEIGHBOURS:
                    for other, n in around.get((cx + dx, cy + dy), {}).items():
                        if other != t:
                            near[other] += n
            for other in sorted(near, key=lambda u: (-near[u], u)):
                if allowed[members, other].all():
                    firms.append(members)
                    targets.append(np.full(members.size, other, np.int64))
                    break
    if not firms:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(firms), np.concatenate(targets)
