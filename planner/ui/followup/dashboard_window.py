"""The follow-up dashboard: by axis, progress over time and needs by métier, exportable."""

from __future__ import annotations

from typing import Any

import polars as pl
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from planner.domain.errors import PlannerError
from planner.domain.progress import CancelToken, Progress
from planner.services.followup.dashboard.accompanied_target import save_target
from planner.services.followup.dashboard.data import (
    AXIS_LABELS,
    AXIS_TITLES,
    COLUMN_LABELS,
    FollowupData,
    axis_table,
    load_followup,
)
from planner.services.followup.dashboard.journey import Period
from planner.services.followup.dashboard.needs import NEEDS_LABELS, needs_table
from planner.services.followup.dashboard.progress import PROGRESS_LABELS, TOTAL, progress_table
from planner.services.followup.dashboard.workbook import write_dashboard_workbook
from planner.services.shared_campaign.access import current_access
from planner.ui.followup.dashboard_chart_view import ChartWidget
from planner.ui.followup.dashboard_charts import (
    axis_figure,
    needs_figure,
    progress_figure,
)
from planner.ui.followup.dashboard_journey_tab import JourneyTab
from planner.ui.followup.dashboard_model import FrameModel
from planner.ui.followup.dashboard_pdf import write_dashboard_pdf
from planner.ui.tasks import run_with_progress

ALL_VALUES = "Toutes les valeurs"
COMPARE = "Comparer les équipes (% de la capacité)"


def _table_view(parent: QWidget) -> QTableView:
    view = QTableView(parent)
    view.setAlternatingRowColors(True)
    view.setSortingEnabled(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.verticalHeader().setVisible(False)
    return view


def _chart_and_table(parent: QWidget, chart: ChartWidget, view: QTableView) -> QSplitter:
    splitter = QSplitter(Qt.Orientation.Vertical, parent)
    splitter.addWidget(chart)
    splitter.addWidget(view)
    splitter.setStretchFactor(0, 3)
    splitter.setStretchFactor(1, 2)
    return splitter


class DashboardWindow(QDialog):
    """Follow-up of the campaign by partner, team, adviser, commune or NAF section.

    Four tabs: the chosen axis (bars and table), the progress over time per
    team against its capacity (lines and weekly table), the needs by ROME
    métier, optionally for one value of the axis, and the firms' journey up to
    *accompagnées* over a chosen period (:class:`JourneyTab`). The campaign is
    read once, off the GUI thread when the window opens (:meth:`refresh` reads
    it again, and so does a new period or a new weekly target).

    Signals:
        data_loaded(): the campaign was read and every tab redrawn.
    """

    data_loaded = Signal()

    def __init__(self, store: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle("Tableau de bord de la campagne")
        self.resize(1100, 760)
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.axis_label = QLabel("Regrouper :", self)
        bar.addWidget(self.axis_label)
        self.axis = QComboBox(self)
        for key, title in AXIS_TITLES.items():
            self.axis.addItem(title, key)
        bar.addWidget(self.axis)
        bar.addStretch(1)
        refresh = QPushButton("Actualiser", self)
        refresh.clicked.connect(self.refresh)
        xlsx = QPushButton("Exporter vers Excel…", self)
        xlsx.clicked.connect(self._on_xlsx_clicked)
        pdf = QPushButton("Exporter en PDF…", self)
        pdf.clicked.connect(self._on_pdf_clicked)
        self._buttons = (refresh, xlsx, pdf)
        for button in self._buttons:
            bar.addWidget(button)
        layout.addLayout(bar)

        self.tabs = QTabWidget(self)
        layout.addWidget(self.tabs, 1)
        self.chart = ChartWidget(self)
        self.view = _table_view(self)
        self.tabs.addTab(_chart_and_table(self, self.chart, self.view), "Par axe")

        progress_tab = QWidget(self)
        progress_layout = QVBoxLayout(progress_tab)
        choice = QHBoxLayout()
        choice.addWidget(QLabel("Afficher :", progress_tab))
        self.team_choice = QComboBox(progress_tab)
        self.team_choice.setMinimumContentsLength(40)
        choice.addWidget(self.team_choice)
        choice.addStretch(1)
        progress_layout.addLayout(choice)
        self.progress_chart = ChartWidget(progress_tab, minimum_height=300)
        self.progress_view = _table_view(progress_tab)
        progress_layout.addWidget(
            _chart_and_table(progress_tab, self.progress_chart, self.progress_view), 1
        )
        self.tabs.addTab(progress_tab, "Avancement dans le temps")

        needs_tab = QWidget(self)
        needs_layout = QVBoxLayout(needs_tab)
        needs_bar = QHBoxLayout()
        self.needs_axis_label = QLabel(needs_tab)
        needs_bar.addWidget(self.needs_axis_label)
        self.needs_filter = QComboBox(needs_tab)
        self.needs_filter.setMinimumContentsLength(40)
        needs_bar.addWidget(self.needs_filter)
        needs_bar.addStretch(1)
        needs_layout.addLayout(needs_bar)
        self.needs_chart = ChartWidget(needs_tab)
        self.needs_view = _table_view(needs_tab)
        needs_layout.addWidget(_chart_and_table(needs_tab, self.needs_chart, self.needs_view), 1)
        self.tabs.addTab(needs_tab, "Besoins par métier")
        self.journey_tab = JourneyTab(self)
        self.tabs.addTab(self.journey_tab, "Accompagnement")
        self.journey_tab.period_requested.connect(self._on_journey_tab_period_requested)
        self.journey_tab.target_requested.connect(self._on_journey_tab_target_requested)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)

        self.axis.currentIndexChanged.connect(self._on_axis_changed)
        self.team_choice.currentIndexChanged.connect(self._on_team_choice_changed)
        self.needs_filter.currentIndexChanged.connect(self._on_needs_filter_changed)
        self.loaded = False
        self.period: Period | None = None  # None: from the campaign's start to today
        self.coordination = False
        self.data = FollowupData.empty()
        self.progress = progress_table(self.data)
        self._on_axis_changed()
        self._on_team_choice_changed()
        self.refresh()

    # --- data ---------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the campaign again, off the GUI thread, then redraw every tab."""
        store = self.store
        period = self.period
        self.loaded = False
        for button in self._buttons:
            button.setEnabled(False)
        self.journey_tab.set_busy(True)
        for chart in (self.chart, self.progress_chart, self.needs_chart):
            chart.show_message("Lecture de la campagne…")
        self.journey_tab.show_message("Lecture de la campagne…")

        def task(
            progress: Progress, cancel: CancelToken
        ) -> tuple[FollowupData, pl.DataFrame, bool]:
            progress(0, 1, "Lecture de la campagne")
            coordination = current_access(store).coordination
            data = load_followup(store, period)
            cancel.check()
            return data, progress_table(data), coordination

        self._task = run_with_progress(
            self, "Tableau de bord", task, self._on_loaded, self._on_load_failed, writes=False
        )

    def _on_loaded(self, result: tuple[FollowupData, pl.DataFrame, bool]) -> None:
        self.data, self.progress, self.coordination = result
        if self.data.journey is not None:
            self.journey_tab.show_journey(self.data.journey, coordination=self.coordination)
        current = self.team_choice.currentText()
        self.team_choice.blockSignals(True)
        self.team_choice.clear()
        teams = [t for t in self.progress["team"].unique(maintain_order=True) if t != TOTAL]
        self.team_choice.addItems([TOTAL, *teams, COMPARE])
        if current:
            self.team_choice.setCurrentText(current)
        self.team_choice.blockSignals(False)
        self._on_axis_changed()
        self._on_team_choice_changed()
        for button in self._buttons:
            button.setEnabled(True)
        self.loaded = True
        # Emitted from the event loop, not from inside the task's own signal: a
        # receiver that opens a nested event loop must not outlive the task runner.
        QTimer.singleShot(0, self, self.data_loaded.emit)

    def _on_load_failed(self, message: str) -> None:
        QMessageBox.warning(self, "Tableau de bord", message)
        self._buttons[0].setEnabled(True)  # the user may try again
        for chart in (self.chart, self.progress_chart, self.needs_chart):
            chart.show_message("Campagne non lue")
        self.journey_tab.show_message("Campagne non lue")

    def _set_model(self, view: QTableView, model: FrameModel) -> None:
        view.setModel(model)
        view.resizeColumnsToContents()
        for column in range(model.columnCount()):
            view.setColumnWidth(column, min(view.columnWidth(column), 420))

    def _on_axis_changed(self) -> None:
        axis = self.axis.currentData()
        table = axis_table(self.data, axis)
        headers = [AXIS_LABELS[axis], *(COLUMN_LABELS[c] for c in table.columns[1:])]
        self.model = FrameModel(table, headers)
        self._set_model(self.view, self.model)
        self.chart.show_figure(axis_figure(table))
        self.needs_axis_label.setText(f"{AXIS_LABELS[axis]} :")
        self.needs_filter.blockSignals(True)
        self.needs_filter.clear()
        self.needs_filter.addItem(ALL_VALUES, None)
        for value in table[axis]:
            self.needs_filter.addItem(str(value), value)
        self.needs_filter.blockSignals(False)
        self._on_needs_filter_changed()

    def _on_team_choice_changed(self) -> None:
        choice = self.team_choice.currentText()
        if choice == COMPARE:
            rows = self.progress.filter(pl.col("team") != TOTAL)
            self.progress_chart.show_figure(progress_figure(self.progress, None))
        else:
            rows = self.progress.filter(pl.col("team") == choice)
            self.progress_chart.show_figure(progress_figure(self.progress, choice))
        self.progress_model = FrameModel(
            rows, [PROGRESS_LABELS[c] for c in rows.columns], shares=("share",)
        )
        self._set_model(self.progress_view, self.progress_model)

    def _on_needs_filter_changed(self) -> None:
        value = self.needs_filter.currentData()
        axis = self.axis.currentData()
        needs = needs_table(self.data, axis, value) if value is not None else needs_table(self.data)
        self.needs_model = FrameModel(needs, [NEEDS_LABELS[c] for c in needs.columns])
        self._set_model(self.needs_view, self.needs_model)
        self.needs_chart.show_figure(needs_figure(needs))

    def _on_tabs_current_changed(self, _index: int) -> None:
        # The journey tab has its own axis (six, with the headcount band): one choice shown.
        own = self.tabs.currentWidget() is not self.journey_tab
        self.axis_label.setVisible(own)
        self.axis.setVisible(own)

    def _on_journey_tab_period_requested(self, period: Period) -> None:
        self.period = period
        self.refresh()

    def _on_journey_tab_target_requested(self, weekly: int) -> None:
        store = self.store
        self.journey_tab.set_busy(True)

        def task(progress: Progress, _cancel: CancelToken) -> int:
            progress(0, 1, "Enregistrement de l'objectif")
            save_target(store, weekly or None)
            return weekly

        def failed(message: str) -> None:
            QMessageBox.warning(self, "Objectif hebdomadaire", message)
            self.journey_tab.set_busy(False)

        def saved(_weekly: int) -> None:
            # From the event loop: the saving task's runner is done before the next read.
            QTimer.singleShot(0, self, self.refresh)

        self._task = run_with_progress(self, "Objectif hebdomadaire", task, saved, failed)

    # --- exports ------------------------------------------------------------------

    def export_pdf(self, path: str) -> int:
        """Print the whole dashboard on A4 landscape pages; return the page count."""
        return write_dashboard_pdf(self.data, path)

    def _on_xlsx_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Tableau de bord", "tableau_de_bord.xlsx", "Classeur Excel (*.xlsx)"
        )
        if not path:
            return
        data = self.data

        def task(progress: Progress, _cancel: CancelToken) -> str:
            progress(0, 1, "Écriture du classeur")
            write_dashboard_workbook(data, path)
            return path

        def done(written: str) -> None:
            QMessageBox.information(self, "Tableau de bord", f"Classeur écrit : {written}")

        def failed(message: str) -> None:
            QMessageBox.warning(self, "Tableau de bord", message)

        self._task = run_with_progress(
            self,
            "Export du tableau de bord",
            task,
            done,
            failed,
            writes=False,
            cancellable=False,  # a file written at once
        )

    def _on_pdf_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Tableau de bord", "tableau_de_bord.pdf", "PDF (*.pdf)"
        )
        if not path:
            return
        try:
            pages = self.export_pdf(path)
        except PlannerError as exc:
            QMessageBox.warning(self, "Tableau de bord", str(exc))
            return
        QMessageBox.information(self, "Tableau de bord", f"PDF écrit ({pages} pages) : {path}")
