"""Issue 15, item 10 in the main window: Qt's own French, last folder per kind of
file, Aide last, Ctrl+P from anywhere, « Enregistrer une copie sous… », a new
campaign's own filters and the empty campaign's next step."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QLabel
from pytestqt.qtbot import QtBot

from planner.geo.reference import CommuneReference
from planner.services.campaign.bassin import BassinSpec, resolve_bassin
from planner.services.campaign.campaign_file import create_campaign
from planner.ui.application import configure_application
from planner.ui.main_window import MainWindow
from planner.ui.sirene_import.import_dialog import ImportSireneDialog


@pytest.fixture
def window(qtbot: QtBot, isolated_settings: Path) -> Iterator[MainWindow]:
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    yield win
    win.close()


def _open(qtbot: QtBot, win: MainWindow, target: Path | str) -> None:
    before = win.campaign
    win.open_campaign(target)
    qtbot.waitUntil(lambda: win.campaign is not None and win.campaign is not before, timeout=30000)


def _empty_campaign(target: Path | str, name: str = "Somme") -> None:
    reference = CommuneReference.load()
    bassin = resolve_bassin(BassinSpec("departement", "80"), reference)
    create_campaign(target, name, bassin, reference).close()


def test_qt_own_dialogs_speak_french(qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert app is not None
    configure_application(app)
    assert QCoreApplication.translate("QFileDialog", "Look in:") == "Voir dans\xa0:"
    assert QCoreApplication.translate("QFileDialog", "Files of type:") == "Fichiers de type\xa0:"
    dialog = QFileDialog(None, "Choisir")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    texts = {label.text() for label in dialog.findChildren(QLabel)}
    assert "&Voir dans\xa0:" in texts and "Fichiers de &type\xa0:" in texts
    assert not any("Look in" in t or "Files of" in t for t in texts)


def test_file_dialogs_open_in_the_last_folder_of_their_kind(
    window: MainWindow, tmp_path: Path
) -> None:
    parts = window.parts
    (tmp_path / "campagnes").mkdir()
    (tmp_path / "sirene").mkdir()
    parts.set_last_dir(tmp_path / "campagnes" / "a.planner", "campagne")
    parts.set_last_dir(tmp_path / "sirene" / "stock.csv", "sirene")
    assert parts.last_dir("campagne") == str(tmp_path / "campagnes")
    assert parts.last_dir("sirene") == str(tmp_path / "sirene")
    # the old one-argument calls still work, under the default kind
    parts.set_last_dir(tmp_path / "carte.png")
    assert parts.last_dir() == str(tmp_path)
    assert parts.last_dir("campagne") == str(tmp_path / "campagnes")


def test_aide_stays_the_last_menu(window: MainWindow) -> None:
    window.parts.menu("&Nouveau menu")
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles[-1] == "&Aide" and "&Nouveau menu" in titles


def test_ctrl_p_prints_the_map_from_the_table(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from planner.ui.map.print_options_dialog import PrintOptionsDialog

    asked: list[bool] = []

    def refuse(_dialog: QDialog) -> int:
        asked.append(True)
        return 0  # the print options (framing, orientation) cancelled

    # Ctrl+P opens the map's print options first (then Qt's print dialog).
    monkeypatch.setattr(PrintOptionsDialog, "exec", refuse)
    ctrl_p = QKeySequence(QKeySequence.StandardKey.Print)
    matching = [a.text() for a in window.findChildren(QAction) if a.shortcut() == ctrl_p]
    assert matching == ["Im&primer la carte…"]  # one owner, or Qt fires none (ambiguous)
    window.activateWindow()
    for widget in (window.parts.table, window.controllers.firms.filters.text_edit):
        widget.setFocus()
        qtbot.waitUntil(widget.hasFocus, timeout=5000)
        count = len(asked)
        qtbot.keyClick(widget, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda c=count: len(asked) == c + 1, timeout=5000)


def test_save_a_copy_of_a_campaign_file(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    action = window.controllers.campaign.copy_action
    assert action is not None and not action.isEnabled()  # no campaign yet
    source = tmp_path / "somme.planner"
    _empty_campaign(source)
    _open(qtbot, window, source)
    assert action.isEnabled()
    assert window.parts.last_dir("campagne") == str(tmp_path)  # « Ouvrir… » opens beside it
    target = tmp_path / "copies" / "somme-copie.planner"
    target.parent.mkdir()
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    action.trigger()
    qtbot.waitUntil(target.exists, timeout=30000)
    qtbot.waitUntil(
        lambda: "Copie de la campagne enregistrée" in window.statusBar().currentMessage()
    )
    assert list(target.parent.iterdir()) == [target]  # no temporary file left beside it
    with closing(sqlite3.connect(target)) as copy:
        assert copy.execute("pragma integrity_check").fetchone() == ("ok",)
        assert copy.execute("select name from campaign").fetchone() == ("Somme",)
    assert QSettings().value("recent/dir/campagne") == str(target.parent)


@pytest.mark.postgres
def test_save_a_copy_is_disabled_for_a_shared_campaign(
    qtbot: QtBot, window: MainWindow, pg_database: str
) -> None:
    _empty_campaign(pg_database, "Partagée")
    _open(qtbot, window, pg_database)
    action = window.controllers.campaign.copy_action
    assert action is not None and not action.isEnabled()
    assert "serveur PostgreSQL" in action.toolTip()


def test_empty_campaign_shows_the_next_step_then_a_new_campaign_has_its_own_dates(
    qtbot: QtBot,
    window: MainWindow,
    demo_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _open(qtbot, window, demo_file)
    panel = window.empty_panel
    assert not panel.isVisible()
    filters = window.controllers.firms.filters
    filters.from_check.setChecked(True)
    filters.from_edit.setDate(filters.from_edit.maximumDate())
    assert filters.current_filter().created_from is not None

    empty = tmp_path / "vide.planner"
    _empty_campaign(empty)
    _open(qtbot, window, empty)
    assert filters.current_filter().created_from is None  # not the demo's dates
    assert not filters.from_check.isChecked()
    qtbot.waitUntil(panel.isVisible, timeout=5000)
    assert "Importer SIRENE" in panel.button.text()
    assert window.map.isVisible()  # the bassin stays on screen under the card
    area = window.map_area.rect()
    assert area.contains(panel.geometry())

    shown: list[str] = []
    monkeypatch.setattr(
        ImportSireneDialog, "exec", lambda self: shown.append(self.windowTitle()) or 0
    )
    panel.button.click()
    assert shown == ["Importer des établissements SIRENE"]

    _open(qtbot, window, demo_file)
    qtbot.waitUntil(lambda: not panel.isVisible(), timeout=5000)
