"""The bassin map widget, on a real QtWebEngine page (offscreen).

Every test runs with a request interceptor on the default profile that
records each URL the page asks for and blocks anything that is not local, so
no test can reach a network, and the offline promise is checked.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QUrl
from PySide6.QtGui import QImage
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWebEngineWidgets import QWebEngineView
from shapely.geometry import Point, Polygon, shape

from planner.ui.map.map_page import (
    build_map_page,
    build_standalone_html,
    remote_asset_urls,
    script_json,
)
from planner.ui.map.map_widget import MapWidget
from tests.map.conftest import _remote
from tests.map.page_calls import drawn_count, evaluate, export_png, grab, print_to
from tests.page_input import mouse_click, mouse_move, mouse_press, mouse_release

XSS_NAME = "<img src=x onerror=alert(1)>"
LEGEND = [
    ("0 salarié", "#4e79a7"),
    ("1 à 9 salariés", "#f28e2b"),
    ("10 à 49 salariés", "#59a14f"),
    ("50 salariés et plus", "#e15759"),
]


def _grid_firms(n_side: int = 20) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Firms on a regular grid over central Seine-Saint-Denis (no overlaps)."""
    lon, lat = np.meshgrid(np.linspace(2.38, 2.56, n_side), np.linspace(48.88, 48.96, n_side))
    count = n_side * n_side
    ids = np.arange(1000, 1000 + count, dtype=np.int64)
    category = np.arange(count) % len(LEGEND)
    return ids, lon.ravel(), lat.ravel(), category


def _load(
    qtbot: Any,
    w: MapWidget,
    communes: dict[str, Any],
    outline: dict[str, Any],
    firms: tuple[np.ndarray, ...] | None = None,
) -> tuple[np.ndarray, ...]:
    firms = firms or _grid_firms()
    ids, lon, lat, category = firms
    expected = int(np.sum(np.isfinite(lon) & np.isfinite(lat)))
    w.set_geography(communes, outline)
    with qtbot.waitSignal(w.drawn, timeout=10_000, check_params_cb=lambda c: c == expected):
        w.set_firms(ids, lon, lat, category, LEGEND, "Tranche d'effectif")
    return firms


def _js_of(w: MapWidget) -> Any:
    return lambda script: _js(w, script)


def _js(w: MapWidget, script: str) -> Any:
    """Evaluate an expression in the page; its value travels as JSON."""
    text = evaluate(w, f"JSON.stringify(({script}))")
    return json.loads(text) if text else None


# ---------------------------------------------------------------- page build


def test_built_page_has_only_local_assets(tmp_path: Path) -> None:
    page = build_map_page(tmp_path / "offline")
    html = page.read_text("utf-8")
    assert remote_asset_urls(html) == []
    assert "http://" not in html and "https://" not in html
    for ref in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert (page.parent / ref).is_file(), ref
    assert '"maxZoom": 18' in html

    online = build_map_page(tmp_path / "online", online=True).read_text("utf-8")
    assert remote_asset_urls(online) == []
    assert "tile.openstreetmap.org" in online


def test_remote_asset_detection_and_script_json() -> None:
    html = (
        '<script src="https://cdn.example/x.js"></script><link rel="stylesheet" '
        'href="//cdn.example/x.css"/><style>a{background:url(http://e/x.png)}</style>'
        '<a href="https://leafletjs.com">Leaflet</a>'
    )
    assert remote_asset_urls(html) == [
        "https://cdn.example/x.js",
        "//cdn.example/x.css",
        "http://e/x.png",
    ]
    text = script_json({"nom": "</script><script>alert(1)</script>"})
    assert "<" not in text and ">" not in text
    assert json.loads(text) == {"nom": "</script><script>alert(1)</script>"}


def test_standalone_page_inlines_everything() -> None:
    html = build_standalone_html({}, title="Essai")
    assert remote_asset_urls(html) == []
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=", html)
    assert "data:image/png;base64," in html  # Leaflet's images, inlined


# ---------------------------------------------------------------- widget


def test_page_loads_offline_with_local_libraries(
    widget: MapWidget, requests_seen: list[str]
) -> None:
    assert widget.is_loaded()
    assert _js(widget, "L.version") == "1.9.4"
    assert _js(widget, "typeof L.markerClusterGroup") == "function"
    assert _js(widget, "typeof L.PM") == "object"
    assert any(u.endswith("carte.html") for u in requests_seen)
    assert not [u for u in requests_seen if u.startswith(("http:", "https:"))]


def test_drawn_count_matches_placed_firms(
    qtbot: Any, widget: MapWidget, communes: dict[str, Any], outline: dict[str, Any]
) -> None:
    ids, lon, lat, category = _grid_firms()
    lon = lon.copy()
    lon[::7] = np.nan  # not placed: skipped
    placed = int(np.isfinite(lon).sum())
    _load(qtbot, widget, communes, outline, (ids, lon, lat, category))
    assert drawn_count(widget) == placed
    assert widget.last_drawn_count() == placed
    legend_total = _js(
        widget, "document.querySelector('.pm-legend-total .pm-legend-count').textContent"
    )
    assert legend_total.replace("\u202f", "").replace("\xa0", "") == str(placed)


def test_set_visible_filters_in_place(
    qtbot: Any, widget: MapWidget, communes: dict[str, Any], outline: dict[str, Any]
) -> None:
    ids, *_ = _load(qtbot, widget, communes, outline)
    _js(widget, "window.__samePage = true")
    subset = ids[ids % 3 == 0]
    with qtbot.waitSignal(widget.drawn, timeout=5_000) as blocker:
        widget.set_visible(subset.tolist())
    assert blocker.args == [len(subset)]
    assert drawn_count(widget) == len(subset)
    with qtbot.waitSignal(widget.drawn, timeout=5_000) as blocker:
        widget.set_visible(None)
    assert blocker.args == [len(ids)]
    assert _js(widget, "window.__samePage") is True  # no reload


def test_recolor_updates_legend(
    qtbot: Any, widget: MapWidget, communes: dict[str, Any], outline: dict[str, Any]
) -> None:
    ids, *_ = _load(qtbot, widget, communes, outline)
    category = (ids % 2).astype(int)
    widget.recolor(
        category,
        [("Prospectée", "#1b9e77"), ("À prospecter", "#d95f02")],
        "Suivi de prospection",
    )
    qtbot.waitUntil(
        lambda: (
            _js(
                widget,
                "document.querySelectorAll("
                "'.pm-legend-row:not(.pm-legend-total):not(.pm-legend-head)').length",
            )
            == 2
        )
    )
    # The heading follows the colouring (it used to stay « Tranche d'effectifs »).
    title = _js(widget, "document.querySelector('.pm-legend-title').textContent")
    assert title == "Suivi de prospection"
    labels = _js(
        widget, "Array.from(document.querySelectorAll('.pm-legend-label')).map(e => e.textContent)"
    )
    assert labels[:2] == ["Prospectée", "À prospecter"]


def test_firm_text_is_escaped_in_tooltip_and_popup(
    qtbot: Any, widget: MapWidget, communes: dict[str, Any], outline: dict[str, Any]
) -> None:
    ids, *_ = _load(qtbot, widget, communes, outline)
    target = int(ids[42])
    details = {
        "nom": XSS_NAME,
        "siret": "00012345600017",
        "naf": "56.10A",
        "naf_libelle": "Restauration <b>traditionnelle</b>",
        "tranche": "1 à 2 salariés",
        "adresse": "1 rue de Paris 93000 Bobigny",
        "creation": "01/02/2003",
    }
    asked: list[int] = []

    def provider(firm_id: int) -> dict[str, str]:
        asked.append(firm_id)
        return details

    widget.set_details_provider(provider)
    _js(widget, "window.__alerted = false, window.alert = () => { window.__alerted = true; }")
    assert _js(widget, f"PlannerMap.test.hoverFirm({target})") is True
    qtbot.waitUntil(
        lambda: (
            XSS_NAME
            in (_js(widget, "(document.querySelector('.pm-firm-tooltip') || {}).textContent") or "")
        )
    )
    assert _js(widget, f"PlannerMap.test.clickFirm({target})") is True
    qtbot.waitUntil(
        lambda: (
            "00012345600017"
            in (
                _js(widget, "(document.querySelector('.leaflet-popup-content') || {}).textContent")
                or ""
            )
        )
    )
    popup_text = _js(widget, "document.querySelector('.leaflet-popup-content').textContent")
    assert XSS_NAME in popup_text
    assert "Restauration <b>traditionnelle</b>" in popup_text
    assert _js(widget, "document.querySelectorAll('img[src=\"x\"]').length") == 0
    assert _js(widget, "document.querySelectorAll('.leaflet-popup-content b').length") == 0
    assert _js(widget, "window.__alerted") is False
    assert target in asked


def test_click_on_marker_emits_firm_id(
    qtbot: Any, widget: MapWidget, communes: dict[str, Any], outline: dict[str, Any]
) -> None:
    ids, *_ = _load(qtbot, widget, communes, outline)
    target = int(ids[123])
    with qtbot.waitSignal(widget.firmClicked, timeout=5_000) as blocker:
        assert _js(widget, f"PlannerMap.test.clickFirm({target})") is True
    assert blocker.args == [target]


def test_large_ids_survive_the_round_trip(
    qtbot: Any, widget: MapWidget, communes: dict[str, Any], outline: dict[str, Any]
) -> None:
    ids, lon, lat, category = _grid_firms(5)
    ids = ids + 2**40
    _load(qtbot, widget, communes, outline, (ids, lon, lat, category))
    with qtbot.waitSignal(widget.firmClicked, timeout=5_000) as blocker:
        assert _js(widget, f"PlannerMap.test.clickFirm({int(ids[7])})") is True
    assert blocker.args == [int(ids[7])]


def test_firms_are_drawn_where_leaflet_projects_them(
    qtbot: Any, widget: MapWidget, communes: dict[str, Any], outline: dict[str, Any]
) -> None:
    ids, lon, lat, category = _grid_firms(8)
    category = np.zeros_like(category)
    _load(qtbot, widget, communes, outline, (ids, lon, lat, category))
    # An animated zoom to a fractional level, then a capture.
    evaluate(widget, "(function(){ var m = PlannerMap.test.map(); m.setZoom(12.5); })()")
    qtbot.waitUntil(lambda: _js(widget, "PlannerMap.test.state().zoom") == 12.5)
    # The animation is over and the firms' canvas redrawn at the new zoom (no scaling left).
    qtbot.waitUntil(
        lambda: _js(
            widget,
            "!PlannerMap.test.map()._animatingZoom && !/scale/.test("
            "document.querySelector('.pm-firms-canvas').style.transform)",
        )
    )
    image = grab(widget)
    expected = LEGEND[0][1]
    checked = 0
    for firm_id in ids[::5]:
        point = _js(widget, f"PlannerMap.test.containerPoint({int(firm_id)})")
        x, y = round(point[0]), round(point[1])
        if not (20 < x < image.width() - 20 and 20 < y < image.height() - 20):
            continue
        assert image.pixelColor(x, y).name() == expected, (firm_id, x, y)
        checked += 1
    assert checked >= 3


def test_rectangle_and_lasso_select_visible_firms(
    qtbot: Any, widget: MapWidget, communes: dict[str, Any], outline: dict[str, Any]
) -> None:
    ids, lon, lat, _ = _load(qtbot, widget, communes, outline)
    visible = ids[ids % 2 == 0]
    with qtbot.waitSignal(widget.drawn, timeout=5_000):
        widget.set_visible(visible)
    south, west, north, east = 48.90, 2.42, 48.93, 2.50
    inside = (lat >= south) & (lat <= north) & (lon >= west) & (lon <= east)
    expected = sorted(int(i) for i in ids[inside & np.isin(ids, visible)])
    assert expected
    with qtbot.waitSignal(widget.selectionDrawn, timeout=5_000) as blocker:
        _js(widget, f"PlannerMap.test.drawRectangle({south}, {west}, {north}, {east})")
    assert sorted(blocker.args[0]) == expected
    assert _js(widget, "PlannerMap.test.state().highlighted") == len(expected)

    triangle = [(2.40, 48.885), (2.55, 48.885), (2.47, 48.955)]  # (lon, lat)
    polygon = Polygon(triangle)
    expected = sorted(
        int(i)
        for i, x, y in zip(ids, lon, lat, strict=True)
        if i in set(visible.tolist()) and polygon.contains(Point(x, y))
    )
    latlngs = json.dumps([[y, x] for x, y in triangle])
    with qtbot.waitSignal(widget.selectionDrawn, timeout=5_000) as blocker:
        _js(widget, f"PlannerMap.test.drawLasso({latlngs})")
    assert sorted(blocker.args[0]) == expected


def test_real_mouse_click_and_rectangle_from_the_toolbar(
    qtbot: Any, widget: MapWidget, communes: dict[str, Any], outline: dict[str, Any]
) -> None:
    ids, lon, lat, _ = _load(qtbot, widget, communes, outline)
    target = widget.view().focusProxy()

    def at(point: list[float]) -> QPoint:
        return QPoint(round(point[0]), round(point[1]))

    # Chromium takes input asynchronously: each event is awaited until the page has it.
    def page_js(script: str) -> Any:
        return _js(widget, script)

    def move(point: QPoint) -> None:
        mouse_move(qtbot, page_js, target, point)

    def click(point: QPoint) -> None:
        move(point)
        mouse_click(qtbot, page_js, target, point)

    firm = at(_js(widget, f"PlannerMap.test.containerPoint({int(ids[123])})"))
    with qtbot.waitSignal(widget.firmClicked, timeout=5_000) as clicked:
        click(firm)
    assert clicked.args == [int(ids[123])]

    button = at(
        _js(
            widget,
            "(function () { var b = document.querySelector("
            "'.pm-rect-button').getBoundingClientRect();"
            " return [b.x + b.width / 2, b.y + b.height / 2]; })()",
        )
    )
    click(button)
    qtbot.waitUntil(lambda: _js(widget, "PlannerMap.test.rectangleTool()") is not None)
    # Its hint speaks of a rectangle and of dragging, not of a lasso or of points.
    hint = _js(widget, "document.getElementById('pm-rect-hint').textContent")
    assert hint.startswith("Rectangle") and "glisser" in hint and "lasso" not in hint
    # Whole, not cut off (« Échap pou… »): it wraps on a narrow map.
    assert "Échap" in hint
    assert _js(
        widget,
        "(function () { var h = document.getElementById('pm-rect-hint');"
        " var s = getComputedStyle(h);"
        " return s.whiteSpace !== 'nowrap' && s.textOverflow !== 'ellipsis'"
        " && h.scrollWidth <= h.clientWidth; })()",
    )
    # Starting a drawing closes the popup (after Leaflet's 200 ms fade).
    qtbot.waitUntil(lambda: _js(widget, "document.querySelector('.leaflet-popup') === null"))
    south, west, north, east = 48.90, 2.42, 48.93, 2.50
    start = at(
        _js(
            widget,
            f"(function () {{ var p = PlannerMap.test.map()"
            f".latLngToContainerPoint([{north}, {west}]); return [p.x, p.y]; }})()",
        )
    )
    end = at(
        _js(
            widget,
            f"(function () {{ var p = PlannerMap.test.map()"
            f".latLngToContainerPoint([{south}, {east}]); return [p.x, p.y]; }})()",
        )
    )
    move(start)
    mouse_press(qtbot, _js_of(widget), target, start)
    sizes = []
    for step in range(1, 5):
        move(start + (end - start) * (step / 5))
        # The rectangle is drawn while the mouse drags: it grows with each move.
        drawn = _js(widget, "PlannerMap.test.rectangleTool()")
        assert drawn is not None and drawn["drawn"] is not None
        sizes.append(drawn["drawn"][2] - drawn["drawn"][0])
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]
    move(end)
    with qtbot.waitSignal(widget.selectionDrawn, timeout=5_000) as selected:
        mouse_release(qtbot, _js_of(widget), target, end)
    # The release is no click on a firm, and the tool is put away.
    assert _js(widget, "PlannerMap.test.rectangleTool()") is None
    inside = (lat >= south) & (lat <= north) & (lon >= west) & (lon <= east)
    # The corners are rounded to whole pixels: compare with a little slack.
    assert abs(len(selected.args[0]) - int(inside.sum())) <= 2
    assert set(selected.args[0]) <= set(ids.tolist())


def test_highlight_frames_the_firms(
    qtbot: Any, widget: MapWidget, communes: dict[str, Any], outline: dict[str, Any]
) -> None:
    ids, lon, lat, _ = _load(qtbot, widget, communes, outline)
    widget.highlight([int(ids[5])])
    qtbot.waitUntil(lambda: _js(widget, "PlannerMap.test.state().zoom") >= 15, timeout=5_000)
    center = _js(widget, "(function(){var c = PlannerMap.test.center(); return [c.lat, c.lng];})()")
    assert abs(center[0] - lat[5]) < 1e-3 and abs(center[1] - lon[5]) < 1e-3
    assert _js(widget, "PlannerMap.test.state().highlighted") == 1


def test_choropleth_per_commune_and_per_1000(
    qtbot: Any, widget: MapWidget, communes: dict[str, Any], outline: dict[str, Any]
) -> None:
    _, lon, lat, _ = _load(qtbot, widget, communes, outline)
    widget.set_choropleth("firms")
    qtbot.waitUntil(
        lambda: (
            "Entreprises par commune"
            in (
                _js(
                    widget,
                    "Array.from(document.querySelectorAll('.pm-legend-title'))"
                    ".map(e => e.textContent).join('|')",
                )
                or ""
            )
        )
    )
    # Bobigny's label carries its count, as computed by shapely here.
    bobigny = next(f for f in communes["features"] if f["properties"]["nom"] == "Bobigny")
    geom = shape(bobigny["geometry"])
    count = sum(geom.intersects(Point(x, y)) for x, y in zip(lon, lat, strict=True))
    shown = _js(
        widget,
        "Array.from(document.querySelectorAll('.pm-label-box'))"
        ".filter(b => b.firstChild.textContent === 'Bobigny')"
        ".map(b => b.lastChild.textContent)[0]",
    )
    assert shown == str(count)

    widget.set_choropleth("per_1000", label="Entreprises pour 1 000 habitants")
    qtbot.waitUntil(
        lambda: (
            "1 000 habitants"
            in (
                _js(
                    widget,
                    "Array.from(document.querySelectorAll('.pm-legend-title'))"
                    ".map(e => e.textContent).join('|')",
                )
                or ""
            )
        )
    )
    widget.set_choropleth(None)
    qtbot.waitUntil(
        lambda: _js(widget, "document.querySelectorAll('.pm-swatch-square').length") == 0
    )


def test_clustered_view(
    qtbot: Any, widget: MapWidget, communes: dict[str, Any], outline: dict[str, Any]
) -> None:
    ids, *_ = _load(qtbot, widget, communes, outline)
    with qtbot.waitSignal(widget.drawn, timeout=10_000) as blocker:
        widget.set_clustered(True)
    assert blocker.args == [len(ids)]
    qtbot.waitUntil(lambda: _js(widget, "document.querySelectorAll('.marker-cluster').length") > 0)
    with qtbot.waitSignal(widget.firmClicked, timeout=5_000) as clicked:
        _js(widget, f"PlannerMap.test.clickFirm({int(ids[3])})")
    assert clicked.args == [int(ids[3])]
    with qtbot.waitSignal(widget.drawn, timeout=10_000) as blocker:
        widget.set_clustered(False)
    assert blocker.args == [len(ids)]


def test_cluster_toggled_off_while_loading(qtbot: Any, widget: MapWidget) -> None:
    # Enough firms for markercluster to load in several timed chunks.
    rng = np.random.default_rng(5)
    count = 20_000
    firms = (
        np.arange(count),
        rng.uniform(2.3, 2.6, count),
        rng.uniform(48.85, 49.0, count),
        rng.integers(0, len(LEGEND), count),
    )
    with qtbot.waitSignal(widget.drawn, timeout=10_000):
        widget.set_firms(*firms, LEGEND)
    widget.set_clustered(True)
    with qtbot.waitSignal(widget.drawn, timeout=10_000) as blocker:
        widget.set_clustered(False)
    assert blocker.args == [count]
    with qtbot.waitSignal(widget.drawn, timeout=30_000) as blocker:
        widget.set_clustered(True)
    assert blocker.args == [count]
    assert widget.javascript_errors() == []


def _is_blank(image: QImage) -> bool:
    colors = {
        image.pixel(x, y) for x in range(0, image.width(), 17) for y in range(0, image.height(), 13)
    }
    return len(colors) < 10


def test_export_png_is_not_blank(
    qtbot: Any, widget: MapWidget, communes: dict[str, Any], outline: dict[str, Any], tmp_path: Path
) -> None:
    _load(qtbot, widget, communes, outline)
    target = tmp_path / "carte.png"
    export_png(widget, target)
    image = QImage(str(target))
    assert not image.isNull()
    assert not _is_blank(image)
    colors = {
        image.pixelColor(x, y).name()
        for x in range(image.width())
        for y in range(0, image.height(), 2)
    }
    assert {color for _, color in LEGEND} & colors  # firms are in the picture


def test_export_html_is_offline_and_carries_data(
    qtbot: Any,
    widget: MapWidget,
    communes: dict[str, Any],
    outline: dict[str, Any],
    tmp_path: Path,
    requests_seen: list[str],
) -> None:
    ids, *_ = _load(qtbot, widget, communes, outline)
    widget.set_details_provider(
        lambda firm_id: {"nom": XSS_NAME if firm_id == ids[0] else f"Entreprise {firm_id}"}
    )
    visible = ids[:150]
    with qtbot.waitSignal(widget.drawn, timeout=5_000):
        widget.set_visible(visible)
    target = tmp_path / "carte.html"
    widget.export_html(target)
    html = target.read_text("utf-8")
    assert remote_asset_urls(html) == []
    assert not re.search(r"<(?:script|img)[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=", html)
    assert "PLANNER_INITIAL_STATE" in html
    assert XSS_NAME not in html  # inlined as \u003c...\u003e, never as markup

    requests_seen.clear()
    view = QWebEngineView()
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    with qtbot.waitSignal(view.loadFinished, timeout=20_000):
        view.load(QUrl.fromLocalFile(str(target)))

    def js(script: str) -> Any:
        box: dict[str, Any] = {}
        view.page().runJavaScript(script, 0, lambda r: box.setdefault("r", r))
        qtbot.waitUntil(lambda: "r" in box, timeout=5_000)
        return box["r"]

    assert js("PlannerMap.visibleCount()") == len(visible)
    js(f"PlannerMap.test.hoverFirm({int(ids[0])})")
    qtbot.waitUntil(
        lambda: (
            XSS_NAME in (js("(document.querySelector('.pm-firm-tooltip') || {}).textContent") or "")
        )
    )
    assert js("document.querySelectorAll('img[src=\"x\"]').length") == 0
    assert [u for u in requests_seen if not u.startswith(("file:", "data:"))] == []


def test_print_to_pdf(
    qtbot: Any, widget: MapWidget, communes: dict[str, Any], outline: dict[str, Any], tmp_path: Path
) -> None:
    _load(qtbot, widget, communes, outline)
    widget.set_choropleth("firms")
    target = tmp_path / "carte.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(target))
    print_to(widget, printer, "Bassin de Seine-Saint-Denis")
    data = target.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(data) > 20_000
    # Print mode is switched off again afterwards.
    qtbot.waitUntil(lambda: _js(widget, "document.querySelector('.pm-print') === null"))


def test_online_mode_asks_only_for_osm_tiles(qtbot: Any, requests_seen: list[str]) -> None:
    w = MapWidget(online=True)
    qtbot.addWidget(w)
    w.resize(600, 400)
    with qtbot.waitSignal(w.loaded, timeout=20_000):
        w.show()
    qtbot.waitUntil(lambda: bool(_remote(requests_seen)), timeout=10_000)
    hosts = {QUrl(u).host() for u in _remote(requests_seen)}
    assert hosts == {"tile.openstreetmap.org"}  # blocked by the interceptor
    assert "OpenStreetMap" in evaluate(
        w, "document.querySelector('.leaflet-control-attribution').textContent"
    )


def test_print_title_reads_in_order(
    qtbot: Any, widget: MapWidget, communes: dict[str, Any], outline: dict[str, Any], tmp_path: Path
) -> None:
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext absent")
    _load(qtbot, widget, communes, outline)
    target = tmp_path / "carte.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(target))
    print_to(widget, printer, "Carte Abc\u202eFED suite =1+1\x00")
    assert [p.name for p in tmp_path.iterdir()] == ["carte.pdf"]  # no temporary file left
    text = subprocess.run(
        ["pdftotext", str(target), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "AbcFED suite =1+1" in text


def test_map_exports_to_a_read_only_folder_say_so(
    qtbot: Any, widget: MapWidget, communes: dict[str, Any], outline: dict[str, Any], tmp_path: Path
) -> None:
    from planner.io.output_file import OutputError
    from tests.tmpfs import mounted_tmpfs

    with mounted_tmpfs(tmp_path / "ro", "size=1m,ro") as folder:
        _load(qtbot, widget, communes, outline)
        with pytest.raises(OutputError, match="lecture seule"):
            export_png(widget, folder / "carte.png")
        with pytest.raises(OutputError, match="lecture seule"):
            widget.export_html(folder / "carte.html")
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(folder / "carte.pdf"))
        with pytest.raises(OutputError, match="lecture seule"):
            print_to(widget, printer, "Carte")
        assert list(folder.iterdir()) == []
