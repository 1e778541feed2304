"""The sessions dock: calendars with clash marks, drag to move with undo, list, clash links."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from planner.db import models
from planner.db.store import open_store
from planner.services.demo.demo_campaign import create_demo
from planner.services.sessions.planning import draft_of, invitees_of, list_sessions, save_session
from planner.services.sessions.venues import venue_from_firm
from planner.services.sirene_import.non_diffusible import (
    NON_DIFFUSIBLE_VENUE,
    scrub_non_diffusible,
)
from planner.ui.sessions.session_models import SESSION_ID_ROLE, VENUE_COLUMN
from planner.ui.sessions.sessions_panel import SessionsPanel

SCREENSHOTS = Path(__file__).resolve().parents[2] / "resources" / "screenshots"


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("session_views") / "demo.planner"
    create_demo(path, rows=2500)
    return path


class _Host(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.undo_stack = QUndoStack(self)


@pytest.fixture
def panel(qtbot: QtBot, demo_file: Path, tmp_path: Path) -> Iterator[SessionsPanel]:
    copy = tmp_path / "demo.planner"
    copy.write_bytes(demo_file.read_bytes())
    store = open_store(copy)
    host = _Host()
    qtbot.addWidget(host)
    widget = SessionsPanel(host, host.undo_stack)
    host.setCentralWidget(widget)
    host.resize(1200, 760)
    host.show()
    widget.set_store(store)
    yield widget
    store.close()


def test_calendar_marks_the_demo_clash_and_links_from_the_clash_list(
    qtbot: QtBot, panel: SessionsPanel, tmp_path: Path
) -> None:
    errors = sum(c.is_error for c in panel.clash_model.clashes)
    warnings = panel.clash_model.rowCount() - errors
    assert errors and warnings  # the demo has both
    assert panel.tabs.tabText(3) == (
        f"Conflits : {errors} erreur{'s' if errors > 1 else ''}, "
        f"{warnings} avertissement{'s' if warnings > 1 else ''}"
    )
    errors = [c for c in panel.clashes if c.is_error]
    assert errors
    clashing = {errors[0].session_id, errors[0].other_id}
    assert clashing <= panel.week.clashing
    row = next(i for i, c in enumerate(panel.clash_model.clashes) if c.is_error)
    index = panel.clash_model.index(row, 2)
    panel._on_clash_activated(index)
    target = panel.clash_model.data(index, SESSION_ID_ROLE)
    record = next(r for r in panel.records if r.id == target)
    assert (
        panel.week.first_day()
        <= record.starts_at.date()
        < panel.week.first_day() + dt.timedelta(days=7)
    )
    selected = panel.list.selectionModel().selectedRows()
    assert [panel.proxy.data(i, SESSION_ID_ROLE) for i in selected] == [target]
    panel.tabs.setCurrentIndex(0)
    panel.window().resize(1280, 720)
    qtbot.waitUntil(lambda: panel.window().size() == QSize(1280, 720))
    # The README's picture is refreshed on demand only (tools/refresh_screenshots.sh).
    folder = SCREENSHOTS if os.environ.get("PLANNER_SCREENSHOTS") else tmp_path
    assert panel.grab().save(str(folder / "sessions.png"))
    rects = {r.id: rect for r, rect in panel.week._placed()}
    first, second = (rects[i] for i in sorted(clashing))
    assert not first.intersects(second)  # overlapping sessions are drawn side by side


def test_list_sorts_by_title(panel: SessionsPanel) -> None:
    panel.list.sortByColumn(2, Qt.SortOrder.AscendingOrder)
    titles = [panel.proxy.index(i, 2).data() for i in range(panel.proxy.rowCount())]
    assert titles == sorted(titles, key=str.casefold)
    assert len(titles) == len(panel.records)


def test_drag_a_session_to_saturday_then_undo(qtbot: QtBot, panel: SessionsPanel) -> None:
    view = panel.week
    record = panel.records[0]
    view.show_session(record.id)
    rect = view.rect_of(record)
    assert rect is not None
    start = rect.center().toPoint()
    days_to_saturday = 5 - record.starts_at.weekday()
    end = start + QPoint(round(days_to_saturday * view._column_width()), 0)
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(view, end)
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=end)
    stack = panel.undo_stack
    assert stack.count() == 1
    assert panel.store is not None
    moved = next(r for r in list_sessions(panel.store) if r.id == record.id)
    assert moved.starts_at == record.starts_at + dt.timedelta(days=days_to_saturday)
    assert moved.ends_at - moved.starts_at == record.ends_at - record.starts_at
    assert any(c.rule == "weekend" and c.session_id == record.id for c in panel.clashes)
    stack.undo()
    back = next(r for r in list_sessions(panel.store) if r.id == record.id)
    assert back.starts_at == record.starts_at


def test_a_venue_from_a_firm_that_became_non_diffusible_is_marked_to_replace(
    panel: SessionsPanel,
) -> None:
    store = panel.store
    assert store is not None
    record = panel.records[0]
    with store.session() as session:
        siret = session.scalars(
            select(models.Establishment.siret)
            .where(models.Establishment.in_target.is_(True), models.Establishment.lon.is_not(None))
            .order_by(models.Establishment.siret)
        ).first()
    assert siret is not None
    site = venue_from_firm(store, siret)
    save_session(
        store,
        replace(draft_of(record, [s for s, _, _ in invitees_of(store, record.id)]), venue_id=site),
        session_id=record.id,
        override="essai",
    )
    with store.session() as session:
        scrub_non_diffusible(session, [siret], None)
    panel.refresh()

    row = panel.model.row_of(record.id)
    cell = panel.model.index(row, VENUE_COLUMN)
    assert cell.data() == f"⚠ {NON_DIFFUSIBLE_VENUE} — à remplacer"
    assert "non diffusible" in cell.data(Qt.ItemDataRole.ToolTipRole)
    assert cell.data(Qt.ItemDataRole.ForegroundRole).name() == "#b00020"
    messages = [panel.clash_model.index(i, 2).data() for i in range(panel.clash_model.rowCount())]
    assert any("établissement devenu non diffusible" in m for m in messages)
    venues = panel.venues.model
    venue_cell = venues.index(venues.row_of(site), 0)
    assert venue_cell.data() == f"⚠ {NON_DIFFUSIBLE_VENUE} — à remplacer"
    assert venues.index(venues.row_of(site), 2).data() == ""


def test_calendars_are_readable_at_the_default_size(qtbot: QtBot, panel: SessionsPanel) -> None:
    """Day names and titles at the window's font (not 8 points); the month shows titles."""
    from PySide6.QtGui import QFontMetricsF

    record = next(r for r in panel.records if r.title)
    panel.show_session(record.id)
    panel.tabs.setCurrentIndex(1)
    month = panel.month
    qtbot.waitExposed(month)
    line = QFontMetricsF(month.font()).height()
    assert month.font().pointSizeF() >= 9
    assert month.month_label(record).lstrip("⚠ ").startswith(record.title)
    rect = month.rect_of(record)
    assert rect is not None and rect.height() >= line
    assert rect.width() > QFontMetricsF(month.font()).horizontalAdvance(record.title[:8])
    tip = month.tooltip_of(record)
    assert record.title in tip and f"{record.starts_at:%d/%m/%Y}" in tip
    week = panel.week
    assert week._grid().top() >= line  # the day names' row holds a line of the font
    image = month.grab().toImage()
    assert not image.isNull()


def test_clashes_label_counts_errors_and_warnings_apart() -> None:
    from planner.domain.session_clashes import Clash
    from planner.services.sessions.planning import clashes_label

    def clash(severity: str) -> Clash:
        return Clash(severity, "overlap", 1, "…")

    assert clashes_label([]) == "Conflits"
    assert clashes_label([clash("error")]) == "Conflits : 1 erreur"
    assert clashes_label([clash("warning")] * 3) == "Conflits : 3 avertissements"
    assert (
        clashes_label([clash("error")] * 2 + [clash("warning")])
        == "Conflits : 2 erreurs, 1 avertissement"
    )
