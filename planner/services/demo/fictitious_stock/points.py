"""Uniform random points inside commune polygons."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from planner.services.demo.fictitious_stock.arrays import _FloatArray, _IntArray
from planner.services.demo.fictitious_stock.model import CommuneArea


class _PointSampler:
    """Uniform random points strictly inside commune polygons, vectorised."""

    def __init__(self, areas: Sequence[CommuneArea]) -> None:
        self._areas = areas
        self._prepared: dict[int, tuple[BaseGeometry, tuple[float, float, float, float], float]]
        self._prepared = {}

    def _prepare(self, index: int) -> tuple[BaseGeometry, tuple[float, float, float, float], float]:
        cached = self._prepared.get(index)
        if cached is not None:
            return cached
        geometry = self._areas[index].geometry
        # Keep about a metre away from the border, so that rounding the
        # Lambert-93 coordinates to 0.1 m cannot push a point outside.
        inner = geometry.buffer(-1e-5)
        if inner.is_empty or inner.area < geometry.area * 0.5:
            inner = geometry
        shapely.prepare(inner)
        min_x, min_y, max_x, max_y = (float(v) for v in inner.bounds)
        box_area = (max_x - min_x) * (max_y - min_y)
        ratio = max(float(inner.area) / box_area, 1e-3) if box_area > 0 else 1.0
        entry = (inner, (min_x, min_y, max_x, max_y), ratio)
        self._prepared[index] = entry
        return entry

    def sample(
        self, rng: np.random.Generator, area_index: _IntArray
    ) -> tuple[_FloatArray, _FloatArray]:
        n = len(area_index)
        lon = np.empty(n, dtype=np.float64)
        lat = np.empty(n, dtype=np.float64)
        order = np.argsort(area_index, kind="stable")
        counts = np.bincount(area_index, minlength=len(self._areas))
        start = 0
        for index, count in enumerate(counts.tolist()):
            if count == 0:
                continue
            rows = order[start : start + count]
            start += count
            geometry, (min_x, min_y, max_x, max_y), ratio = self._prepare(index)
            got_x: list[_FloatArray] = []
            got_y: list[_FloatArray] = []
            missing = count
            while missing > 0:
                draw = int(missing / ratio * 1.2) + 16
                xs = rng.uniform(min_x, max_x, draw)
                ys = rng.uniform(min_y, max_y, draw)
                inside = shapely.contains_xy(geometry, xs, ys)
                xs, ys = xs[inside][:missing], ys[inside][:missing]
                got_x.append(xs)
                got_y.append(ys)
                missing -= len(xs)
            lon[rows] = np.concatenate(got_x)
            lat[rows] = np.concatenate(got_y)
        return lon, lat
