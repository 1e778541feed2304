"""Read SIRENE CSV files (plain or zipped) as polars frames, chunk by chunk.

The fast path lets polars parse each chunk; a cheap byte count checks that
no record was short. When anything looks wrong the chunk is re-read slowly to
say exactly which line and column are at fault.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import polars as pl

from planner.domain.errors import InputError
from planner.io.csv_source import CsvChunk, CsvSource, diagnose_chunk

LINE = "_line"
"""Name of the column that carries each record's line number in the file."""


@dataclass(frozen=True)
class FrameChunk:
    """Parsed records of one chunk.

    Attributes:
        frame: the wanted columns (all strings, empty as null) plus ``_line``.
        end_offset: bytes of the file read so far, for progress.
    """

    frame: pl.DataFrame
    end_offset: int


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
    header = source.header
    wanted = [c for c in columns if c in header] + [c for c in optional if c in header]
    indices = [header.index(c) for c in wanted]
    order = sorted(range(len(indices)), key=lambda i: indices[i])
    sorted_idx = [indices[i] for i in order]
    sorted_names = [wanted[i] for i in order]
    separator = source.separator.encode()
    expected_seps = len(header) - 1
    for chunk in source.chunks():
        frame = _parse(source, chunk, sorted_idx, sorted_names)
        rows = frame.height
        newlines = chunk.newlines
        quoted_seps, quoted_newlines = _quoted_counts(chunk.data, separator)
        if (
            chunk.data.count(separator) - quoted_seps != rows * expected_seps
            or newlines - quoted_newlines != rows
        ):
            error = diagnose_chunk(source, chunk)
            if error is not None:
                raise error
        if newlines == rows:
            lines = pl.int_range(chunk.first_line, chunk.first_line + rows, eager=True)
        else:
            lines = pl.Series(_record_lines(chunk))
        frame = frame.with_columns(lines.cast(pl.Int64).alias(LINE))
        yield FrameChunk(frame.select([*wanted, LINE]), chunk.end_offset)


def _parse(
    source: CsvSource, chunk: CsvChunk, indices: list[int], names: list[str]
) -> pl.DataFrame:
    try:
        frame = pl.read_csv(
            chunk.data,
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


def _record_lines(chunk: CsvChunk) -> list[int]:
    """Line number of each record when some fields hold newlines (rare, slow)."""
    lines = []
    line = chunk.first_line
    in_quotes = False
    start = True
    for byte in chunk.data:
        if start:
            lines.append(line)
            start = False
        if byte == 0x22:
            in_quotes = not in_quotes
        elif byte == 0x0A:
            line += 1
            if not in_quotes:
                start = True
    return lines
