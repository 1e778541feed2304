"""SIRENE import benchmarks: one bassin out of a generated national-like stock.

``import_1m`` / ``import_5m``: from a 1M- (5M-) row StockEtablissement CSV to
committed rows in a new SQLite campaign. Floor: a bare polars lazy scan of the
same file with the same filters (bassin communes, diffusible, active, bands,
employers), reading only the columns the import reads, collected, in the same
run (the issue's floor); ``ratio_with_write`` compares with the same scan
followed by its rows committed to SQLite with ``executemany`` (the same output).
``import_10m``: the same at 10M rows (2 GB of CSV), for the time and the peak
memory of the national stock's streaming (40M rows, 9 GB).
``import_parquet_5m``: the 5M-row stock as Parquet. Floor: a bare polars
``scan_parquet`` of the same file with the same filters and columns, collected
(and ``ratio_with_write`` as above).

Each figure is the median of ``--runs`` runs (3 by default), product and floor interleaved
(P F P F P F). ``read_seconds`` is the product's time until it starts writing
(read, filter, join, checks), ``write_seconds`` the rest (SQLite insert and commit).
"""

from __future__ import annotations

import gc
import resource
import sqlite3
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl
import timing

from planner.db import models
from planner.db.store import create_store
from planner.domain.headcount_bands import DEFAULT_TARGET_BANDS
from planner.domain.import_filters import ImportFilters
from planner.geo.reference import CommuneReference
from planner.io.sirene_layout import ESTABLISHMENT_COLUMNS, OPTIONAL_ESTABLISHMENT_COLUMNS
from planner.services.demo.demo_campaign import commune_areas
from planner.services.demo.fictitious_stock import CommuneArea, generate_stock
from planner.services.sirene_import.pipeline import SireneFiles, import_sirene

OUT = Path(__file__).resolve().parent / "out"
BASSIN_EPT = "T6"
# Share of rows generated inside the bassin, so that about 5% of the stock
# passes the default filters there (about 50,000 kept rows out of 1M).
INSIDE_SHARE = 0.12


def _areas(reference: CommuneReference, codes: list[str]) -> list[CommuneArea]:
    return commune_areas(reference, codes)


def _stock(rows: int) -> tuple[Path, list[str]]:
    reference = CommuneReference.load()
    inside = reference.communes_of_ept(BASSIN_EPT)
    target = OUT / f"stock_{rows}"
    path = target / "StockEtablissement_utf8.csv"
    if not path.exists():
        region = [
            c
            for d in ("75", "77", "78", "91", "92", "93", "94", "95")
            for c in reference.communes_of_departement(d)
            if c not in inside
        ]
        target.mkdir(parents=True, exist_ok=True)
        generate_stock(
            target,
            _areas(reference, inside),
            rows,
            seed=7,
            outside_communes=_areas(reference, region),
            outside_share=1 - INSIDE_SHARE,
            legal_units=False,
        )
    return path, inside


def _parquet(rows: int) -> Path:
    """The generated stock as Parquet (same columns, as text), made once."""
    csv_path, _ = _stock(rows)
    path = csv_path.with_name("StockEtablissement.parquet")
    if not path.exists():
        partial = path.with_suffix(".partial")
        pl.scan_csv(csv_path, infer_schema=False).sink_parquet(partial)
        partial.rename(path)
    return path


def _filters(codes: list[str]) -> pl.Expr:
    return (
        pl.col("codeCommuneEtablissement").is_in(codes)
        & (pl.col("statutDiffusionEtablissement") != "P")
        & (pl.col("etatAdministratifEtablissement") == "A")
        & pl.col("trancheEffectifsEtablissement").is_in(sorted(DEFAULT_TARGET_BANDS))
        & (pl.col("caractereEmployeurEtablissement") == "O")
    )


def _floor(path: Path, codes: list[str]) -> tuple[float, int, float]:
    """A bare polars lazy scan of the file (CSV or Parquet) with the import's filters,
    reading only the columns the import reads; then, for the same output as the
    import (committed rows), the kept rows written by ``executemany`` into an SQLite
    table and committed. Returns (scan seconds, kept rows, scan + write seconds)."""
    start = time.perf_counter()
    if path.suffix == ".parquet":
        scan = pl.scan_parquet(path)
    else:
        scan = pl.scan_csv(path, infer_schema=False)
    wanted = set(ESTABLISHMENT_COLUMNS) | set(OPTIONAL_ESTABLISHMENT_COLUMNS)
    names = [c for c in scan.collect_schema().names() if c in wanted]
    frame = scan.select(names).filter(_filters(codes)).collect()
    scanned = time.perf_counter() - start
    with tempfile.TemporaryDirectory(prefix="planner-floor-") as tmp:
        conn = sqlite3.connect(Path(tmp) / "floor.db")
        columns = ", ".join(f'"{c}"' for c in frame.columns)
        conn.execute(f"CREATE TABLE establishment ({columns})")
        marks = ", ".join("?" for _ in frame.columns)
        conn.executemany(f"INSERT INTO establishment VALUES ({marks})", frame.iter_rows())
        conn.commit()
        conn.close()
    return scanned, frame.height, time.perf_counter() - start


class _PeakRss:
    """Samples this process's RSS during a run (ru_maxrss covers the whole process)."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            with Path("/proc/self/statm").open() as handle:
                pages = int(handle.read().split()[1])
            self.peak = max(self.peak, pages * resource.getpagesize())
            time.sleep(0.02)

    def __enter__(self) -> _PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _product(path: Path, aliases: dict[str, str]) -> dict[str, float]:
    """One import into a new SQLite campaign: seconds, reading part, peak RSS, kept."""
    with tempfile.TemporaryDirectory() as tmp:
        store = create_store(Path(tmp) / "bench.planner")
        with store.session() as session:
            session.add(
                models.Campaign(
                    name="bench", bassin_kind="ept", bassin_code=BASSIN_EPT, bassin_label="bench"
                )
            )
        marks: dict[str, float] = {}

        def progress(_done: int, _total: int, message: str) -> None:
            if message.startswith("Enregistrement"):
                marks.setdefault("write", time.perf_counter())

        with _PeakRss() as rss:
            start = time.perf_counter()
            summary = import_sirene(
                store, SireneFiles(path), ImportFilters(), aliases, progress=progress
            )
            end = time.perf_counter()
        store.close()
    return {
        "seconds": end - start,
        "read_seconds": marks.get("write", end) - start,
        "peak": rss.peak,
        "kept": summary.kept,
    }


def _run(path: Path, rows: int, inside: list[str]) -> dict[str, object]:
    runs = timing.runs()
    reference = CommuneReference.load()
    aliases = {c: c for c in inside} | reference.aliases_of(inside)
    products: list[dict[str, float]] = []
    floors: list[tuple[float, int, float]] = []
    for _ in range(runs):  # interleaved: P F P F P F
        gc.collect()
        products.append(_product(path, aliases))
        gc.collect()
        floors.append(_floor(path, sorted(aliases)))
    seconds = statistics.median(p["seconds"] for p in products)
    read_seconds = statistics.median(p["read_seconds"] for p in products)
    floor_seconds = statistics.median(f[0] for f in floors)
    written = statistics.median(f[2] for f in floors)
    return {
        "seconds": round(seconds, 3),
        "floor_seconds": round(floor_seconds, 3),
        "ratio": round(seconds / floor_seconds, 2),
        "runs": runs,
        "seconds_all": [round(p["seconds"], 2) for p in products],
        "floor_all": [round(f[0], 2) for f in floors],
        # The same output as the import: the scan, then its rows committed to SQLite.
        "floor_with_write_seconds": round(written, 3),
        "ratio_with_write": round(seconds / written, 2),
        "read_seconds": round(read_seconds, 3),
        "write_seconds": round(seconds - read_seconds, 3),
        "rows": rows,
        "kept": int(products[0]["kept"]),
        "floor_kept": floors[0][1],
        "rows_per_second": round(rows / seconds),
        "import_peak_rss_mb": round(max(p["peak"] for p in products) / 2**20, 1),
        # The first run comes before any floor run: the process's own peak.
        "import_peak_rss_mb_first_run": round(products[0]["peak"] / 2**20, 1),
        "file_mb": round(path.stat().st_size / 2**20, 1),
    }


def _csv_run(rows: int) -> dict[str, object]:
    path, inside = _stock(rows)
    return _run(path, rows, inside)


def import_1m() -> dict[str, object]:
    """1M rows, about 50,000 kept.

    Floor: a bare polars lazy scan of the same CSV with the same filters, collected.
    """
    return _csv_run(1_000_000)


def import_5m() -> dict[str, object]:
    """5M rows, the national 40M extrapolated.

    Floor: a bare polars lazy scan of the same CSV with the same filters, collected.
    """
    result = _csv_run(5_000_000)
    factor = 40_000_000 / 5_000_000
    result["national_40m_seconds_estimate"] = round(float(result["seconds"]) * factor, 1)  # type: ignore[arg-type]
    return result


def import_10m() -> dict[str, object]:
    """10M rows (2 GB): time and peak RSS of the streamed import.

    Floor: a bare polars lazy scan of the same CSV with the same filters, collected.
    """
    result = _csv_run(10_000_000)
    result["national_40m_seconds_estimate"] = round(float(result["seconds"]) * 4, 1)  # type: ignore[arg-type]
    return result


def import_parquet_5m() -> dict[str, object]:
    """5M rows as Parquet.

    Floor: a bare polars ``scan_parquet`` of the same file with the same filters, collected.
    """
    path = _parquet(5_000_000)
    _, inside = _stock(5_000_000)
    return _run(path, 5_000_000, inside)


BENCHMARKS: dict[str, Callable[[], dict[str, object]]] = {
    "import_1m": import_1m,
    "import_5m": import_5m,
    "import_10m": import_10m,
    "import_parquet_5m": import_parquet_5m,
}
