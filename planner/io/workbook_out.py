"""Writing openpyxl workbooks safely: typed text cells, atomic save.

openpyxl's ``ws.append`` turns a text starting with ``=`` into a formula, and
refuses control characters with an exception. Every row goes through
:func:`append_row` instead, and every workbook through :func:`save_workbook`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # typing only: openpyxl stays off the app's start-up
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

from planner.domain.cell_text import workbook_text
from planner.io.output_file import atomic_path


def append_row(ws: Worksheet, values: Iterable[Any]) -> None:
    """Append a row; every text is cleaned and stored as a typed string, never a formula."""
    row = [workbook_text(v) if isinstance(v, str) else v for v in values]
    ws.append(row)
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def sheet_title(name: str) -> str:
    """A worksheet title from user text: no ``[]:*?/\\``, no control character, 31 characters."""
    cleaned = "".join("-" if c in "[]:*?/\\" else c for c in workbook_text(name))
    cleaned = cleaned.replace("\t", " ").replace("\n", " ").strip("' ")
    return cleaned[:31] or "Feuille"


_ESCAPE_LOOKALIKE = re.compile(r"(_x[0-9A-Fa-f]{4}_)")
"""Excel and LibreOffice read ``_x0007_`` in a cell's text as the character
U+0007; openpyxl writes such text as it is, so a name holding it would come
back as a control character (xlsxwriter escapes it itself)."""


def _escape_lookalikes(wb: Workbook) -> None:
    """Write a literal ``_xHHHH_`` as ``_x005F_xHHHH_``, which shows as typed."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and "_x" in value and _ESCAPE_LOOKALIKE.search(value):
                    kind = cell.data_type
                    cell.value = _ESCAPE_LOOKALIKE.sub(r"_x005F\1", value)
                    cell.data_type = kind


def save_workbook(wb: Workbook, path: Path | str, *, make_folder: bool = False) -> None:
    """Save ``wb`` to ``path`` atomically (see :func:`planner.io.output_file.atomic_path`)."""
    _escape_lookalikes(wb)
    with atomic_path(path, make_folder=make_folder) as temp:
        wb.save(temp)
