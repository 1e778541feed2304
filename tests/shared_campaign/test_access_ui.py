"""The app on a shared campaign opened with a partner's login: only its firms, and
the menus of what only coordination may do are hidden."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from planner.cli.main import run
from planner.services.shared_campaign.access import grant
from planner.ui.main_window import MainWindow
from planner.ui.shared_campaign.role_menus import COORDINATION_ONLY, PARTNER_AND_UP
from tests.shared_campaign.test_access_rls import (
    PARTNER,
    SharedDemo,
    grant_partner,
    new_login,
    partner_firms,
    shared_demo,
)

__all__ = ["new_login", "shared_demo"]  # fixtures, imported to be found here too

pytestmark = pytest.mark.postgres


@pytest.fixture
def window(qtbot: QtBot, isolated_settings: Path) -> Iterator[MainWindow]:
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    yield win
    win.close()


def _open(qtbot: QtBot, win: MainWindow, url: str) -> None:
    seen = win.campaign
    win.open_campaign(url)
    qtbot.waitUntil(lambda: win.campaign is not None and win.campaign is not seen, timeout=30000)
    assert win.campaign is not None
    placed = int(win.campaign.firms["lon"].is_not_null().sum())
    qtbot.waitUntil(lambda: win.map.last_drawn_count() == placed, timeout=30000)


def _visible(win: MainWindow) -> dict[str, bool]:
    names = COORDINATION_ONLY | PARTNER_AND_UP
    return {
        a.objectName(): a.isVisible() for a in win.findChildren(QAction) if a.objectName() in names
    }


def test_a_partner_login_sees_its_firms_and_no_coordination_menu(
    qtbot: QtBot, window: MainWindow, shared_demo: SharedDemo, new_login: Callable[[], str]
) -> None:
    login = new_login()
    grant_partner(shared_demo, login, PARTNER)
    mine = partner_firms(shared_demo, PARTNER)

    # As the owner (coordination) first: everything there, every menu shown.
    _open(qtbot, window, shared_demo.url)
    everything = window.campaign.firms.height  # type: ignore[union-attr]
    shown = _visible(window)
    assert set(shown) == (COORDINATION_ONLY | PARTNER_AND_UP) - {"bmoImport"}
    assert all(shown.values())
    assert window.role_menus.label.text().startswith("postgres — coordination — ")

    _open(qtbot, window, shared_demo.as_login(login))
    campaign = window.campaign
    assert campaign is not None
    assert set(campaign.firms["siret"].to_list()) == mine
    assert window.parts.table.model().rowCount() == len(mine) < everything
    shown = _visible(window)
    assert {name for name, visible in shown.items() if not visible} == COORDINATION_ONLY - {
        "bmoImport"
    }
    assert all(shown[name] for name in PARTNER_AND_UP)
    assert window.role_menus.label.text().startswith(f"{login} — partenaire « {PARTNER} » — ")
    # The BMO window opens (the ranking is shared) without its import button.
    followup = window.controllers.followup
    followup.show_bmo()
    assert followup.bmo is not None
    qtbot.waitUntil(followup.bmo.isVisible, timeout=5000)
    button = followup.bmo.findChild(QPushButton, "bmoImport")
    assert button is not None and not button.isVisible()
    followup.bmo.close()


def test_an_adviser_login_cannot_move_firms_nor_export_lists(
    qtbot: QtBot, window: MainWindow, shared_demo: SharedDemo, new_login: Callable[[], str]
) -> None:
    email = str(
        shared_demo.scalar(
            "SELECT a.email FROM adviser a JOIN team t ON t.id = a.team_id "
            "JOIN partner p ON p.id = t.partner_id WHERE p.name = %s ORDER BY a.id LIMIT 1",
            PARTNER,
        )
    )
    login = new_login()
    grant(shared_demo.url, login, "conseiller", adviser_email=email)
    _open(qtbot, window, shared_demo.as_login(login))
    shown = _visible(window)
    assert not any(shown.values())
    assert "conseiller" in window.role_menus.label.text()


def test_a_revoked_login_is_told_in_its_open_window(
    qtbot: QtBot,
    window: MainWindow,
    shared_demo: SharedDemo,
    new_login: Callable[[], str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from planner.ui.shared_campaign import live_updates

    told: list[str] = []
    monkeypatch.setattr(
        live_updates.QMessageBox, "warning", lambda _parent, _title, text: told.append(text)
    )
    login = new_login()
    grant_partner(shared_demo, login, PARTNER)
    _open(qtbot, window, shared_demo.as_login(login))
    assert window.live.wait_listening(10)
    assert run(["access", "revoke", shared_demo.url, "--login", login]) == 0
    qtbot.waitUntil(lambda: bool(told), timeout=5000)
    assert "aucun accès" in told[0] and "fermez la campagne" in told[0]
