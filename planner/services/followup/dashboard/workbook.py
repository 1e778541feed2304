"""The follow-up dashboard as an Excel workbook: one sheet per table, French headers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from planner.io.workbook_out import append_row, save_workbook
from planner.services.followup.dashboard.data import (
    AXES,
    AXIS_LABELS,
    COLUMN_LABELS,
    Axis,
    FollowupData,
    axis_table,
)
from planner.services.followup.dashboard.needs import NEEDS_LABELS, needs_table
from planner.services.followup.dashboard.progress import PROGRESS_LABELS, progress_table

PROGRESS_SHEET = "Avancement dans le temps"
NEEDS_SHEET = "Besoins par métier"
DATE_FORMAT = "DD/MM/YYYY"
SHARE_FORMAT = "0%"


def _sheet(
    wb: Workbook,
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    formats: dict[int, str] | None = None,
) -> Worksheet:
    ws = wb.create_sheet(title)
    append_row(ws, headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    widths = [len(h) for h in headers]
    for row in rows:
        append_row(ws, row)
        for index, value in enumerate(row):
            widths[index] = max(
                widths[index], 10 if isinstance(value, dt.date) else len(str(value))
            )
    for index, fmt in (formats or {}).items():
        for (cell,) in ws.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
            cell.number_format = fmt
    for index, width in enumerate(widths):
        ws.column_dimensions[get_column_letter(index + 1)].width = min(max(width + 2, 10), 60)
    ws.freeze_panes = "B2"
    return ws


def _rows(table: pl.DataFrame) -> list[tuple[Any, ...]]:
    return list(table.iter_rows())


def write_dashboard_workbook(
    data: FollowupData, path: str | Path, *, axes: Sequence[Axis] = AXES
) -> None:
    """Write the axis tables (all five by default), the weekly progress and the needs
    by métier to ``path``, atomically."""
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for axis in axes:
        table = axis_table(data, axis)
        headers = [AXIS_LABELS[axis], *(COLUMN_LABELS[c] for c in table.columns[1:])]
        _sheet(wb, AXIS_LABELS[axis], headers, _rows(table))
    progress = progress_table(data)
    _sheet(
        wb,
        PROGRESS_SHEET,
        [PROGRESS_LABELS[c] for c in progress.columns],
        _rows(progress),
        {0: DATE_FORMAT, progress.columns.index("share"): SHARE_FORMAT},
    )
    needs = needs_table(data)
    _sheet(wb, NEEDS_SHEET, [NEEDS_LABELS[c] for c in needs.columns], _rows(needs))
    save_workbook(wb, path)
