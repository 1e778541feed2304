"""The follow-up dashboard printed to an A4 landscape PDF through Qt's print system.

One :class:`QTextDocument` holds the headings, the charts (rendered to
images) and the tables; Qt breaks it into pages (table headers repeated on
each page) and :func:`paint_document` prints it with a footer on every page,
as the sessions schedule is printed.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from pathlib import Path

import polars as pl
from PySide6.QtCore import QMarginsF, QRectF, QSize, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QFont,
    QPageLayout,
    QPageSize,
    QPainter,
    QTextDocument,
    QTextOption,
)
from PySide6.QtPrintSupport import QPrinter

from planner.domain import clock
from planner.domain.cell_text import BIDI_CLASS, CONTROL_CLASS, printed_text
from planner.domain.errors import PlannerError
from planner.io.output_file import atomic_path, pdf_complete
from planner.services.followup.dashboard.accompanied import (
    SERVICE_LABELS,
    WEEKLY_LABELS,
    services_table,
    weekly_table,
)
from planner.services.followup.dashboard.data import (
    AXES,
    AXIS_LABELS,
    AXIS_TITLES,
    COLUMN_LABELS,
    Axis,
    FollowupData,
    axis_table,
)
from planner.services.followup.dashboard.journey import (
    JOURNEY_AXIS_LABELS,
    JOURNEY_AXIS_TITLES,
    JOURNEY_LABELS,
    RATES,
    JourneyAxis,
    JourneyData,
    journey_table,
)
from planner.services.followup.dashboard.needs import NEEDS_LABELS, needs_table
from planner.services.followup.dashboard.progress import PROGRESS_LABELS, TOTAL, progress_table
from planner.ui.followup.dashboard_chart_view import figure_image
from planner.ui.followup.dashboard_charts import (
    DashboardChart,
    Figure,
    axis_figure,
    needs_figure,
    progress_figure,
)
from planner.ui.followup.dashboard_journey_charts import accompanied_figure, journey_figure
from planner.ui.followup.dashboard_model import FrameModel

_FOOTER_MM = 7.0
_CSS_DPI = 96  # the document's lengths (image sizes) are in screen pixels
_HEADER_BG = "#dde6f0"
_STRIPE_BG = "#f4f6f8"


def setup_printer(printer: QPrinter) -> None:
    """A4 landscape, 12 mm margins."""
    printer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Landscape,
            QMarginsF(12, 12, 12, 12),
            QPageLayout.Unit.Millimeter,
        )
    )
    printer.setDocName("Tableau de bord de la campagne")
    printer.setCreator("planner")


def _printable(table: pl.DataFrame) -> pl.DataFrame:
    """The table's texts as they may be printed: no control character, no bidi override."""
    text = pl.col(pl.String)
    return table.with_columns(
        text.str.replace_all(CONTROL_CLASS, "").str.replace_all(BIDI_CLASS, "")
    )


class _Document:
    """The dashboard as HTML, with its charts as image resources, for a page of given size."""

    def __init__(self, width: float, height: float) -> None:
        self.width = width  # the page body, in screen pixels
        self.height = height
        self.parts: list[str] = []
        self.images: dict[str, Figure] = {}
        self.sizes: dict[str, QSize] = {}

    def heading(self, text: str, *, level: int = 2, new_page: bool = False) -> None:
        style = ' style="page-break-before: always"' if new_page else ""
        self.parts.append(f"<h{level}{style}>{html.escape(text)}</h{level}>")

    def paragraph(self, text: str) -> None:
        self.parts.append(f"<p><b>{html.escape(text)}</b></p>")

    def chart(self, figure: Figure, height: float) -> None:
        if isinstance(figure, str):  # nothing to draw: the message, as text
            self.parts.append(f'<p align="center"><i>{html.escape(figure)}</i></p>')
            return
        name = f"chart{len(self.images)}"
        size = QSize(int(self.width), int(min(height, self.height)))
        self.images[name] = figure
        self.sizes[name] = size
        self.parts.append(
            f'<p><img src="{name}" width="{size.width()}" height="{size.height()}"></p>'
        )

    def table(self, model: FrameModel) -> None:
        """The model's rows under a header row that Qt repeats on every page."""
        numeric = model.numeric()

        def cell(tag: str, text: str, column: int) -> str:
            align = "right" if numeric[column] else "left"
            return f'<{tag} align="{align}">{html.escape(text)}</{tag}>'

        head = "".join(cell("th", text, c) for c, text in enumerate(model.headers()))
        rows = [f'<thead><tr bgcolor="{_HEADER_BG}">{head}</tr></thead>']
        for index, row in enumerate(model.text_rows()):
            stripe = f' bgcolor="{_STRIPE_BG}"' if index % 2 else ""
            rows.append(f"<tr{stripe}>{''.join(cell('td', t, c) for c, t in enumerate(row))}</tr>")
        self.parts.append(
            f'<table cellspacing="0" cellpadding="3" border="0">{"".join(rows)}</table>'
        )

    def build(self, device: QPrinter) -> QTextDocument:
        """The document laid out for ``device``'s page body, charts rendered at print quality."""
        doc = QTextDocument()
        font = QFont("DejaVu Sans")
        font.setPointSizeF(8.5)
        doc.setDefaultFont(font)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        doc.setDefaultTextOption(option)
        doc.setDefaultStyleSheet(
            "h1 { font-size: 16pt; } h2 { font-size: 12pt; } th { font-weight: bold; }"
        )
        doc.documentLayout().setPaintDevice(device)
        for name, figure in self.images.items():
            doc.addResource(
                QTextDocument.ResourceType.ImageResource,
                QUrl(name),
                figure_image(figure, self.sizes[name], scale=2.5),
            )
        self.release_charts()
        doc.setHtml("".join(self.parts))
        return doc

    def release_charts(self) -> None:
        """Delete the charts, now images: the document is their only owner, in Python."""
        charts = [f for f in self.images.values() if isinstance(f, DashboardChart)]
        self.images.clear()
        for chart in charts:
            chart.dispose()  # no cycle left: deleted with its last reference, here
        charts.clear()


def paint_document(doc: QTextDocument, printer: QPrinter, footer: str) -> int:
    """Print ``doc`` page by page with ``footer — page N`` at the bottom; return the page count."""
    painter = QPainter()
    if not painter.begin(printer):
        raise PlannerError("Impossible de préparer le PDF du tableau de bord.")
    # Flat colours and thin text compress better, and stay sharp, without JPEG.
    painter.setRenderHint(QPainter.RenderHint.LosslessImageRendering, True)
    try:
        page = printer.pageRect(QPrinter.Unit.DevicePixel)
        footer_h = _FOOTER_MM / 25.4 * printer.resolution()
        body = QRectF(0, 0, page.width(), page.height() - footer_h)
        doc.setPageSize(QSizeF(body.width(), body.height()))
        pages = max(1, doc.pageCount())
        small = QFont("DejaVu Sans")
        small.setPointSizeF(8)
        for number in range(pages):
            if number:
                printer.newPage()
            painter.setFont(small)
            painter.setPen(QColor("#666666"))
            painter.drawText(
                QRectF(0, page.height() - footer_h * 0.8, page.width(), footer_h * 0.8),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                f"{footer} — page {number + 1}",
            )
            painter.save()
            painter.translate(0, -number * body.height())
            clip = QRectF(0, number * body.height(), body.width(), body.height())
            painter.setClipRect(clip)
            doc.drawContents(painter, clip)
            painter.restore()
        return pages
    finally:
        painter.end()


def _compose(
    data: FollowupData, width: float, height: float, today: dt.date, axes: Sequence[Axis]
) -> _Document:
    campaign = printed_text(data.campaign)
    doc = _Document(width, height)
    doc.heading(f"Tableau de bord de la campagne {campaign}", level=1)
    doc.paragraph(f"Édité le {today.strftime('%d/%m/%Y')}")
    for index, axis in enumerate(axes):
        table = _printable(axis_table(data, axis))
        doc.heading(AXIS_TITLES[axis], new_page=index > 0)
        room = height * (0.42 if index == 0 else 0.6)  # the first page also has the title
        doc.chart(axis_figure(table), min(80 + 26 * table.height, room))
        headers = [AXIS_LABELS[axis], *(COLUMN_LABELS[c] for c in table.columns[1:])]
        doc.table(FrameModel(table, headers))
    progress = _printable(progress_table(data))
    doc.heading("Avancement dans le temps", new_page=True)
    half = (height - 60) / 2 - 12
    doc.chart(progress_figure(progress, TOTAL), half)
    doc.chart(progress_figure(progress, None), half)
    doc.heading("Avancement dans le temps, semaine par semaine", new_page=True)
    doc.table(
        FrameModel(progress, [PROGRESS_LABELS[c] for c in progress.columns], shares=("share",))
    )
    needs = _printable(needs_table(data))
    doc.heading("Besoins recueillis par métier (ROME)", new_page=True)
    doc.chart(needs_figure(needs), min(80 + 30 * needs.height, height * 0.6))
    doc.table(FrameModel(needs, [NEEDS_LABELS[c] for c in needs.columns]))
    if data.journey is not None:
        journey_axes: list[JourneyAxis] = list(axes)
        if tuple(axes) == AXES:
            journey_axes.append("band")
        _compose_journey(doc, data.journey, journey_axes, height)
    return doc


def _compose_journey(
    doc: _Document, journey: JourneyData, axes: Sequence[JourneyAxis], height: float
) -> None:
    """The firms' journey by each axis, the weekly *accompagnées*, the services realised."""
    period = journey.period.label()
    for axis in axes:
        table = _printable(journey_table(journey, axis))
        doc.heading(
            f"Parcours des entreprises {period} — {JOURNEY_AXIS_TITLES[axis].lower()}",
            new_page=True,
        )
        doc.chart(journey_figure(table), min(80 + 30 * table.height, height * 0.5))
        headers = [JOURNEY_AXIS_LABELS[axis], *(JOURNEY_LABELS[c] for c in table.columns[1:])]
        doc.table(FrameModel(table, headers, rates=RATES))
    weekly = weekly_table(journey)
    doc.heading(f"Entreprises accompagnées par semaine {period}", new_page=True)
    doc.chart(accompanied_figure(weekly, journey.target), (height - 60) / 2)
    doc.table(FrameModel(weekly, [WEEKLY_LABELS[c] for c in weekly.columns], rates=("share",)))
    services = _printable(services_table(journey))
    doc.heading(f"Services réalisés par type {period}", new_page=True)
    doc.table(FrameModel(services, [SERVICE_LABELS[c] for c in services.columns]))


def write_dashboard_pdf(
    data: FollowupData,
    path: str | Path,
    *,
    today: dt.date | None = None,
    axes: Sequence[Axis] = AXES,
) -> int:
    """Print the axes, the progress over time, the needs by métier and, once read, the
    firms' journey, the weekly *accompagnées* and the services realised; return the page
    count.

    The PDF is written to a temporary file, checked complete, then renamed
    (``planner.io.output_file``).
    """
    today = today or clock.today()
    campaign = printed_text(data.campaign)
    footer = f"Tableau de bord — {campaign}" if campaign else "Tableau de bord"
    with atomic_path(path, check=pdf_complete) as temp:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(temp))
        setup_printer(printer)
        page = printer.pageRect(QPrinter.Unit.DevicePixel)
        to_css = _CSS_DPI / printer.resolution()
        footer_h = _FOOTER_MM / 25.4 * _CSS_DPI
        layout = _compose(
            data, page.width() * to_css, page.height() * to_css - footer_h, today, axes
        )
        pages = paint_document(layout.build(printer), printer, footer)
        del printer  # closes the file
    return pages


def write_dashboard_pdf_headless(data: FollowupData, out: Path, axes: Sequence[Axis]) -> int:
    """For the CLI: make sure a QApplication exists (offscreen), then print the PDF.

    Qt Charts draws with widgets: a QGuiApplication is not enough.
    """
    import os

    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    existing = QGuiApplication.instance()
    if existing is None:
        # A PDF needs no window system: whatever platform the desktop names
        # (xcb, wayland, one that cannot start here), print offscreen.
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        app = QApplication(["planner"])
        try:
            return write_dashboard_pdf(data, out, axes=axes)
        finally:
            del app
    if not isinstance(existing, QApplication):
        raise PlannerError("Le PDF du tableau de bord demande l'application de bureau (Qt).")
    return write_dashboard_pdf(data, out, axes=axes)
