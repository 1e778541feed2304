"""Sessions in the main window: the map layer of venues, and a pin chooses its session."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPainter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDockWidget
from pytestqt.qtbot import QtBot

from planner.domain import clock
from planner.services.sessions.planning import SessionDraft, list_sessions, save_session
from planner.services.sessions.venues import add_free_venue
from planner.ui.main_window import MainWindow
from planner.ui.sessions.session_models import SESSION_ID_ROLE
from tests.map.page_calls import evaluate, grab
from tests.page_input import mouse_move

SCREENSHOT = Path(__file__).resolve().parents[2] / "resources" / "screenshots" / "sessions-map.png"


@pytest.fixture
def window(
    qtbot: QtBot, tmp_path: Path, demo_file: Path, isolated_settings: Path
) -> Iterator[MainWindow]:
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1500, 950)
    win.show()
    copy = tmp_path / "demo.planner"
    copy.write_bytes(demo_file.read_bytes())
    win.open_campaign(copy)
    qtbot.waitUntil(lambda: win.campaign is not None, timeout=30000)
    assert win.campaign is not None
    placed = int(win.campaign.firms["lon"].is_not_null().sum())
    qtbot.waitUntil(lambda: win.map.last_drawn_count() == placed, timeout=30000)
    yield win
    win.close()


def _js(win: MainWindow, script: str) -> Any:
    text = evaluate(win.map, f"JSON.stringify(({script}))")
    return json.loads(text) if text else None


def _markers(win: MainWindow) -> list[dict[str, Any]]:
    return list(_js(win, "PlannerMap.test.sessionMarkers()") or [])


def test_one_pin_per_session_venue_and_a_click_selects_its_session(
    qtbot: QtBot, window: MainWindow
) -> None:
    assert window.campaign is not None
    records = list_sessions(window.campaign.store)
    venues = {
        r.venue.id: r.venue
        for r in records
        if r.venue is not None and r.venue.lon is not None and r.status != "cancelled"
    }
    assert len(venues) >= 3
    qtbot.waitUntil(lambda: len(_markers(window)) == len(venues), timeout=10_000)
    markers = _markers(window)
    assert sorted(m["venue"] for m in markers) == sorted(venues)
    for marker in markers:
        venue = venues[int(marker["venue"])]
        assert (marker["lat"], marker["lon"]) == (venue.lat, venue.lon)
        assert marker["shown"] is True

    target = min(markers, key=lambda m: float(m["lat"]))
    upcoming = sorted(
        (r for r in records if r.venue and r.venue.id == target["venue"]),
        key=lambda r: r.starts_at,
    )
    expected = next(r for r in upcoming if r.ends_at >= clock.now()).id
    with qtbot.waitSignal(window.map.sessionClicked, timeout=5_000):
        evaluate(window.map, f"PlannerMap.test.clickVenue({target['venue']})")
    panel = window.controllers.sessions.panel
    assert window.controllers.sessions.planning.isVisible()
    chosen = [
        panel.proxy.data(i, SESSION_ID_ROLE) for i in panel.list.selectionModel().selectedRows()
    ]
    assert chosen == [expected]
    assert panel.selected_session() == expected

    if os.environ.get("PLANNER_SCREENSHOTS"):
        for dock in window.findChildren(QDockWidget):
            dock.hide()
        window.resize(1500, 950)
        # Leaflet has taken the map view's new size.
        qtbot.waitUntil(
            lambda: _js(window, "PlannerMap.test.map().getSize().x") == window.map.view().width()
        )
        window.map.fit_bassin()  # runs in the page before the next script (same queue)
        evaluate(
            window.map,
            "void PlannerMap.test.map().eachLayer(function (l) {"
            f" if (l.pmVenue && l.pmVenue.id === {target['venue']}) l.openTooltip(); }})",
        )
        qtbot.waitUntil(lambda: _js(window, "document.querySelector('.leaflet-tooltip') !== null"))
        image = window.grab().toImage()
        painter = QPainter(image)
        painter.drawImage(window.map.mapTo(window, QPoint(0, 0)), grab(window.map))
        painter.end()
        image.save(str(SCREENSHOT))

    # The layer is a toggle of the Affichage menu.
    window.controllers.sessions.map_action.setChecked(False)
    qtbot.waitUntil(lambda: _markers(window) == [], timeout=5_000)
    window.controllers.sessions.map_action.setChecked(True)
    qtbot.waitUntil(lambda: len(_markers(window)) == len(venues), timeout=5_000)
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Affichage")
    assert window.controllers.sessions.map_action in view_menu.actions()
    assert window.map.javascript_errors() == []


def test_venues_tab_lists_every_venue(window: MainWindow) -> None:
    assert window.campaign is not None
    page = window.controllers.sessions.panel.venues
    assert window.controllers.sessions.panel.tabs.tabText(4) == "Lieux"
    records = list_sessions(window.campaign.store)
    used = {r.venue.id for r in records if r.venue is not None}
    assert used <= {v.id for v in page.model.venues}
    counts = {v.id: page.model.sessions.get(v.id, 0) for v in page.model.venues}
    assert sum(counts.values()) == sum(1 for r in records if r.venue is not None)


def test_placing_a_venue_from_the_venues_tab(qtbot: QtBot, window: MainWindow) -> None:
    assert window.campaign is not None
    store = window.campaign.store
    venue = add_free_venue(store, "Salle des fêtes", "12 rue de la Paix")
    start = dt.datetime.combine(clock.today() + dt.timedelta(days=9), dt.time(9))
    while start.weekday() >= 5:
        start += dt.timedelta(days=1)
    save_session(
        store,
        SessionDraft("discovery", "Séance à placer", start, start + dt.timedelta(hours=2), venue),
    )
    panel = window.controllers.sessions.panel
    panel.refresh()
    assert "venue_unplaced" in {c.rule for c in panel.clashes}
    assert "1 lieu(x) à placer" in panel.venues.hint.text()
    panel.tabs.setCurrentIndex(4)
    panel.venues.select(venue)
    panel.venues.place_selected()
    qtbot.waitUntil(lambda: _js(window, "PlannerMap.test.picking()") is True, timeout=5_000)
    assert "Salle des fêtes" in window.statusBar().currentMessage()
    x, y = _js(window, "PlannerMap.test.pointOf(48.93, 2.41)")
    point = QPoint(round(x), round(y))
    target = window.map.view().focusProxy()
    mouse_move(qtbot, lambda script: _js(window, script), target, point)
    with qtbot.waitSignal(panel.refreshed, timeout=5_000):
        QTest.mouseClick(target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    assert "venue_unplaced" not in {c.rule for c in panel.clashes}
    assert panel.venues.hint.text() == ""
    qtbot.waitUntil(lambda: venue in {m["venue"] for m in _markers(window)}, timeout=5_000)
    assert window.map.javascript_errors() == []


def test_the_planning_opens_in_its_own_window_and_the_map_keeps_its_size(
    qtbot: QtBot, window: MainWindow
) -> None:
    """Issue 15, item 9: a dock under the map shrank it to a strip."""
    sessions = window.controllers.sessions
    before = window.map.size()
    assert not sessions.planning.isVisible()
    sessions.planning_action.trigger()
    qtbot.waitExposed(sessions.planning)
    assert sessions.planning.isWindow()
    assert sessions.planning.panel is sessions.panel
    assert sessions.planning_action.isChecked()
    assert window.map.size() == before
    assert window.map.view().height() > window.height() // 2
    sessions.planning.close()
    qtbot.waitUntil(lambda: not sessions.planning.isVisible())
    assert not sessions.planning_action.isChecked()
    sessions.planning_action.trigger()  # back, with the same panel
    qtbot.waitExposed(sessions.planning)
    assert sessions.planning.isVisible() and sessions.panel.records
