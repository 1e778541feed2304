"""Map benchmarks: 50,000 firms on the bassin map widget.

``map_50k``: from creating the widget to the page reporting 50,000 drawn
markers. ``map_filter_50k``: a filter change that redraws 50,000 points, from
``set_visible`` to the ``drawn`` signal. Both against a fair floor measured in
the same run, interleaved by ``bench/run.py``: a bare page (local Leaflet, the
product's default view) that decodes the same typed arrays and stamps the same
pre-drawn dots into one pixel buffer, the product's drawing without its layers,
legend, bridge and page scripts. (One ``L.circleMarker`` per firm, the former
floor, is slower work: about 0.7 s at 50,000.)

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

from timing import Pair

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
FILTER_REPEATS = 8
VIEW_SIZE = (1200, 800)

_FLOOR_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8">
<link rel="stylesheet" href="leaflet.css"/>
<script src="leaflet.js"></script>
<style>html, body, #map { height: 100%; margin: 0; }</style>
</head><body><div id="map"></div><script>
// The fair floor: the same typed arrays decoded, projected, and the same
// pre-drawn dots (one sprite per category, drawn once with the canvas API)
// stamped into one pixel buffer (the view plus the product's 20 % padding),
// put in one call, then one frame.
// The product's default view (MapPageConfig: Ile-de-France, zoom 10).
var map = L.map("map", { maxZoom: 18 }).setView([48.86, 2.35], 10);
var data = null, canvas = null, ctx = null, image = null, pixels32 = null, sprites = null;
var PAD = 0.2, MAX_LAT = 85.0511287798;
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
function radiusForZoom(z) {
  return z < 10 ? 1.5 : z < 11 ? 2 : z < 12 ? 2.5 : z < 13 ? 3 : z < 15 ? 4 : 5;
}
function makeSprites(colors, radius, dpr) {
  var r = radius * dpr, line = radius >= 2.5 ? (radius >= 4 ? 1 : 0.7) * dpr : 0;
  var size = Math.ceil(2 * (r + line)) + 2, c = document.createElement("canvas");
  c.width = size; c.height = size;
  var g = c.getContext("2d", { willReadFrequently: true });
  return colors.map(function (color) {
    g.clearRect(0, 0, size, size); g.beginPath(); g.arc(size / 2, size / 2, r, 0, 6.2832);
    g.fillStyle = color; g.fill();
    if (line) { g.lineWidth = line; g.strokeStyle = "rgba(255,255,255,0.85)"; g.stroke(); }
    var rgba = g.getImageData(0, 0, size, size).data, offsets = [], alphas = [];
    for (var p = 0; p < size * size; p++) {
      if (rgba[p * 4 + 3]) { offsets.push(p); alphas.push(rgba[p * 4 + 3]); }
    }
    return { size: size, rgba: rgba, words: new Uint32Array(rgba.buffer.slice(0)),
             offsets: Int32Array.from(offsets), alphas: Uint8Array.from(alphas) };
  });
}
function stamp(s, x0, y0, w, h) {
  var size = s.size, px = image.data;
  if (x0 + size <= 0 || y0 + size <= 0 || x0 >= w || y0 >= h) return;
  var inside = x0 >= 0 && y0 >= 0 && x0 + size <= w && y0 + size <= h, base = y0 * w + x0;
  if (s.relWidth !== w) {  // offsets of the sprite's pixels in a row-major buffer w wide
    s.rel = new Int32Array(s.offsets.length); s.relWidth = w;
    for (var j = 0; j < s.offsets.length; j++) {
      var o = s.offsets[j], ox = o % size;
      s.rel[j] = ((o - ox) / size) * w + ox;
    }
  }
  for (var k = 0; k < s.offsets.length; k++) {
    var p = s.offsets[k];
    if (!inside) {
      var sx = p % size, sy = (p - sx) / size;
      if (x0 + sx < 0 || y0 + sy < 0 || x0 + sx >= w || y0 + sy >= h) continue;
    }
    var q = base + s.rel[k];
    var a = s.alphas[k], b = q << 2;
    if (a === 255 || px[b + 3] === 0) { pixels32[q] = s.words[p]; continue; }
    var sa = a / 255, keep = (px[b + 3] / 255) * (1 - sa), oa = sa + keep, s4 = p << 2;
    px[b] = (s.rgba[s4] * sa + px[b] * keep) / oa;
    px[b + 1] = (s.rgba[s4 + 1] * sa + px[b + 1] * keep) / oa;
    px[b + 2] = (s.rgba[s4 + 2] * sa + px[b + 2] * keep) / oa;
    px[b + 3] = oa * 255;
  }
}
function paint(visible) {
  var size = map.getSize(), dpr = window.devicePixelRatio || 1;
  var pad = size.multiplyBy(PAD).round(), w = Math.round((size.x + 2 * pad.x) * dpr);
  var h = Math.round((size.y + 2 * pad.y) * dpr);
  if (!canvas) {
    canvas = document.createElement("canvas");
    canvas.style.cssText = "position:absolute;z-index:500;pointer-events:none";
    map.getContainer().appendChild(canvas);
    ctx = canvas.getContext("2d");
  }
  canvas.style.left = -pad.x + "px"; canvas.style.top = -pad.y + "px";
  canvas.style.width = w / dpr + "px"; canvas.style.height = h / dpr + "px";
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w; canvas.height = h; image = null;
  }
  if (!image) { image = ctx.createImageData(w, h); pixels32 = new Uint32Array(image.data.buffer); }
  pixels32.fill(0);
  var zoom = map.getZoom(), scale = 256 * Math.pow(2, zoom) * dpr;
  var origin = map.containerPointToLayerPoint([-pad.x, -pad.y]).add(map.getPixelOrigin());
  var ox = origin.x * dpr, oy = origin.y * dpr, n = 0;
  if (!sprites) sprites = makeSprites(data.colors, radiusForZoom(zoom), dpr);
  for (var c = 0; c < data.colors.length; c++) {
    var s = sprites[c], half = s.size / 2;
    for (var i = 0; i < data.n; i++) {
      if (data.cat[i] !== c || (visible && !visible[i])) continue;
      stamp(s, Math.round(data.wx[i] * scale - ox - half),
            Math.round(data.wy[i] * scale - oy - half), w, h);
      n++;
    }
  }
  ctx.putImageData(image, 0, 0);
  return n;
}
window.push = function (p) {
  var d = { ids: decode(p.ids), lon: decode(p.lon), lat: decode(p.lat), cat: decode(p.cat),
            colors: p.legend.map(function (e) { return e[1]; }) };
  d.n = d.ids.length;
  d.wx = new Float64Array(d.n); d.wy = new Float64Array(d.n);
  for (var i = 0; i < d.n; i++) {
    var lat = Math.max(-MAX_LAT, Math.min(MAX_LAT, d.lat[i])), sn = Math.sin(lat * Math.PI / 180);
    d.wx[i] = (d.lon[i] + 180) / 360;
    d.wy[i] = 0.5 - Math.log((1 + sn) / (1 - sn)) / (4 * Math.PI);
  }
  data = d;
  report(paint(null));
};
window.filter = function (mask) {
  report(paint(mask ? decode(mask) : null));
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


def bench_map_50k() -> Pair:
    """50,000 firms: from creating the map widget to the page reporting them drawn.

    Floor: a bare page (Leaflet and the same default view) in a plain
    ``QWebEngineView``, created the same way, that decodes the same typed arrays
    pushed by ``runJavaScript``, projects them and stamps the same pre-drawn dots
    into one pixel buffer of the same size, put in one call, then one frame.
    """
    _qt()
    tmp = tempfile.TemporaryDirectory(prefix="bench-carte-")
    folder = Path(tmp.name)
    firms, payload_js = _firms_payload()
    _warm_up(folder)
    probe = _make_probe()

    def figures() -> dict[str, object]:
        memory = probe.stop() if probe else {"renderer_peak_rss_mb": "psutil absent"}
        return {"points": N_FIRMS, **memory}

    return Pair(
        lambda: _time_widget(firms, probe),
        lambda: _time_floor(folder, payload_js),
        figures,
        tmp.cleanup,
    )


def bench_map_filter_50k() -> Pair:
    """A filter change redrawing all 50,000 points, from ``set_visible`` to ``drawn``.

    Floor: the same bare page as ``map_50k``'s, the same mask pushed by
    ``runJavaScript``, decoded, and the same pre-drawn dots stamped again into
    one pixel buffer, put in one call, then one frame.
    """
    import numpy as np

    from planner.ui.map.map_data import encode_mask
    from planner.ui.map.map_page import script_json

    _qt()
    firms, payload_js = _firms_payload()
    ids, _, _, category = firms
    subset = ids[category % 2 == 0]
    mask_js = script_json(encode_mask(np.isin(ids, subset)))
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
    tmp = tempfile.TemporaryDirectory(prefix="bench-carte-")
    floor_page = _FloorPage(Path(tmp.name))
    _wait(lambda: floor_page.loaded)
    floor_page.run(f"push({payload_js});")
    floor_page.wait_drawn(N_FIRMS, 0)
    to_subset: list[float] = []

    def product() -> float:
        times = []
        for target, expected in ((subset, len(subset)), (None, N_FIRMS)):
            before = len(counts)
            start = time.perf_counter()
            widget.set_visible(target)
            _wait(lambda b=before, e=expected: len(counts) > b and counts[-1] == e)
            times.append(time.perf_counter() - start)
        to_subset.append(times[0])
        return times[1]

    def floor() -> float:
        times = []
        for mask, expected in ((mask_js, len(subset)), ("null", N_FIRMS)):
            before = len(floor_page.drawn)
            start = time.perf_counter()
            floor_page.run(f"filter({mask});")
            floor_page.wait_drawn(expected, before)
            times.append(time.perf_counter() - start)
        return times[1]

    def figures() -> dict[str, object]:
        redraw_ms = [float(_evaluate(widget, "PlannerMap.test.redrawMs()")) for _ in range(15)]
        memory = probe.stop() if probe else {"renderer_peak_rss_mb": "psutil absent"}
        return {
            "filter_to_subset_ms": round(statistics.median(to_subset) * 1000, 1),
            "subset_points": len(subset),
            "js_redraw_50k_ms": round(statistics.median(redraw_ms), 1),
            **memory,
        }

    def close() -> None:
        _dispose(widget)
        floor_page.close()
        tmp.cleanup()

    return Pair(product, floor, figures, close, min_runs=FILTER_REPEATS)


PAIRS: dict[str, Callable[[], Pair]] = {
    "map_50k": bench_map_50k,
    "map_filter_50k": bench_map_filter_50k,
}
