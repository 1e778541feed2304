"""Map benchmarks: 50,000 firms on the bassin map widget.

``map_50k``: from creating the widget to the page reporting 50,000 drawn
markers, against a floor measured in the same run: a bare hand-written
Leaflet page (local leaflet.js only) that builds one ``L.circleMarker`` per
firm on an ``L.canvas`` renderer, fed the same payload the same way
(``runJavaScript``).

``map_filter_50k``: a filter change that redraws 50,000 points, from
``set_visible`` to the ``drawn`` signal. Its floor is the irreducible part:
the same mask pushed by ``runJavaScript`` to a bare page, decoded, and a
frame, with nothing drawn. Beside it: the same page redrawing pre-projected
points with canvas arcs, and the naive Leaflet way (clear the layer group,
add the markers back).

Both report the peak memory of QtWebEngine's renderer process (psutil).
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault(
    "QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu --disable-gpu-compositing"
)

N_FIRMS = 50_000
IDF_BBOX = (1.45, 48.12, 3.56, 49.24)  # lon min, lat min, lon max, lat max
LEGEND = [
    ("0 salarié", "#4e79a7"),
    ("1 à 9", "#f28e2b"),
    ("10 à 19", "#59a14f"),
    ("20 à 49", "#e15759"),
    ("50 à 99", "#76b7b2"),
    ("100 et plus", "#b07aa1"),
]
REPEATS = 3
FILTER_REPEATS = 8
VIEW_SIZE = (1200, 800)

_FLOOR_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8">
<link rel="stylesheet" href="leaflet.css"/>
<script src="leaflet.js"></script>
<style>html, body, #map { height: 100%; margin: 0; }</style>
</head><body><div id="map"></div><script>
var map = L.map("map", { preferCanvas: true, maxZoom: 18 }).setView([48.68, 2.5], 9);
var renderer = L.canvas();
var group = null, data = null, overlay = null;
function decode(col) {
  var bin = atob(col.b64), bytes = new Uint8Array(bin.length);
  for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  if (col.dtype === "f8") return new Float64Array(bytes.buffer);
  if (col.dtype === "u2") return new Uint16Array(bytes.buffer);
  return bytes;
}
function report(n) {
  requestAnimationFrame(function () { setTimeout(function () { console.log("drawn:" + n); }, 0); });
}
function markers(visible) {
  var out = [];
  for (var i = 0; i < data.n; i++) {
    if (visible && !visible[i]) continue;
    out.push(L.circleMarker([data.lat[i], data.lon[i]], { renderer: renderer, radius: 3,
      color: "#fff", weight: 0.7, fillColor: data.colors[data.cat[i]], fillOpacity: 0.9 }));
  }
  return out;
}
window.push = function (p) {
  data = { ids: decode(p.ids), lon: decode(p.lon), lat: decode(p.lat), cat: decode(p.cat),
           colors: p.legend.map(function (e) { return e[1]; }) };
  data.n = data.ids.length;
  group = L.layerGroup(markers(null)).addTo(map);
  report(data.n);
};
window.leafletFilter = function (mask) {
  var visible = mask ? decode(mask) : null;
  group.clearLayers();
  var list = markers(visible);
  list.forEach(function (m) { group.addLayer(m); });
  report(list.length);
};
// The floor of a filter: the mask pushed and decoded, a frame, nothing drawn.
window.noopFilter = function (mask) {
  var visible = mask ? decode(mask) : null, n = 0;
  if (!visible) n = data.n;
  else for (var i = 0; i < data.n; i++) n += visible[i];
  report(n);
};
// Pre-projected points redrawn with canvas arcs (what Skia rasterises late).
window.canvasSetup = function () {
  if (group) { map.removeLayer(group); group = null; }
  overlay = document.createElement("canvas");
  var size = map.getSize();
  overlay.width = size.x; overlay.height = size.y;
  overlay.style.cssText = "position:absolute;left:0;top:0;z-index:500;pointer-events:none";
  map.getContainer().appendChild(overlay);
  data.x = new Float64Array(data.n); data.y = new Float64Array(data.n);
  for (var i = 0; i < data.n; i++) {
    var p = map.latLngToContainerPoint([data.lat[i], data.lon[i]]);
    data.x[i] = p.x; data.y[i] = p.y;
  }
};
window.canvasFilter = function (mask) {
  var visible = mask ? decode(mask) : null, ctx = overlay.getContext("2d"), n = 0;
  ctx.clearRect(0, 0, overlay.width, overlay.height);
  for (var c = 0; c < data.colors.length; c++) {
    ctx.beginPath();
    for (var i = 0; i < data.n; i++) {
      if (data.cat[i] !== c || (visible && !visible[i])) continue;
      ctx.moveTo(data.x[i] + 3, data.y[i]); ctx.arc(data.x[i], data.y[i], 3, 0, 6.2832); n++;
    }
    ctx.fillStyle = data.colors[c]; ctx.fill(); ctx.stroke();
  }
  report(n);
};
</script></body></html>
"""


def _qt() -> Any:
    """The QApplication (created once, after QtWebEngineWidgets is imported)."""
    from PySide6 import QtWebEngineWidgets  # noqa: F401
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def _dispose(widget: Any) -> None:
    """Close and really delete a web view: a page still alive when the
    process ends makes QtWebEngine crash at exit (status 245)."""
    from PySide6.QtCore import QCoreApplication, QEvent

    widget.close()
    widget.deleteLater()
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QCoreApplication.processEvents()


def _firms(seed: int = 7) -> tuple[Any, Any, Any, Any]:
    import numpy as np

    rng = np.random.default_rng(seed)
    lon = rng.uniform(IDF_BBOX[0], IDF_BBOX[2], N_FIRMS)
    lat = rng.uniform(IDF_BBOX[1], IDF_BBOX[3], N_FIRMS)
    category = rng.integers(0, len(LEGEND), N_FIRMS)
    ids = np.arange(1, N_FIRMS + 1, dtype=np.int64)
    return ids, lon, lat, category


def _wait(predicate: Callable[[], bool], timeout_s: float = 60.0) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    _qt()
    deadline = time.perf_counter() + timeout_s
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("benchmark: délai dépassé")
        loop = QEventLoop()
        QTimer.singleShot(2, loop.quit)
        loop.exec()


class _MemoryProbe:
    """Samples the RSS of QtWebEngine's child processes every 50 ms."""

    def __init__(self) -> None:
        import psutil
        from PySide6.QtCore import QTimer

        self._psutil = psutil
        self.renderer_pid: int | None = None
        self.renderer_peak = 0
        self.children_peak = 0
        self._timer = QTimer()
        self._timer.setInterval(50)
        self._timer.timeout.connect(self.sample)
        self._timer.start()

    def sample(self) -> None:
        psutil = self._psutil
        total = 0
        for child in psutil.Process().children(recursive=True):
            try:
                rss = child.memory_info().rss
            except psutil.Error:
                continue
            total += rss
            if child.pid == self.renderer_pid:
                self.renderer_peak = max(self.renderer_peak, rss)
        self.children_peak = max(self.children_peak, total)

    def stop(self) -> dict[str, float]:
        self.sample()
        self._timer.stop()
        return {
            "renderer_peak_rss_mb": round(self.renderer_peak / 2**20, 1),
            "webengine_children_peak_rss_mb": round(self.children_peak / 2**20, 1),
        }


def _make_probe() -> _MemoryProbe | None:
    try:
        return _MemoryProbe()
    except ImportError:  # psutil is in the dev dependency group
        return None


class _FloorPage:
    """The bare Leaflet page, in a plain QWebEngineView."""

    def __init__(self, folder: Path) -> None:
        from PySide6.QtCore import QUrl
        from PySide6.QtWebEngineCore import QWebEnginePage
        from PySide6.QtWebEngineWidgets import QWebEngineView

        from planner.ui.map.map_page import web_dir

        _qt()
        for name in ("leaflet.js", "leaflet.css"):
            shutil.copyfile(web_dir() / "vendor" / "leaflet" / name, folder / name)
        page_path = folder / "floor.html"
        page_path.write_text(_FLOOR_PAGE, encoding="utf-8")
        self.drawn: list[int] = []
        self.loaded = False
        owner = self

        class Page(QWebEnginePage):
            def javaScriptConsoleMessage(  # noqa: N802 (Qt override)
                self, level: Any, message: str, line: int, source: str
            ) -> None:
                if message.startswith("drawn:"):
                    owner.drawn.append(int(message[6:]))

        self.view = QWebEngineView()
        self.page = Page(self.view)
        self.view.setPage(self.page)
        self.view.resize(*VIEW_SIZE)
        self.view.show()
        self.page.loadFinished.connect(self._on_loaded)
        self.page.load(QUrl.fromLocalFile(str(page_path)))

    def _on_loaded(self, ok: bool) -> None:
        self.loaded = ok

    def run(self, script: str) -> None:
        self.page.runJavaScript(script, 0)

    def wait_drawn(self, count: int, before: int) -> None:
        _wait(lambda: len(self.drawn) > before and self.drawn[-1] == count)

    def close(self) -> None:
        _dispose(self.view)


def _firms_payload() -> tuple[tuple[Any, ...], str]:
    from planner.ui.map.map_data import FirmColumns
    from planner.ui.map.map_page import script_json

    firms = _firms()
    payload = FirmColumns.from_arrays(*firms).payload(LEGEND, "Tranche d'effectif")
    return firms, script_json(payload)


def _warm_up(folder: Path) -> None:
    """Start QtWebEngine once, so that neither side pays its start-up."""
    floor = _FloorPage(folder)
    _wait(lambda: floor.loaded)
    floor.close()


def _time_floor(folder: Path, payload_js: str) -> float:
    start = time.perf_counter()
    floor = _FloorPage(folder)
    _wait(lambda: floor.loaded)
    floor.run(f"push({payload_js});")
    floor.wait_drawn(N_FIRMS, 0)
    elapsed = time.perf_counter() - start
    floor.close()
    return elapsed


def _evaluate(widget: Any, script: str) -> Any:
    box: list[Any] = []
    widget.evaluate_js(script, box.append)
    _wait(lambda: bool(box))
    return box[0]


def _new_widget() -> Any:
    from planner.ui.map.map_widget import MapWidget

    widget = MapWidget()
    widget.resize(*VIEW_SIZE)
    widget.show()
    return widget


def _drawn_recorder(widget: Any) -> list[int]:
    counts: list[int] = []
    widget.drawn.connect(counts.append)
    return counts


def _time_widget(firms: tuple[Any, ...], probe: _MemoryProbe | None) -> float:
    start = time.perf_counter()
    widget = _new_widget()
    loaded: list[bool] = []
    widget.loaded.connect(lambda: loaded.append(True))
    counts = _drawn_recorder(widget)
    _wait(lambda: bool(loaded))
    widget.set_firms(*firms, LEGEND, "Tranche d'effectif")
    _wait(lambda: bool(counts) and counts[-1] == N_FIRMS)
    elapsed = time.perf_counter() - start
    if probe is not None:
        probe.renderer_pid = widget.view().page().renderProcessPid()
        probe.sample()
    _dispose(widget)
    return elapsed


def bench_map_50k() -> dict[str, object]:
    """50,000 firms: widget creation to drawn, vs a bare Leaflet page."""
    _qt()
    with tempfile.TemporaryDirectory(prefix="bench-carte-") as tmp:
        folder = Path(tmp)
        firms, payload_js = _firms_payload()
        _warm_up(folder)
        floors, widgets = [], []
        for _ in range(REPEATS):
            floors.append(_time_floor(folder, payload_js))
        probe = _make_probe()
        for _ in range(REPEATS):
            widgets.append(_time_widget(firms, probe))
        memory = probe.stop() if probe else {"renderer_peak_rss_mb": "psutil absent"}
    return {
        "seconds": round(statistics.median(widgets), 3),
        "floor_seconds": round(statistics.median(floors), 3),
        "points": N_FIRMS,
        "widget_runs_s": [round(s, 3) for s in widgets],
        "floor_runs_s": [round(s, 3) for s in floors],
        **memory,
    }


def bench_map_filter_50k() -> dict[str, object]:
    """Filter changes that redraw 50,000 points, in place."""
    import numpy as np

    _qt()
    firms, payload_js = _firms_payload()
    ids, _, _, category = firms
    subset = ids[category % 2 == 0]
    probe = _make_probe()
    widget = _new_widget()
    loaded: list[bool] = []
    widget.loaded.connect(lambda: loaded.append(True))
    counts = _drawn_recorder(widget)
    _wait(lambda: bool(loaded))
    widget.set_firms(*firms, LEGEND, "Tranche d'effectif")
    _wait(lambda: bool(counts) and counts[-1] == N_FIRMS)
    if probe is not None:
        probe.renderer_pid = widget.view().page().renderProcessPid()

    to_all, to_subset = [], []
    for _ in range(FILTER_REPEATS):
        for target, expected, times in ((subset, len(subset), to_subset), (None, N_FIRMS, to_all)):
            before = len(counts)
            start = time.perf_counter()
            widget.set_visible(target)
            _wait(lambda b=before, e=expected: len(counts) > b and counts[-1] == e)
            times.append(time.perf_counter() - start)
    redraw_ms = [float(_evaluate(widget, "PlannerMap.test.redrawMs()")) for _ in range(15)]
    memory = probe.stop() if probe else {"renderer_peak_rss_mb": "psutil absent"}
    _dispose(widget)

    from planner.ui.map.map_data import encode_mask
    from planner.ui.map.map_page import script_json

    mask_js = script_json(encode_mask(np.isin(ids, subset)))
    with tempfile.TemporaryDirectory(prefix="bench-carte-") as tmp:
        floor = _FloorPage(Path(tmp))
        _wait(lambda: floor.loaded)
        floor.run(f"push({payload_js});")
        floor.wait_drawn(N_FIRMS, 0)
        leaflet_times = []
        for mask, expected in ((mask_js, len(subset)), ("null", N_FIRMS)):
            before = len(floor.drawn)
            start = time.perf_counter()
            floor.run(f"leafletFilter({mask});")
            floor.wait_drawn(expected, before)
            leaflet_times.append(time.perf_counter() - start)
        floor_all, arcs_all = [], []
        for _ in range(FILTER_REPEATS):
            for mask, expected in ((mask_js, len(subset)), ("null", N_FIRMS)):
                before = len(floor.drawn)
                start = time.perf_counter()
                floor.run(f"noopFilter({mask});")
                floor.wait_drawn(expected, before)
                if expected == N_FIRMS:
                    floor_all.append(time.perf_counter() - start)
        floor.run("canvasSetup();")
        for _ in range(3):
            for mask, expected in ((mask_js, len(subset)), ("null", N_FIRMS)):
                before = len(floor.drawn)
                start = time.perf_counter()
                floor.run(f"canvasFilter({mask});")
                floor.wait_drawn(expected, before)
                if expected == N_FIRMS:
                    arcs_all.append(time.perf_counter() - start)
        floor.close()

    median_all = statistics.median(to_all)
    return {
        "seconds": round(median_all, 4),
        "floor_seconds": round(statistics.median(floor_all), 4),
        "filter_to_50k_ms": round(median_all * 1000, 1),
        "filter_to_50k_max_ms": round(max(to_all) * 1000, 1),
        "filter_to_subset_ms": round(statistics.median(to_subset) * 1000, 1),
        "subset_points": len(subset),
        "target_ms": 300,
        "js_redraw_50k_ms": round(statistics.median(redraw_ms), 1),
        "canvas_arcs_filter_to_50k_ms": round(statistics.median(arcs_all) * 1000, 1),
        "leaflet_circlemarkers_filter_s": [round(s, 3) for s in leaflet_times],
        **memory,
    }


BENCHMARKS: dict[str, Callable[[], dict[str, object]]] = {
    "map_50k": bench_map_50k,
    "map_filter_50k": bench_map_filter_50k,
}
