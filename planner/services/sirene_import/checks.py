"""Checks of SIRENE input that no parser makes: files with no rows, overlong values.

A value longer than its column is a broken file, not a real SIRENE value
(INSEE's fields fit the columns). SQLite would store it and PostgreSQL refuse
it: checking it before writing gives one French message, with file, line and
column, on both.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl
from sqlalchemy import FromClause, String

from planner.domain.errors import InputError
from planner.io.csv_source import CsvSource
from planner.io.sirene_parquet import ParquetSource


def require_rows(rows: int, source: CsvSource | ParquetSource) -> None:
    """Refuse a file that holds a header and no record (a cut download, most often)."""
    if rows == 0:
        raise InputError(
            "le fichier ne contient aucune ligne après l'en-tête : il est vide ou a été "
            "coupé. Téléchargez-le de nouveau.",
            file=source.name,
            line=2,
        )


def check_lengths(
    frame: pl.DataFrame, table: FromClause, sources: Mapping[str, str], file: str, line: str
) -> None:
    """Refuse the first value longer than its column allows.

    Args:
        frame: rows in stored form, with their line numbers in column ``line``.
        table: the table they go to (its ``String`` lengths are the limits).
        sources: stored column → the file's column, to name in the message.
        file: the file's name as the user knows it.
        line: the name of the column with line numbers.

    Raises:
        InputError: naming file, line and column.
    """
    for stored, source in sources.items():
        if stored not in frame.columns or stored not in table.columns:
            continue
        kind = table.columns[stored].type
        if not isinstance(kind, String) or kind.length is None:
            continue
        too_long = frame.filter(pl.col(stored).str.len_chars() > kind.length)
        if too_long.height:
            value = too_long[stored][0]
            raise InputError(
                f"valeur trop longue ({len(value)} caractères, au plus {kind.length} "
                f"attendus) : « {value[:30]}… ». Le fichier est abîmé ou n'est pas un "
                "fichier SIRENE de l'INSEE.",
                file=file,
                line=too_long[line][0],
                column=source,
            )


def check_unique_sirets(frame: pl.DataFrame, file: str, line: str) -> None:
    """Refuse a stock that lists one SIRET twice (INSEE's never does).

    Raises:
        InputError: naming the SIRET, its two lines and the file.
    """
    if "siret" not in frame.columns or frame.height < 2:
        return
    twice = frame.filter(pl.col("siret").is_duplicated()).sort(line)
    if twice.height:
        siret = twice["siret"][0]
        lines = twice.filter(pl.col("siret") == siret)[line].to_list()
        raise InputError(
            f"le SIRET {siret} figure deux fois (lignes {lines[0]} et {lines[1]}) : le "
            "fichier a été altéré ou assemblé à partir de plusieurs stocks.",
            file=file,
            line=lines[1],
            column="siret",
        )
