"""« Suivi → Mon portefeuille… » on the demo: choose an adviser, record calls with the
keyboard only, see the line change and the firm shown in the main table."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QStandardPaths, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from planner.db import models
from planner.services.followup.portfolio import portfolio as read_portfolio
from planner.services.shared_campaign.access import Access
from planner.ui.followup.portfolio_model import NEXT_STEP, OUTCOME
from planner.ui.followup.portfolio_window import PortfolioWindow
from planner.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, demo_file: Path) -> Iterator[MainWindow]:
    QStandardPaths.setTestModeEnabled(True)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    win.open_campaign(demo_file)
    qtbot.waitUntil(lambda: win.campaign is not None, timeout=30000)
    yield win
    win.close()


def _open_portfolio(win: MainWindow, qtbot: QtBot) -> PortfolioWindow:
    menu = next(a.menu() for a in win.menuBar().actions() if a.text() == "&Suivi")
    action = next(a for a in menu.actions() if a.text() == "Mon &portefeuille…")  # type: ignore[union-attr]
    action.trigger()
    portfolio = win.controllers.followup.portfolio
    assert isinstance(portfolio, PortfolioWindow)
    qtbot.waitUntil(lambda: portfolio.loaded, timeout=10000)
    portfolio.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is portfolio)
    return portfolio


def _type(qtbot: QtBot, text: str) -> None:
    """Type into whatever widget has the keyboard focus."""
    widget = QApplication.focusWidget()
    assert widget is not None
    qtbot.keyClicks(widget, text)


def _key(
    qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    widget = QApplication.focusWidget()
    assert widget is not None
    qtbot.keyClick(widget, key, modifier)


def _stored(win: MainWindow, siret: str) -> list[tuple[str, str | None, str | None]]:
    assert win.campaign is not None
    with win.campaign.store.session() as session:
        contacts = session.scalars(
            select(models.Contact).where(
                models.Contact.siret == siret, models.Contact.source_file == "Mon portefeuille"
            )
        ).all()
        return [
            (c.outcome, c.next_step, ",".join(f"{n.rome_code}:{n.posts}" for n in c.needs))
            for c in contacts
        ]


def test_record_calls_with_the_keyboard(qtbot: QtBot, window: MainWindow) -> None:
    portfolio = _open_portfolio(window, qtbot)
    first_adviser = portfolio.adviser_id()
    assert portfolio.adviser_box.isEnabled()  # no conseiller login on a SQLite file
    # Choose the next adviser with the keyboard.
    portfolio.adviser_box.setFocus()
    qtbot.keyClick(portfolio.adviser_box, Qt.Key.Key_Down)
    assert portfolio.adviser_id() != first_adviser
    qtbot.waitUntil(lambda: portfolio.loaded, timeout=10000)
    model = portfolio.model
    assert model.rowCount() > 10
    assert portfolio.view.currentIndex().row() == 0
    assert QApplication.focusWidget() is portfolio.form.outcome
    first = model.line(0)
    second = model.line(1)
    # The firm chosen is the one selected in the main table (and framed on the map).
    assert window.campaign is not None
    firms = window.campaign.firms
    assert [firms["siret"][i] for i in window.parts.table.selected_ids()] == [first.siret]

    # « B » = Besoin recueilli, Tab, needs, Tab, next step, Enter: saved, next firm.
    _type(qtbot, "b")
    assert portfolio.form.outcome.outcome() == "Besoin recueilli"
    _key(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is portfolio.form.needs
    _type(qtbot, "n1103 2")
    _key(qtbot, Qt.Key.Key_Tab)
    _type(qtbot, "envoyer l'offre")
    _key(qtbot, Qt.Key.Key_Return)
    assert _stored(window, first.siret)[-1] == ("Besoin recueilli", "envoyer l'offre", "N1103:2")
    assert model.index(0, OUTCOME).data() == "Besoin recueilli"
    assert model.index(0, NEXT_STEP).data() == "envoyer l'offre"
    assert model.line(0).contacts == first.contacts + 1
    assert portfolio.view.currentIndex().row() == 1
    assert QApplication.focusWidget() is portfolio.form.outcome
    assert portfolio.form.needs.text() == "" and portfolio.form.outcome.outcome() is None
    assert [firms["siret"][i] for i in window.parts.table.selected_ids()] == [second.siret]
    assert "Appel enregistré" in portfolio.message.text()

    # A bad entry: « 6 » = Refus with posts is refused in French, nothing is written.
    _type(qtbot, "6")
    assert portfolio.form.outcome.outcome() == "Refus"
    _key(qtbot, Qt.Key.Key_Tab)
    _type(qtbot, "3")
    _key(qtbot, Qt.Key.Key_Return)
    assert "Postes saisis alors que le résultat est « Refus »" in portfolio.message.text()
    assert _stored(window, second.siret) == []
    assert portfolio.view.currentIndex().row() == 1
    assert QApplication.focusWidget() is portfolio.form.needs

    # Fixed, then Ctrl+Entrée saves and stays on the firm.
    portfolio.form.needs.selectAll()
    _key(qtbot, Qt.Key.Key_Delete)
    _key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert _stored(window, second.siret) == [("Refus", None, "")]
    assert portfolio.view.currentIndex().row() == 1
    assert model.index(1, OUTCOME).data() == "Refus"

    # Ctrl+↓ moves on without saving; the line read again keeps its row.
    _key(qtbot, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert portfolio.view.currentIndex().row() == 2
    # The saved line is read again off the GUI thread (its priority changes), in place.
    assert window.campaign is not None
    store, adviser = window.campaign.store, portfolio.adviser_id()
    assert adviser is not None
    (fresh,) = read_portfolio(store, adviser, sirets=[first.siret])
    qtbot.waitUntil(lambda: model.line(0) == fresh)

    # Closing refreshes the main window's firms: their status shows the new calls.
    portfolio.close()
    qtbot.waitUntil(
        lambda: (
            window.campaign is not None
            and window.campaign.firms.filter(window.campaign.firms["siret"] == first.siret)[
                "status"
            ].item()
            == "Besoin recueilli"
        ),
        timeout=10000,
    )


def test_a_conseiller_login_is_locked_to_its_portfolio(
    qtbot: QtBot, demo_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the login is a « conseiller », its adviser is chosen and locked."""
    from planner.services.campaign.campaign_store import open_campaign
    from planner.services.followup.portfolio import advisers_for_portfolio

    store = open_campaign(demo_file)
    try:
        me = advisers_for_portfolio(store)[3]
        access = Access(login="amina", role="conseiller", adviser_id=me.id)
        monkeypatch.setattr(
            "planner.services.followup.portfolio.current_access", lambda _store: access
        )
        window = PortfolioWindow(store)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: window.loaded, timeout=10000)
        assert window.adviser_id() == me.id
        assert not window.adviser_box.isEnabled()
        assert window.model.rowCount() == me.firms
        window.select_adviser(advisers_for_portfolio(store)[0].id)
        assert window.adviser_id() == me.id  # still locked
        window.close()
    finally:
        store.close()


def test_needs_complete_rome_labels(qtbot: QtBot) -> None:
    from planner.ui.followup.portfolio_form import CallForm

    form = CallForm()
    qtbot.addWidget(form)
    completer = form.completer
    assert completer is not None
    assert completer.splitPath("N1103 2, magasinage") == ["magasinage"]
    assert completer.splitPath("N1103 2") == ["\x00"]  # nothing left to complete
    assert completer.splitPath("G1602 1, n1103") == ["\x00"]
    assert completer.splitPath("G1602 1, n110") == ["n110"]
    form.needs.setText("G1602 1, carist")
    completer.setCompletionPrefix("carist")  # any part of the label, any case
    assert completer.currentIndex().data() == "N1101 — Cariste"
    assert completer.currentCompletion() == "G1602 1, N1101 "  # the code replaces the words


def test_a_firm_moved_meanwhile_is_refused(qtbot: QtBot, window: MainWindow) -> None:
    """Another coordinator gives the firm to someone else: the call is refused, in French."""
    portfolio = _open_portfolio(window, qtbot)
    line = portfolio.current_line()
    assert line is not None and window.campaign is not None
    with window.campaign.store.session() as session:
        assignment = session.get(models.Assignment, line.siret)
        assert assignment is not None
        other = session.scalars(
            select(models.Adviser.id).where(models.Adviser.id != assignment.adviser_id)
        ).first()
        assignment.adviser_id = other
    _type(qtbot, "2")
    _key(qtbot, Qt.Key.Key_Return)
    assert "réattribuée depuis l'ouverture du portefeuille" in portfolio.message.text()
    assert _stored(window, line.siret) == []
    assert portfolio.current_line() == line  # still on it, nothing changed
    assert portfolio.form.outcome.outcome() == "À rappeler"  # what was typed is kept
    _key(qtbot, Qt.Key.Key_F5)  # read again: the firm left the portfolio
    qtbot.waitUntil(lambda: portfolio.loaded and portfolio.model.row_of(line.siret) is None)
    portfolio.close()
