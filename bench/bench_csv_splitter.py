"""CSV chunk splitter benchmark: a 32 MB stock with one stray quote.

``csv_splitter_stray_quote``: ``CsvSource.chunks`` on a generated 32 MB
StockEtablissement (the real sample's rows repeated) with one stray quote
half-way, until it reports the unbalanced quote; against a floor measured in
the same run: the same bytes read at once, split at the quotes by ``bytes.split``
and the newlines of the unquoted parts counted by ``bytes.count`` (C-speed, one
pass), and whether a quote is left open; the former floor, polars parsing every
field, did more than cutting records. Medians of ``--runs`` interleaved runs.
``csv_splitter_clean``: the same file without the stray quote, read to the end. The splitter used
to count the quotes again for every newline: 2 MB took 12 s, 32 MB about an
hour.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from timing import Pair

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


def _floor(path: Path) -> tuple[int, bool]:
    """The record ends (newlines outside quotes) counted by C-speed bytes methods:
    the bytes split at the quotes, newlines counted in the even (unquoted) parts;
    and whether a quote is left open."""
    parts = path.read_bytes().split(b'"')
    return sum(part.count(b"\n") for part in parts[::2]), len(parts) % 2 == 0


def _pair(*, stray_quote: bool) -> Pair:
    tmp = tempfile.TemporaryDirectory()
    path, stray_line = _stock(Path(tmp.name), stray_quote=stray_quote)
    errors: list[InputError | None] = []

    def figures() -> dict[str, object]:
        result: dict[str, object] = {"file_mb": round(path.stat().st_size / 2**20, 1)}
        error = errors[-1]
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

    def floor() -> None:
        _records, left_open = _floor(path)
        assert left_open == stray_quote

    return Pair(lambda: errors.append(_splitter(path)), floor, figures, tmp.cleanup)


def csv_splitter_stray_quote() -> Pair:
    """The splitter against bytes methods on the same 32 MB with a stray quote."""
    return _pair(stray_quote=True)


def csv_splitter_clean() -> Pair:
    """The same 32 MB without the stray quote: every chunk is cut and yielded."""
    return _pair(stray_quote=False)


PAIRS: dict[str, Callable[[], Pair]] = {
    "csv_splitter_stray_quote": csv_splitter_stray_quote,
    "csv_splitter_clean": csv_splitter_clean,
}
