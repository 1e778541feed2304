"""What the map shows, kept on the Python side: communes, firms, filter,
highlight, choropleth, clusters and session venues.

Each change returns the scripts that draw it in the page, and the whole
state can be replayed (after a reload) or inlined (in an HTML export). The
widget runs the scripts.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from planner.ui.map.map_data import (
    CHOROPLETH_LABELS,
    CommuneIndex,
    FirmColumns,
    choropleth_payload,
    encode_column,
    encode_mask,
    geography_payload,
    legend_payload,
    script_json,
)
from planner.ui.map.page_bridge import DetailsProvider, details_of


def _js_bool(value: bool) -> str:
    return "true" if value else "false"


class MapLayers:
    """The layers' data, and the scripts that show each change."""

    def __init__(self) -> None:
        self.firms: FirmColumns | None = None
        self.title = ""
        self.geography: dict[str, Any] | None = None
        self._legend: list[list[str]] = []
        self._visible: npt.NDArray[np.bool_] | None = None
        self._highlight: npt.NDArray[np.bool_] | None = None
        self.unplaced = 0
        self._communes: CommuneIndex | None = None
        self._located: npt.NDArray[np.int32] | None = None
        self._choropleth: tuple[str, Mapping[str, float] | None, str] | None = None
        self._choropleth_payload: dict[str, Any] | None = None
        self._clustered = False
        self._sessions: dict[str, Any] | None = None

    def set_geography(
        self, communes_geojson: dict[str, Any], bassin_outline_geojson: dict[str, Any]
    ) -> list[str]:
        """New communes and outline."""
        self.geography = geography_payload(communes_geojson, bassin_outline_geojson)
        self._communes = CommuneIndex(communes_geojson)
        self._located = None
        return [
            f"PlannerMap.setGeography({script_json(self.geography)});",
            *self._choropleth_scripts(),
        ]

    def set_firms(
        self,
        ids: npt.ArrayLike,
        lon: npt.ArrayLike,
        lat: npt.ArrayLike,
        category: npt.ArrayLike,
        legend: Sequence[tuple[str, str]],
        title: str,
    ) -> list[str]:
        """New firms; the filter and the highlight are reset."""
        self.firms = FirmColumns.from_arrays(ids, lon, lat, category)
        self._legend = legend_payload(legend)
        self.title = title
        self._visible = None
        self._highlight = None
        self._located = None
        self.unplaced = self.firms.unplaced_count(None)
        payload = self.firms.payload(legend, title)
        return [
            f"PlannerMap.setFirms({script_json(payload)});",
            f"PlannerMap.setUnplaced({self.unplaced});",
            *self._choropleth_scripts(),
        ]

    def set_visible(self, ids: Iterable[int] | npt.ArrayLike | None) -> list[str]:
        """Only these firms drawn (all with ``None``)."""
        if self.firms is None:
            return []
        self._visible = self.firms.mask_of(ids)
        self.unplaced = self.firms.unplaced_count(ids)
        return [
            f"PlannerMap.setVisible({script_json(encode_mask(self._visible))});",
            f"PlannerMap.setUnplaced({self.unplaced});",
            *self._choropleth_scripts(),
        ]

    def recolor(
        self, category: npt.ArrayLike, legend: Sequence[tuple[str, str]], title: str | None
    ) -> list[str]:
        """New categories and legend; the heading is kept when ``title`` is None."""
        if self.firms is None:
            return []
        self.firms.recategorize(category)
        self._legend = legend_payload(legend)
        if title is not None:
            self.title = title
        cat = encode_column(self.firms.category, "u2")
        return [
            f"PlannerMap.recolor({script_json(cat)}, {script_json(self._legend)}, "
            f"{script_json(title)});"
        ]

    def highlight(self, ids: Iterable[int] | npt.ArrayLike | None, frame: bool) -> list[str]:
        """Ring these firms; with ``frame``, fit the view on them."""
        if self.firms is None:
            return []
        mask = self.firms.mask_of(ids)
        self._highlight = mask if mask is not None and mask.any() else None
        return [
            f"PlannerMap.setHighlight({script_json(encode_mask(self._highlight))}, "
            f"{_js_bool(frame)});"
        ]

    def set_choropleth(
        self, mode: str | None, values: Mapping[str, float] | None, label: str
    ) -> list[str]:
        """Colour the communes (see ``MapWidget.set_choropleth``)."""
        if mode is not None and values is None and mode not in CHOROPLETH_LABELS:
            raise ValueError(f"Mode de carte choroplèthe inconnu : {mode!r}.")
        self._choropleth = None if mode is None else (mode, values, label)
        return self._choropleth_scripts(force=True)

    def _choropleth_scripts(self, force: bool = False) -> list[str]:
        if self._choropleth is None:
            if force:
                self._choropleth_payload = None
                return ["PlannerMap.setChoropleth(null);"]
            return []
        mode, values, label = self._choropleth
        if values is None:
            values = self._counted_values(mode)
        elif not force:
            return []  # fixed values do not follow the filter
        self._choropleth_payload = choropleth_payload(values, label, mode)
        return [f"PlannerMap.setChoropleth({script_json(self._choropleth_payload)});"]

    def _counted_values(self, mode: str) -> dict[str, float]:
        if self._communes is None:
            return {}
        index = self._communes
        if self.firms is None:
            counts = np.zeros(len(index.codes))
        else:
            if self._located is None:
                self._located = index.locate(self.firms.lon, self.firms.lat)
            counts = index.counts(self._located, self._visible)
        if mode == "per_1000":
            with np.errstate(divide="ignore", invalid="ignore"):
                rates = counts / index.population * 1000.0
            return {
                code: float(r)
                for code, r in zip(index.codes, rates, strict=True)
                if math.isfinite(r)
            }
        return {code: float(c) for code, c in zip(index.codes, counts, strict=True)}

    def set_clustered(self, on: bool) -> list[str]:
        """Group nearby firms into clusters, or not."""
        self._clustered = bool(on)
        return [f"PlannerMap.setClustered({_js_bool(self._clustered)});"]

    def set_sessions(self, venues: Sequence[Mapping[str, Any]] | None) -> list[str]:
        """One pin per session venue; ``None`` hides the layer."""
        if venues is None:
            self._sessions = None
        else:
            self._sessions = {"shown": True, "venues": [dict(v) for v in venues]}
        return [f"PlannerMap.setSessions({script_json(self._sessions)});"]

    def state(
        self, view: dict[str, float] | None, details: DetailsProvider | None = None
    ) -> dict[str, Any]:
        """Everything shown, as ``PlannerMap.restore`` takes it.

        Args:
            view: the page's last reported centre and zoom.
            details: when given, asked once per shown firm so that the
                tooltips work without Python (HTML export).
        """
        state: dict[str, Any] = {}
        if self.geography is not None:
            state["geography"] = self.geography
        if self.firms is not None:
            state["firms"] = self.firms.payload([(e[0], e[1]) for e in self._legend], self.title)
            state["visible"] = encode_mask(self._visible)
            state["highlight"] = encode_mask(self._highlight)
            state["unplaced"] = self.unplaced
            if details is not None:
                shown = self.firms.ids if self._visible is None else self.firms.ids[self._visible]
                state["details"] = {
                    str(int(i)): d
                    for i in shown.tolist()
                    if (d := details_of(details, int(i))) is not None
                }
        if self._choropleth_payload is not None:
            state["choropleth"] = self._choropleth_payload
        state["clustered"] = self._clustered
        if self._sessions is not None:
            state["sessions"] = self._sessions
        if view is not None:
            state["view"] = view
        return state
