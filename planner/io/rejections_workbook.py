"""The workbook of rejected outcome rows: where each came from, why, and what it held."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from planner.io.call_list_layout import HEADERS
from planner.io.outcome_records import Rejection
from planner.io.workbook_out import append_row, save_workbook

__all__ = ["write_rejections_workbook"]


def write_rejections_workbook(path: Path, rejected: Sequence[Rejection]) -> None:
    """One sheet « Lignes rejetées »: file, sheet, row, column, reason, then the row's values."""
    from openpyxl import Workbook  # kept off the app's start-up

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Lignes rejetées"
    append_row(ws, ["Fichier", "Onglet", "Ligne", "Colonne", "Motif", *HEADERS])
    for r in rejected:
        values: list[Any] = [r.file, r.sheet, r.row, r.column or "", r.reason, *r.values]
        append_row(ws, values)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    save_workbook(wb, path, make_folder=True)
