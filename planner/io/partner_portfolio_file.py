"""Read a partner's portfolio: the firms it already follows (CSV or XLSX).

A partner sends the export of its own tool: the SIRET column is found by its
header (``SIRET``, ``N° SIRET``, ``Numéro SIRET``…) or by its content, the
adviser's e-mail and the since-date by their headers (or, for the e-mail, by
content). SIRETs come with spaces or dots, as text, or as numbers (an Excel
float, ``1.2345678901234E13`` in a CSV written from one). The file may be
hostile: its size, rows and cells are bounded, control characters removed, and
every unusable row is reported with its line and column, never dropped silently.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from planner.domain import clock
from planner.domain.errors import InputError
from planner.domain.typed_dates import parse_typed_date
from planner.io.csv_source import UTF8_BOM, strip_control_bytes
from planner.io.partner_portfolio_columns import (
    _EMAIL,
    MAX_COLUMNS,
    _cell,
    _find_columns,
    _text,
    siret_from_cell,
)
from planner.io.supported_firms_file import BadRow
from planner.io.workbook_limits import check_workbook_archive

MAX_CSV_BYTES = 50 * 1024 * 1024  # a portfolio is a few thousand lines
MAX_ROWS = 200_000
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

__all__ = ["BadRow", "PortfolioFile", "PortfolioRow", "read_portfolio_file"]


@dataclass(frozen=True)
class PortfolioRow:
    """One firm the partner follows, as read.

    Attributes:
        line: 1-based line (or row) in the file.
        siret: the SIRET, 14 digits with a valid key.
        email: the adviser's e-mail in lower case, if given and well formed.
        since: since when the partner follows the firm, if given.
    """

    line: int
    siret: str
    email: str | None = None
    since: dt.date | None = None


@dataclass(frozen=True)
class PortfolioFile:
    """What a portfolio file holds.

    Attributes:
        file: the file's name.
        siret_column: the SIRET column (letter and header).
        email_column: the adviser e-mail column, or None.
        since_column: the since-date column, or None.
        rows: one row per SIRET (the first line giving it), in file order.
        bad: rows or cells that cannot be used, with line, column and reason.
        duplicates: rows repeating a SIRET already read.
    """

    file: str
    siret_column: str
    email_column: str | None
    since_column: str | None
    rows: tuple[PortfolioRow, ...]
    bad: tuple[BadRow, ...]
    duplicates: int


def read_portfolio_file(path: Path, siret_column: str | None = None) -> PortfolioFile:
    """The firms of a partner's portfolio file (CSV with ``;``, ``,`` or tab, or XLSX).

    Args:
        path: the file.
        siret_column: the SIRET column when the file has several candidates: its
            letter (``C``) or its header (case and accents ignored).

    Raises:
        InputError: unreadable or oversized file, no SIRET column, two candidate
            SIRET columns and none chosen, no valid SIRET.
    """
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise InputError("le fichier n'existe pas.", file=name)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(path, name)
    else:
        rows = _csv_rows(path, name)
    return _read(rows, name, siret_column)


def _csv_rows(path: Path, name: str) -> list[list[object]]:
    try:
        size = path.stat().st_size
        if size > MAX_CSV_BYTES:
            raise InputError(
                f"fichier refusé : {size // (1024 * 1024)} Mo, au plus "
                f"{MAX_CSV_BYTES // (1024 * 1024)} Mo pour un portefeuille.",
                file=name,
            )
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"impossible de lire le fichier ({exc.strerror}).", file=name) from exc
    if data[:2] == b"PK":
        raise InputError("ce fichier est un classeur : donnez-lui l'extension .xlsx.", file=name)
    if data[:2] in _UTF16_BOMS:  # « Texte Unicode » as Excel saves it
        text = data.decode("utf-16", errors="replace")
        text = strip_control_bytes(text.encode("utf-8")).decode("utf-8")
    else:
        data = strip_control_bytes(data.removeprefix(UTF8_BOM))
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")  # latin-1 as Excel writes it in France
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[object]] = []
    try:
        for record in reader:
            _check_row(len(rows) + 1, len(record), name)
            rows.append(list(record))
    except csv.Error as exc:  # a field over the csv module's limit (128 Ko), a NUL
        raise InputError(
            f"ligne illisible ({exc}) : un champ est anormalement long, le fichier est abîmé.",
            file=name,
            line=reader.line_num,
        ) from None
    return rows


def _check_row(line: int, width: int, name: str) -> None:
    if line > MAX_ROWS:
        raise InputError(
            f"fichier refusé : plus de {MAX_ROWS:,} lignes.".replace(",", "\u202f"),
            file=name,
            line=line,
        )
    if width > MAX_COLUMNS:
        raise InputError(
            f"ligne refusée : {width} colonnes (au plus {MAX_COLUMNS}).", file=name, line=line
        )


@dataclass(frozen=True)
class _Formula:
    """A workbook cell holding a formula: refused, never evaluated nor taken as its value."""

    text: str

    def __str__(self) -> str:
        return self.text


def _xlsx_value(cell: object) -> object:
    """A cell's value; a formula becomes :class:`_Formula`."""
    value = getattr(cell, "value", None)
    if getattr(cell, "data_type", None) == "f":
        return _Formula(str(value))
    return value


def _formula_row(line: int, index: int, column: str, raw: object) -> BadRow:
    """The report of a formula found where a value is read."""
    from openpyxl.utils import get_column_letter

    cell = f"{get_column_letter(index + 1)}{line}"
    return BadRow(
        line,
        column,
        _text(raw),
        f"formule refusée (cellule {cell}) : saisissez la valeur elle-même.",
    )


def _xlsx_rows(path: Path, name: str) -> list[list[object]]:
    check_workbook_archive(path)
    # Kept off the app's start-up.
    from openpyxl import load_workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    try:
        # Formulas are read as formulas (not their last computed value) to be refused.
        workbook = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a non-workbook
        raise InputError(
            f"ce fichier n'est pas un classeur Excel lisible ({type(exc).__name__}).", file=name
        ) from None
    try:
        for sheet in workbook.worksheets:
            if isinstance(sheet, ReadOnlyWorksheet):
                sheet.reset_dimensions()  # a bogus <dimension> would pad every row
            rows: list[list[object]] = []
            for cells in sheet.iter_rows():
                kept = list(cells)
                while kept and (kept[-1].value is None or kept[-1].value == ""):
                    kept.pop()  # read-only mode pads rows up to a (possibly bogus) dimension
                _check_row(len(rows) + 1, len(kept), name)
                rows.append([_xlsx_value(cell) for cell in kept])
            if any(any(_text(v) for v in r) for r in rows):
                return rows  # the first sheet with data
    except InputError:
        raise
    except Exception as exc:  # damaged XML inside a valid zip
        raise InputError(
            f"classeur illisible ({type(exc).__name__}) : il est abîmé.", file=name
        ) from None
    finally:
        workbook.close()
    return []


def _read(rows: list[list[object]], name: str, chosen: str | None = None) -> PortfolioFile:
    found = _find_columns(rows, name, chosen)
    if found is None:
        raise InputError(
            "aucune colonne SIRET d'établissement trouvée : donnez à la colonne l'en-tête "
            "« SIRET », ou mettez-y des SIRET à 14 chiffres (une colonne « SIRET du siège » "
            "ou « SIREN » n'est pas lue).",
            file=name,
            line=1,
        )
    kept: dict[str, PortfolioRow] = {}
    bad: list[BadRow] = []
    duplicates = 0
    for index in range(found.header_line, len(rows)):
        row, line = rows[index], index + 1
        raw = _cell(row, found.siret)
        if isinstance(raw, _Formula):
            bad.append(_formula_row(line, found.siret, found.siret_label, raw))
            continue
        if not _text(raw):
            if any(_text(v) for v in row):
                bad.append(BadRow(line, found.siret_label, "", "SIRET absent."))
            continue
        siret, reason = siret_from_cell(raw)
        if siret is None:
            bad.append(BadRow(line, found.siret_label, _text(raw), reason or ""))
            continue
        if siret in kept:
            duplicates += 1
            continue
        for col, label in ((found.email, found.email_label), (found.since, found.since_label)):
            if label is not None and isinstance(formula := _cell(row, col), _Formula):
                bad.append(_formula_row(line, col or 0, label, formula))
        email = _email(_cell(row, found.email), line, found.email_label, bad)
        since = _since(_cell(row, found.since), line, found.since_label, bad)
        kept[siret] = PortfolioRow(line, siret, email, since)
    if not kept:
        first = f" (première erreur : {bad[0].message})" if bad else ""
        raise InputError(
            f"aucun SIRET valide dans la colonne {found.siret_label}{first}.", file=name
        )
    return PortfolioFile(
        file=name,
        siret_column=found.siret_label,
        email_column=found.email_label,
        since_column=found.since_label,
        rows=tuple(kept.values()),
        bad=tuple(bad),
        duplicates=duplicates,
    )


def _email(raw: object, line: int, column: str | None, bad: list[BadRow]) -> str | None:
    text = _text(raw)
    if not text or column is None or isinstance(raw, _Formula):
        return None
    if len(text) > 200 or not _EMAIL.match(text):
        bad.append(
            BadRow(line, column, text, f"« {text} » n'est pas une adresse e-mail (ignorée).")
        )
        return None
    return text.lower()


def _since(raw: object, line: int, column: str | None, bad: list[BadRow]) -> dt.date | None:
    if column is None or raw is None or isinstance(raw, _Formula):
        return None
    if isinstance(raw, str) and not raw:
        return None
    try:
        date = parse_typed_date(raw)
    except ValueError as exc:
        bad.append(BadRow(line, column, _text(raw), f"{exc} (date ignorée)."))
        return None
    if date is not None and not dt.date(1900, 1, 1) <= date <= clock.today():
        bad.append(
            BadRow(line, column, _text(raw), f"date {date:%d/%m/%Y} invraisemblable (ignorée).")
        )
        return None
    return date
