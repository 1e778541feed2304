"""CSV chunk splitter benchmark: a 32 MB stock with one stray quote.

``csv_splitter_stray_quote``: ``CsvSource.chunks`` on a generated 32 MB
StockEtablissement (the real sample's rows repeated) with one stray quote
half-way, until it reports the unbalanced quote; against a floor measured in
the same run: polars ``read_csv`` of the same bytes, the most direct way to
go through them as CSV. Medians of three interleaved runs. ``csv_splitter_clean``: the same file
without the stray quote, read to the end. The splitter used
to count the quotes again for every newline: 2 MB took 12 s, 32 MB about an
hour.
"""

from __future__ import annotations

import contextlib
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl

from planner.domain.errors import InputError
from planner.io.csv_source import CsvSource

SAMPLE = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "data"
    / "sirene"
    / "StockEtablissement_utf8__trackdechets_sample.csv"
)
TARGET_BYTES = 32 * 1024 * 1024
RUNS = 3


def _stock(folder: Path, *, stray_quote: bool = True) -> tuple[Path, int]:
    """A ~32 MB stock, with a stray quote opening a field half-way; its line."""
    header, *rows = SAMPLE.read_bytes().rstrip(b"\n").split(b"\n")
    body = b"\n".join(rows) + b"\n"
    copies = TARGET_BYTES // len(body) + 1
    lines = [header, *(rows * copies)]
    stray = len(lines) // 2
    if stray_quote:
        lines[stray] = lines[stray].replace(b",", b',"', 1)
    path = folder / "StockEtablissement_utf8.csv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path, stray + 1


def _splitter(path: Path) -> InputError | None:
    try:
        for _chunk in CsvSource(path).chunks():
            pass
    except InputError as exc:
        return exc
    return None


def _floor(path: Path) -> None:
    # polars either parses a giant field or refuses the file: both go through the bytes.
    with contextlib.suppress(pl.exceptions.PolarsError):
        pl.read_csv(path, infer_schema=False)


def _timed(func: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def _run(*, stray_quote: bool) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        path, stray_line = _stock(Path(tmp), stray_quote=stray_quote)
        splitter_times, floor_times = [], []
        error: object = None
        for _ in range(RUNS):
            seconds, error = _timed(lambda: _splitter(path))
            splitter_times.append(seconds)
            floor_seconds, _ = _timed(lambda: _floor(path))
            floor_times.append(floor_seconds)
        size_mb = round(path.stat().st_size / 2**20, 1)
    seconds = statistics.median(splitter_times)
    floor = statistics.median(floor_times)
    result: dict[str, object] = {
        "seconds": round(seconds, 3),
        "floor_seconds": round(floor, 3),
        "ratio": round(seconds / floor, 2),
        "runs": [round(t, 3) for t in splitter_times],
        "floor_runs": [round(t, 3) for t in floor_times],
        "file_mb": size_mb,
    }
    if stray_quote:
        assert isinstance(error, InputError), "the stray quote was not reported"
        result |= {
            "stray_quote_line": stray_line,
            "reported_line": error.line,
            "reported_column": error.column,
        }
    else:
        assert error is None, error
    return result


def csv_splitter_stray_quote() -> dict[str, object]:
    """The splitter against polars on the same 32 MB with a stray quote."""
    return _run(stray_quote=True)


def csv_splitter_clean() -> dict[str, object]:
    """The same 32 MB without the stray quote: every chunk is cut and yielded."""
    return _run(stray_quote=False)


BENCHMARKS: dict[str, Callable[[], dict[str, object]]] = {
    "csv_splitter_stray_quote": csv_splitter_stray_quote,
    "csv_splitter_clean": csv_splitter_clean,
}
