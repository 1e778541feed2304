"""The coordinator's call list CSV: UTF-8 with BOM, ``;`` separator, dates
jj/mm/aaaa, SIRET as text, no cell a spreadsheet would read as a formula."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from planner.domain.cell_text import CONTROL_CLASS, FORMULA_STARTS, INVISIBLE_CLASS
from planner.io.call_list_layout import FILL_COLUMNS, KEY_COLUMNS
from planner.io.output_file import atomic_path

__all__ = ["TEXT_COLUMNS", "csv_siret", "write_call_list_csv"]

#: Text columns of the frame written as they are (cleaned).
TEXT_COLUMNS = (
    "name",
    "legal_name",
    "address",
    "commune_name",
    "naf_code",
    "naf_label",
    "band_label",
)


def _csv_text(column: str) -> pl.Expr:
    """A text column that no spreadsheet reads as a formula (see ``safe_text``)."""
    # Empty text is written as null: polars quotes an empty string ("").
    text = pl.col(column).cast(pl.String).str.replace_all("\r\n", "\n", literal=True)
    text = text.str.replace_all(CONTROL_CLASS, "").str.replace_all(INVISIBLE_CLASS, "")
    value = pl.when(text == "").then(pl.lit(None, pl.String)).otherwise(text)
    risky = pl.any_horizontal(*(value.str.starts_with(start) for start in FORMULA_STARTS))
    return pl.when(risky).then(pl.lit("'") + value).otherwise(value).alias(column)


def csv_siret(siret: pl.Expr) -> pl.Expr:
    """SIRET as INSEE prints it, ``732 829 320 00074``: SIREN in groups of three, then NIC.

    Written as bare digits, spreadsheets open the column as numbers (1,23E+13,
    leading zeros lost). A last group of five digits is no thousands grouping,
    so the grouped form is not a number: LibreOffice, with French or English
    settings, keeps it as text with its 14 digits, no formula nor import
    wizard needed (tests/followup/test_call_list_libreoffice.py).
    """
    return pl.concat_str(
        siret.str.slice(0, 3),
        siret.str.slice(3, 3),
        siret.str.slice(6, 3),
        siret.str.slice(9, 5),
        separator=" ",
    )


def _supported_text(frame: pl.DataFrame) -> pl.Expr:
    """« oui » for the firms already supported, as in the workbooks."""
    if "supported" not in frame.columns:
        return pl.lit(None, pl.String).alias("supported")
    flag = pl.col("supported").fill_null(False)
    return pl.when(flag).then(pl.lit("oui")).otherwise(pl.lit(None, pl.String)).alias("supported")


def write_call_list_csv(path: Path, frame: pl.DataFrame, no_adviser: str) -> None:
    """Write ``frame`` (partner, team, siret, the :data:`TEXT_COLUMNS`, date_creation,
    adviser, optional supported), best first, to ``path`` atomically; a firm with no
    adviser gets ``no_adviser``."""
    headers = ["Partenaire", "Équipe"] + [c[0] for c in KEY_COLUMNS + FILL_COLUMNS]
    out = frame.select(
        _csv_text("partner"),
        _csv_text("team"),
        pl.int_range(1, pl.len() + 1).alias("rank"),
        csv_siret(pl.col("siret")).alias("siret"),
        *(_csv_text(c) for c in TEXT_COLUMNS),
        pl.col("date_creation").dt.strftime("%d/%m/%Y"),
        _csv_text("adviser").fill_null(no_adviser),
        _supported_text(frame),
        *(pl.lit(None, pl.String).alias(f"fill_{i}") for i in range(len(FILL_COLUMNS))),
    )
    out.columns = headers
    with atomic_path(path, make_folder=True) as temp:
        out.write_csv(temp, separator=";", include_bom=True, line_terminator="\r\n")
