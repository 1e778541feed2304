"""Read a list of firms already supported (another tool's CSV or XLSX export).

Such exports differ from tool to tool: the SIRET column is found by its
header (``SIRET``, ``N° SIRET``…) or, failing that, by its content. SIRETs
come with spaces, as text with an apostrophe, or as numbers that lost their
leading zeros; each one is checked with its Luhn key, and bad rows are
reported with their line and column rather than silently dropped.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from planner.domain.errors import InputError
from planner.domain.siret import is_valid_siret

_SCAN_ROWS = 50
_SEPARATORS = re.compile(r"[\s\u00a0\u202f.\-/]")


@dataclass(frozen=True)
class BadRow:
    """A row whose SIRET cannot be used.

    Attributes:
        line: 1-based line (or row) in the file.
        column: the column as the user sees it (letter and header).
        value: the cell as read.
        reason: what is wrong, in French.
    """

    line: int
    column: str
    value: str
    reason: str

    @property
    def message(self) -> str:
        return f"ligne {self.line}, colonne {self.column} : {self.reason}"


@dataclass(frozen=True)
class SupportedList:
    """The SIRETs read from the file.

    Attributes:
        file: the file's name.
        column: the SIRET column (letter and header).
        sirets: valid SIRETs, each once, in file order.
        bad: rows whose SIRET is unusable.
        duplicates: rows repeating a SIRET already read.
    """

    file: str
    column: str
    sirets: tuple[str, ...]
    bad: tuple[BadRow, ...]
    duplicates: int


def _norm(value: str) -> str:
    text = unicodedata.normalize("NFKD", value.strip().lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def normalise_siret(raw: object) -> tuple[str | None, str | None]:
    """``(siret, None)`` for a usable SIRET, else ``(None, French reason)``.

    Numbers lose leading zeros in a spreadsheet, so a number (or digits only)
    of 10 to 13 digits is padded back to 14 before its key is checked.
    """
    numeric = isinstance(raw, int | float) and not isinstance(raw, bool)
    text = _cell(raw).lstrip("'")
    if re.fullmatch(r"\d+([.,]\d+)?[eE]\+?\d+", text):
        return None, (
            f"« {text} » : SIRET écrit en notation scientifique, ses derniers chiffres sont "
            "perdus (formatez la colonne en texte dans le tableur d'origine)."
        )
    digits = _SEPARATORS.sub("", text)
    if not digits.isdigit():
        return None, f"« {text} » n'est pas un SIRET (14 chiffres attendus)."
    if len(digits) == 9:
        return None, f"« {text} » est un SIREN (9 chiffres) : il faut le SIRET de l'établissement."
    if 10 <= len(digits) < 14 and (numeric or digits == text):
        digits = digits.zfill(14)  # leading zeros lost by a spreadsheet
    if not digits.strip("0"):
        return None, f"« {text} » n'est pas un SIRET (que des zéros)."
    if len(digits) != 14:
        return None, f"« {text} » n'est pas un SIRET ({len(digits)} chiffres au lieu de 14)."
    if not is_valid_siret(digits):
        return None, f"« {text} » : la clé de contrôle du SIRET est fausse (faute de frappe ?)."
    return digits, None


def read_supported_firms(path: Path) -> SupportedList:
    """The SIRETs of a CSV (``;``, ``,`` or tab) or XLSX list.

    Raises:
        InputError: unreadable file, or no column of SIRETs found.
    """
    path = Path(path)
    name = path.name
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(path, name)
    else:
        rows = _csv_rows(path, name)
    return _read(rows, name)


def _csv_rows(path: Path, name: str) -> list[list[object]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"impossible de lire le fichier ({exc.strerror}).", file=name) from exc
    if data[:2] == b"PK":
        raise InputError("ce fichier est un classeur : donnez-lui l'extension .xlsx.", file=name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _xlsx_rows(path: Path, name: str) -> list[list[object]]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a non-workbook
        raise InputError(
            f"ce fichier n'est pas un classeur Excel lisible ({type(exc).__name__}).", file=name
        ) from exc
    try:
        for sheet in workbook.worksheets:
            rows = [list(r) for r in sheet.iter_rows(values_only=True)]
            if any(any(_cell(v) for v in r) for r in rows):
                return rows  # the first sheet with data
    finally:
        workbook.close()
    return []


def _siret_column(rows: list[list[object]]) -> tuple[int, int, str] | None:
    """``(column index, header line, header)``: by name first, then by content."""
    start = next((i for i, r in enumerate(rows) if any(_cell(v) for v in r)), None)
    if start is None:
        return None
    header = [_cell(v) for v in rows[start]]
    for index, title in enumerate(header):
        if "siret" in _norm(title):
            return index, start + 1, title
    sample = rows[start : start + _SCAN_ROWS]
    width = max(len(r) for r in sample)
    best, best_count = None, 0
    for index in range(width):
        count = sum(
            1 for r in sample if index < len(r) and normalise_siret(r[index])[0] is not None
        )
        if count > best_count:
            best, best_count = index, count
    if best is None or best_count < max(1, len(sample) // 2):
        return None
    first_is_data = normalise_siret(rows[start][best])[0] is not None
    return best, (start if first_is_data else start + 1), "" if first_is_data else header[best]


def _read(rows: list[list[object]], name: str) -> SupportedList:
    found = _siret_column(rows)
    if found is None:
        raise InputError(
            "aucune colonne SIRET trouvée : donnez à la colonne l'en-tête « SIRET », "
            "ou mettez-y des SIRET à 14 chiffres.",
            file=name,
            line=1,
        )
    col, header_line, header = found
    column = get_column_letter(col + 1) + (f" ({header})" if header else "")
    sirets: dict[str, None] = {}
    bad: list[BadRow] = []
    duplicates = 0
    for line, row in _numbered(rows, header_line):
        raw = row[col] if col < len(row) else None
        if not _cell(raw):
            continue
        siret, reason = normalise_siret(raw)
        if siret is None:
            bad.append(BadRow(line, column, _cell(raw), reason or ""))
        elif siret in sirets:
            duplicates += 1
        else:
            sirets[siret] = None
    if not sirets:
        first = f" (première erreur : {bad[0].message})" if bad else ""
        raise InputError(f"aucun SIRET valide dans la colonne {column}{first}.", file=name)
    return SupportedList(name, column, tuple(sirets), tuple(bad), duplicates)


def _numbered(rows: list[list[object]], after: int) -> Iterator[tuple[int, list[object]]]:
    for index in range(after, len(rows)):
        yield index + 1, rows[index]
