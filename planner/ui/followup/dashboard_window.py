"""The follow-up dashboard: a bar chart and a table per axis, exportable."""

from __future__ import annotations

from typing import Any

import polars as pl
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPageLayout, QPageSize, QPainter, QPdfWriter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.services.dashboard import AXIS_LABELS, COLUMN_LABELS, dashboard, export_dashboard_xlsx
from planner.ui.followup.preview_model import RowsModel

_SERIES = (("assigned", "#9ecae1"), ("contacted", "#4292c6"), ("reached", "#08519c"))


class BarChart(QWidget):
    """Grouped horizontal bars: assigned, contacted, reached per group."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = pl.DataFrame()
        self.setMinimumHeight(260)

    def set_table(self, table: pl.DataFrame) -> None:
        self.table = table.head(15)
        self.update()

    def paintEvent(self, _event: Any) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        table = self.table
        if table.is_empty():
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Aucune donnée")
            return
        label_w, legend_h = 300.0, 24.0
        x = 10.0
        for key, color in _SERIES:
            painter.fillRect(QRectF(x, 6, 14, 12), QColor(color))
            painter.drawText(QRectF(x + 18, 2, 200, 20), COLUMN_LABELS[key])
            x += 200
        top = legend_h + 6
        row_h = (self.height() - top - 6) / table.height
        peak = max(int(table["assigned"].max() or 1), 1)  # type: ignore[arg-type]
        width = self.width() - label_w - 60
        for i, row in enumerate(table.iter_rows(named=True)):
            y = top + i * row_h
            painter.setPen(QColor("black"))
            painter.drawText(
                QRectF(4, y, label_w - 8, row_h),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                painter.fontMetrics().elidedText(
                    str(row[table.columns[0]]), Qt.TextElideMode.ElideMiddle, int(label_w - 12)
                ),
            )
            bar_h = max(row_h / 4, 2)
            for j, (key, color) in enumerate(_SERIES):
                length = width * row[key] / peak
                rect = QRectF(label_w, y + row_h * 0.1 + j * bar_h, length, bar_h - 1)
                painter.fillRect(rect, QColor(color))
                if j == 0:
                    painter.drawText(
                        QRectF(label_w + length + 4, y, 60, row_h / 2),
                        Qt.AlignmentFlag.AlignVCenter,
                        str(row[key]),
                    )


class DashboardWindow(QDialog):
    """Follow-up of the campaign by partner, team, adviser, commune or NAF section."""

    def __init__(self, store: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle("Tableau de bord de la campagne")
        self.resize(1100, 720)
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.axis = QComboBox(self)
        for key, label in AXIS_LABELS.items():
            self.axis.addItem(f"Par {label.lower()}", key)
        self.axis.currentIndexChanged.connect(self.reload)
        bar.addWidget(self.axis)
        bar.addStretch(1)
        xlsx = QPushButton("Exporter vers Excel…", self)
        xlsx.clicked.connect(self._export_xlsx)
        pdf = QPushButton("Exporter en PDF…", self)
        pdf.clicked.connect(self._export_pdf)
        bar.addWidget(xlsx)
        bar.addWidget(pdf)
        layout.addLayout(bar)
        self.chart = BarChart(self)
        layout.addWidget(self.chart, 3)
        self.view = QTableView(self)
        self.view.setAlternatingRowColors(True)
        layout.addWidget(self.view, 2)
        self.reload()

    def reload(self) -> None:
        axis = self.axis.currentData()
        table = dashboard(self.store, axis)
        headers = [AXIS_LABELS[axis], *(COLUMN_LABELS[c] for c in table.columns[1:])]
        self.model = RowsModel(headers, list(table.iter_rows()))
        self.view.setModel(self.model)
        self.view.resizeColumnsToContents()
        self.chart.set_table(table)

    def _export_xlsx(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Tableau de bord", "tableau_de_bord.xlsx", "Classeur Excel (*.xlsx)"
        )
        if path:
            export_dashboard_xlsx(self.store, path)

    def export_pdf(self, path: str) -> None:
        """Render the chart and the table on an A4 landscape page."""
        writer = QPdfWriter(path)
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        writer.setPageOrientation(QPageLayout.Orientation.Landscape)
        writer.setTitle("Tableau de bord de la campagne")
        painter = QPainter(writer)
        image = self.grab()
        target = painter.viewport()
        scaled = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
        painter.drawPixmap(0, 0, scaled.width(), scaled.height(), image)
        painter.end()

    def _export_pdf(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Tableau de bord", "tableau_de_bord.pdf", "PDF (*.pdf)"
        )
        if path:
            self.export_pdf(path)
