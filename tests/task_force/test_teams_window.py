"""Task force in the real window: lasso assignment with undo/redo, colours by team."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from pytestqt.qtbot import QtBot

from planner.ui.main_window import MainWindow
from tests.map.page_calls import grab

SCREENSHOT = Path(__file__).resolve().parents[2] / "resources" / "screenshots" / "teams.png"


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, isolated_settings: Path) -> Iterator[MainWindow]:
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    yield win
    win.close()


def _open(qtbot: QtBot, win: MainWindow, path: Path) -> None:
    win.open_campaign(path)
    qtbot.waitUntil(lambda: win.campaign is not None, timeout=30000)
    assert win.campaign is not None
    placed = int(win.campaign.firms["lon"].is_not_null().sum())
    qtbot.waitUntil(lambda: win.map.last_drawn_count() == placed, timeout=30000)


def _teams_of(win: MainWindow, ids: list[int]) -> list[int | None]:
    assert win.campaign is not None
    return win.campaign.firms["team_id"].gather(ids).to_list()


def test_lasso_assignment_undo_and_redo(qtbot: QtBot, window: MainWindow, demo_file: Path) -> None:
    _open(qtbot, window, demo_file)
    panel = window.controllers.task_force
    firms = window.campaign.firms  # type: ignore[union-attr]
    assert panel.model.rowCount() == 10
    # a France Travail team (no remit rule) and firms no exclusive partner claims
    team_id = panel.model.rows[0].id
    ids = firms.filter((pl.col("team_id") != team_id) & ~pl.col("craft"))["id"].head(25).to_list()
    before = _teams_of(window, ids)
    window.map.selectionDrawn.emit(ids)  # what a lasso on the map emits
    assert sorted(window.parts.table.selected_ids()) == sorted(ids)
    seen = window.campaign

    assert panel.assign_selection_to_team(team_id)
    qtbot.waitUntil(lambda: window.campaign is not seen, timeout=30000)
    assert _teams_of(window, ids) == [team_id] * len(ids)
    # Locking is asked for, never a side effect of assigning.
    assert window.campaign.firms["locked"].gather(ids).to_list() == [False] * len(ids)  # type: ignore[union-attr]
    assert window.undo_stack.count() == 1 and window.undo_stack.canUndo()

    seen = window.campaign
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: window.campaign is not seen, timeout=30000)
    assert _teams_of(window, ids) == before

    seen = window.campaign
    window.undo_stack.redo()
    qtbot.waitUntil(lambda: window.campaign is not seen, timeout=30000)
    assert _teams_of(window, ids) == [team_id] * len(ids)


def test_craft_firms_cannot_go_to_a_general_team(
    qtbot: QtBot, window: MainWindow, demo_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _open(qtbot, window, demo_file)
    panel = window.controllers.task_force
    firms = window.campaign.firms  # type: ignore[union-attr]
    ids = firms.filter(pl.col("craft") & pl.col("lon").is_not_null())["id"].head(5).to_list()
    window.parts.table.select_ids(ids)
    shown: list[str] = []
    monkeypatch.setattr(
        "planner.ui.task_force.controller.QMessageBox.warning",
        lambda _parent, _title, text: shown.append(text),
    )
    assert not panel.assign_selection_to_team(panel.model.rows[0].id)
    assert shown and "répertoire des métiers" in shown[0]
    assert window.undo_stack.count() == 0


def test_division_from_the_menu_then_map_coloured_by_team(
    qtbot: QtBot, window: MainWindow, demo_file: Path
) -> None:
    _open(qtbot, window, demo_file)
    panel = window.controllers.task_force
    window.controllers.task_force.quiet = True  # no message box in tests
    seen = window.campaign
    panel.divide()
    qtbot.waitUntil(lambda: panel.last_report is not None, timeout=60000)
    qtbot.waitUntil(lambda: window.campaign is not seen, timeout=30000)
    report = panel.last_report
    assert report.max_deviation_pct <= 2.0 and not report.problems
    assert all(row.assigned > 0 for row in panel.model.rows)
    assert max(abs(row.deviation_pct) for row in panel.model.rows) <= 2.0
    placed = int(window.campaign.firms["lon"].is_not_null().sum())  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: window.map.last_drawn_count() == placed, timeout=30000)
    if os.environ.get("PLANNER_SCREENSHOTS"):
        grab(window.map)  # returns once the page shows a frame drawn after the call
        window.grab().save(str(SCREENSHOT))


def _assignments(win: MainWindow) -> dict[str, int]:
    from sqlalchemy import select

    from planner.db.models import Assignment

    assert win.campaign is not None
    with win.campaign.store.session() as session:
        return dict(session.execute(select(Assignment.siret, Assignment.team_id)).all())  # type: ignore[arg-type]


def test_division_can_be_undone_and_redone(
    qtbot: QtBot, window: MainWindow, demo_file: Path, tmp_path: Path
) -> None:
    import shutil

    path = tmp_path / "undo.planner"
    shutil.copyfile(demo_file, path)
    _open(qtbot, window, path)
    panel = window.controllers.task_force
    window.controllers.task_force.quiet = True
    # a hand-made state the division will change: 40 firms moved to one team, unlocked
    firms = window.campaign.firms  # type: ignore[union-attr]
    team_id = panel.model.rows[0].id
    sirets = firms.filter((pl.col("team_id") != team_id) & ~pl.col("craft"))["siret"].head(40)
    from planner.services.task_force.task_force import assign_firms

    assign_firms(window.campaign.store, sirets.to_list(), team_id, locked=False)  # type: ignore[union-attr]
    before = _assignments(window)
    seen = window.campaign
    panel.divide()
    qtbot.waitUntil(lambda: panel.last_report is not None, timeout=60000)
    qtbot.waitUntil(lambda: window.campaign is not seen, timeout=30000)
    divided = _assignments(window)
    assert divided != before and panel.last_report.moved > 0
    assert window.undo_stack.count() == 1
    assert window.undo_stack.undoText() == "Répartition automatique"

    seen = window.campaign
    window.undo_stack.undo()
    assert _assignments(window) == before  # read back from the campaign file
    qtbot.waitUntil(lambda: window.campaign is not seen, timeout=30000)
    assert (
        dict(
            zip(
                *window.campaign.firms.select("siret", "team_id")
                .drop_nulls()
                .to_dict(as_series=False)
                .values(),
                strict=True,
            )
        )
        == before
    )  # type: ignore[union-attr]

    seen = window.campaign
    window.undo_stack.redo()
    assert _assignments(window) == divided
    qtbot.waitUntil(lambda: window.campaign is not seen, timeout=30000)


def test_editor_from_the_menu_refreshes_the_team_summary(
    qtbot: QtBot, window: MainWindow, demo_file: Path, tmp_path: Path
) -> None:
    import shutil

    path = tmp_path / "edit.planner"
    shutil.copyfile(demo_file, path)
    _open(qtbot, window, path)
    panel = window.controllers.task_force
    assert panel.model.rowCount() == 10
    action = next(a for a in panel.menu.actions() if a.text() == "Partenaires et équipes…")
    action.trigger()
    editor = panel.editor
    assert editor is not None and editor.isVisible()
    editor.select((0,))
    editor.add_team()
    editor.team_form.capacity.setValue(120)
    seen = window.campaign
    assert editor.save(), editor.errors.text()
    qtbot.waitUntil(lambda: window.campaign is not seen, timeout=30000)
    assert panel.model.rowCount() == 11
    added = panel.model.rows[-1]
    assert added.capacity == 120 and added.assigned == 0
