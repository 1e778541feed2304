"""Map benchmarks: 50,000 firms on the bassin map widget.

``map_50k``: from creating the widget to the page reporting 50,000 drawn
markers. ``map_filter_50k``: a filter to half the firms (the headline), then
cleared (every dot again, reported beside), from ``set_visible`` to the
``drawn`` signal. Both against a fair floor measured in
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

FLOOR_PAGE = Path(__file__).resolve().parent / "region_floor_page.html"
"""The bare floor page (shared with ``bench_region.py``): Leaflet, the same default view,
firms indexed by category once, the same pre-drawn dots stamped into one pixel buffer."""


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
        page_path = folder / "floor.html"
        if not page_path.exists():  # written once, at the warm-up, outside the timers
            for name in ("leaflet.js", "leaflet.css"):
                shutil.copyfile(web_dir() / "vendor" / "leaflet" / name, folder / name)
            shutil.copyfile(FLOOR_PAGE, page_path)
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


def _time_floor(folder: Path, firms: tuple[Any, ...]) -> float:
    from planner.ui.map.map_data import FirmColumns
    from planner.ui.map.map_page import script_json

    start = time.perf_counter()
    floor = _FloorPage(folder)
    _wait(lambda: floor.loaded)
    # Encoded in the timer, as ``set_firms`` does on the product's side.
    payload = FirmColumns.from_arrays(*firms).payload(LEGEND, "Tranche d'effectif")
    floor.run(f"push({script_json(payload)});")
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
    into one pixel buffer of the same size, put in one call, then one frame; the
    payload encoded inside the timer on both sides.
    """
    _qt()
    tmp = tempfile.TemporaryDirectory(prefix="bench-carte-")
    folder = Path(tmp.name)
    firms, _ = _firms_payload()
    _warm_up(folder)
    probe = _make_probe()

    def figures() -> dict[str, object]:
        memory = probe.stop() if probe else {"renderer_peak_rss_mb": "psutil absent"}
        return {"points": N_FIRMS, **memory}

    return Pair(
        lambda: _time_widget(firms, probe),
        lambda: _time_floor(folder, firms),
        figures,
        tmp.cleanup,
    )


def bench_map_filter_50k() -> Pair:
    """A filter to half of the 50,000 points, from ``set_visible`` to ``drawn`` (then cleared).

    Floor: the same bare page as ``map_50k``'s, the same mask built and encoded
    inside the timer, pushed by ``runJavaScript``, decoded, and the same pre-drawn
    dots stamped again into one pixel buffer, put in one call, then one frame.
    """
    import numpy as np

    from planner.ui.map.map_data import encode_mask
    from planner.ui.map.map_page import script_json

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
    tmp = tempfile.TemporaryDirectory(prefix="bench-carte-")
    floor_page = _FloorPage(Path(tmp.name))
    _wait(lambda: floor_page.loaded)
    floor_page.run(f"push({payload_js});")
    floor_page.wait_drawn(N_FIRMS, 0)
    cleared: list[float] = []
    floor_cleared: list[float] = []

    def product() -> float:
        times = []
        for target, expected in ((subset, len(subset)), (None, N_FIRMS)):
            before = len(counts)
            start = time.perf_counter()
            widget.set_visible(target)
            _wait(lambda b=before, e=expected: len(counts) > b and counts[-1] == e)
            times.append(time.perf_counter() - start)
        cleared.append(times[1])
        return times[0]

    def floor() -> float:
        times = []
        for target, expected in ((subset, len(subset)), (None, N_FIRMS)):
            before = len(floor_page.drawn)
            start = time.perf_counter()
            # The mask built and encoded in the timer, as ``set_visible`` does.
            mask = "null" if target is None else script_json(encode_mask(np.isin(ids, target)))
            floor_page.run(f"filter({mask});")
            floor_page.wait_drawn(expected, before)
            times.append(time.perf_counter() - start)
        floor_cleared.append(times[1])
        return times[0]

    def figures() -> dict[str, object]:
        redraw_ms = [float(_evaluate(widget, "PlannerMap.test.redrawMs()")) for _ in range(15)]
        memory = probe.stop() if probe else {"renderer_peak_rss_mb": "psutil absent"}
        return {
            "subset_points": len(subset),
            "clear_filter_ms": round(statistics.median(cleared) * 1000, 1),
            "floor_clear_filter_ms": round(statistics.median(floor_cleared) * 1000, 1),
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
