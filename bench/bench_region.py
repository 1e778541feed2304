"""A region in one campaign: 500,000 invented firms (issue 17, point 4, division aside).

The campaign (SQLite, 500,000 target firms over 40 communes, 10 partners × 10
teams × 2 advisers, every firm assigned, 50,000 contacts) is generated once in
``bench/out``. Each benchmark runs its product and its floor interleaved
(P F P F P F, ``PLANNER_BENCH_RUNS`` times, at least 3) and reports medians and
every run; no product run is warm where its floor is not. The map floor is a
bare page (``region_floor_page.html``, shared with ``bench_map.py``)
that decodes the same typed arrays and stamps the same pre-drawn dots into one
pixel buffer.

- ``region_open_500k``: ``load_campaign`` (open, fingerprint check, firm cache
  read, table preparation) then the map widget created and the firms drawn.
  Floor: polars reading the same cached Arrow file, then the bare page drawing
  the same dots. Goal ≤ 3 s. Also the first open (no cache) and the app's
  peak memory (this process plus QtWebEngine's, goal < 2.5 GB).
- ``region_open_500k_no_cache``: the first open, the cache discarded before each
  run (untimed): every firm read from SQLite, the frame built and the cache
  written, then drawn. Floor: the same rows (the product's own firm query,
  assignments and latest outcomes) read with sqlite3 into polars and joined,
  then the bare page draws the same dots.
- ``region_map_500k``: map widget created to 500,000 dots drawn. Floor: the bare
  page, created the same way, drawing the same payload (encoded by the same
  function inside the timer, as ``set_firms`` encodes it). Goal ≤ 1.5×.
- ``region_filter_500k``: a filter (NAF section G) applied to the frame and
  redrawn on the map, ``FirmFilter.apply`` to ``drawn`` (the headline); then
  cleared (every dot again, reported beside). Floor: the same polars mask pushed
  to the bare page and the same dots stamped. Goal < 300 ms.
- ``region_table_500k``: a cold ``FirmTableModel`` sorted by name, then a filter
  (text + section) set as its mask, each until the view has repainted. Floor:
  polars ``arg_sort`` of the same ``name_rank`` plus the same filter expression. Goal < 100 ms.
- ``region_call_lists_500k``: ``write_call_list`` of the 500,000 assigned rows
  over 200 adviser sheets, as ``export_call_lists`` builds them. Floor:
  ``bench_export._floor_write`` (xlsxwriter, same cells, owned by the floors
  engineer). Goal ≤ 1.2×.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault(
    "QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu --disable-gpu-compositing"
)

import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import region_campaign
from bench_map import _dispose, _FloorPage
from region_campaign import N

BENCH_DIR = Path(__file__).resolve().parent
VIEW_SIZE = (1200, 800)


def _runs() -> int:
    return max(3, int(os.environ.get("PLANNER_BENCH_RUNS", "3")))


def _result(product: list[float], floor: list[float], **figures: object) -> dict[str, object]:
    return {
        "seconds": round(statistics.median(product), 4),
        "floor_seconds": round(statistics.median(floor), 4),
        "runs": len(product),
        "seconds_all": [round(s, 4) for s in product],
        "floor_all": [round(s, 4) for s in floor],
        **figures,
    }


# --- Qt and the pages --------------------------------------------------------------


def _qt() -> Any:
    from PySide6 import QtWebEngineWidgets  # noqa: F401
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def _wait(predicate: Callable[[], bool], timeout_s: float = 120.0) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    deadline = time.perf_counter() + timeout_s
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("benchmark: délai dépassé")
        loop = QEventLoop()
        QTimer.singleShot(2, loop.quit)
        loop.exec()


class _Floor(_FloorPage):
    """``bench_map``'s bare floor page (the same file, written once per folder), with a
    draw that waits for the count at region scale."""

    def draw(self, script: str, count: int) -> None:
        before = len(self.drawn)
        self.run(script)
        _wait(lambda: len(self.drawn) > before and self.drawn[-1] == count)


def _widget() -> tuple[Any, list[int]]:
    from planner.ui.map.map_widget import MapWidget

    widget = MapWidget()
    widget.resize(*VIEW_SIZE)
    widget.show()
    counts: list[int] = []
    loaded: list[bool] = []
    widget.drawn.connect(counts.append)
    widget.loaded.connect(lambda: loaded.append(True))
    _wait(lambda: bool(loaded))
    return widget, counts


def _map_columns(firms: pl.DataFrame) -> tuple[Any, ...]:
    from planner.services.map.firm_colors import categories

    category, legend = categories(firms, "band")
    return (
        firms["id"].to_numpy(),
        firms["lon"].fill_null(np.nan).to_numpy(),
        firms["lat"].fill_null(np.nan).to_numpy(),
        category,
        legend,
    )


def _payload_js(columns: tuple[Any, ...]) -> str:
    from planner.ui.map.map_data import FirmColumns
    from planner.ui.map.map_page import script_json

    ids, lon, lat, category, legend = columns
    return script_json(FirmColumns.from_arrays(ids, lon, lat, category).payload(legend, "Tranche"))


def _draw_widget(columns: tuple[Any, ...]) -> tuple[float, Any, list[int]]:
    start = time.perf_counter()
    widget, counts = _widget()
    widget.set_firms(*columns, title="Tranche d'effectif")
    placed = int(np.isfinite(columns[1]).sum())
    _wait(lambda: bool(counts) and counts[-1] == placed)
    return time.perf_counter() - start, widget, counts


def _draw_floor(folder: Path, script: str, count: int) -> tuple[float, _Floor]:
    start = time.perf_counter()
    floor = _Floor(folder)
    _wait(lambda: floor.loaded)
    floor.draw(script, count)
    return time.perf_counter() - start, floor


def _children_rss_mb() -> float:
    import psutil

    total = 0
    for child in psutil.Process().children(recursive=True):
        try:
            total += child.memory_info().rss
        except psutil.Error:
            continue
    return total / 2**20


# --- the benchmarks ----------------------------------------------------------------


def region_open_500k() -> dict[str, object]:
    """Open the campaign to its 500,000 firms drawn (cache warm); floor: polars reads the
    same cached Arrow file and the bare page draws the same dots."""
    from planner.db.store import open_store
    from planner.services.firms import firm_cache
    from planner.ui.campaign.loaded_campaign import load_campaign

    path = region_campaign.campaign()
    _qt()
    discarded = open_store(path)
    firm_cache.discard(discarded)  # the first open, without a cache, writes it
    discarded.close()
    start = time.perf_counter()
    cold = load_campaign(path)
    cold_s = time.perf_counter() - start
    cold.store.close()
    with cold.store.engine.connect() as conn:
        cache_file = firm_cache.cache_path(conn, cold.nomenclature)
    placed = int(cold.firms["lon"].is_not_null().sum())
    del cold
    products, floors, children_peak = [], [], 0.0
    with tempfile.TemporaryDirectory(prefix="bench-region-") as tmp:
        for _ in range(_runs()):
            start = time.perf_counter()
            loaded = load_campaign(path)
            columns = _map_columns(loaded.firms)
            widget, counts = _widget()
            widget.set_geography(loaded.communes, loaded.outline)
            widget.set_firms(*columns, title="Tranche d'effectif")
            _wait(lambda c=counts: bool(c) and c[-1] == placed)  # type: ignore[misc]
            products.append(time.perf_counter() - start)
            children_peak = max(children_peak, _children_rss_mb())
            _dispose(widget)
            loaded.store.close()
            del loaded, columns

            start = time.perf_counter()
            frame = pl.read_ipc(_payload_bytes(cache_file), columns=["id", "lon", "lat", "band"])
            floor_js = _payload_js(_map_columns(frame))
            _, floor = _draw_floor(Path(tmp), f"push({floor_js});", placed)
            floors.append(time.perf_counter() - start)
            _dispose(floor.view)
            del frame, floor_js
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return _result(
        products,
        floors,
        rows=N,
        goal_s=3.0,
        first_open_no_cache_s=round(cold_s, 3),
        app_peak_rss_mb=round(own + children_peak, 1),
        webengine_children_rss_mb=round(children_peak, 1),
        cache_file_mb=round(cache_file.stat().st_size / 2**20, 1),
    )


def region_open_500k_no_cache() -> dict[str, object]:
    """The first open (no firm cache: every firm read from SQLite, the cache written) to the
    500,000 firms drawn; floor: the same rows (the product's own firm query, assignments and
    latest outcomes) read with sqlite3 into polars, then the bare page draws the same dots."""
    import sqlite3

    from sqlalchemy import create_engine, text

    from planner.db.store import open_store
    from planner.services.firms import firm_cache
    from planner.services.firms.firm_table import _firms_query
    from planner.ui.campaign.loaded_campaign import load_campaign

    path = region_campaign.campaign()
    _qt()
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        firms_sql = str(_firms_query().compile(conn, compile_kwargs={"literal_binds": True}))
        placed = int(
            conn.execute(
                text(f"SELECT count(*) FROM ({firms_sql}) WHERE lon IS NOT NULL")
            ).scalar_one()
        )
    engine.dispose()
    assignments_sql = "SELECT siret, team_id, adviser_id, locked FROM assignment"
    latest_sql = (
        "SELECT siret, outcome FROM (SELECT siret, outcome, row_number() OVER (PARTITION BY "
        "siret ORDER BY date DESC, recorded_at DESC, id DESC) AS n FROM contact) WHERE n = 1"
    )
    products, floors = [], []
    with tempfile.TemporaryDirectory(prefix="bench-region-") as tmp:
        for _ in range(_runs()):
            store = open_store(path)
            firm_cache.discard(store)  # untimed: every run is a first open
            store.close()
            start = time.perf_counter()
            loaded = load_campaign(path)
            columns = _map_columns(loaded.firms)
            widget, counts = _widget()
            widget.set_geography(loaded.communes, loaded.outline)
            widget.set_firms(*columns, title="Tranche d'effectif")
            _wait(lambda c=counts: bool(c) and c[-1] == placed)  # type: ignore[misc]
            products.append(time.perf_counter() - start)
            _dispose(widget)
            loaded.store.close()
            del loaded, columns

            start = time.perf_counter()
            db = sqlite3.connect(path)
            cursor = db.execute(firms_sql)
            names = [d[0] for d in cursor.description]
            frame = pl.DataFrame(cursor.fetchall(), schema=names, orient="row")
            cursor = db.execute(assignments_sql)
            assigned = pl.DataFrame(
                cursor.fetchall(), schema=[d[0] for d in cursor.description], orient="row"
            )
            cursor = db.execute(latest_sql)
            latest = pl.DataFrame(cursor.fetchall(), schema=["siret", "outcome"], orient="row")
            db.close()
            frame = (
                frame.join(assigned, on="siret", how="left", maintain_order="left")
                .join(latest, on="siret", how="left", maintain_order="left")
                .with_row_index("id")
                .with_columns(pl.col("band").fill_null("NN"))
            )
            floor_js = _payload_js(_map_columns(frame))
            _, floor = _draw_floor(Path(tmp), f"push({floor_js});", placed)
            floors.append(time.perf_counter() - start)
            _dispose(floor.view)
            del frame, floor_js
    return _result(products, floors, rows=N, goal_s=3.0)


def _payload_bytes(path: Path) -> Any:
    """The Arrow payload of a cache file (after its header), as polars reads it."""
    import io
    import json

    from planner.services.firms import firm_cache

    data = path.read_bytes()
    _, header_len, _, _ = firm_cache._HEAD.unpack_from(data)
    json.loads(data[firm_cache._HEAD.size : firm_cache._HEAD.size + header_len])
    return io.BytesIO(data[firm_cache._HEAD.size + header_len :])


def region_map_500k() -> dict[str, object]:
    """Map widget created to 500,000 dots drawn; floor: the bare page created the same way,
    decoding the same typed arrays and stamping the same pre-drawn dots."""
    firms = region_campaign.firms()
    columns = _map_columns(firms)
    placed = int(np.isfinite(columns[1]).sum())
    _qt()
    products, floors = [], []
    with tempfile.TemporaryDirectory(prefix="bench-region-") as tmp:
        warm = _Floor(Path(tmp))  # QtWebEngine started once, for both
        _wait(lambda: warm.loaded)
        _dispose(warm.view)
        for _ in range(_runs()):
            seconds, widget, _counts = _draw_widget(columns)
            products.append(seconds)
            _dispose(widget)
            start = time.perf_counter()
            script = f"push({_payload_js(columns)});"  # encoded in the timer, as set_firms does
            _, floor = _draw_floor(Path(tmp), script, placed)
            floors.append(time.perf_counter() - start)
            _dispose(floor.view)
    return _result(products, floors, points=placed, goal_ratio=1.5)


def region_filter_500k() -> dict[str, object]:
    """A filter (a NAF section, then none) applied and redrawn; floor: the same polars mask
    pushed to the bare page, decoded, and the same dots stamped again."""
    from planner.services.firms.firm_query import FirmFilter
    from planner.ui.map.map_data import encode_mask
    from planner.ui.map.map_page import script_json

    firms = region_campaign.firms()
    columns = _map_columns(firms)
    placed = np.isfinite(columns[1])
    _qt()
    criteria = [FirmFilter(sections=frozenset({"G"})), FirmFilter()]
    expected = [int((placed & (firms["section"] == "G").to_numpy()).sum()), int(placed.sum())]
    products, floors, to_subset, floor_subset = [], [], [], []
    with tempfile.TemporaryDirectory(prefix="bench-region-") as tmp:
        _, widget, counts = _draw_widget(columns)
        _, floor = _draw_floor(Path(tmp), f"push({_payload_js(columns)});", int(placed.sum()))
        for _ in range(_runs()):
            for which, (filt, count) in enumerate(zip(criteria, expected, strict=True)):
                before = len(counts)
                start = time.perf_counter()
                mask = filt.apply(firms)
                ids = firms["id"].filter(mask).to_numpy()
                widget.set_visible(None if len(ids) == firms.height else ids)
                _wait(lambda b=before, c=count: len(counts) > b and counts[-1] == c)
                (products if which else to_subset).append(time.perf_counter() - start)
                if which:  # no filter: every dot again
                    start = time.perf_counter()
                    floor.draw("filter(null);", count)
                    floors.append(time.perf_counter() - start)
                else:
                    start = time.perf_counter()
                    bare = (firms["section"] == "G").fill_null(False).to_numpy()
                    floor.draw(f"filter({script_json(encode_mask(bare))});", count)
                    floor_subset.append(time.perf_counter() - start)
        _dispose(widget)
        _dispose(floor.view)
    # The headline is the filter to the subset (what a user waits for); clearing it
    # (every dot again) is reported beside.
    return _result(
        to_subset,
        floor_subset,
        points=int(placed.sum()),
        subset_points=expected[0],
        clear_filter_ms=round(statistics.median(products) * 1000, 1),
        floor_clear_filter_ms=round(statistics.median(floors) * 1000, 1),
        goal_ms=300,
    )


def region_table_500k() -> dict[str, object]:
    """A cold table model sorted by name, then a filter set as its mask, each until the
    view has repainted; floor: polars' stable arg-sort of the same ``name_rank`` and the
    same filter expression."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QTableView

    from planner.services.firms.firm_query import FirmFilter
    from planner.ui.firms.firm_table_model import FirmTableModel, setup_firm_view

    firms = region_campaign.firms()
    _qt()
    view = QTableView()
    view.resize(*VIEW_SIZE)
    view.show()
    prepared = FirmTableModel.prepare(firms)
    setup_firm_view(view, FirmTableModel(prepared))
    view.setSortingEnabled(False)
    criteria = FirmFilter(text="école", sections=frozenset({"I"}))
    products, floors, sorts, filters, shown = [], [], [], [], 0
    for _ in range(_runs()):
        model = FirmTableModel(prepared)
        view.setModel(model)
        QApplication.processEvents()
        # Each step until the view has painted its rows (what the user waits for).
        start = time.perf_counter()
        model.sort(0, Qt.SortOrder.AscendingOrder)
        view.viewport().repaint()
        middle = time.perf_counter()
        model.set_mask(criteria.apply(firms))
        view.viewport().repaint()
        end = time.perf_counter()
        shown = model.rowCount()
        sorts.append(middle - start)
        filters.append(end - middle)
        products.append(end - start)
        QApplication.processEvents()
        start = time.perf_counter()
        pl.DataFrame({"key": firms["name_rank"]}).select(pl.arg_sort_by("key", maintain_order=True))
        bare = firms.filter(
            pl.col("name_key").str.contains("ecole", literal=True) & (pl.col("section") == "I")
        )
        floors.append(time.perf_counter() - start)
        assert bare.height == shown
    return _result(
        products,
        floors,
        rows=firms.height,
        rows_shown=shown,
        sort_ms=round(statistics.median(sorts) * 1000, 1),
        filter_ms=round(statistics.median(filters) * 1000, 1),
        sort_ms_all=[round(v * 1000, 1) for v in sorts],
        filter_ms_all=[round(v * 1000, 1) for v in filters],
        goal_ms_each=100,
    )


def region_call_lists_500k() -> dict[str, object]:
    """``write_call_list`` of 500,000 assigned rows over their adviser sheets; floor:
    ``bench_export._floor_write``, xlsxwriter writing the same cells."""
    import bench_export

    from planner.db.store import open_store
    from planner.io.call_list_workbook import write_call_list
    from planner.services.followup.call_lists import _rows, call_list_frame

    store = open_store(region_campaign.campaign())
    try:
        frame = call_list_frame(store)
    finally:
        store.close()
    sheets = {
        str(key): _rows(group) for (key,), group in frame.group_by(["adviser"], maintain_order=True)
    }
    del frame
    products, floors = [], []
    with tempfile.TemporaryDirectory(prefix="bench-region-") as tmp:
        for i in range(_runs()):
            target = Path(tmp) / f"produit_{i}.xlsx"
            start = time.perf_counter()
            write_call_list(target, bench_export.META, sheets)
            products.append(time.perf_counter() - start)
            target.unlink()
            target = Path(tmp) / f"plancher_{i}.xlsx"
            start = time.perf_counter()
            bench_export._floor_write(target, sheets)
            floors.append(time.perf_counter() - start)
            target.unlink()
    return _result(
        products,
        floors,
        rows=sum(len(rows) for rows in sheets.values()),
        sheets=len(sheets),
        goal_ratio=1.2,
    )


BENCHMARKS: dict[str, Callable[[], dict[str, object]]] = {
    "region_open_500k": region_open_500k,
    "region_open_500k_no_cache": region_open_500k_no_cache,
    "region_map_500k": region_map_500k,
    "region_filter_500k": region_filter_500k,
    "region_table_500k": region_table_500k,
    "region_call_lists_500k": region_call_lists_500k,
}
