"""The conflict dialog, and manual assignment's undo/redo when someone else changed the firms."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from pytestqt.qtbot import QtBot

from planner.db.store import open_store
from planner.services.shared_campaign.conflicts import Conflict
from planner.services.shared_campaign.firm_edits import assign_firm, show_firm
from planner.ui.main_window import MainWindow
from planner.ui.shared_campaign.conflict_dialog import ConflictDialog

CONFLICT = Conflict(
    table="assignment",
    key="12345678900011",
    label="Boulangerie Martin (SIRET 12345678900011)",
    mine={"Équipe": "FT Saint-Denis", "Conseiller": "—", "Verrouillée": "oui"},
    theirs={"Équipe": "FT Aubervilliers", "Conseiller": "Léa Morel", "Verrouillée": "oui"},
    expected_version=10,
    current_version=12,
    login="coord_aubervilliers",
    at=dt.datetime(2026, 12, 6, 9, 30, tzinfo=dt.UTC),
)


@pytest.mark.parametrize(
    ("button", "choice"), [("keep_mine", "mine"), ("take_theirs", "theirs"), ("cancel", "cancel")]
)
def test_dialog_shows_both_values_and_returns_the_choice(
    qtbot: QtBot, button: str, choice: str
) -> None:
    dialog = ConflictDialog(None, CONFLICT)
    qtbot.addWidget(dialog)
    assert "coord_aubervilliers a modifié cette attribution le 06/12/2026" in dialog.summary.text()
    assert "Boulangerie Martin" in dialog.summary.text()
    model = dialog.model
    rows = [[model.index(r, c).data() for c in range(3)] for r in range(model.rowCount())]
    # Only what differs: the lock is the same on both sides.
    assert rows == [
        ["Équipe", "FT Aubervilliers", "FT Saint-Denis"],
        ["Conseiller", "Léa Morel", "—"],
    ]
    assert [dialog.keep_mine.text(), dialog.take_theirs.text(), dialog.cancel.text()] == [
        "Garder mes modifications",
        "Prendre les leurs",
        "Annuler",
    ]
    dialog.open()
    getattr(dialog, button).click()
    assert dialog.choice == choice
    assert dialog.result() == (0 if choice == "cancel" else 1)


@pytest.fixture
def window(qtbot: QtBot, isolated_settings: Path) -> Iterator[MainWindow]:
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    yield win
    win.close()


def _reload(qtbot: QtBot, win: MainWindow, action: object) -> None:
    seen = win.campaign
    action() if callable(action) else None
    qtbot.waitUntil(lambda: win.campaign is not seen, timeout=30000)


def test_undo_after_another_change_asks_and_applies_the_choice(
    qtbot: QtBot, window: MainWindow, demo_file: Path, tmp_path: Path
) -> None:
    path = tmp_path / "conflits.planner"
    shutil.copyfile(demo_file, path)
    window.open_campaign(path)
    qtbot.waitUntil(lambda: window.campaign is not None, timeout=30000)
    panel = window.controllers.task_force
    asked: list[Conflict] = []
    answers: list[str] = []
    panel.resolve = lambda c: (asked.append(c), answers.pop(0))[1]
    firms = window.campaign.firms  # type: ignore[union-attr]
    rows = [r for r in panel.model.rows if r.team.startswith("FT ")]
    team = rows[0]
    candidates = firms.filter((pl.col("team_id") != team.id) & ~pl.col("craft"))
    picked, second = candidates.head(3), candidates.slice(3, 3)
    ids, sirets = picked["id"].to_list(), picked["siret"].to_list()
    before = [*picked["team_id"].to_list(), *second["team_id"].to_list()]
    other = next(r for r in rows[1:] if r.id not in before)
    window.parts.table.select_ids(ids)
    _reload(qtbot, window, lambda: panel.assign_selection_to_team(team.id))
    assert window.undo_stack.count() == 1

    with open_store(path) as theirs:  # another coordinator moves one of the firms
        assign_firm(theirs, sirets[0], other.team)

    # « Prendre les leurs »: nothing written, their value stays, the step leaves the stack.
    answers.append("theirs")
    _reload(qtbot, window, window.undo_stack.undo)
    assert asked[-1].theirs["Équipe"] == other.team and asked[-1].mine["Équipe"] != other.team
    with open_store(path) as store:
        assert [show_firm(store, s).team for s in sirets] == [other.team, team.team, team.team]
    assert window.undo_stack.count() == 0

    # Other firms, and this time « Garder mes modifications »: the undo goes through.
    ids, sirets, before = second["id"].to_list(), second["siret"].to_list(), before[3:]
    window.parts.table.select_ids(ids)
    _reload(qtbot, window, lambda: panel.assign_selection_to_team(team.id))
    with open_store(path) as theirs:
        assign_firm(theirs, sirets[1], other.team)
    answers.append("mine")
    _reload(qtbot, window, window.undo_stack.undo)
    assert asked[-1].theirs["Équipe"] == other.team
    assert window.campaign.firms["team_id"].gather(ids).to_list() == before  # type: ignore[union-attr]
    # Redo with no one in between: no question asked.
    count = len(asked)
    _reload(qtbot, window, window.undo_stack.redo)
    assert len(asked) == count
    assert window.campaign.firms["team_id"].gather(ids).to_list() == [team.id] * 3  # type: ignore[union-attr]

    # An assignment based on what the window shows, changed since: « Annuler » writes nothing.
    with open_store(path) as theirs:
        assign_firm(theirs, sirets[2], other.team)
    window.parts.table.select_ids(ids)
    answers.append("cancel")
    assert not panel.unassign_selection()
    assert asked[-1].theirs["Équipe"] == other.team
    with open_store(path) as store:
        assert [show_firm(store, s).team for s in sirets] == [team.team, team.team, other.team]


def test_own_writes_before_the_reload_are_no_conflict(
    qtbot: QtBot, window: MainWindow, demo_file: Path, tmp_path: Path
) -> None:
    path = tmp_path / "vite.planner"
    shutil.copyfile(demo_file, path)
    window.open_campaign(path)
    qtbot.waitUntil(lambda: window.campaign is not None, timeout=30000)
    panel = window.controllers.task_force
    asked: list[Conflict] = []
    panel.resolve = lambda c: (asked.append(c), "cancel")[1]
    team = next(r for r in panel.model.rows if r.team.startswith("FT "))
    firms = window.campaign.firms  # type: ignore[union-attr]
    picked = firms.filter((pl.col("team_id") != team.id) & ~pl.col("craft")).head(4)
    window.parts.table.select_ids(picked["id"].to_list())
    seen = window.campaign
    # Three writes in a row, before the window has reloaded the firms.
    assert panel.assign_selection_to_team(team.id)
    panel.lock_selection(False)
    assert panel.unassign_selection()
    assert window.campaign is seen and not asked
    qtbot.waitUntil(lambda: window.campaign is not seen, timeout=30000)
    with open_store(path) as store:
        assert {show_firm(store, s).team for s in picked["siret"]} == {None}
    assert window.undo_stack.count() == 3


def test_a_change_while_the_team_question_is_open_is_a_conflict(
    qtbot: QtBot, window: MainWindow, demo_file: Path, tmp_path: Path
) -> None:
    """The versions checked are those the user saw when asking to assign: a reload that
    arrives while the assignment dialog is open (a live change) does not make the other's change
    look seen."""
    path = tmp_path / "question.planner"
    shutil.copyfile(demo_file, path)
    window.open_campaign(path)
    qtbot.waitUntil(lambda: window.campaign is not None, timeout=30000)
    panel = window.controllers.task_force
    asked: list[Conflict] = []
    panel.resolve = lambda c: (asked.append(c), "theirs")[1]
    rows = [r for r in panel.model.rows if r.team.startswith("FT ")]
    team, other = rows[0], rows[1]
    firms = window.campaign.firms  # type: ignore[union-attr]
    picked = firms.filter(
        (pl.col("team_id") != team.id) & (pl.col("team_id") != other.id) & ~pl.col("craft")
    ).head(1)
    window.parts.table.select_ids(picked["id"].to_list())
    siret = picked["siret"].item()

    dialog = panel.open_assign_dialog("team")
    assert dialog is not None
    dialog.target_combo.setCurrentText(team.team)
    with open_store(path) as theirs:  # someone assigns it while the dialog is open…
        assign_firm(theirs, siret, other.team)
    _reload(qtbot, window, window.parts.refresh_firms)  # …and the window shows it
    dialog.assign_button.click()
    assert asked and asked[-1].theirs["Équipe"] == other.team
    with open_store(path) as store:
        assert show_firm(store, siret).team == other.team
