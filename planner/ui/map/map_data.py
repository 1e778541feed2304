"""Turn firms and communes into the compact payloads the map page reads.

Columns travel as base64 of little-endian typed arrays (decoded in JS into
``Float64Array``/``Uint16Array``...), which is several times smaller and
faster to parse than JSON lists at 50,000 points. Pure numpy/shapely; no Qt.
"""

from __future__ import annotations

import base64
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import shape
from shapely.ops import polylabel

from planner.domain.json_types import JsonObject

#: Sequential ramp for the choropleth, light to dark (5 classes).
CHOROPLETH_COLORS: tuple[str, ...] = ("#fff1d2", "#fdd3a2", "#fba66d", "#ef7443", "#d24a26")

CHOROPLETH_LABELS: dict[str, str] = {
    "firms": "Entreprises par commune",
    "per_1000": "Entreprises pour 1 000 habitants",
}

_DTYPES = {"f8": "<f8", "f4": "<f4", "i4": "<i4", "u4": "<u4", "u2": "<u2", "u1": "u1"}


def encode_column(values: npt.ArrayLike, kind: str) -> dict[str, str]:
    """Pack an array as ``{"dtype": kind, "b64": ...}`` for ``PlannerMap``."""
    array = np.ascontiguousarray(np.asarray(values), dtype=_DTYPES[kind])
    return {"dtype": kind, "b64": base64.b64encode(array.tobytes()).decode("ascii")}


def encode_mask(mask: npt.NDArray[np.bool_] | None) -> dict[str, str] | None:
    """A boolean mask as a ``u1`` column, or ``None`` for "everything"."""
    if mask is None:
        return None
    return encode_column(mask.astype(np.uint8), "u1")


@dataclass
class FirmColumns:
    """The placed firms, in the order the page knows them.

    ``placed`` selects, in the caller's arrays, the rows with coordinates;
    every other array is already restricted to those rows.
    """

    placed: npt.NDArray[np.bool_]
    ids: npt.NDArray[np.int64]
    lon: npt.NDArray[np.float64]
    lat: npt.NDArray[np.float64]
    category: npt.NDArray[np.uint16]
    unplaced_ids: npt.NDArray[np.int64]

    @classmethod
    def from_arrays(
        cls, ids: npt.ArrayLike, lon: npt.ArrayLike, lat: npt.ArrayLike, category: npt.ArrayLike
    ) -> FirmColumns:
        """Keep the rows whose coordinates are finite (NaN = not placed)."""
        ids_a = np.asarray(ids, dtype=np.int64).ravel()
        lon_a = np.asarray(lon, dtype=np.float64).ravel()
        lat_a = np.asarray(lat, dtype=np.float64).ravel()
        cat_a = np.asarray(category).ravel()
        if not (len(ids_a) == len(lon_a) == len(lat_a) == len(cat_a)):
            raise ValueError("ids, lon, lat et category doivent avoir la même longueur.")
        placed = np.isfinite(lon_a) & np.isfinite(lat_a)
        return cls(
            placed=placed,
            ids=ids_a[placed],
            lon=lon_a[placed],
            lat=lat_a[placed],
            category=cls._category(cat_a[placed]),
            unplaced_ids=ids_a[~placed],
        )

    @staticmethod
    def _category(values: npt.NDArray[Any]) -> npt.NDArray[np.uint16]:
        if values.size and (values.min() < 0 or values.max() > 65535):
            raise ValueError("Les catégories doivent être des entiers entre 0 et 65535.")
        return values.astype(np.uint16)

    def __len__(self) -> int:
        return int(self.ids.size)

    def recategorize(self, category: npt.ArrayLike) -> None:
        """Replace the categories; ``category`` is aligned on the caller's rows."""
        cat_a = np.asarray(category).ravel()
        if cat_a.size != self.placed.size:
            raise ValueError("category doit avoir une valeur par entreprise.")
        self.category = self._category(cat_a[self.placed])

    def mask_of(self, ids: Iterable[int] | npt.ArrayLike | None) -> npt.NDArray[np.bool_] | None:
        """Boolean mask of the placed rows whose id is in ``ids`` (None: all)."""
        if ids is None:
            return None
        if hasattr(ids, "__array__"):
            wanted = np.asarray(ids, dtype=np.int64).ravel()
        else:
            wanted = np.fromiter((int(i) for i in cast(Iterable[Any], ids)), dtype=np.int64)
        return np.isin(self.ids, wanted)

    def unplaced_count(self, ids: Iterable[int] | npt.ArrayLike | None) -> int:
        """How many of ``ids`` (None: all firms) have no position."""
        if ids is None:
            return int(self.unplaced_ids.size)
        if hasattr(ids, "__array__"):
            wanted = np.asarray(ids, dtype=np.int64).ravel()
        else:
            wanted = np.fromiter((int(i) for i in cast(Iterable[Any], ids)), dtype=np.int64)
        return int(np.isin(self.unplaced_ids, wanted).sum())

    def payload(self, legend: Sequence[tuple[str, str]], title: str) -> JsonObject:
        """The ``PlannerMap.setFirms`` argument."""
        return {
            "ids": encode_column(self.ids.astype(np.float64), "f8"),
            "lon": encode_column(self.lon, "f8"),
            "lat": encode_column(self.lat, "f8"),
            "cat": encode_column(self.category, "u2"),
            "legend": legend_payload(legend),
            "title": title,
        }


def legend_payload(legend: Sequence[tuple[str, str]]) -> list[list[str]]:
    """Validate ``[(label, "#rrggbb"), ...]`` and make it JSON-friendly."""
    out: list[list[str]] = []
    for label, raw_color in legend:
        color = str(raw_color)
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", color):
            raise ValueError(f"Couleur invalide : {color!r} (attendu #rrggbb).")
        out.append([str(label), color.lower()])
    return out


def _largest_polygon(geom: shapely.Geometry) -> shapely.Geometry:
    if geom.geom_type == "MultiPolygon":
        return max(geom.geoms, key=lambda g: g.area)
    return geom


def geography_payload(communes: Mapping[str, Any], outline: Mapping[str, Any]) -> JsonObject:
    """Communes with a label point (inside the polygon) and the bassin outline.

    The label point is the pole of inaccessibility of the largest part, so
    that names sit well inside odd-shaped communes.
    """
    features = []
    for feature in communes.get("features", []):
        props = feature.get("properties") or {}
        geom = shape(feature["geometry"])
        label_lon = label_lat = None
        if not geom.is_empty:
            part = _largest_polygon(geom)
            try:
                point = polylabel(part, tolerance=0.0002)
            except Exception:  # invalid ring: fall back on a point inside
                point = part.representative_point()
            label_lon, label_lat = round(point.x, 6), round(point.y, 6)
        population = props.get("population")
        features.append(
            {
                "type": "Feature",
                "geometry": feature["geometry"],
                "properties": {
                    "code": str(props.get("code", "")),
                    "nom": str(props.get("nom", "")),
                    "population": _number_or_none(population),
                    "label": [label_lon, label_lat] if label_lon is not None else None,
                },
            }
        )
    return {
        "communes": {"type": "FeatureCollection", "features": features},
        "outline": dict(outline),
    }


def _number_or_none(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


class CommuneIndex:
    """Which commune each firm falls in (``-1`` outside every commune)."""

    def __init__(self, communes: Mapping[str, Any]) -> None:
        feats = communes.get("features", [])
        self.codes: list[str] = [str((f.get("properties") or {}).get("code", "")) for f in feats]
        self.population = np.array(
            [
                _number_or_none((f.get("properties") or {}).get("population")) or np.nan
                for f in feats
            ],
            dtype=np.float64,
        )
        self._geoms = np.array([shape(f["geometry"]) for f in feats], dtype=object)
        self._tree = shapely.STRtree(self._geoms) if len(feats) else None

    def locate(
        self, lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.int32]:
        """Index into ``codes`` for each point, ``-1`` where none contains it."""
        result = np.full(lon.size, -1, dtype=np.int32)
        if self._tree is None or lon.size == 0:
            return result
        points = shapely.points(lon, lat)
        point_idx, commune_idx = self._tree.query(points, predicate="intersects")
        # A point on a shared border belongs to the first commune found.
        result[point_idx[::-1]] = commune_idx[::-1]
        return result

    def counts(
        self, located: npt.NDArray[np.int32], mask: npt.NDArray[np.bool_] | None
    ) -> npt.NDArray[np.float64]:
        """Number of (visible) firms per commune."""
        chosen = located if mask is None else located[mask]
        chosen = chosen[chosen >= 0]
        return np.bincount(chosen, minlength=len(self.codes)).astype(np.float64)


def class_breaks(values: Iterable[float], classes: int = len(CHOROPLETH_COLORS)) -> list[float]:
    """Upper bounds of quantile classes over the finite values (deduplicated).

    The last bound is the maximum; a value ``v`` is in the first class whose
    bound is ``>= v``.
    """
    data = np.array([v for v in values if v is not None and math.isfinite(v)], dtype=float)
    if data.size == 0:
        return []
    qs = np.quantile(data, np.linspace(0, 1, classes + 1)[1:])
    bounds: list[float] = []
    for quantile in qs:
        bound = float(_nice(quantile))
        if not bounds or bound > bounds[-1]:
            bounds.append(bound)
    bounds[-1] = max(bounds[-1], float(data.max()))
    return bounds


def _nice(value: float) -> float:
    """Round a bound to two significant digits (legend readability)."""
    if value == 0 or not math.isfinite(value):
        return value
    digits = 1 - math.floor(math.log10(abs(value)))
    return round(value, max(digits, 0)) if digits > 0 else float(round(value, digits))


def choropleth_payload(values: Mapping[str, float], label: str, mode: str) -> JsonObject:
    """The ``PlannerMap.setChoropleth`` argument."""
    clean = {
        str(k): float(v) for k, v in values.items() if v is not None and math.isfinite(float(v))
    }
    breaks = class_breaks(clean.values())
    return {
        "mode": mode,
        "label": label or CHOROPLETH_LABELS.get(mode, mode),
        "values": clean,
        "breaks": breaks,
        "colors": _spread_colors(len(breaks)),
        "decimals": 1 if mode == "per_1000" else 0,
    }


def _spread_colors(count: int) -> list[str]:
    """``count`` colours taken evenly along the ramp, light to dark."""
    ramp = CHOROPLETH_COLORS
    if count <= 1:
        return [ramp[len(ramp) // 2]] * count
    return [ramp[round(i * (len(ramp) - 1) / (count - 1))] for i in range(count)]


def script_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element and as a JS literal."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
