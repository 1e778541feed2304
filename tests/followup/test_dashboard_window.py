from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from planner.db.store import open_store
from planner.services.demo_outcomes import add_demo_outcomes
from planner.ui.followup.dashboard_window import DashboardWindow


def test_dashboard_window_exports_excel_and_pdf(
    followup_campaign: Path, tmp_path: Path, qtbot: QtBot
) -> None:
    store = open_store(followup_campaign)
    try:
        add_demo_outcomes(store, seed=1, today=dt.date(2025, 3, 20))
        window = DashboardWindow(store)
        qtbot.addWidget(window)
        window.show()
        assert window.model.rowCount() == 2  # two partners
        window.axis.setCurrentIndex(2)  # advisers
        assert window.model.rowCount() == 4
        assert window.model.headerData(0, Qt.Orientation.Horizontal) == "Conseiller"
        pdf = tmp_path / "tdb.pdf"
        window.export_pdf(str(pdf))
        assert pdf.read_bytes().startswith(b"%PDF")
        from planner.services.dashboard import export_dashboard_xlsx

        xlsx = tmp_path / "tdb.xlsx"
        export_dashboard_xlsx(store, str(xlsx))
        wb = load_workbook(xlsx)
        assert wb.sheetnames == ["Partenaire", "Équipe", "Conseiller", "Commune", "Section NAF"]
        assert wb["Partenaire"]["B1"].value == "Entreprises attribuées"
        assert sum(r[1] for r in wb["Partenaire"].iter_rows(min_row=2, values_only=True)) == 400
    finally:
        store.close()
