"""The follow-up dashboard as an Excel workbook: one sheet per table, French headers
(the sheets' layout is :mod:`planner.io.dashboard_workbook`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from planner.db.store import CampaignStore
from planner.io.dashboard_workbook import (
    DATE_FORMAT,
    SHARE_FORMAT,
    TableSheet,
    write_table_sheets,
)
from planner.services.followup.dashboard.data import (
    AXES,
    AXIS_LABELS,
    COLUMN_LABELS,
    Axis,
    FollowupData,
    axis_table,
    load_followup,
)
from planner.services.followup.dashboard.needs import NEEDS_LABELS, needs_table
from planner.services.followup.dashboard.progress import PROGRESS_LABELS, progress_table

__all__ = [
    "DATE_FORMAT",
    "NEEDS_SHEET",
    "PROGRESS_SHEET",
    "SHARE_FORMAT",
    "export_dashboard_xlsx",
    "write_dashboard_workbook",
]

PROGRESS_SHEET = "Avancement dans le temps"
NEEDS_SHEET = "Besoins par métier"


def _rows(table: pl.DataFrame) -> list[tuple[Any, ...]]:
    return list(table.iter_rows())


def write_dashboard_workbook(
    data: FollowupData, path: str | Path, *, axes: Sequence[Axis] = AXES
) -> None:
    """Write the axis tables (all five by default), the weekly progress and the needs
    by métier to ``path``, atomically."""
    sheets: list[TableSheet] = []
    for axis in axes:
        table = axis_table(data, axis)
        headers = [AXIS_LABELS[axis], *(COLUMN_LABELS[c] for c in table.columns[1:])]
        sheets.append(TableSheet(AXIS_LABELS[axis], headers, _rows(table)))
    progress = progress_table(data)
    sheets.append(
        TableSheet(
            PROGRESS_SHEET,
            [PROGRESS_LABELS[c] for c in progress.columns],
            _rows(progress),
            {0: DATE_FORMAT, progress.columns.index("share"): SHARE_FORMAT},
        )
    )
    needs = needs_table(data)
    sheets.append(TableSheet(NEEDS_SHEET, [NEEDS_LABELS[c] for c in needs.columns], _rows(needs)))
    write_table_sheets(sheets, path)


def export_dashboard_xlsx(store: CampaignStore, path: str) -> None:
    """The dashboard as a workbook: one sheet per axis, the weekly progress, needs by métier."""
    write_dashboard_workbook(load_followup(store), path)
