"""The « Suivi » menu entries for BMO métiers, firms already supported and priorities."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from planner.services.demo.demo_campaign import create_demo
from planner.services.firms.prospect_status import ALREADY_SUPPORTED, NOT_CONTACTED
from planner.ui.followup.bmo_window import BmoWindow
from planner.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    QStandardPaths.setTestModeEnabled(True)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


def _action(win: MainWindow, text: str) -> object:
    menu = next(a.menu() for a in win.menuBar().actions() if a.text() == "&Suivi")
    return next(a for a in menu.actions() if a.text() == text)


def test_suivi_menu_opens_bmo_and_imports_supported_firms(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    messages: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: messages.append(text))
    bmo = _action(window, "&Métiers en tension (BMO)…")
    supported = _action(window, "Importer les entreprises &déjà accompagnées…")
    assert _action(window, "&Priorités…") is not None
    bmo.trigger()  # type: ignore[attr-defined]
    assert messages == ["Ouvrez d'abord une campagne."]

    path = tmp_path / "demo.planner"
    create_demo(path, rows=600, seed=3)
    window.open_campaign(path)
    qtbot.waitUntil(lambda: window.campaign is not None, timeout=30000)
    assert window.campaign is not None
    bmo.trigger()  # type: ignore[attr-defined]
    assert isinstance(window.controllers.followup.bmo, BmoWindow)
    window.controllers.followup.bmo.close()

    firms = window.campaign.firms
    sirets = firms.filter(firms["status"] == NOT_CONTACTED)["siret"].head(2).to_list()
    before = firms.filter(firms["status"] == ALREADY_SUPPORTED).height
    listing = tmp_path / "liste.csv"
    listing.write_text("SIRET\n" + "\n".join(sirets) + "\n00000000000000\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(listing), ""))
    messages.clear()
    supported.trigger()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: bool(messages), timeout=30000)
    assert "2 entreprises de la campagne" in messages[0]
    assert "ligne 4, colonne A (SIRET)" in messages[0]

    def flagged() -> int:
        assert window.campaign is not None
        shown = window.campaign.firms
        return shown.filter(shown["status"] == ALREADY_SUPPORTED).height

    qtbot.waitUntil(lambda: flagged() == before + 2, timeout=30000)
