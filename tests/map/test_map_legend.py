"""The firms' legend on the map: counts' header, folding, moving, firms without a position."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QPoint

from planner.ui.map.map_widget import MapWidget
from tests.map.test_map_widget import _grid_firms, _js, _js_of
from tests.page_input import mouse_click, mouse_move, mouse_press, mouse_release


def _load_with_unplaced(
    qtbot: Any, widget: MapWidget, communes: dict[str, Any], outline: dict[str, Any], legend: Any
) -> tuple[np.ndarray, ...]:
    ids, lon, lat, _ = _grid_firms()
    category = np.arange(ids.size) % len(legend)
    lon = lon.copy()
    lon[:12] = np.nan  # twelve firms without a position
    widget.set_geography(communes, outline)
    with qtbot.waitSignal(widget.drawn, timeout=10_000):
        widget.set_firms(ids, lon, lat, category, legend, "Conseiller attitré")
    return ids, lon, lat, category


def _center(widget: MapWidget, selector: str) -> QPoint:
    x, y = _js(
        widget,
        f"(function () {{ var b = document.querySelector({selector!r}).getBoundingClientRect();"
        " return [b.x + b.width / 2, b.y + b.height / 2]; })()",
    )
    return QPoint(round(x), round(y))


def _rect(widget: MapWidget) -> list[float]:
    return list(
        _js(
            widget,
            "(function () { var b = document.querySelector('.leaflet-right .pm-legend')"
            ".getBoundingClientRect(); return [b.x, b.y, b.width, b.height]; })()",
        )
    )


def test_legend_says_what_its_numbers_are_and_why_its_total_is_smaller(
    qtbot: Any, widget: MapWidget, communes: dict[str, Any], outline: dict[str, Any]
) -> None:
    legend = [("Équipe A", "#1f77b4"), ("Équipe B", "#ff7f0e")]
    ids, *_ = _load_with_unplaced(qtbot, widget, communes, outline, legend)
    assert _js(widget, "document.querySelector('.pm-legend-title').textContent") == (
        "Conseiller attitré"
    )
    assert (
        _js(widget, "document.querySelector('.pm-legend-head .pm-legend-count').textContent")
        == "Établissements"
    )
    note = "document.querySelector('.pm-legend-note') && "
    note += "document.querySelector('.pm-legend-note').textContent"
    assert _js(widget, note) == "12 établissements sans position ne sont pas sur la carte"
    total = _js(widget, "document.querySelector('.pm-legend-total .pm-legend-count').textContent")
    assert total.replace("\u202f", " ") == str(ids.size - 12)
    # The filter keeps one firm without a position: the note follows.
    widget.set_visible(ids[11:200])
    qtbot.waitUntil(
        lambda: _js(widget, note) == "1 établissement sans position n'est pas sur la carte"
    )
    # Only placed firms kept: no note.
    widget.set_visible(ids[12:200])
    qtbot.waitUntil(lambda: _js(widget, note) is None)


def test_legend_folds_on_a_click_and_moves_on_a_drag(
    qtbot: Any, widget: MapWidget, communes: dict[str, Any], outline: dict[str, Any]
) -> None:
    # Forty advisers: the legend is long, yet takes at most a third of the map's height.
    legend = [(f"Conseiller {n:02d}", f"#{(n * 5_871_301) % 0xFFFFFF:06x}") for n in range(40)]
    _load_with_unplaced(qtbot, widget, communes, outline, legend)
    height = _js(widget, "PlannerMap.test.map().getSize().y")
    assert 100 < _rect(widget)[3] <= height / 3 + 1
    target = widget.view().focusProxy()
    js = _js_of(widget)

    title = _center(widget, ".pm-legend-title")
    mouse_move(qtbot, js, target, title)
    mouse_click(qtbot, js, target, title)
    qtbot.waitUntil(lambda: _js(widget, "PlannerMap.test.legendFolded()") is True)
    assert _js(widget, "document.querySelector('.pm-legend-row').offsetParent") is None
    folded = _rect(widget)
    assert folded[3] < 40
    # A drag (from the title) moves the legend and does not unfold it.
    start = _center(widget, ".pm-legend-title")
    mouse_press(qtbot, js, target, start)
    for step in range(1, 6):
        mouse_move(qtbot, js, target, start + QPoint(-60 * step, -50 * step))
    mouse_release(qtbot, js, target, start + QPoint(-300, -250))
    moved = _rect(widget)
    assert abs(moved[0] - (folded[0] - 300)) <= 2 and abs(moved[1] - (folded[1] - 250)) <= 2
    assert _js(widget, "PlannerMap.test.legendFolded()") is True
    # A click unfolds it where it now is.
    title = _center(widget, ".pm-legend-title")
    mouse_click(qtbot, js, target, title)
    qtbot.waitUntil(lambda: _js(widget, "PlannerMap.test.legendFolded()") is False)
    assert _js(widget, "PlannerMap.test.legendOffset()") == [-300, -250]
