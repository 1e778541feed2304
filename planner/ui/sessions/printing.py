"""Printing the schedule and programmes through Qt's print system (A4, header on every page)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPainter, QTextDocument
from PySide6.QtPrintSupport import QPrinter

from planner.domain import clock
from planner.io.output_file import atomic_path, pdf_complete
from planner.services.sessions.schedule import PrintJob

_HEADER_MM = 12.0


def setup_printer(printer: QPrinter, title: str) -> None:
    """A4 portrait, 15 × 12 mm margins."""
    printer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(15, 12, 15, 12),
            QPageLayout.Unit.Millimeter,
        )
    )
    printer.setDocName(title)


def paint_job(job: PrintJob, printer: QPrinter) -> int:
    """Paint the job on the printer; return the number of pages."""
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("Impression impossible : l'imprimante n'a pas pu être ouverte.")
    try:
        page = printer.pageRect(QPrinter.Unit.DevicePixel)
        dpi = printer.resolution()
        header_h = _HEADER_MM / 25.4 * dpi
        body = QRectF(0, header_h, page.width(), page.height() - 2 * header_h)
        doc = QTextDocument()
        font = QFont("DejaVu Sans")
        font.setPointSizeF(9.5)
        doc.setDefaultFont(font)
        doc.documentLayout().setPaintDevice(printer)
        doc.setHtml(job.html)
        doc.setPageSize(QSizeF(body.width(), body.height()))
        pages = max(1, doc.pageCount())
        small = QFont("DejaVu Sans")
        small.setPointSizeF(8)
        printed = f"édité le {clock.today():%d/%m/%Y}"
        for number in range(pages):
            if number:
                printer.newPage()
            painter.setFont(small)
            painter.setPen(Qt.GlobalColor.darkGray)
            top = QRectF(0, 0, page.width(), header_h * 0.8)
            painter.drawText(
                top,
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
                | int(Qt.TextFlag.TextWordWrap),
                job.header,
            )
            painter.drawLine(0, int(header_h * 0.85), int(page.width()), int(header_h * 0.85))
            bottom = QRectF(0, page.height() - header_h * 0.8, page.width(), header_h * 0.8)
            painter.drawText(
                bottom, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), printed
            )
            painter.drawText(
                bottom,
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                f"page {number + 1}/{pages}",
            )
            painter.save()
            painter.translate(0, header_h - number * body.height())
            clip = QRectF(0, number * body.height(), body.width(), body.height())
            painter.setClipRect(clip)
            doc.drawContents(painter, clip)
            painter.restore()
        return pages
    finally:
        painter.end()


def print_to_pdf(job: PrintJob, out: Path) -> int:
    """Write the job to a PDF file (A4), atomically; return the number of pages."""
    with atomic_path(out, check=pdf_complete) as temp:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(temp))
        setup_printer(printer, job.title)
        pages = paint_job(job, printer)
        del printer  # closes the file
    return pages


def print_pdf_headless(job: PrintJob, out: Path) -> int:
    """For the CLI: make sure a QGuiApplication exists (offscreen), then print to PDF."""
    import os

    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is None:
        # A PDF needs no window system: whatever platform the desktop names
        # (xcb, wayland, one that cannot start here), print offscreen.
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        app = QGuiApplication(["planner"])
        try:
            return print_to_pdf(job, out)
        finally:
            del app
    return print_to_pdf(job, out)
