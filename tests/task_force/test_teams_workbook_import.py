"""Task force → import the teams workbook from the app: check, confirm, import."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from planner.db.models import Assignment, Team
from planner.db.store import open_store
from planner.ui.main_window import MainWindow
from planner.ui.task_force.teams_workbook_actions import import_workbook, write_template


@pytest.fixture
def window(qtbot: QtBot, isolated_settings: Path, demo_file: Path) -> Iterator[MainWindow]:
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    win.open_campaign(demo_file)
    qtbot.waitUntil(lambda: win.campaign is not None, timeout=30000)
    yield win
    win.close()


def _counts(path: Path) -> tuple[int, int]:
    store = open_store(path)
    try:
        with store.session() as session:
            teams = session.scalar(select(func.count()).select_from(Team)) or 0
            assigned = session.scalar(select(func.count()).select_from(Assignment)) or 0
    finally:
        store.close()
    return int(teams), int(assigned)


def test_import_asks_before_removing_teams_then_imports(
    qtbot: QtBot,
    window: MainWindow,
    demo_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    template = write_template(window.parts, tmp_path / "equipes.xlsx")
    assert template is not None and template.exists()
    questions: list[str] = []
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]

    def ask(*args: Any) -> QMessageBox.StandardButton:
        questions.append(args[2])
        return answers[len(questions) - 1]

    monkeypatch.setattr(QMessageBox, "question", ask)
    runners: list[Any] = []
    before = _counts(demo_file)
    assert before[0] == 10 and before[1] > 2000

    import_workbook(window.parts, runners, template)  # answered « Non »
    qtbot.waitUntil(lambda: len(questions) == 1, timeout=30000)
    assert "équipe(s)" in questions[0] and "n'auront plus d'équipe" in questions[0]
    assert len(runners) == 1  # the check only: « Non » started no import
    assert _counts(demo_file) == before

    import_workbook(window.parts, runners, template)  # answered « Oui »
    qtbot.waitUntil(lambda: _counts(demo_file)[0] == 3, timeout=30000)
    panel = window.controllers.task_force
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3, timeout=30000)
    assert _counts(demo_file)[1] == 0  # the demo's teams are gone, and their firms' teams


def test_a_bad_workbook_is_reported_and_nothing_changes(
    qtbot: QtBot, window: MainWindow, demo_file: Path, tmp_path: Path
) -> None:
    template = write_template(window.parts, tmp_path / "equipes.xlsx")
    assert template is not None
    book = load_workbook(template)
    book["Règles"]["C3"] = "beaucoup"
    book.save(template)
    errors: list[str] = []
    parts = replace(window.parts, show_error=errors.append)
    before = _counts(demo_file)
    import_workbook(parts, [], template)
    qtbot.waitUntil(lambda: bool(errors), timeout=30000)
    assert "equipes.xlsx" in errors[0] and "ligne 3" in errors[0] and "colonne C" in errors[0]
    assert "beaucoup" in errors[0]
    assert _counts(demo_file) == before
