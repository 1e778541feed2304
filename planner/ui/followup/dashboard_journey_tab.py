"""The dashboard's « Accompagnement » tab: the firms' journey over a period, the weekly
*accompagnées* against the coordinator's target, and the services realised by type."""

from __future__ import annotations

import datetime as dt

import polars as pl
from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from planner.services.followup.dashboard.accompanied import (
    SERVICE_LABELS,
    WEEKLY_LABELS,
    services_table,
    weekly_table,
)
from planner.services.followup.dashboard.accompanied_target import MAX_WEEKLY_TARGET
from planner.services.followup.dashboard.journey import (
    JOURNEY_AXIS_LABELS,
    JOURNEY_AXIS_TITLES,
    JOURNEY_LABELS,
    RATES,
    JourneyAxis,
    JourneyData,
    Period,
    journey_table,
)
from planner.ui.followup.dashboard_chart_view import ChartWidget
from planner.ui.followup.dashboard_journey_charts import accompanied_figure, journey_figure
from planner.ui.followup.dashboard_model import FrameModel

COORDINATION_ONLY = "Seule la coordination fixe l'objectif hebdomadaire."


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def _date_edit(parent: QWidget) -> QDateEdit:
    edit = QDateEdit(parent)
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setCalendarPopup(True)
    return edit


def _table_view(parent: QWidget) -> QTableView:
    view = QTableView(parent)
    view.setAlternatingRowColors(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.verticalHeader().setVisible(False)
    return view


def _set_model(view: QTableView, model: FrameModel) -> None:
    view.setModel(model)
    view.resizeColumnsToContents()
    for column in range(model.columnCount()):
        view.setColumnWidth(column, min(view.columnWidth(column), 420))


def _split(parent: QWidget, top: QWidget, bottom: QWidget) -> QSplitter:
    splitter = QSplitter(Qt.Orientation.Vertical, parent)
    splitter.addWidget(top)
    splitter.addWidget(bottom)
    splitter.setStretchFactor(0, 3)
    splitter.setStretchFactor(1, 2)
    return splitter


class JourneyTab(QWidget):
    """Firms targeted, contacted, reached, with a need and *accompagnées* over a period.

    Three inner tabs: the journey by the chosen axis (bars and table, with the
    conversion from each stage to the next), the weekly *accompagnées* against
    the weekly target (a spin box that only coordination may save) and the
    services realised by type. The tab reads nothing itself: the dashboard
    window reads the campaign off the GUI thread and calls :meth:`show_journey`.

    Signals:
        period_requested(object): the user applied a new :class:`Period`.
        target_requested(int): the coordinator saves a weekly target (0: none).
    """

    period_requested = Signal(object)
    target_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Période du", self))
        self.start = _date_edit(self)
        bar.addWidget(self.start)
        bar.addWidget(QLabel("au", self))
        self.end = _date_edit(self)
        bar.addWidget(self.end)
        self.apply = QPushButton("Appliquer la période", self)
        self.apply.clicked.connect(self._on_apply_clicked)
        bar.addWidget(self.apply)
        bar.addSpacing(24)
        bar.addWidget(QLabel("Regrouper :", self))
        self.axis = QComboBox(self)
        for key, title in JOURNEY_AXIS_TITLES.items():
            self.axis.addItem(title, key)
        bar.addWidget(self.axis)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.period_note = QLabel(self)
        layout.addWidget(self.period_note)

        self.tabs = QTabWidget(self)
        layout.addWidget(self.tabs, 1)
        self.journey_chart = ChartWidget(self)
        self.journey_view = _table_view(self)
        self.tabs.addTab(
            _split(self, self.journey_chart, self.journey_view), "Parcours des entreprises"
        )

        weekly_tab = QWidget(self)
        weekly_layout = QVBoxLayout(weekly_tab)
        target_bar = QHBoxLayout()
        target_bar.addWidget(
            QLabel("Objectif hebdomadaire d'entreprises accompagnées :", weekly_tab)
        )
        self.target = QSpinBox(weekly_tab)
        self.target.setRange(0, MAX_WEEKLY_TARGET)
        self.target.setSpecialValueText("aucun")
        self.target.setGroupSeparatorShown(True)
        target_bar.addWidget(self.target)
        self.save_target = QPushButton("Enregistrer l'objectif", weekly_tab)
        self.save_target.clicked.connect(self._on_save_target_clicked)
        target_bar.addWidget(self.save_target)
        target_bar.addStretch(1)
        weekly_layout.addLayout(target_bar)
        self.weekly_chart = ChartWidget(weekly_tab, minimum_height=280)
        self.weekly_view = _table_view(weekly_tab)
        weekly_layout.addWidget(_split(weekly_tab, self.weekly_chart, self.weekly_view), 1)
        self.tabs.addTab(weekly_tab, "Accompagnées par semaine")

        self.services_view = _table_view(self)
        self.tabs.addTab(self.services_view, "Services réalisés")

        self.axis.currentIndexChanged.connect(self._on_axis_changed)
        self.journey: JourneyData | None = None
        self.coordination = False
        self.set_busy(True)
        for chart in (self.journey_chart, self.weekly_chart):
            chart.show_message("Lecture de la campagne…")

    def set_busy(self, busy: bool) -> None:
        """Disable what would start a read or a write while the campaign is being read."""
        self.apply.setEnabled(not busy)
        self.target.setEnabled(not busy and self.coordination)
        self.save_target.setEnabled(not busy and self.coordination)

    def show_message(self, text: str) -> None:
        for chart in (self.journey_chart, self.weekly_chart):
            chart.show_message(text)

    def show_journey(self, journey: JourneyData, *, coordination: bool) -> None:
        """Show ``journey``; only ``coordination`` may change the weekly target."""
        self.journey = journey
        self.coordination = coordination
        self.start.setDate(_qdate(journey.period.start))
        self.end.setDate(_qdate(journey.period.end))
        self.period_note.setText(f"Entreprises comptées {journey.period.label()}.")
        self.target.setValue(journey.target or 0)
        tip = "" if coordination else COORDINATION_ONLY
        self.target.setToolTip(tip)
        self.save_target.setToolTip(tip)
        self.set_busy(False)
        self._on_axis_changed()
        weekly = weekly_table(journey)
        self.weekly_model = FrameModel(
            weekly, [WEEKLY_LABELS[c] for c in weekly.columns], rates=("share",)
        )
        _set_model(self.weekly_view, self.weekly_model)
        self.weekly_chart.show_figure(accompanied_figure(weekly, journey.target))
        services = services_table(journey)
        self.services_model = FrameModel(services, [SERVICE_LABELS[c] for c in services.columns])
        _set_model(self.services_view, self.services_model)

    def journey_rows(self) -> pl.DataFrame:
        """The journey table shown, for the chosen axis."""
        return self.journey_model.frame

    def _on_axis_changed(self) -> None:
        if self.journey is None:
            return
        axis: JourneyAxis = self.axis.currentData()
        table = journey_table(self.journey, axis)
        headers = [JOURNEY_AXIS_LABELS[axis], *(JOURNEY_LABELS[c] for c in table.columns[1:])]
        self.journey_model = FrameModel(table, headers, rates=RATES)
        _set_model(self.journey_view, self.journey_model)
        self.journey_chart.show_figure(journey_figure(table))

    def _on_apply_clicked(self) -> None:
        start, end = _date(self.start.date()), _date(self.end.date())
        if end < start:
            self.period_note.setText(
                f"La période est vide : le {end:%d/%m/%Y} précède le {start:%d/%m/%Y}."
            )
            return
        self.period_requested.emit(Period(start, end))

    def _on_save_target_clicked(self) -> None:
        self.target_requested.emit(self.target.value())
