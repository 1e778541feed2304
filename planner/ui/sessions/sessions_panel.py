"""The sessions planning: week and month calendars, sortable list, clash list, venues."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QStatusBar,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from planner.domain import clock
from planner.domain.errors import PlannerError
from planner.services.campaign.campaign_store import CampaignStore
from planner.services.sessions.planning import (
    ClashError,
    check_move,
    clashes_label,
    list_sessions,
    move_session,
    plan_clashes,
)
from planner.ui.map.map_widget import MapWidget
from planner.ui.sessions.calendar_view import CalendarView
from planner.ui.sessions.session_models import (
    SESSION_ID_ROLE,
    ClashTableModel,
    SessionTableModel,
)
from planner.ui.sessions.venue_picking import place_venue
from planner.ui.sessions.venues_tab import VenuesPage


class MoveSessionCommand(QUndoCommand):
    """Move a session (undoable); the clash override given at drop time is kept."""

    def __init__(
        self,
        panel: SessionsPanel,
        session_id: int,
        old: dt.datetime,
        new: dt.datetime,
        override: str | None,
    ) -> None:
        super().__init__(f"Déplacer la séance au {new:%d/%m/%Y %H:%M}")
        self.panel, self.session_id, self.old, self.new = panel, session_id, old, new
        self.override = override

    def redo(self) -> None:
        self.panel.apply_move(self.session_id, self.new, self.override)

    def undo(self) -> None:
        self.panel.apply_move(self.session_id, self.old, "annulation d'un déplacement")


class SessionsPanel(QWidget):
    """Everything about the campaign's sessions, refreshed from the store.

    Signals:
        refreshed(): sessions, clashes and venues were reloaded (the map layer follows).
    """

    refreshed = Signal()

    def __init__(
        self,
        parent: QWidget,
        undo_stack: QUndoStack,
        map_widget: MapWidget | None = None,
        status_bar: QStatusBar | None = None,
    ) -> None:
        """``undo_stack`` takes the moves; ``map_widget`` places venues (none: no placing)."""
        super().__init__(parent)
        self.undo_stack = undo_stack
        self._map = map_widget
        self._status_bar = status_bar
        self.store: CampaignStore | None = None
        self.records: list[Any] = []
        self.clashes: list[Any] = []
        self.tabs = QTabWidget(self)
        self.week = CalendarView("week", self)
        self.month = CalendarView("month", self)
        self.model = SessionTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.list = QTableView(self)
        self.list.setModel(self.proxy)
        self.list.setSortingEnabled(True)
        self.list.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.list.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.list.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.clash_model = ClashTableModel(self)
        self.clash_list = QTableView(self)
        self.clash_list.setModel(self.clash_model)
        self.clash_list.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.clash_list.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self._titles: list[tuple[CalendarView, QLabel]] = []
        self.tabs.addTab(self._calendar_page(self.week), "Semaine")
        self.tabs.addTab(self._calendar_page(self.month), "Mois")
        self.tabs.addTab(self.list, "Liste")
        self.tabs.addTab(self.clash_list, "Conflits")
        self.venues = VenuesPage(self, self.place_venue)
        self.venues.venuesChanged.connect(self.refresh)
        self.tabs.addTab(self.venues, "Lieux")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        for view in (self.week, self.month):
            view.sessionMoved.connect(self.request_move)
            view.sessionActivated.connect(self.show_session)
        self.clash_list.doubleClicked.connect(self._on_clash_activated)
        self.list.doubleClicked.connect(self._on_list_activated)

    def _calendar_page(self, view: CalendarView) -> QWidget:
        page = QWidget(self)
        bar = QHBoxLayout()
        title = QLabel(view.title(), page)
        title.setStyleSheet("font-weight: bold")
        buttons = [("◀", -1), ("Aujourd'hui", 0), ("▶", 1)]
        for text, step in buttons:
            button = QPushButton(text, page)

            def go(_checked: bool = False, step: int = step) -> None:
                if step:
                    view.step(step)
                else:
                    view.anchor = clock.today()
                    view.update()
                title.setText(view.title())

            button.clicked.connect(go)
            bar.addWidget(button)
        bar.addWidget(title, 1)
        self._titles.append((view, title))
        layout = QVBoxLayout(page)
        layout.addLayout(bar)
        layout.addWidget(view, 1)
        return page

    # ----------------------------------------------------------------- data

    def set_store(self, store: CampaignStore | None) -> None:
        self.store = store
        first = self.refresh()
        if first is not None:
            for view, title in self._titles:
                view.anchor = first
                title.setText(view.title())

    def refresh(self) -> dt.date | None:
        """Reload sessions and clashes; return the first session's day."""
        if self.store is None:
            self.records, self.clashes = [], []
        else:
            self.records = list_sessions(self.store)
            self.clashes = plan_clashes(self.store)
        clashing = {
            sid for c in self.clashes if c.is_error for sid in (c.session_id, c.other_id) if sid
        }
        for view in (self.week, self.month):
            view.set_data(self.records, clashing)
        self.model.set_data(self.records, self.clashes)
        self.clash_model.set_data(self.records, self.clashes)
        # Counted from the rows the tab lists: errors and warnings apart.
        self.tabs.setTabText(3, clashes_label(self.clash_model.clashes))
        per_venue: dict[int, int] = {}
        for record in self.records:
            if record.venue is not None:
                per_venue[record.venue.id] = per_venue.get(record.venue.id, 0) + 1
        self.venues.set_data(self.store, per_venue)
        self.refreshed.emit()
        return self.records[0].starts_at.date() if self.records else None

    def place_venue(self, venue_id: int, name: str) -> bool:
        """Start « Placer sur la carte » on the main window's map; False without a map."""
        map_widget = self._map
        if map_widget is None or self.store is None:
            return False
        store = self.store

        def tell(text: str, ms: int) -> None:
            if self._status_bar is not None:
                self._status_bar.showMessage(text, ms)

        def placed(_venue_id: int) -> None:
            if self.store is store:
                self.refresh()
                tell(f"« {name} » est placé sur la carte.", 5000)

        place_venue(map_widget, store, venue_id, name, placed)
        # The planning has its own window: bring the map's window up for the click.
        map_widget.window().raise_()
        map_widget.window().activateWindow()
        tell(f"Cliquez sur la carte pour placer « {name} » (Échap pour annuler).", 15000)
        return True

    # ---------------------------------------------------------------- moves

    def request_move(self, session_id: int, new_start: dt.datetime) -> None:
        """A drop in a calendar: check, ask for an override on clash errors, push an undo."""
        record = next(r for r in self.records if r.id == session_id)
        override = record.clash_override
        assert self.store is not None
        try:
            errors = [c for c in check_move(self.store, session_id, new_start) if c.is_error]
        except PlannerError as exc:
            QMessageBox.warning(self, "Séances", str(exc))
            return
        if errors and not override:
            reason, ok = QInputDialog.getText(
                self,
                "Conflit",
                f"{ClashError(errors)}\n\nDéplacer quand même ? Indiquez pourquoi :",
            )
            if not ok or not reason.strip():
                self.refresh()
                return
            override = reason.strip()
        self.undo_stack.push(
            MoveSessionCommand(self, session_id, record.starts_at, new_start, override)
        )

    def apply_move(self, session_id: int, start: dt.datetime, override: str | None) -> None:
        assert self.store is not None
        move_session(self.store, session_id, start, override=override)
        self.refresh()

    # ----------------------------------------------------------- navigation

    def show_session(self, session_id: int) -> None:
        """Select the session in the list and bring it into view in the calendars."""
        for view, title in self._titles:
            view.show_session(session_id)
            title.setText(view.title())
        row = self.model.row_of(session_id)
        if row >= 0:
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            self.list.selectRow(index.row())
            self.list.scrollTo(index)

    def _on_clash_activated(self, index: Any) -> None:
        sid = self.clash_model.data(index, SESSION_ID_ROLE)
        if sid is not None:
            self.show_session(sid)
            self.tabs.setCurrentIndex(0)

    def _on_list_activated(self, index: Any) -> None:
        sid = self.proxy.data(index, SESSION_ID_ROLE)
        if sid is not None:
            self.show_session(sid)
            self.tabs.setCurrentIndex(0)

    def selected_session(self) -> int | None:
        rows = self.list.selectionModel().selectedRows()
        if rows:
            return int(self.proxy.data(rows[0], SESSION_ID_ROLE))
        for view in (self.week, self.month):
            if view.selected is not None:
                return view.selected
        return None
