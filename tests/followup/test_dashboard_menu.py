"""« Suivi → Tableau de bord… » opens the follow-up dashboard on the open campaign."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from pytestqt.qtbot import QtBot

from planner.services.demo.demo_campaign import create_demo
from planner.ui.followup.dashboard_window import DashboardWindow
from planner.ui.main_window import MainWindow


def test_suivi_menu_opens_the_dashboard(qtbot: QtBot, tmp_path: Path) -> None:
    QStandardPaths.setTestModeEnabled(True)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    path = tmp_path / "demo.planner"
    create_demo(path, rows=2500, seed=7)  # with its task force and a few weeks of outcomes
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    win.open_campaign(path)
    qtbot.waitUntil(lambda: win.campaign is not None, timeout=30000)
    menu = next(a.menu() for a in win.menuBar().actions() if a.text() == "&Suivi")
    board = next(a for a in menu.actions() if a.text() == "&Tableau de bord…")  # type: ignore[union-attr]
    board.trigger()
    dashboard = win.controllers.followup.dashboard
    assert isinstance(dashboard, DashboardWindow)
    assert dashboard.isVisible()
    qtbot.waitUntil(lambda: dashboard.loaded)
    assert dashboard.model.rowCount() == 10  # the demo's ten partners
    assert dashboard.progress_model.rowCount() >= 4  # four weeks of outcomes at least
    assert dashboard.needs_model.rowCount() > 0
    dashboard.close()
    win.close()
