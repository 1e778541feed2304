from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pytestqt.qtbot import QtBot

from planner.db.store import open_store
from planner.io.call_list_workbook import GUIDE_SHEET, HEADERS, META_SHEET
from planner.services.followup.call_lists import export_call_lists
from planner.services.followup.contact_summary import contact_summary
from planner.services.followup.outcomes_import import apply_outcomes, preview_outcomes
from planner.ui.followup.preview_dialog import OutcomePreviewDialog
from tests.followup.conftest import make_older_campaign


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
        assert contact_summary(store).total == 0
        dialog.save_button.click()
        assert dialog.result() == dialog.DialogCode.Accepted
        apply_outcomes(store, preview, include_conflicts=dialog.include_conflicts.isChecked())
        assert contact_summary(store).total == 2
    finally:
        store.close()


def test_unsigned_workbooks_warned_in_the_preview_and_refused_by_the_menu_setting(
    followup_campaign: Path, tmp_path: Path, qtbot: QtBot
) -> None:
    from types import SimpleNamespace

    from PySide6.QtCore import QSettings, Signal
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QMainWindow

    from planner.domain.errors import InputError
    from planner.io.call_list_workbook import CallListMeta, CallListRow, write_call_list
    from planner.services.campaign.identity import campaign_identity, refuse_unsigned
    from planner.services.followup.call_lists import call_list_frame
    from planner.ui.firms.firm_table_view import FirmTable
    from planner.ui.followup.controller import FollowupController
    from planner.ui.map.map_widget import MapWidget
    from planner.ui.window_parts import WindowParts

    store = open_store(followup_campaign)
    try:
        make_older_campaign(store)
        frame = call_list_frame(store)
        first = frame.row(0, named=True)
        row = CallListRow(
            first["siret"], first["name"] or "", "", "", "", "", "", "", None, first["adviser"]
        )
        path = tmp_path / "ancienne.xlsx"
        meta = CallListMeta(
            campaign_identity(store).name, first["partner"], "ancien", dt.datetime(2025, 3, 1)
        )
        write_call_list(path, meta, {"Liste": [row]})
        wb = load_workbook(path)
        ws = next(w for w in wb.worksheets if w.title not in (GUIDE_SHEET, META_SHEET))
        ws.cell(2, HEADERS.index("Résultat") + 1, "Refus")
        ws.cell(2, HEADERS.index("Date de l'appel") + 1, "05/03/2025")
        wb.save(path)
        preview = preview_outcomes(store, [path])
        dialog = OutcomePreviewDialog(preview)
        qtbot.addWidget(dialog)
        dialog.show()
        assert dialog.warnings.isVisible() and "non signé" in dialog.warnings.text()
        assert dialog.accepted_model.rowCount() == 1

        class Host(QMainWindow):
            campaignShown = Signal(object)  # noqa: N815 - Qt signal naming

        window = Host()
        qtbot.addWidget(window)
        campaign = SimpleNamespace(store=store)
        parts = WindowParts(
            window=window,
            map=MapWidget(window),
            table=FirmTable(window),
            status_bar=window.statusBar(),
            undo_stack=QUndoStack(window),
            settings=QSettings(),
            campaign_shown=window.campaignShown,
            campaign=lambda: campaign,  # type: ignore[arg-type, return-value]
            refresh_firms=lambda: None,
            refresh_firms_quietly=lambda: None,
            show_error=lambda _message: None,
        )
        action = FollowupController(parts).actions[-1]
        menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Suivi")
        menu.aboutToShow.emit()
        assert action.isEnabled() and not action.isChecked()
        action.trigger()
        assert refuse_unsigned(store)
        with pytest.raises(InputError, match=r"ancienne\.xlsx.*non signé"):
            preview_outcomes(store, [path])
        menu.aboutToShow.emit()
        assert action.isChecked()
        action.trigger()
        assert not refuse_unsigned(store)
    finally:
        store.close()
