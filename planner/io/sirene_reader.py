"""Read SIRENE CSV files (plain or zipped) as polars frames, chunk by chunk.

The fast path lets polars parse each chunk; a cheap byte count checks that
no record was short. When anything looks wrong the chunk is re-read slowly to
say exactly which line and column are at fault.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from planner.domain.errors import InputError
from planner.io.csv_source import (
    NEWLINE,
    CsvChunk,
    CsvSource,
    diagnose_chunk,
    record_starts,
)
from planner.io.prefetch import prefetched

LINE = "_line"
"""Name of the column that carries each record's line number in the file."""

# Left in the bytes for the parser (csv_source strips the other C0 controls):
# tab, CR and LF inside a field become one space, C1 controls are removed.
_LINE_BREAKS = r"[\t\r\n]+"
# C1 controls, and the invisible format characters that reorder or hide text
# (bidirectional embeddings and isolates, zero-width spaces and joiners, word
# joiner, BOM): a name holding them displays other than it reads.
_C1_CONTROLS = "[\u0080-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
_C1_BYTES = re.compile(
    b"\xc2[\x80-\x9f]|\xe2\x80[\x8b-\x8f\xaa-\xae]|\xe2\x81[\xa0-\xa4\xa6-\xa9]|\xef\xbb\xbf"
)


@dataclass(frozen=True)
class FrameChunk:
    """Parsed records of one chunk.

    Attributes:
        frame: the wanted columns (all strings, empty as null) plus ``_line``.
        end_offset: bytes of the file read so far, for progress.
        light: with :func:`read_selected`, the light columns of every record.
    """

    frame: pl.DataFrame
    end_offset: int
    light: pl.DataFrame | None = None


def read_frames(
    source: CsvSource,
    columns: Sequence[str],
    optional: Sequence[str] = (),
) -> Iterator[FrameChunk]:
    """Yield the wanted columns of every record, chunk after chunk.

    Args:
        source: the open CSV source.
        columns: columns that must exist (checked by the caller's layout).
        optional: columns read when the file has them.

    Raises:
        InputError: with file, line and column, for any malformed record.
    """
    wanted, sorted_idx, sorted_names = _positions(source, columns, optional)
    chunks = prefetched(lambda: _checked_chunks(source, with_ends=False))
    for chunk, rows, quoted_newlines, _ends in chunks:
        frame = _parse(source, chunk, chunk.data, sorted_idx, sorted_names)
        if frame.height != rows:
            raise _diagnosis(source, chunk)
        if chunk.newlines == rows:
            lines = pl.int_range(chunk.first_line, chunk.first_line + rows, eager=True)
        else:
            lines = pl.Series(_record_lines(chunk))
        frame = _clean_text(frame, chunk.data, quoted_newlines)
        frame = frame.with_columns(lines.cast(pl.Int64).alias(LINE))
        yield FrameChunk(frame.select([*wanted, LINE]), chunk.end_offset)


def read_selected(
    source: CsvSource,
    columns: Sequence[str],
    optional: Sequence[str],
    light: Sequence[str],
    keep: Callable[[pl.DataFrame], pl.Series],
) -> Iterator[FrameChunk]:
    """Like :func:`read_frames`, but whole records only where ``keep`` says so.

    Every record is parsed for the ``light`` columns only (a few); ``keep``
    picks records from them, and only those are parsed for every column. A
    bassin is a few percent of a national stock: most records are then never
    fully parsed, while the checks (field counts, quotes, line numbers) still
    cover the whole file.

    Yields:
        chunks whose ``frame`` holds the kept records and ``light`` the light
        columns of every record.
    """
    wanted, sorted_idx, sorted_names = _positions(source, columns, optional)
    light_names = sorted(light, key=source.header.index)
    light_idx = [source.header.index(c) for c in light_names]
    chunks = prefetched(lambda: _checked_chunks(source, with_ends=True))
    for chunk, rows, quoted_newlines, record_ends in chunks:
        summary = _parse(source, chunk, chunk.data, light_idx, light_names)
        if summary.height != rows:
            raise _diagnosis(source, chunk)
        picked = np.flatnonzero(keep(summary).fill_null(False).to_numpy())
        if record_ends is not None:
            ends = record_ends
            starts = np.concatenate(([0], ends[:-1]))
            lines = picked + chunk.first_line
        else:
            starts = record_starts(chunk.data)
            ends = np.concatenate((starts[1:], [len(chunk.data)]))
            lines = np.asarray(_record_lines(chunk), dtype=np.int64)[picked]
        data = chunk.data
        spans = zip(starts[picked].tolist(), ends[picked].tolist(), strict=True)
        kept = b"".join([data[a:b] for a, b in spans])
        if kept:
            frame = _parse(source, chunk, kept, sorted_idx, sorted_names)
            if frame.height != picked.size:
                raise _diagnosis(source, chunk)
            frame = _clean_text(frame, kept, quoted_newlines)
        else:
            frame = pl.DataFrame(schema=dict.fromkeys(sorted_names, pl.String))
        frame = frame.with_columns(pl.Series(LINE, lines, dtype=pl.Int64))
        yield FrameChunk(frame.select([*wanted, LINE]), chunk.end_offset, summary)


def _positions(
    source: CsvSource, columns: Sequence[str], optional: Sequence[str]
) -> tuple[list[str], list[int], list[str]]:
    """The wanted columns, and their indices and names in file order."""
    header = source.header
    wanted = [c for c in columns if c in header] + [c for c in optional if c in header]
    indices = [header.index(c) for c in wanted]
    order = sorted(range(len(indices)), key=lambda i: indices[i])
    return wanted, [indices[i] for i in order], [wanted[i] for i in order]


def _checked_chunks(
    source: CsvSource, *, with_ends: bool
) -> Iterator[tuple[CsvChunk, int, int, npt.NDArray[np.intp] | None]]:
    """Every chunk, checked, with its records, its newlines inside quotes and,
    when no field holds a newline, where each record ends (run ahead, see
    :func:`prefetched`)."""
    for chunk in source.chunks():
        rows, quoted_newlines = _check_counts(source, chunk)
        ends = None
        if with_ends and chunk.newlines == rows:
            view = np.frombuffer(chunk.data, dtype=np.uint8)
            ends = np.flatnonzero(view == NEWLINE) + 1
        yield chunk, rows, quoted_newlines, ends


def _check_counts(source: CsvSource, chunk: CsvChunk) -> tuple[int, int]:
    """Records of the chunk and newlines inside quotes; raise if fields do not add up.

    Counted on the bytes before parsing: a chunk of blank lines or of short
    records never reaches the parser, which would make a row of each.
    """
    separator = source.separator.encode()
    quoted_seps, quoted_newlines = _quoted_counts(chunk.data, separator)
    rows = chunk.newlines - quoted_newlines
    view = np.frombuffer(chunk.data, dtype=np.uint8)
    separators = int(np.count_nonzero(view == separator[0]))
    if separators - quoted_seps != rows * (len(source.header) - 1):
        raise _diagnosis(source, chunk)
    return rows, quoted_newlines


def _diagnosis(source: CsvSource, chunk: CsvChunk) -> InputError:
    """The precise error of a chunk that does not add up, or a general one."""
    error = diagnose_chunk(source, chunk)
    if error is not None:
        return error
    return InputError(
        "le fichier ne peut pas être lu comme un CSV (le nombre de champs ou de lignes ne "
        "correspond pas à l'en-tête).",
        file=source.name,
        line=chunk.first_line,
    )


def _parse(
    source: CsvSource, chunk: CsvChunk, data: bytes, indices: list[int], names: list[str]
) -> pl.DataFrame:
    try:
        frame = pl.read_csv(
            data,
            has_header=False,
            columns=indices,
            separator=source.separator,
            infer_schema=False,
            quote_char='"',
        )
        return frame.rename(dict(zip(frame.columns, names, strict=True)))
    except pl.exceptions.PolarsError as exc:
        error = diagnose_chunk(source, chunk)
        if error is not None:
            raise error from exc
        raise InputError(
            f"le fichier ne peut pas être lu comme un CSV ({str(exc).splitlines()[0]}).",
            file=source.name,
            line=chunk.first_line,
        ) from exc


def _quoted_counts(data: bytes, separator: bytes) -> tuple[int, int]:
    """Separators and newlines that sit inside quoted fields (usually few).

    Walks from quote to quote (INSEE quotes a field only when it must), and
    lets ``bytes.count`` do the counting inside each quoted span.
    """
    seps = newlines = 0
    start = data.find(b'"')
    while start >= 0:
        end = start + 1
        while True:
            end = data.find(b'"', end)
            if end < 0:
                return seps, newlines
            if data[end + 1 : end + 2] == b'"':  # an escaped quote inside the field
                end += 2
                continue
            break
        seps += data.count(separator, start, end)
        newlines += data.count(b"\n", start, end)
        start = data.find(b'"', end + 1)
    return seps, newlines


def _clean_text(frame: pl.DataFrame, data: bytes, quoted_newlines: int) -> pl.DataFrame:
    """Turn tabs and line breaks inside fields into spaces, drop C1 controls and
    invisible format characters (bidirectional, zero-width).

    Only chunks that hold any are rewritten: SIRENE has almost none.
    """
    breaks = (
        quoted_newlines > 0
        or b"\t" in data
        or (b"\r" in data and data.count(b"\r") != data.count(b"\r\n"))
    )
    c1 = _C1_BYTES.search(data) is not None
    if not (breaks or c1):
        return frame
    text = pl.col(pl.String)
    if breaks:
        text = text.str.replace_all(_LINE_BREAKS, " ")
    if c1:
        text = text.str.replace_all(_C1_CONTROLS, "")
    return frame.with_columns(text)


def _record_lines(chunk: CsvChunk) -> list[int]:
    """Line number of each record when some fields hold newlines (rare)."""
    starts = record_starts(chunk.data)
    view = np.frombuffer(chunk.data, dtype=np.uint8)
    newlines = np.flatnonzero(view == NEWLINE)
    lines: list[int] = (np.searchsorted(newlines, starts) + chunk.first_line).tolist()
    return lines
