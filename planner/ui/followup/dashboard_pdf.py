"""The follow-up dashboard printed to an A4 landscape PDF: charts and paginated tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import polars as pl
from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPageLayout, QPageSize, QPainter, QPdfWriter

from planner.domain.cell_text import BIDI_CLASS, CONTROL_CLASS, printed_text
from planner.io.output_file import write_bytes
from planner.services.followup.dashboard.data import (
    AXES,
    AXIS_LABELS,
    AXIS_TITLES,
    COLUMN_LABELS,
    Axis,
    FollowupData,
    axis_table,
)
from planner.services.followup.dashboard.needs import NEEDS_LABELS, needs_table
from planner.services.followup.dashboard.progress import PROGRESS_LABELS, TOTAL, progress_table
from planner.ui.followup.dashboard_charts import (
    Painter,
    axis_figure,
    needs_figure,
    progress_figure,
)
from planner.ui.followup.dashboard_model import FrameModel

RESOLUTION = 96  # layout in screen pixels; the PDF stays vector
FOOTER_H = 22.0


class _Pages:
    """A cursor down the pages of the PDF: starts a new page when something does not fit."""

    def __init__(self, writer: QPdfWriter, painter: QPainter, footer: str) -> None:
        self.writer = writer
        self.painter = painter
        self.footer = footer
        area = writer.pageLayout().paintRectPixels(RESOLUTION)
        self.width = float(area.width())
        self.bottom = float(area.height()) - FOOTER_H
        self.y = 0.0
        self.number = 1

    def _draw_footer(self) -> None:
        self.painter.save()
        self.painter.setPen(QColor("#666666"))
        self.painter.drawText(
            QRectF(0, self.bottom + 4, self.width, FOOTER_H - 4),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            f"{self.footer} — page {self.number}",
        )
        self.painter.restore()

    def new_page(self) -> None:
        self._draw_footer()
        self.writer.newPage()
        self.number += 1
        self.y = 0.0

    def room(self) -> float:
        return self.bottom - self.y

    def need(self, height: float) -> None:
        if height > self.room() and self.y > 0:
            self.new_page()

    def finish(self) -> None:
        self._draw_footer()

    def heading(self, text: str, size: float = 1.4) -> None:
        font = QFont(self.painter.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * size)
        self.painter.save()
        self.painter.setFont(font)
        flags = Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap
        height = self.painter.boundingRect(QRectF(0, 0, self.width, 1000), flags, text).height() + 8
        self.need(height + 120)  # never a heading alone at the bottom of a page
        self.painter.drawText(QRectF(0, self.y, self.width, height), flags, text)
        self.painter.restore()
        self.y += height + 4

    def chart(self, paint: Painter, height: float) -> None:
        height = min(height, self.bottom)
        self.need(height)
        rect = QRectF(0, self.y, self.width, height)
        self.painter.save()
        self.painter.setClipRect(rect)
        paint(self.painter, rect)
        self.painter.restore()
        self.y += height + 12

    def table(
        self, headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[bool]
    ) -> None:
        """Rows under a header repeated on every page; long texts elided to fit the width."""
        painter = self.painter
        metrics = painter.fontMetrics()
        bold_font = QFont(painter.font())
        bold_font.setBold(True)
        plain, bold = QFontMetricsF(painter.font()), QFontMetricsF(bold_font)
        row_h = metrics.height() + 6
        pad = 6.0
        # Printed glyphs are a little wider than the hinted screen metrics: keep some slack.
        widths = [
            max(
                [bold.horizontalAdvance(headers[c])] + [plain.horizontalAdvance(r[c]) for r in rows]
            )
            * 1.1
            + 2 * pad
            for c in range(len(headers))
        ]
        # Shrink the widest columns first until the table fits the page.
        while sum(widths) > self.width:
            widest = max(range(len(widths)), key=widths.__getitem__)
            widths[widest] = max(widths[widest] - (sum(widths) - self.width), 60.0)
            if all(w <= 60.0 for w in widths):
                break

        def header() -> None:
            bold = QFont(painter.font())
            bold.setBold(True)
            painter.save()
            painter.setFont(bold)
            painter.fillRect(QRectF(0, self.y, sum(widths), row_h), QColor("#dde6f0"))
            x = 0.0
            for c, text in enumerate(headers):
                painter.drawText(
                    QRectF(x + pad, self.y, widths[c] - 2 * pad, row_h),
                    Qt.AlignmentFlag.AlignVCenter
                    | (Qt.AlignmentFlag.AlignRight if numeric[c] else Qt.AlignmentFlag.AlignLeft),
                    painter.fontMetrics().elidedText(
                        text, Qt.TextElideMode.ElideRight, int(widths[c] - 2 * pad)
                    ),
                )
                x += widths[c]
            painter.restore()
            self.y += row_h

        self.need(row_h * 3)
        header()
        for index, row in enumerate(rows):
            if self.room() < row_h:
                self.new_page()
                header()
            if index % 2:
                painter.fillRect(QRectF(0, self.y, sum(widths), row_h), QColor("#f4f6f8"))
            x = 0.0
            for c, text in enumerate(row):
                painter.drawText(
                    QRectF(x + pad, self.y, widths[c] - 2 * pad, row_h),
                    Qt.AlignmentFlag.AlignVCenter
                    | (Qt.AlignmentFlag.AlignRight if numeric[c] else Qt.AlignmentFlag.AlignLeft),
                    metrics.elidedText(
                        text, Qt.TextElideMode.ElideMiddle, int(widths[c] - 2 * pad)
                    ),
                )
                x += widths[c]
            self.y += row_h
        self.y += 16

    def model(self, model: FrameModel) -> None:
        self.table(model.headers(), model.text_rows(), model.numeric())


def _printable(table: pl.DataFrame) -> pl.DataFrame:
    """The table's texts as they may be printed: no control character, no bidi override."""
    text = pl.col(pl.String)
    return table.with_columns(
        text.str.replace_all(CONTROL_CLASS, "").str.replace_all(BIDI_CLASS, "")
    )


def write_dashboard_pdf(
    data: FollowupData,
    path: str | Path,
    *,
    today: dt.date | None = None,
    axes: Sequence[Axis] = AXES,
) -> int:
    """Print the axes, the progress over time and the needs by métier; return the page count.

    The PDF is laid out in memory and written atomically (``planner.io.output_file``).
    """
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    pages = _paint(data, buffer, today=today, axes=axes)
    buffer.close()
    write_bytes(path, bytes(buffer.data().data()))
    return pages


def _paint(
    data: FollowupData, device: QBuffer, *, today: dt.date | None, axes: Sequence[Axis]
) -> int:
    writer = QPdfWriter(device)
    writer.setResolution(RESOLUTION)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Landscape,
            QMarginsF(12, 12, 12, 12),
            QPageLayout.Unit.Millimeter,
        )
    )
    writer.setTitle("Tableau de bord de la campagne")
    writer.setCreator("planner")
    painter = QPainter(writer)
    if not painter.isActive():
        from planner.domain.errors import PlannerError

        raise PlannerError("Impossible de préparer le PDF du tableau de bord.")
    today = today or dt.date.today()
    campaign = printed_text(data.campaign)
    footer = f"Tableau de bord — {campaign}" if campaign else "Tableau de bord"
    pages = _Pages(writer, painter, footer)
    try:
        pages.heading(f"Tableau de bord de la campagne {campaign}", 1.8)
        pages.heading(f"Édité le {today.strftime('%d/%m/%Y')}", 1.0)
        for index, axis in enumerate(axes):
            if index:
                pages.new_page()
            table = _printable(axis_table(data, axis))
            pages.heading(AXIS_TITLES[axis])
            pages.chart(axis_figure(table), min(60 + 26 * table.height, pages.room() * 0.6))
            headers = [AXIS_LABELS[axis], *(COLUMN_LABELS[c] for c in table.columns[1:])]
            pages.model(FrameModel(table, headers))
        progress = _printable(progress_table(data))
        pages.new_page()
        pages.heading("Avancement dans le temps")
        half = pages.room() / 2 - 12
        pages.chart(progress_figure(progress, TOTAL), half)
        pages.chart(progress_figure(progress, None), half)
        pages.new_page()
        pages.heading("Avancement dans le temps, semaine par semaine")
        pages.model(
            FrameModel(progress, [PROGRESS_LABELS[c] for c in progress.columns], shares=("share",))
        )
        needs = _printable(needs_table(data))
        pages.new_page()
        pages.heading("Besoins recueillis par métier (ROME)")
        pages.chart(needs_figure(needs), min(60 + 30 * needs.height, pages.room() * 0.6))
        pages.model(FrameModel(needs, [NEEDS_LABELS[c] for c in needs.columns]))
        pages.finish()
    finally:
        painter.end()
    return pages.number


def write_dashboard_pdf_headless(data: FollowupData, out: Path, axes: Sequence[Axis]) -> int:
    """For the CLI: make sure a QGuiApplication exists (offscreen), then print the PDF."""
    import os

    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication(["planner"])
        try:
            return write_dashboard_pdf(data, out, axes=axes)
        finally:
            del app
    return write_dashboard_pdf(data, out, axes=axes)
