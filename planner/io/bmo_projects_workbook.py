"""Read France Travail's BMO open-data workbook: recruitment projects by bassin and métier.

Columns are found by name, never by position: the bassin columns are renamed
every year (``BE24``/``NOMBE24`` in 2024, ``BE25`` the next year). Figures
are text in the file, with ``*`` where the survey withholds them (too few
answers): they come out as ``None`` with a withheld flag, never as zero.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from planner.domain.errors import InputError

WITHHELD = "*"
_HEADER_SCAN_ROWS = 30
_BASSIN_CODE = re.compile(r"^be\d{2}$")
_BASSIN_LABEL = re.compile(r"^(nom|lib|lbl)_?be\d{2}$")


@dataclass(frozen=True)
class BmoRow:
    """One line of the workbook: a métier in a bassin (and département).

    Attributes:
        year: the survey's year (``annee``, or the bassin column's suffix).
        bassin_code: France Travail's bassin code, e.g. ``1147``.
        bassin_label: the bassin's name as the workbook gives it.
        departement: the département of the line (a bassin may span two).
        metier_code: the BMO métier code (FAP 2021), e.g. ``A0X40``.
        metier_label: its name.
        family_label: the métier family's name, if the workbook has it.
        projects: recruitment projects (``met``), ``None`` if withheld.
        difficult: projects judged difficult (``xmet``), ``None`` if withheld.
        seasonal: seasonal projects (``smet``), ``None`` if withheld.
    """

    year: int
    bassin_code: str
    bassin_label: str
    departement: str | None
    metier_code: str
    metier_label: str
    family_label: str | None
    projects: int | None
    difficult: int | None
    seasonal: int | None

    @property
    def projects_withheld(self) -> bool:
        return self.projects is None

    @property
    def difficult_withheld(self) -> bool:
        return self.difficult is None

    @property
    def seasonal_withheld(self) -> bool:
        return self.seasonal is None


@dataclass(frozen=True)
class _Layout:
    header_line: int
    bassin: int
    bassin_label: int | None
    metier: int
    metier_label: int
    projects: int
    difficult: int
    seasonal: int
    year: int | None
    departement: int | None
    family_label: int | None
    header: tuple[str, ...]
    year_from_header: int


def _norm(value: object) -> str:
    text = "" if value is None else str(value).strip().lower()
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).replace(" ", "_")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _first(names: list[str], *candidates: str) -> int | None:
    for candidate in candidates:
        if candidate in names:
            return names.index(candidate)
    return None


def _layout(cells: tuple[Any, ...], line: int) -> _Layout | None:
    """The column layout if ``cells`` is the BMO header row, else ``None``."""
    names = [_norm(c) for c in cells]
    if not {"met", "xmet"} <= set(names):
        return None
    bassin = next((i for i, n in enumerate(names) if _BASSIN_CODE.match(n)), None)
    metier = _first(names, "code_metier_bmo", "code_metier", "code_fap", "metier")
    label = _first(names, "nom_metier_bmo", "nom_metier", "libelle_metier", "lbl_metier")
    seasonal = _first(names, "smet")
    if bassin is None or metier is None or label is None or seasonal is None:
        return None
    return _Layout(
        header_line=line,
        bassin=bassin,
        bassin_label=next((i for i, n in enumerate(names) if _BASSIN_LABEL.match(n)), None),
        metier=metier,
        metier_label=label,
        projects=names.index("met"),
        difficult=names.index("xmet"),
        seasonal=seasonal,
        year=_first(names, "annee", "year"),
        departement=_first(names, "dept", "dep", "departement"),
        family_label=_first(names, "lbl_fam_met", "libelle_famille", "nom_famille"),
        header=tuple(_text(c) for c in cells),
        year_from_header=2000 + int(names[bassin][2:]),
    )


def read_bmo_projects(path: Path, *, bassins: set[str] | None = None) -> list[BmoRow]:
    """The workbook's rows, optionally only those of some bassins.

    Args:
        path: the ``Base_open_data_BMO_*.xlsx`` workbook.
        bassins: bassin codes to keep (all if ``None``).

    Raises:
        InputError: not a readable workbook, no BMO sheet, or a bad cell
            (the message names the file, the sheet, the row and the column).
    """
    return list(iter_bmo_projects(path, bassins=bassins))


def iter_bmo_projects(path: Path, *, bassins: set[str] | None = None) -> Iterator[BmoRow]:
    """Stream the workbook's rows (see :func:`read_bmo_projects`)."""
    name = Path(path).name
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a non-workbook
        raise InputError(
            f"ce fichier n'est pas un classeur Excel lisible ({type(exc).__name__}).", file=name
        ) from exc
    try:
        for sheet in workbook.worksheets:
            rows = sheet.iter_rows(values_only=True)
            layout = None
            for line, cells in enumerate(rows, start=1):
                layout = _layout(cells, line)
                if layout is not None or line >= _HEADER_SCAN_ROWS:
                    break
            if layout is None:
                continue
            yield from _read_rows(rows, layout, name, sheet.title, bassins)
            return
    finally:
        workbook.close()
    raise InputError(
        "ce classeur n'est pas la base open data BMO de France Travail : aucun onglet n'a "
        "d'en-tête avec les colonnes Code métier BMO, BExx (bassin), met, xmet et smet.",
        file=name,
    )


def _read_rows(
    rows: Iterator[tuple[Any, ...]],
    layout: _Layout,
    name: str,
    sheet: str,
    bassins: set[str] | None,
) -> Iterator[BmoRow]:
    def fail(line: int, col: int, reason: str) -> InputError:
        return InputError(
            f"onglet « {sheet} » : {reason}",
            file=name,
            line=line,
            column=f"{get_column_letter(col + 1)} ({layout.header[col]})",
        )

    def cell(cells: tuple[Any, ...], col: int | None) -> str:
        return _text(cells[col]) if col is not None and col < len(cells) else ""

    def figure(cells: tuple[Any, ...], col: int, line: int) -> int | None:
        raw = cells[col] if col < len(cells) else None
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            if raw < 0 or not float(raw).is_integer():
                raise fail(line, col, f"nombre de projets invalide « {raw} ».")
            return int(raw)
        text = _text(raw).replace("\u202f", "").replace("\xa0", "").replace(" ", "")
        if text in (WITHHELD, ""):
            return None  # withheld by the survey (an empty cell is no figure either)
        if not text.isdigit():
            raise fail(line, col, f"nombre de projets invalide « {text} » (nombre ou * attendu).")
        return int(text)

    for line, cells in enumerate(rows, start=layout.header_line + 1):
        bassin = cell(cells, layout.bassin)
        metier = cell(cells, layout.metier)
        if not bassin and not metier:
            continue  # blank or trailing rows
        if not bassin.isdigit():
            raise fail(line, layout.bassin, f"code de bassin invalide « {bassin} ».")
        if not metier:
            raise fail(line, layout.metier, "code métier manquant.")
        if bassins is not None and bassin not in bassins:
            continue
        year_text = cell(cells, layout.year)
        if year_text and not year_text.isdigit():
            raise fail(line, layout.year or 0, f"année invalide « {year_text} ».")
        yield BmoRow(
            year=int(year_text) if year_text else layout.year_from_header,
            bassin_code=bassin,
            bassin_label=cell(cells, layout.bassin_label) or bassin,
            departement=cell(cells, layout.departement) or None,
            metier_code=metier,
            metier_label=cell(cells, layout.metier_label) or metier,
            family_label=cell(cells, layout.family_label) or None,
            projects=figure(cells, layout.projects, line),
            difficult=figure(cells, layout.difficult, line),
            seasonal=figure(cells, layout.seasonal, line),
        )
