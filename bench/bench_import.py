"""SIRENE import benchmarks: one bassin out of a generated national-like stock.

``import_1m``: from a 1M-row StockEtablissement to committed rows in a new
SQLite campaign, against a floor measured in the same run: a bare polars lazy
scan of the same file with the same filters, collected.
``import_5m``: the same at 5M rows, to extrapolate the national 40M-row case.
"""

from __future__ import annotations

import gc
import resource
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl

from planner.db import models
from planner.db.store import create_store
from planner.domain.headcount_bands import DEFAULT_TARGET_BANDS
from planner.domain.import_filters import ImportFilters
from planner.geo.reference import CommuneReference
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


def _floor(path: Path, codes: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    frame = (
        pl.scan_csv(path, infer_schema=False)
        .filter(
            pl.col("codeCommuneEtablissement").is_in(codes)
            & (pl.col("statutDiffusionEtablissement") != "P")
            & (pl.col("etatAdministratifEtablissement") == "A")
            & pl.col("trancheEffectifsEtablissement").is_in(sorted(DEFAULT_TARGET_BANDS))
            & (pl.col("caractereEmployeurEtablissement") == "O")
        )
        .collect()
    )
    return time.perf_counter() - start, frame.height


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


def _run(rows: int) -> dict[str, object]:
    path, inside = _stock(rows)
    reference = CommuneReference.load()
    aliases = {c: c for c in inside} | reference.aliases_of(inside)
    floor_seconds, floor_rows = _floor(path, sorted(aliases))
    gc.collect()
    with tempfile.TemporaryDirectory() as tmp:
        store = create_store(Path(tmp) / "bench.planner")
        with store.session() as session:
            session.add(
                models.Campaign(
                    name="bench", bassin_kind="ept", bassin_code=BASSIN_EPT, bassin_label="bench"
                )
            )
        with _PeakRss() as rss:
            start = time.perf_counter()
            summary = import_sirene(store, SireneFiles(path), ImportFilters(), aliases)
            seconds = time.perf_counter() - start
        store.close()
    return {
        "seconds": round(seconds, 3),
        "floor_seconds": round(floor_seconds, 3),
        "ratio": round(seconds / floor_seconds, 2),
        "rows": rows,
        "kept": summary.kept,
        "floor_kept": floor_rows,
        "rows_per_second": round(rows / seconds),
        "import_peak_rss_mb": round(rss.peak / 2**20, 1),
        "stock_mb": round(path.stat().st_size / 2**20, 1),
    }


def import_1m() -> dict[str, object]:
    """1M rows, about 50,000 kept."""
    return _run(1_000_000)


def import_5m() -> dict[str, object]:
    """5M rows; the result extrapolates linearly to the national 40M rows."""
    result = _run(5_000_000)
    factor = 40_000_000 / 5_000_000
    result["national_40m_seconds_estimate"] = round(float(result["seconds"]) * factor, 1)  # type: ignore[arg-type]
    return result


BENCHMARKS: dict[str, Callable[[], dict[str, object]]] = {
    "import_1m": import_1m,
    "import_5m": import_5m,
}
