"""Read SIRENE stocks published as Parquet, only the rows that are wanted.

The same stocks as the CSV files (same column names) are published as
Parquet. polars reads them with the filter pushed down into the reader: row
groups and pages that hold no row of the bassin are skipped, so a bassin is
read out of the national stock in seconds. Columns come back as text, like
the CSV reader's: dates as ``AAAA-MM-JJ``, times as ``AAAA-MM-JJTHH:MM:SS``,
numbers and booleans as INSEE writes them in the CSV.

A Parquet file has no lines: ``_line`` holds the row's number (first row = 1),
which is what messages call its line.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl
from polars.exceptions import PanicException

from planner.domain.errors import InputError
from planner.domain.french_numbers import integer
from planner.io.csv_source import CsvSource
from planner.io.sirene_reader import LINE

PARQUET_MAGIC = b"PAR1"
_LINE_BREAKS = r"[\t\r\n]+"
# Control characters, and the invisible format characters that reorder or hide
# text (bidirectional embeddings and isolates, zero-width spaces and joiners,
# word joiner, BOM), as the CSV reader drops them.
_FORMAT_CODES = (
    *range(0x200B, 0x2010),
    *range(0x202A, 0x202F),
    *range(0x2060, 0x2065),
    *range(0x2066, 0x206A),
    0xFEFF,
)
_CONTROLS = (
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u0080-\u009f"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
# Searched for as literals (Aho-Corasick): twice as fast as a regex class here.
_CONTROL_CHARS = [chr(c) for c in (*range(0x20), 0x7F, *range(0x80, 0xA0), *_FORMAT_CODES)]

_TEXT_KINDS = (pl.String, pl.Categorical, pl.Enum)
_NUMBER_KINDS = (
    pl.Int8,
    pl.Int16,
    pl.Int32,
    pl.Int64,
    pl.UInt8,
    pl.UInt16,
    pl.UInt32,
    pl.UInt64,
    pl.Float32,
    pl.Float64,
    pl.Decimal,
)


def is_parquet(path: Path) -> bool:
    """Whether ``path`` is a Parquet file (by its first bytes, or its name)."""
    if path.suffix.lower() == ".parquet":
        return True
    try:
        with path.open("rb") as handle:
            return handle.read(4) == PARQUET_MAGIC
    except OSError:
        return False


def open_source(path: Path) -> CsvSource | ParquetSource:
    """The file as a source to read: Parquet, or CSV (plain or zipped)."""
    path = Path(path)
    if is_parquet(path):
        return ParquetSource(path)
    return CsvSource(path)


MAX_VALUE_BYTES = 65_536
"""The longest value read from a Parquet stock (INSEE's longest fields hold a few hundred)."""


class ParquetSource:
    """A SIRENE stock as a Parquet file.

    Attributes:
        path: the file on disk.
        name: how to name it in messages.
        header: its column names, in order.
        size: its size in bytes.
        rows: its number of rows (from the file's metadata).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.name = self.path.name
        if not self.path.exists():
            raise InputError("le fichier n'existe pas.", file=self.name)
        if self.path.is_dir():
            raise InputError("c'est un dossier, pas un fichier.", file=self.name)
        self.size = self.path.stat().st_size
        self._check_magic()
        try:
            self._schema = pl.read_parquet_schema(self.path)
            self.rows = int(pl.scan_parquet(self.path).select(pl.len()).collect().item())
        except PermissionError as exc:
            raise InputError(
                "lecture refusée : vous n'avez pas le droit de lire ce fichier.", file=self.name
            ) from exc
        except (OSError, pl.exceptions.PolarsError) as exc:
            raise InputError(
                "le fichier Parquet est tronqué ou abîmé (il ne peut pas être lu). "
                "Téléchargez-le de nouveau.",
                file=self.name,
            ) from exc
        self.header = list(self._schema)

    def _check_magic(self) -> None:
        """A Parquet file starts and ends with ``PAR1``: a CSV (or anything else) renamed
        ``.parquet`` is told so, not taken for a damaged Parquet file."""
        try:
            with self.path.open("rb") as handle:
                head = handle.read(4)
                handle.seek(max(0, self.size - 4))
                tail = handle.read(4)
        except PermissionError as exc:
            raise InputError(
                "lecture refusée : vous n'avez pas le droit de lire ce fichier.", file=self.name
            ) from exc
        if head == PARQUET_MAGIC:
            if tail != PARQUET_MAGIC:
                raise InputError(
                    "le fichier Parquet est tronqué (sa fin manque) : téléchargez-le de nouveau.",
                    file=self.name,
                )
            return
        looks_csv = len(head) == 4 and all(32 <= b < 127 or b in (9, 10, 13) for b in head)
        raise InputError(
            "ce n'est pas un fichier Parquet (il ne commence pas par la signature PAR1)"
            + (
                " : c'est un fichier texte, sans doute un CSV renommé ; renommez-le en .csv."
                if looks_csv
                else "."
            ),
            file=self.name,
        )

    def require_text(self, column: str) -> None:
        """Refuse a key column (commune, SIRET, SIREN) that is not stored as text."""
        kind = self._schema[column]
        if not isinstance(kind, _TEXT_KINDS) and kind not in _TEXT_KINDS:
            raise InputError(
                f"la colonne est de type {kind} ; du texte est attendu (les codes "
                "commençant par 0 perdraient leur zéro). Ce n'est pas un stock SIRENE "
                "de l'INSEE, ou il a été converti.",
                file=self.name,
                column=column,
            )

    def text(self, column: str) -> pl.Expr:
        """The column as text inside a filter (a plain column is pushed down best)."""
        if self._schema[column] == pl.String:
            return pl.col(column)
        return pl.col(column).cast(pl.String)

    def count(self, expr: pl.Expr) -> int:
        """Evaluate an aggregate over the whole file (e.g. how many rows are active)."""
        return int(self._collect(pl.scan_parquet(self.path).select(expr)).item() or 0)

    def counts_by(self, key: pl.Expr, where: pl.Expr) -> dict[str, int]:
        """How many rows ``where`` keeps, per value of ``key`` (null keys under "")."""
        frame = pl.scan_parquet(self.path).filter(where).group_by(key.alias("key")).len()
        rows = self._collect(frame).iter_rows()
        return {str(k) if k is not None else "": int(n) for k, n in rows}

    def read(
        self,
        columns: Sequence[str],
        optional: Sequence[str] = (),
        where: pl.Expr | None = None,
    ) -> pl.DataFrame:
        """The wanted columns, as text, of the rows ``where`` keeps, with ``_line``.

        ``where`` is evaluated on the file's own columns, inside the reader.

        Raises:
            InputError: a column of a kind that is not a plain value, naming it.
        """
        wanted = [c for c in columns if c in self.header]
        wanted += [c for c in optional if c in self.header and c not in wanted]
        frame = pl.scan_parquet(self.path, row_index_name=LINE, row_index_offset=1)
        if where is not None:
            frame = frame.filter(where)
        frame = frame.select(*(_as_text(c, self._schema[c], self.name) for c in wanted), LINE)
        self._check_lengths(frame, wanted)
        result = _clean_controls(self._collect(frame))
        return result.with_columns(pl.col(LINE).cast(pl.Int64))

    def _check_lengths(self, frame: pl.LazyFrame, columns: Sequence[str]) -> None:
        """Refuse a value far longer than any SIRENE field before the rows are kept in
        memory (a few kilobytes of Parquet can hold a value of a hundred megabytes)."""
        if not columns:
            return
        longest = self._collect(
            frame.select(pl.col(c).str.len_bytes().max().alias(c) for c in columns),
            engine="streaming",
        )
        for column in columns:
            size = longest[column].item()
            if size is not None and size > MAX_VALUE_BYTES:
                raise InputError(
                    f"une valeur fait {integer(size)} octets (au plus {integer(MAX_VALUE_BYTES)} "
                    "attendus dans un stock SIRENE) : le fichier n'est pas un stock de l'INSEE "
                    "ou il a été altéré.",
                    file=self.name,
                    column=column,
                )

    def _collect(self, frame: pl.LazyFrame, engine: str = "auto") -> pl.DataFrame:
        try:
            return frame.collect(engine="streaming") if engine == "streaming" else frame.collect()
        except (OSError, MemoryError, pl.exceptions.PolarsError, PanicException) as exc:
            raise InputError(
                f"le fichier Parquet ne peut pas être lu ({str(exc).splitlines()[0]}). "
                "Il est abîmé ou n'est pas un stock SIRENE : téléchargez-le de nouveau.",
                file=self.name,
            ) from exc


def _as_text(column: str, kind: pl.DataType, file: str) -> pl.Expr:
    """A column as the CSV writes it (text, empty as null), or an error naming it."""
    value = pl.col(column)
    if isinstance(kind, _TEXT_KINDS) or kind in _TEXT_KINDS:
        text = value.cast(pl.String)
    elif isinstance(kind, pl.Datetime) or kind == pl.Datetime:
        text = value.dt.strftime("%Y-%m-%dT%H:%M:%S")
    elif kind == pl.Date:
        text = value.dt.strftime("%Y-%m-%d")
    elif kind == pl.Boolean:
        text = value.cast(pl.String)  # "true" / "false", as in the CSV
    elif kind in _NUMBER_KINDS or isinstance(kind, _NUMBER_KINDS):
        text = value.cast(pl.String)
    else:
        raise InputError(
            f"la colonne est de type {kind} ; une valeur simple (texte, nombre, date) "
            "est attendue. Ce n'est pas un stock SIRENE de l'INSEE, ou il a été converti.",
            file=file,
            column=column,
        )
    return pl.when(text == "").then(None).otherwise(text).alias(column)


def _clean_controls(frame: pl.DataFrame) -> pl.DataFrame:
    """As the CSV reader does: line breaks and tabs become a space, other control
    characters go (a value left empty becomes null).

    One search over the rows read; only the columns that hold any are rewritten
    (SIRENE has almost none).
    """
    text = [c for c, kind in frame.schema.items() if kind == pl.String]
    if not text or not frame.height:
        return frame
    found = frame.select(pl.col(text).str.contains_any(_CONTROL_CHARS).any()).row(0)
    dirty = [c for c, hit in zip(text, found, strict=True) if hit]
    if not dirty:
        return frame
    cleaned = pl.col(dirty).str.replace_all(_LINE_BREAKS, " ").str.replace_all(_CONTROLS, "")
    return frame.with_columns(pl.when(cleaned == "").then(None).otherwise(cleaned).name.keep())


__all__ = ["ParquetSource", "is_parquet", "open_source"]
