"""The Task force menu's portfolio entries: import off the GUI thread with a summary,
the « Conflits de portefeuilles » window and its settlement; coordination only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QStandardPaths, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox
from pytestqt.qtbot import QtBot

from planner.services.campaign.campaign_store import open_campaign
from planner.services.task_force.partner_portfolios.claims_import import (
    find_partner,
    partner_choices,
)
from planner.services.task_force.partner_portfolios.conflicts import list_conflicts
from planner.ui.main_window import MainWindow
from planner.ui.partner_portfolios import controller as controller_module
from planner.ui.partner_portfolios.conflicts_window import (
    ConflictsWindow,
    SettleDialog,
    conflicts_summary,
)
from planner.ui.partner_portfolios.import_dialog import PortfolioImportDialog
from planner.ui.shared_campaign.role_menus import hidden_names
from tests.threads import record_threads

ML = "Mission Locale Plaine Commune"
CAP = "Cap emploi 93"
UNKNOWN = "73282932000074"


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


def _menu_texts(win: MainWindow) -> list[str]:
    menu = next(a.menu() for a in win.menuBar().actions() if a.text() == "&Task force")
    return [a.text() for a in menu.actions()]  # type: ignore[attr-defined]


def test_import_then_settle_from_the_task_force_menu(
    qtbot: QtBot,
    window: MainWindow,
    sqlite_campaign: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert "Importer le portefeuille d'un partenaire…" in _menu_texts(window)
    assert "Conflits de portefeuilles…" in _menu_texts(window)
    store = open_campaign(sqlite_campaign)
    try:
        [demo_conflict] = list_conflicts(store)
    finally:
        store.close()
    window.open_campaign(sqlite_campaign)
    qtbot.waitUntil(lambda: window.campaign is not None, timeout=30000)
    assert window.campaign is not None
    firms = window.campaign.firms
    mine = firms.filter(firms["team_id"].is_not_null())["siret"].tail(3).to_list()
    path = tmp_path / "portefeuille.csv"
    path.write_bytes(
        ("SIRET;Depuis\n" + "".join(f"{s};01/01/2025\n" for s in [*mine, UNKNOWN, "123"])).encode(
            "cp1252"
        )
    )

    def fake_exec(dialog: PortfolioImportDialog) -> int:
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert not ok.isEnabled()  # no file yet
        dialog.partner.setCurrentIndex(dialog.partner.findText(ML, Qt.MatchFlag.MatchStartsWith))
        dialog.file.setText(str(path))
        assert ok.isEnabled()
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(PortfolioImportDialog, "exec", fake_exec)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    threads = record_threads(monkeypatch, controller_module, "import_portfolio")
    portfolios = window.partner_portfolios
    portfolios.import_action.trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=30000)
    assert threads.off_gui_thread()
    assert portfolios.last_import is not None and portfolios.last_import.assigned == 3
    assert "Entreprises attribuées au partenaire et verrouillées : 3." in shown[0]
    assert f"ligne 5, SIRET {UNKNOWN} : SIRET inconnu de la campagne" in shown[0]
    assert "ligne 6, colonne A (SIRET)" in shown[0]

    def locked_to_partner() -> bool:
        assert window.campaign is not None
        shown_firms = window.campaign.firms.filter(window.campaign.firms["siret"].is_in(mine))
        return shown_firms.height == 3 and bool(shown_firms["locked"].all())

    qtbot.waitUntil(locked_to_partner, timeout=30000)

    portfolios.conflicts_action.trigger()
    conflicts = portfolios.conflicts
    assert isinstance(conflicts, ConflictsWindow)
    assert conflicts.model.rowCount() == 1
    assert conflicts.summary.text() == (
        "1 entreprise revendiquée par plusieurs partenaires : elle n'est attribuée à "
        "personne tant que vous n'avez pas arbitré."
    )
    index = conflicts.model.index(0, 3)
    claims_text = conflicts.model.data(index)
    assert "portefeuille-cma.xlsx" in claims_text and "portefeuille-cap-emploi.csv" in claims_text
    assert conflicts.model.data(conflicts.model.index(0, 0)) == demo_conflict.siret
    winner = demo_conflict.claims[-1]
    conflicts.choose = lambda conflict: winner.partner_id
    conflicts.settle_selected()
    qtbot.waitUntil(lambda: conflicts.last_settlement is not None, timeout=30000)
    assert conflicts.last_settlement is not None
    assert conflicts.last_settlement.partner == winner.partner
    assert conflicts.model.rowCount() == 0
    assert conflicts.summary.text() == "Aucun conflit entre portefeuilles."
    assert not conflicts.settle_button.isEnabled()
    conflicts.close()


def test_only_coordination_sees_the_portfolio_entries() -> None:
    for name in ("partnerPortfolioImport", "portfolioConflicts"):
        assert name in hidden_names("partenaire")
        assert name in hidden_names("conseiller")
        assert name not in hidden_names("coordination")


def test_import_dropping_claims_asks_confirmation_with_the_count(
    qtbot: QtBot,
    window: MainWindow,
    sqlite_campaign: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = open_campaign(sqlite_campaign)
    try:
        cap_id, _ = find_partner(store, CAP)
        before = next(c for c in partner_choices(store) if c.partner_id == cap_id).claims
        keep = next(c for c in list_conflicts(store)).siret
    finally:
        store.close()
    assert before > 5
    window.open_campaign(sqlite_campaign)
    qtbot.waitUntil(lambda: window.campaign is not None, timeout=30000)
    path = tmp_path / "une-ligne.csv"
    path.write_text(f"Nom;Numéro SIRET;SIRET ancien\nA;{keep};{keep}\n", encoding="utf-8")
    dialog = PortfolioImportDialog([], str(tmp_path))
    dialog.siret_column.setText(" Numéro SIRET ")
    assert dialog.chosen_siret_column() == "Numéro SIRET"
    dialog.deleteLater()

    questions: list[str] = []
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]

    def question(*args: object) -> QMessageBox.StandardButton:
        questions.append(str(args[2]))
        return answers[len(questions) - 1]

    monkeypatch.setattr(QMessageBox, "question", question)
    portfolios = window.partner_portfolios
    portfolios.quiet = True
    portfolios.import_portfolio(cap_id, str(path), "Numéro SIRET")
    qtbot.waitUntil(lambda: bool(questions), timeout=30000)
    assert f"ne contient plus {before - 1} entreprise(s)" in questions[0]
    assert "verrous levés" in questions[0]
    qtbot.waitUntil(lambda: portfolios.task is not None and portfolios.task.finished, timeout=30000)
    assert portfolios.last_import is None  # « Non »: nothing imported
    store = open_campaign(sqlite_campaign)
    try:
        assert next(c for c in partner_choices(store) if c.partner_id == cap_id).claims == before
    finally:
        store.close()

    portfolios.import_portfolio(cap_id, str(path), "Numéro SIRET")
    qtbot.waitUntil(lambda: portfolios.last_import is not None, timeout=30000)
    assert len(questions) == 2
    assert portfolios.last_import is not None and portfolios.last_import.dropped == before - 1
    store = open_campaign(sqlite_campaign)
    try:
        assert next(c for c in partner_choices(store) if c.partner_id == cap_id).claims == 1
    finally:
        store.close()


def test_settle_dialog_waits_for_a_partner(qtbot: QtBot, sqlite_campaign: Path) -> None:
    """« Attribuer » stays disabled until a partner is ticked: no silent close without one."""
    store = open_campaign(sqlite_campaign)
    try:
        [conflict] = list_conflicts(store)
    finally:
        store.close()
    dialog = SettleDialog(conflict)
    qtbot.addWidget(dialog)
    assert dialog.ok_button.text() == "Attribuer"
    assert not dialog.ok_button.isEnabled()
    dialog.ok_button.click()
    assert dialog.result() != QDialog.DialogCode.Accepted.value
    assert dialog.chosen_partner() is None
    buttons = dialog.group.buttons()
    assert len(buttons) == len(conflict.claims) >= 2
    buttons[1].click()
    assert dialog.ok_button.isEnabled()
    assert dialog.chosen_partner() == conflict.claims[1].partner_id
    dialog.ok_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted.value


def test_conflicts_summary_singular_and_plural() -> None:
    assert conflicts_summary(0) == "Aucun conflit entre portefeuilles."
    assert conflicts_summary(1).startswith("1 entreprise revendiquée par plusieurs partenaires")
    assert conflicts_summary(1234).startswith(
        "1\u202f234 entreprises revendiquées par plusieurs partenaires : elles ne sont"
    )
