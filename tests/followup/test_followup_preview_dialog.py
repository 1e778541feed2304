from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook
from pytestqt.qtbot import QtBot

from planner.db.store import open_store
from planner.io.call_list_workbook import GUIDE_SHEET, HEADERS, META_SHEET
from planner.services.call_lists import export_call_lists
from planner.services.contact_summary import contact_summary
from planner.services.outcomes_import import apply_outcomes, preview_outcomes
from planner.ui.followup.preview_dialog import OutcomePreviewDialog


def test_preview_dialog_shows_three_tabs_before_writing(
    followup_campaign: Path, tmp_path: Path, qtbot: QtBot
) -> None:
    store = open_store(followup_campaign)
    try:
        files = export_call_lists(store, tmp_path, now=dt.datetime(2025, 3, 1, 9))
        path = next(f.path for f in files if f.partner)
        wb = load_workbook(path)
        ws = next(w for w in wb.worksheets if w.title not in (GUIDE_SHEET, META_SHEET))
        result, date = HEADERS.index("Résultat") + 1, HEADERS.index("Date de l'appel") + 1
        for row, (outcome, typed) in enumerate(
            [("Besoin recueilli", "12/3/25"), ("Non joint", "05/03/2025"), ("Refus", "?")],
            start=2,
        ):
            ws.cell(row, result, outcome)
            ws.cell(row, date, typed)
        wb.save(path)
        preview = preview_outcomes(store, [path])
        dialog = OutcomePreviewDialog(preview)
        qtbot.addWidget(dialog)
        dialog.show()
        assert [dialog.tabs.tabText(i) for i in range(3)] == [
            "Acceptées (2)",
            "Rejetées (1)",
            "Conflits (0)",
        ]
        assert dialog.accepted_model.rowCount() == 2
        assert dialog.rejected_model.rowCount() == 1
        reason = dialog.rejected_model.index(0, 5).data()
        assert "date illisible" in reason
        assert dialog.export_button.isEnabled()
        assert not dialog.include_conflicts.isEnabled()
        dialog.tabs.setCurrentIndex(1)
        assert dialog.grab().save(str(tmp_path / "apercu.png"))
        assert contact_summary(store)["contacts"]["total"] == 0
        dialog.save_button.click()
        assert dialog.result() == dialog.DialogCode.Accepted
        apply_outcomes(store, preview, include_conflicts=dialog.include_conflicts.isChecked())
        assert contact_summary(store)["contacts"]["total"] == 2
    finally:
        store.close()
