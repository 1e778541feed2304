"""Writing openpyxl workbooks safely: typed text cells, atomic save.

openpyxl's ``ws.append`` turns a text starting with ``=`` into a formula, and
refuses control characters with an exception. Every row goes through
:func:`append_row` instead, and every workbook through :func:`save_workbook`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

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


def save_workbook(wb: Workbook, path: Path | str, *, make_folder: bool = False) -> None:
    """Save ``wb`` to ``path`` atomically (see :func:`planner.io.output_file.atomic_path`)."""
    with atomic_path(path, make_folder=make_folder) as temp:
        wb.save(temp)
