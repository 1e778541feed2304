"""The main window on a real demo campaign: map and table in step, filters, selection."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QPainter
from pytestqt.qtbot import QtBot

from planner.services.firms.firm_query import FirmFilter
from planner.ui.main_window import MainWindow
from tests.map.page_calls import drawn_count, grab

SCREENSHOT = Path(__file__).resolve().parents[2] / "resources" / "screenshots" / "main-window.png"


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, isolated_settings: Path) -> Iterator[MainWindow]:
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1400, 860)
    win.show()
    yield win
    win.close()


def _open(qtbot: QtBot, win: MainWindow, path: Path) -> None:
    win.open_campaign(path)
    qtbot.waitUntil(lambda: win.campaign is not None, timeout=30000)
    assert win.campaign is not None
    placed = int(win.campaign.firms["lon"].is_not_null().sum())
    qtbot.waitUntil(lambda: win.map.last_drawn_count() == placed, timeout=30000)


def test_demo_campaign_opens_with_every_firm_drawn(
    qtbot: QtBot, window: MainWindow, demo_file: Path
) -> None:
    _open(qtbot, window, demo_file)
    campaign = window.campaign
    assert campaign is not None and campaign.header.is_demo
    assert (
        window.controllers.campaign.banner.isVisible()
        and "fictives" in window.controllers.campaign.banner.text()
    )
    total = campaign.firms.height
    assert total > 2000
    assert window.parts.table.firm_model.rowCount() == total
    assert drawn_count(window.map) == int(campaign.firms["lon"].is_not_null().sum())
    assert f"sur {total:,}".replace(",", "\u202f") in window.controllers.firms.count_label.text()
    assert str(demo_file) in window.controllers.campaign.recent_files()

    image = window.grab().toImage()
    assert not image.isNull()
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 37) for y in range(0, image.height(), 37)
    }
    assert len(colours) > 20  # map, table and panels drawn, not a blank window
    if os.environ.get("PLANNER_SCREENSHOTS"):
        # A widget grab leaves the web view's area empty: paint the map's own grab there.
        painter = QPainter(image)
        painter.drawImage(window.map.mapTo(window, QPoint(0, 0)), grab(window.map))
        painter.end()
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        image.save(str(SCREENSHOT))


def test_a_filter_changes_map_and_table_together(
    qtbot: QtBot, window: MainWindow, demo_file: Path
) -> None:
    _open(qtbot, window, demo_file)
    assert window.campaign is not None
    firms = window.campaign.firms
    wanted = FirmFilter(sections=frozenset({"F"}))
    expected = firms.filter(wanted.apply(firms))
    window.controllers.firms.filters.filterChanged.emit(wanted)
    placed = int(expected["lon"].is_not_null().sum())
    qtbot.waitUntil(lambda: window.map.last_drawn_count() == placed, timeout=10000)
    assert window.parts.table.firm_model.rowCount() == expected.height < firms.height
    assert (
        f"{expected.height} établissements affichés"
        in window.controllers.firms.count_label.text().replace("\u202f", "")
    )


def test_map_selection_selects_rows_and_rows_frame_the_map(
    qtbot: QtBot, window: MainWindow, demo_file: Path
) -> None:
    _open(qtbot, window, demo_file)
    ids = [3, 10, 42]
    window.map.selectionDrawn.emit(ids)
    assert sorted(window.parts.table.selected_ids()) == ids
    window.map.firmClicked.emit(7)
    assert window.parts.table.selected_ids() == [7]
    assert window.controllers.firms.details.value("SIRET") != ""
