"""Assigning by hand in the real window: the dialog that leaves out-of-remit firms
aside (and says why), the lock as a visible choice, and a team's double-click that
limits the map and the table to its firms."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from planner.services.firms.firm_query import format_siret
from planner.ui.main_window import MainWindow
from planner.ui.task_force.assign_dialog import LOCK_TEXT, MOVE_LOCKED_TEXT, AssignDialog


@pytest.fixture
def window(qtbot: QtBot, isolated_settings: Path) -> Iterator[MainWindow]:
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    yield win
    win.close()


def _open(qtbot: QtBot, win: MainWindow, path: Path) -> pl.DataFrame:
    win.open_campaign(path)
    qtbot.waitUntil(lambda: win.campaign is not None, timeout=30000)
    assert win.campaign is not None
    placed = int(win.campaign.firms["lon"].is_not_null().sum())
    qtbot.waitUntil(lambda: win.map.last_drawn_count() == placed, timeout=30000)
    return win.campaign.firms


def _firms(win: MainWindow) -> pl.DataFrame:
    assert win.campaign is not None
    return win.campaign.firms


def _column(win: MainWindow, sirets: list[str], name: str) -> list[object]:
    firms = _firms(win).filter(pl.col("siret").is_in(sirets)).sort("siret")
    return firms[name].to_list()


def _refusal_rows(dialog: AssignDialog) -> list[list[str]]:
    model = dialog.model
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def _reloaded(qtbot: QtBot, win: MainWindow, action: object) -> None:
    seen = win.campaign
    assert callable(action)
    action()
    qtbot.waitUntil(lambda: win.campaign is not seen, timeout=30000)


def test_out_of_remit_firms_are_listed_and_the_others_assigned(
    qtbot: QtBot, window: MainWindow, demo_file: Path, tmp_path: Path
) -> None:
    path = tmp_path / "dialogue.planner"
    shutil.copyfile(demo_file, path)
    firms = _open(qtbot, window, path)
    panel = window.controllers.task_force
    ft = next(r for r in panel.model.rows if r.team.startswith("FT "))
    cma = next(r for r in panel.model.rows if r.team.startswith("CMA"))
    # Craft firms belong to the CMA (exclusive remit): a France Travail team may not take them.
    others = firms.filter((pl.col("team_id") != ft.id) & ~pl.col("craft")).head(5)
    craft = firms.filter(pl.col("craft") & (pl.col("team_id") == cma.id)).head(3)
    window.parts.table.select_ids([*others["id"], *craft["id"]])

    dialog = panel.open_assign_dialog("team")
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowTitle() == "Attribuer à une équipe"
    assert dialog.intro.text() == "8 établissements sélectionnés."
    dialog.target_combo.setCurrentText(ft.team)
    # The lock is a visible choice, off unless the coordinator ticks it.
    assert dialog.lock_check.text() == LOCK_TEXT and not dialog.lock_check.isChecked()
    assert dialog.refusals.isVisible()
    rows = _refusal_rows(dialog)
    expected = sorted(
        [format_siret(s), n, c]
        for s, n, c in craft.select("siret", "name", "commune_name").iter_rows()
    )
    assert sorted(row[:3] for row in rows) == expected
    assert {row[3] for row in rows} == {
        "réservée à CMA Île-de-France — Seine-Saint-Denis (exclusivité : répertoire des métiers)"
    }
    assert [dialog.model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == [
        "SIRET",
        "Nom",
        "Commune",
        "Raison",
    ]
    assert "3 établissements sont hors de son périmètre" in dialog.summary.text()
    assert dialog.assign_button.text() == "Attribuer les 5 autres"
    assert dialog.assign_button.isEnabled()

    _reloaded(
        qtbot, window, lambda: qtbot.mouseClick(dialog.assign_button, Qt.MouseButton.LeftButton)
    )
    other_sirets = sorted(others["siret"])
    craft_sirets = sorted(craft["siret"])
    assert _column(window, other_sirets, "team_id") == [ft.id] * 5
    assert _column(window, other_sirets, "locked") == [False] * 5  # not ticked: not locked
    assert _column(window, craft_sirets, "team_id") == [cma.id] * 3  # left where they were
    assert window.statusBar().currentMessage() == (
        f"5 établissement(s) attribué(s) à {ft.team} ; 3 laissé(s) hors du périmètre de "
        f"{ft.partner}."
    )
    assert window.undo_stack.undoText() == f"Attribuer 5 établissement(s) à {ft.team}"

    # Undo and redo go through the same versioned writes as before.
    assert window.undo_stack.count() == 1
    _reloaded(qtbot, window, window.undo_stack.undo)
    assert _column(window, other_sirets, "team_id") == others.sort("siret")["team_id"].to_list()
    _reloaded(qtbot, window, window.undo_stack.redo)
    assert _column(window, other_sirets, "team_id") == [ft.id] * 5


def test_the_lock_box_is_honoured_and_a_team_that_can_take_nothing_says_so(
    qtbot: QtBot, window: MainWindow, demo_file: Path, tmp_path: Path
) -> None:
    path = tmp_path / "verrou.planner"
    shutil.copyfile(demo_file, path)
    firms = _open(qtbot, window, path)
    panel = window.controllers.task_force
    ft = next(r for r in panel.model.rows if r.team.startswith("FT "))
    picked = firms.filter((pl.col("team_id") != ft.id) & ~pl.col("craft")).head(4)
    window.parts.table.select_ids(picked["id"].to_list())
    dialog = panel.open_assign_dialog("team")
    assert dialog is not None
    dialog.target_combo.setCurrentText(ft.team)
    assert not dialog.refusals.isVisible() and dialog.assign_button.text() == "Attribuer"
    dialog.lock_check.setChecked(True)
    _reloaded(
        qtbot, window, lambda: qtbot.mouseClick(dialog.assign_button, Qt.MouseButton.LeftButton)
    )
    sirets = sorted(picked["siret"])
    assert _column(window, sirets, "team_id") == [ft.id] * 4
    assert _column(window, sirets, "locked") == [True] * 4

    # Only craft firms, offered to a France Travail team: nothing to assign.
    craft = _firms(window).filter(pl.col("craft")).head(2)
    window.parts.table.select_ids(craft["id"].to_list())
    dialog = panel.open_assign_dialog("team")
    assert dialog is not None
    dialog.target_combo.setCurrentText(ft.team)
    assert not dialog.assign_button.isEnabled()
    assert dialog.summary.text().startswith(
        f"L'équipe « {ft.team} » ne peut prendre aucun des établissements sélectionnés."
    )
    assert len(_refusal_rows(dialog)) == 2
    dialog.reject()
    assert window.undo_stack.count() == 1

    # An adviser of a team with a NAF remit: the reason names the firm's code.
    ml = next(r for r in panel.model.rows if r.team.startswith("Mission Locale"))
    outside = (
        _firms(window)
        .filter(~pl.col("section").is_in(["G", "I", "N", "Q"]) & ~pl.col("craft"))
        .head(1)
    )
    window.parts.table.select_ids(outside["id"].to_list())
    dialog = panel.open_assign_dialog("adviser")
    assert dialog is not None and dialog.windowTitle() == "Attribuer à un conseiller"
    index = next(
        i for i in range(dialog.target_combo.count()) if ml.team in dialog.target_combo.itemText(i)
    )
    dialog.target_combo.setCurrentIndex(index)
    [row] = _refusal_rows(dialog)
    assert row[3] == (
        f"hors du périmètre de Mission Locale Plaine Commune : NAF {outside['naf_code'].item()}"
    )
    dialog.reject()


def test_double_click_on_a_team_limits_map_and_table_then_clears(
    qtbot: QtBot, window: MainWindow, demo_file: Path
) -> None:
    firms = _open(qtbot, window, demo_file)
    panel = window.controllers.task_force
    row = 2
    team = panel.model.rows[row]
    view = panel.view
    index = panel.model.index(row, 0)
    view.scrollTo(index)
    # What a real double-click sends: a click, then the double-click event.
    centre = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)

    theirs = firms.filter(pl.col("team_id") == team.id)
    model = window.parts.table.firm_model
    assert 0 < model.rowCount() == theirs.height < firms.height
    team_column = next(
        i
        for i in range(model.columnCount())
        if model.headerData(i, Qt.Orientation.Horizontal) == "Équipe"
    )
    assert {model.index(r, team_column).data() for r in range(model.rowCount())} == {team.team}
    placed = int(theirs["lon"].is_not_null().sum())
    qtbot.waitUntil(lambda: window.map.last_drawn_count() == placed, timeout=30000)
    filters = window.controllers.firms.filters
    assert window.controllers.firms.filter_dock.isVisible()
    assert filters.team_banner.isVisible() and team.team in filters.team_banner.text()
    assert filters.teams.checked() == frozenset({str(team.id)})

    qtbot.mouseClick(filters.all_teams_button, Qt.MouseButton.LeftButton)
    assert model.rowCount() == firms.height
    assert not filters.team_banner.isVisible()
    everyone = int(firms["lon"].is_not_null().sum())
    qtbot.waitUntil(lambda: window.map.last_drawn_count() == everyone, timeout=30000)


def test_locked_firms_stay_unless_asked_and_keep_their_lock(
    qtbot: QtBot, window: MainWindow, demo_file: Path, tmp_path: Path
) -> None:
    path = tmp_path / "verrouillees.planner"
    shutil.copyfile(demo_file, path)
    firms = _open(qtbot, window, path)
    panel = window.controllers.task_force
    ft = next(r for r in panel.model.rows if r.team.startswith("FT "))
    cap = next(r for r in panel.model.rows if r.partner.startswith("Cap emploi"))
    # A firm of Cap emploi's portfolio (assigned and locked by the import), one locked
    # by hand, and two free ones.
    portfolio = firms.filter(
        (pl.col("team_id") == cap.id) & pl.col("locked") & ~pl.col("craft")
    ).head(1)
    free = firms.filter((pl.col("team_id") != ft.id) & ~pl.col("craft") & ~pl.col("locked"))
    by_hand, others = free.head(1), free.slice(1, 2)
    window.parts.table.select_ids(by_hand["id"].to_list())
    _reloaded(qtbot, window, lambda: panel.lock_selection(True))
    picked = pl.concat([portfolio, by_hand, others])
    window.parts.table.select_ids(picked["id"].to_list())

    dialog = panel.open_assign_dialog("team")
    assert dialog is not None
    dialog.target_combo.setCurrentText(ft.team)
    assert not dialog.lock_check.isChecked()
    assert dialog.move_locked_check.isVisible() and not dialog.move_locked_check.isChecked()
    assert dialog.move_locked_check.text() == MOVE_LOCKED_TEXT
    rows = _refusal_rows(dialog)
    owned = f"verrouillée (portefeuille de {cap.partner})"
    assert sorted((row[0], row[3]) for row in rows) == sorted(
        [
            (format_siret(portfolio["siret"].item()), owned),
            (format_siret(by_hand["siret"].item()), "verrouillée à la main"),
        ]
    )
    assert "2 établissements verrouillés dans une autre équipe y restent" in dialog.summary.text()
    assert "portefeuille" not in dialog.summary.text()
    assert dialog.assign_button.text() == "Attribuer les 2 autres"
    _reloaded(
        qtbot, window, lambda: qtbot.mouseClick(dialog.assign_button, Qt.MouseButton.LeftButton)
    )
    locked_sirets = sorted([portfolio["siret"].item(), by_hand["siret"].item()])
    assert _column(window, sorted(others["siret"]), "team_id") == [ft.id] * 2
    # Not moved, and the unticked lock box unlocked nothing.
    assert _column(window, [portfolio["siret"].item()], "team_id") == [cap.id]
    assert _column(window, [by_hand["siret"].item()], "team_id") == [by_hand["team_id"].item()]
    assert ft.id not in _column(window, locked_sirets, "team_id")
    assert _column(window, locked_sirets, "locked") == [True, True]
    assert window.statusBar().currentMessage() == (
        f"2 établissement(s) attribué(s) à {ft.team} ; 2 verrouillé(s) laissé(s) dans leur équipe."
    )

    # Asked explicitly: the locked ones move, stay locked, and the summary says which
    # firm leaves its partner's portfolio.
    window.parts.table.select_ids(picked["id"].to_list())
    dialog = panel.open_assign_dialog("team")
    assert dialog is not None
    dialog.target_combo.setCurrentText(ft.team)
    dialog.move_locked_check.setChecked(True)
    assert not dialog.refusals.isVisible() and dialog.assign_button.text() == "Attribuer"
    summary = dialog.summary.text()
    assert "seront déplacés et resteront verrouillés" in summary
    assert f"1 établissement quitte le portefeuille de {cap.partner}" in summary
    _reloaded(
        qtbot, window, lambda: qtbot.mouseClick(dialog.assign_button, Qt.MouseButton.LeftButton)
    )
    assert _column(window, locked_sirets, "team_id") == [ft.id] * 2
    assert _column(window, locked_sirets, "locked") == [True, True]
