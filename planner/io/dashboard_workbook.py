"""The follow-up dashboard workbook: one sheet per table, bold French headers,
widths fitted to the content, first row and column frozen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from planner.io.workbook_out import append_row, save_workbook

__all__ = ["DATE_FORMAT", "RATE_FORMAT", "SHARE_FORMAT", "TableSheet", "write_table_sheets"]

DATE_FORMAT = "DD/MM/YYYY"
SHARE_FORMAT = "0%"
RATE_FORMAT = "0.0 %"  # 12,5 % in a French Excel


@dataclass(frozen=True)
class TableSheet:
    """One sheet: its title, headers, rows, and number formats by column index."""

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]
    formats: Mapping[int, str] = field(default_factory=dict)


def _sheet(wb: Workbook, table: TableSheet) -> Worksheet:
    ws = wb.create_sheet(table.title)
    append_row(ws, table.headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    widths = [len(h) for h in table.headers]
    for row in table.rows:
        append_row(ws, row)
        for index, value in enumerate(row):
            widths[index] = max(
                widths[index], 10 if isinstance(value, dt.date) else len(str(value))
            )
    for index, fmt in table.formats.items():
        for (cell,) in ws.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
            cell.number_format = fmt
    for index, width in enumerate(widths):
        ws.column_dimensions[get_column_letter(index + 1)].width = min(max(width + 2, 10), 60)
    ws.freeze_panes = "B2"
    return ws


def write_table_sheets(sheets: Sequence[TableSheet], path: str | Path) -> None:
    """Write one sheet per table, in order, to ``path``, atomically."""
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for table in sheets:
        _sheet(wb, table)
    save_workbook(wb, path)
