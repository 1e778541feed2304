"""Live updates in the open window: a change made by another connection to a PostgreSQL
campaign shows within two seconds (firms, map data, teams dock, card, calendar, editor)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from planner.db import models
from planner.db.store import open_store
from planner.services.demo.demo_campaign import create_demo
from planner.ui.main_window import MainWindow
from planner.ui.sessions.session_editor import SessionEditor
from planner.ui.shared_campaign.live_updates import BANNER_NAME

FEED_THREAD = "planner-change-feed"


def _feed_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == FEED_THREAD and t.is_alive()]


@pytest.fixture
def pg_demo(pg_database: str) -> str:
    create_demo(pg_database, rows=300, seed=3)
    return pg_database


@pytest.fixture
def window(qtbot: QtBot, isolated_settings: Path) -> Iterator[MainWindow]:
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    yield win
    win.close()


def _open(qtbot: QtBot, win: MainWindow, target: str | Path) -> None:
    win.open_campaign(target)
    qtbot.waitUntil(lambda: win.campaign is not None, timeout=30000)
    assert win.campaign is not None
    placed = int(win.campaign.firms["lon"].is_not_null().sum())
    qtbot.waitUntil(lambda: win.map.last_drawn_count() == placed, timeout=30000)


def _sql(url: str, statement: str, params: tuple[object, ...]) -> None:
    """Another connection (another coordinator's app, psql…) changes the campaign."""
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        conn.execute(statement, params)  # type: ignore[arg-type]


def _firm_and_teams(url: str) -> tuple[str, int, str, int, str]:
    with open_store(url) as store, store.session() as session:
        siret, team_id = session.execute(
            select(models.Assignment.siret, models.Assignment.team_id).order_by(
                models.Assignment.siret
            )
        ).first()  # type: ignore[misc]
        team = session.get(models.Team, team_id)
        other = session.scalars(
            select(models.Team).where(models.Team.id != team_id).order_by(models.Team.id)
        ).first()
        assert team is not None and other is not None
        return siret, team_id, team.name, other.id, other.name


def _team_of(win: MainWindow, siret: str) -> int | None:
    firms = win.parts.table.firm_model.firms()  # what the table and the map were given
    value = firms.filter(firms["siret"] == siret)["team_id"].item()
    return None if value is None else int(value)


def _assigned(win: MainWindow, team_id: int) -> int:
    rows = win.controllers.task_force.model.rows
    return next(row.assigned for row in rows if row.id == team_id)


@pytest.mark.postgres
def test_an_assignment_changed_elsewhere_shows_within_two_seconds(
    qtbot: QtBot, window: MainWindow, pg_demo: str
) -> None:
    siret, team_id, team_name, other_id, other_name = _firm_and_teams(pg_demo)
    _open(qtbot, window, pg_demo)
    assert window.live.wait_listening(10)
    campaign = window.campaign
    assert campaign is not None
    firm_id = int(campaign.firms.filter(campaign.firms["siret"] == siret)["id"].item())
    window.parts.table.select_ids([firm_id])  # the firm's card is open
    details = window.controllers.firms.details
    assert details.value("Équipe") == team_name
    assert _team_of(window, siret) == team_id
    before = _assigned(window, other_id)

    _sql(
        pg_demo,
        "UPDATE assignment SET team_id = %s, adviser_id = NULL WHERE siret = %s",
        (other_id, siret),
    )

    qtbot.waitUntil(
        lambda: _team_of(window, siret) == other_id and details.value("Équipe") == other_name,
        timeout=2000,
    )
    assert _assigned(window, other_id) == before + 1  # the teams dock
    assert window.parts.table.selected_ids() == [firm_id]  # the same firm stays selected
    journal = [v for k, v in _card_fields(window).items() if k.startswith("Le ")]
    assert any(f"{team_name} → {other_name}" in text for text in journal)


@pytest.mark.postgres
def test_a_change_during_a_reload_of_the_window_is_not_lost(
    qtbot: QtBot, window: MainWindow, pg_demo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reload under way read the firms before the change: another one must follow.

    The reload started by the window reads, then waits (up to a second) for a
    second reload to start; a second one reads only once the first has ended.
    Had the live updates started theirs during the first, it would end last and
    be dropped by the window (it began on a campaign object since replaced).
    """
    from planner.ui.campaign import controller

    siret, _team, _name, other_id, _other_name = _firm_and_teams(pg_demo)
    _open(qtbot, window, pg_demo)
    assert window.live.wait_listening(10)
    real = controller.reload_firms
    first_read, second_started, first_done = (threading.Event() for _ in range(3))

    def reload(loaded: Any) -> Any:
        if not first_read.is_set():
            fresh = real(loaded)
            first_read.set()
            second_started.wait(1.0)
            first_done.set()
            return fresh
        second_started.set()
        first_done.wait(10)
        return real(loaded)

    monkeypatch.setattr(controller, "reload_firms", reload)
    window.refresh_firms()  # the app's own reload (after an import, an undo…)
    assert first_read.wait(10)
    _sql(
        pg_demo,
        "UPDATE assignment SET team_id = %s, adviser_id = NULL WHERE siret = %s",
        (other_id, siret),
    )
    qtbot.waitUntil(lambda: _team_of(window, siret) == other_id, timeout=5000)


@pytest.mark.postgres
def test_an_invitation_made_elsewhere_shows_on_the_open_card(
    qtbot: QtBot, window: MainWindow, pg_demo: str
) -> None:
    siret = _firm_and_teams(pg_demo)[0]
    _open(qtbot, window, pg_demo)
    assert window.live.wait_listening(10)
    campaign = window.campaign
    assert campaign is not None
    firm_id = int(campaign.firms.filter(campaign.firms["siret"] == siret)["id"].item())
    window.parts.table.select_ids([firm_id])
    details = window.controllers.firms.details
    assert details.value("Séances") == "aucune"
    session = window.controllers.sessions.panel.records[0]
    seen = window.campaign

    _sql(
        pg_demo,
        "INSERT INTO session_invitee (session_id, siret, status, version) VALUES (%s, %s, %s, 0)",
        (session.id, siret, "invited"),
    )

    qtbot.waitUntil(lambda: details.value("Séances") == "1", timeout=2000)
    assert window.campaign is seen  # the card and the calendar only: no reload of the firms
    record = next(r for r in window.controllers.sessions.panel.records if r.id == session.id)
    assert record.invitees == session.invitees + 1


def _card_fields(win: MainWindow) -> dict[str, str]:
    details = win.controllers.firms.details
    return dict(details._values)


@pytest.mark.postgres
def test_a_session_changed_while_open_in_the_editor_is_flagged(
    qtbot: QtBot, window: MainWindow, pg_demo: str
) -> None:
    _open(qtbot, window, pg_demo)
    assert window.live.wait_listening(10)
    panel = window.controllers.sessions.panel
    record = panel.records[0]
    campaign = window.campaign
    assert campaign is not None
    editor = SessionEditor(window, campaign.store, record, firms=campaign.firms)
    qtbot.addWidget(editor)
    editor.show()  # the user is editing this session

    _sql(
        pg_demo,
        "UPDATE discovery_session SET title = %s WHERE id = %s",
        ("Titre changé ailleurs", record.id),
    )

    def flagged() -> bool:
        banner = editor.findChild(QLabel, BANNER_NAME)
        return banner is not None and banner.isVisible()

    qtbot.waitUntil(flagged, timeout=2000)
    banner = editor.findChild(QLabel, BANNER_NAME)
    assert "modifiée par postgres (titre)" in banner.text()
    assert editor.title_edit.text() == record.title  # the user's text is left as it was
    # the calendar shows the new title
    assert next(r for r in panel.records if r.id == record.id).title == "Titre changé ailleurs"

    _sql(pg_demo, "DELETE FROM discovery_session WHERE id = %s", (record.id,))
    qtbot.waitUntil(lambda: "supprimée par postgres" in banner.text(), timeout=2000)
    assert all(r.id != record.id for r in panel.records)
    editor.reject()


@pytest.mark.postgres
def test_the_feed_stops_with_the_window_and_on_another_campaign(
    qtbot: QtBot, window: MainWindow, pg_demo: str, demo_file: Path
) -> None:
    _open(qtbot, window, pg_demo)
    assert window.live.wait_listening(10) and window.live.running
    assert len(_feed_threads()) == 1
    _open_other(qtbot, window, demo_file)  # an SQLite campaign: no feed
    assert not window.live.running and _feed_threads() == []
    _open_other(qtbot, window, pg_demo)
    assert window.live.wait_listening(10)
    window.close()
    assert not window.live.running and _feed_threads() == []


def _open_other(qtbot: QtBot, win: MainWindow, path: Path | str) -> None:
    seen = win.campaign
    win.open_campaign(path)
    qtbot.waitUntil(lambda: win.campaign is not seen, timeout=30000)
    assert win.campaign is not None
    placed = int(win.campaign.firms["lon"].is_not_null().sum())
    qtbot.waitUntil(lambda: win.map.last_drawn_count() == placed, timeout=30000)


@pytest.mark.postgres
def test_an_open_portfolio_follows_a_firm_moved_elsewhere(
    qtbot: QtBot, window: MainWindow, pg_demo: str
) -> None:
    """An adviser's portfolio loses, within two seconds, a firm another partner's login moved
    away; while a call is being typed it says so instead of reloading under the user."""
    from planner.ui.followup.portfolio_window import PortfolioWindow

    _open(qtbot, window, pg_demo)
    assert window.live.wait_listening(10)
    window.controllers.followup.show_portfolio()
    portfolio = window.controllers.followup.portfolio
    assert isinstance(portfolio, PortfolioWindow)
    qtbot.waitUntil(lambda: portfolio.loaded, timeout=10000)
    model = portfolio.model
    assert model.rowCount() > 1
    first, second = model.line(0).siret, model.line(1).siret

    _sql(pg_demo, "UPDATE assignment SET adviser_id = NULL WHERE siret = %s", (first,))
    qtbot.waitUntil(lambda: portfolio.loaded and model.row_of(first) is None, timeout=2000)

    portfolio.form.next_step.setText("rappeler lundi")  # a call being typed
    _sql(pg_demo, "UPDATE assignment SET adviser_id = NULL WHERE siret = %s", (second,))
    qtbot.waitUntil(lambda: "modifié par" in portfolio.message.text(), timeout=2000)
    assert model.row_of(second) is not None  # not reloaded under the user's typing
    assert portfolio.form.next_step.text() == "rappeler lundi"
