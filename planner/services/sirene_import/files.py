"""What a SIRENE file is, before importing it: kind, columns and vintage."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from planner.domain.errors import InputError
from planner.io.csv_source import CsvSource
from planner.io.sirene_layout import SireneKind, detect_kind
from planner.io.sirene_parquet import ParquetSource, open_source

_SAMPLE_BYTES = 4 * 2**20
_DATE_COLUMNS = ("dateDernierTraitementEtablissement", "dateDernierTraitementUniteLegale")


@dataclass(frozen=True)
class SireneFileInfo:
    """A description of one file for the import dialog.

    Attributes:
        path: the file.
        kind: what it is, or None when it is not a SIRENE file.
        columns: number of columns.
        vintage: latest processing date seen in its first rows (jj/mm/aaaa).
        size_mb: size on disk.
        problem: why it cannot be imported, in French.
    """

    path: Path
    kind: SireneKind | None
    columns: int
    vintage: str
    size_mb: float
    problem: str = ""


def describe(path: Path) -> SireneFileInfo:
    """Look at a file's header and first rows, without reading it all."""
    size = round(path.stat().st_size / 2**20, 1) if path.exists() else 0.0
    try:
        source = open_source(path)
        kind = detect_kind(source.header, source.name)
    except InputError as exc:
        return SireneFileInfo(path, None, 0, "", size, str(exc))
    vintage = ""
    column = next((c for c in _DATE_COLUMNS if c in source.header), None)
    if column is not None:
        try:
            if isinstance(source, ParquetSource):
                vintage = _parquet_vintage(source, column)
            else:
                vintage = _vintage(source, column)
        except InputError as exc:
            return SireneFileInfo(path, kind, len(source.header), "", size, str(exc))
    return SireneFileInfo(path, kind, len(source.header), vintage, size)


def _parquet_vintage(source: ParquetSource, column: str) -> str:
    """Latest processing date in the file (only that column is read)."""
    return _as_date(source.read([column])[column].drop_nulls().max())


def _vintage(source: CsvSource, column: str) -> str:
    """Latest processing date in the first megabytes, as jj/mm/aaaa ('' if none)."""
    sample_source = CsvSource(source.path, chunk_bytes=_SAMPLE_BYTES)
    chunk = next(sample_source.chunks(), None)
    if chunk is None:
        return ""
    try:
        frame = pl.read_csv(
            chunk.data,
            has_header=False,
            new_columns=None,
            infer_schema=False,
            separator=source.separator,
            columns=[source.header.index(column)],
        )
    except pl.exceptions.PolarsError:
        return ""  # the import itself will say what is wrong, and where
    return _as_date(frame.to_series().drop_nulls().max())


def _as_date(latest: object) -> str:
    """``AAAA-MM-JJ…`` as jj/mm/aaaa ('' when it is not one)."""
    if isinstance(latest, str) and len(latest) >= 10:
        return f"{latest[8:10]}/{latest[5:7]}/{latest[0:4]}"
    return ""
