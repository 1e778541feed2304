"""The call-list export dialog: folder, layout, partners; only the ticked ones are written."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths, Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from planner.db.store import open_store
from planner.services.followup.call_lists import export_call_lists, partners_with_firms
from planner.ui.followup.export_dialog import ExportDialog

SHOT = os.environ.get("PLANNER_SCREENSHOTS")


def test_dialog_exports_only_the_ticked_partners(
    followup_campaign: Path, tmp_path: Path, qtbot: QtBot
) -> None:
    QStandardPaths.setTestModeEnabled(True)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    store = open_store(followup_campaign)
    try:
        partners = partners_with_firms(store)
        assert len(partners) >= 2 and all(count > 0 for _, count in partners)
        dialog = ExportDialog(partners)
        qtbot.addWidget(dialog)
        dialog.folder.setText(str(tmp_path / "listes"))
        assert dialog.all_chosen() and "classeur du coordinateur" in dialog.note.text()
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)

        dialog._check_all(Qt.CheckState.Unchecked)
        assert not ok.isEnabled() and "au moins un" in dialog.note.text()
        dialog.model.item(1).setCheckState(Qt.CheckState.Checked)
        assert ok.isEnabled() and "n'est écrit que" in dialog.note.text()
        dialog.per_team.setChecked(True)
        if SHOT:
            dialog.grab().save(SHOT)
        ok.click()
        assert dialog.result() == ExportDialog.DialogCode.Accepted
        chosen = dialog.chosen_partners()
        assert chosen == [partners[1][0]]
        assert dialog.per() == "team" and dialog.out_dir() == tmp_path / "listes"

        files = export_call_lists(store, dialog.out_dir(), partners=chosen, per=dialog.per())
    finally:
        store.close()
    assert sorted(f.partner for f in files if f.partner) == sorted(chosen)
    assert all(f.partner is not None for f in files)  # no coordinator workbook, no CSV
    assert [f.rows for f in files] == [dict(partners)[f.partner or ""] for f in files]
