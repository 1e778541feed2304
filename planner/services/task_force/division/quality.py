"""Quality of a division: deviation from capacity, compactness, pieces."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PIECE_CELL_KM = 0.5


@dataclass(frozen=True, slots=True)
class TeamQuality:
    """How one team's share came out (distances in km, deviation in %).

    Attributes:
        team: the team's name.
        firms: firms it got.
        target: its share by capacity.
        deviation_pct: ``(firms - target) / target`` in percent, rounded to 0.01.
        mean_km: mean distance of its firms to their centre.
        p90_km: 90th percentile of that distance.
        pieces: disjoint areas its firms form (see :func:`count_pieces`).
    """

    team: str
    firms: int
    target: int
    deviation_pct: float
    mean_km: float
    p90_km: float
    pieces: int


@dataclass(frozen=True, slots=True)
class DivisionQuality:
    """Per-team and overall figures of a division."""

    teams: list[TeamQuality]
    max_deviation_pct: float
    mean_km: float
    p90_km: float


def _components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Connected components of ``n`` nodes joined by edges ``(a[i], b[i])``.

    Returns each node's root, the smallest node of its component: roots are
    hooked under smaller roots along the edges, then every node jumps to its
    root, until every edge joins two nodes of one root.
    """
    label = np.arange(n)
    while True:
        while True:  # every node points at its root
            up = label[label]
            if np.array_equal(up, label):
                break
            label = up
        la, lb = label[a], label[b]
        apart = la != lb
        if not apart.any():
            return label
        np.minimum.at(label, np.maximum(la[apart], lb[apart]), np.minimum(la[apart], lb[apart]))


def grid_pieces(layer: np.ndarray, cells: np.ndarray) -> np.ndarray:
    """Label the connected groups (8-neighbourhood) of grid cells, layer by layer.

    ``cells`` holds integer (x, y) cell coordinates, each (layer, cell) once;
    ``layer`` (e.g. a team) keeps cells of different layers apart. Pieces are
    numbered within each layer in the order of their first cell in ``cells``.
    """
    n = len(cells)
    if n == 0:
        return np.zeros(0, np.int64)
    layer = np.asarray(layer, np.int64)
    shifted = np.asarray(cells, np.int64) - np.min(cells, axis=0) + 1  # neighbours stay >= 0
    width = int(shifted[:, 1].max()) + 2  # y + 1 never wraps onto the next x
    height = int(shifted[:, 0].max()) + 2  # nor x + 1 onto the next layer
    _, layer_rank = np.unique(layer, return_inverse=True)
    keys = (layer_rank.reshape(-1) * height + shifted[:, 0]) * width + shifted[:, 1]
    order = np.argsort(keys)
    sorted_keys = keys[order]
    tails, heads = [], []
    for dx, dy in ((0, 1), (1, -1), (1, 0), (1, 1)):  # each touching pair once
        target = keys + dx * width + dy
        found = np.minimum(np.searchsorted(sorted_keys, target), n - 1)
        hit = sorted_keys[found] == target
        tails.append(np.flatnonzero(hit))
        heads.append(order[found[hit]])
    root = _components(n, np.concatenate(tails), np.concatenate(heads))
    # number each layer's roots in order: its first cell's piece is 0
    roots = np.flatnonzero(root == np.arange(n))
    by_layer = roots[np.argsort(layer[roots], kind="stable")]
    first = np.searchsorted(layer[by_layer], layer[by_layer], side="left")
    number = np.empty(n, np.int64)
    number[by_layer] = np.arange(len(by_layer)) - first
    pieces: np.ndarray = number[root]
    return pieces


def cell_pieces(cells: np.ndarray) -> np.ndarray:
    """Label the connected groups (8-neighbourhood) of distinct grid cells.

    ``cells`` holds integer (x, y) cell coordinates, each cell once. Pieces
    are numbered in the order of their first cell in ``cells``.
    """
    return grid_pieces(np.zeros(len(cells), np.int64), cells)


def count_pieces(xy: np.ndarray) -> int:
    """Connected pieces of the ~500 m cells holding these firms (8-neighbourhood)."""
    if len(xy) == 0:
        return 0
    cells = np.unique(np.floor(xy / PIECE_CELL_KM).astype(np.int64), axis=0)
    return int(cell_pieces(cells).max()) + 1


def division_quality(
    xy: np.ndarray, team: np.ndarray, targets: np.ndarray, names: list[str]
) -> DivisionQuality:
    """Per-team and overall figures (distances in km, deviations in %)."""
    rows: list[TeamQuality] = []
    distances = []
    for t, name in enumerate(names):
        mine = xy[team == t]
        count = len(mine)
        target = int(targets[t])
        deviation = 100.0 * (count - target) / target if target else (0.0 if not count else 100.0)
        d = np.linalg.norm(mine - mine.mean(axis=0), axis=1) if count else np.zeros(0)
        distances.append(d)
        rows.append(
            TeamQuality(
                team=name,
                firms=count,
                target=target,
                deviation_pct=round(deviation, 2),
                mean_km=round(float(d.mean()), 3) if count else 0.0,
                p90_km=round(float(np.percentile(d, 90)), 3) if count else 0.0,
                pieces=count_pieces(mine),
            )
        )
    every = np.concatenate(distances) if distances else np.zeros(0)
    return DivisionQuality(
        teams=rows,
        max_deviation_pct=max((abs(r.deviation_pct) for r in rows), default=0.0),
        mean_km=round(float(every.mean()), 3) if every.size else 0.0,
        p90_km=round(float(np.percentile(every, 90)), 3) if every.size else 0.0,
    )
