"""« Pression de sollicitation… » in the Suivi menu, and the export dialog and summary
saying which firms the call lists leave out."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from planner.db.store import open_store
from planner.domain.errors import PlannerError
from planner.services.followup.call_lists import (
    cap_text,
    left_out_counts,
    left_out_sentence,
    partners_with_firms,
    run_call_list_export,
)
from planner.services.followup.solicitation import cap_setting
from planner.services.followup.solicitation.pressure import read_cap
from planner.services.shared_campaign.access import Access
from planner.ui.followup.controller import export_text
from planner.ui.followup.export_dialog import ExportDialog
from planner.ui.followup.pressure_dialog import PressureDialog


def test_pressure_dialog_sets_the_cap_and_the_export_follows(
    demo_file: Path, qtbot: QtBot, isolated_settings: Path
) -> None:
    store = open_store(demo_file)
    try:
        before = left_out_counts(store)
        dialog = PressureDialog(store)
        qtbot.addWidget(dialog)
        assert (dialog.count.value(), dialog.days.value()) == (2, 30)
        assert dialog.count.isEnabled() and not dialog.note.isVisible()
        dialog.count.setValue(1)
        dialog.days.setValue(60)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        assert dialog.result() == PressureDialog.DialogCode.Accepted
        with store.session() as session:
            cap = read_cap(session)
        assert (cap.count, cap.days) == (1, 60)
        assert cap_text(store) == "1 contact en 60 jours"
        after = left_out_counts(store)
        # One contact in 60 days is enough now: many more firms are left out.
        assert after["over_cap"] > before["over_cap"] and after["blocked"] == before["blocked"]

        sentence = left_out_sentence(after, cap_text(store))
        export = ExportDialog(partners_with_firms(store), left_out=sentence)
        qtbot.addWidget(export)
        assert export.left_out.text() == sentence
        assert "marquées « ne pas solliciter »" in sentence and "1 contact en 60 jours" in sentence
        report = run_call_list_export(store, isolated_settings / "listes")
    finally:
        store.close()
    text = export_text(report, isolated_settings / "listes")
    assert report.summary() in text and "« Non sollicitées »" in text
    assert report.counts() == after


def test_only_the_coordination_sets_the_cap(
    demo_file: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    partner = Access(login="ml_dupont", role="partenaire", partner_id=1, partner_name="ML")
    monkeypatch.setattr(cap_setting, "current_access", lambda _store: partner)
    store = open_store(demo_file)
    try:
        dialog = PressureDialog(store)
        qtbot.addWidget(dialog)
        assert not dialog.count.isEnabled() and not dialog.days.isEnabled()
        assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
        assert "Seule la coordination" in dialog.note.text()
        with pytest.raises(PlannerError, match="Seule la coordination"):
            cap_setting.save_cap_setting(store, 3, 30)
    finally:
        store.close()


def test_cap_out_of_range_is_refused_in_french(demo_file: Path) -> None:
    store = open_store(demo_file)
    try:
        with pytest.raises(PlannerError, match="entre 1 et 366 jours"):
            cap_setting.save_cap_setting(store, 2, 400)
    finally:
        store.close()


def test_suivi_menu_has_the_pressure_entry(
    qtbot: QtBot, isolated_settings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from planner.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Suivi")
    action = next(a for a in menu.actions() if a.objectName() == "solicitationCap")
    assert action.text() == "Pression de &sollicitation…"
    messages: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: messages.append(text))
    action.trigger()  # no campaign open: says so, opens nothing
    assert messages == ["Ouvrez d'abord une campagne."]
