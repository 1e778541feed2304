"""Text written through openpyxl shows as typed: no ``_xHHHH_`` decoded to a control character."""

from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import Workbook

from planner.io.workbook_out import append_row, save_workbook


def test_escape_lookalike_stays_literal_text(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    append_row(ws, ["A_x0007_B", "=1_x001B_", "sans souci", 3])
    path = tmp_path / "classeur.xlsx"
    save_workbook(wb, path)
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    # Excel and LibreOffice decode _x0007_ to U+0007 but _x005F_ to "_".
    assert "A_x005F_x0007_B" in sheet and "=1_x005F_x001B_" in sheet
    assert "<f>" not in sheet and "sans souci" in sheet
    assert ws["B1"].data_type == "s"
