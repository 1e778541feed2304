"""The map printed for the paper, not grabbed from the screen.

A page-sized, off-screen copy of the map page gets the map's state, lays
itself out as a sheet (title, date, map framed on the bassin or the user's
view, the whole legend, scale bar, sources: see ``print.js``), then Chromium
prints it for the printer's page: a PDF file keeps text and vector paths
(``printToPdf``), a printer gets Qt WebEngine's print. Nothing blocks: the
job calls back when the sheet is printed or has failed.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, QUrl
from PySide6.QtGui import QPageLayout
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWebEngineWidgets import QWebEngineView

from planner.domain.errors import PlannerError
from planner.io.output_file import atomic_path, pdf_complete
from planner.services.map.map_sheet import MapSheet
from planner.ui.map.map_capture import MapExportError
from planner.ui.map.map_data import script_json
from planner.ui.map.page_bridge import MapPage

log = logging.getLogger(__name__)

_POLL_MS = 40
_TIMEOUT_S = 60.0
#: The firms' canvas is drawn this many times finer than the CSS pixel
#: (96 dpi): about 290 dpi on paper.
PIXEL_RATIO = 3
_CSS_PX_PER_POINT = 96 / 72

Bounds = list[list[float]]


def sheet_size(layout: QPageLayout) -> tuple[int, int]:
    """The printable area of ``layout`` in CSS pixels (96 per inch), a hair smaller.

    One pixel less each way keeps Chromium from spilling onto a second page.
    """
    area = layout.paintRect(QPageLayout.Unit.Point)
    return (
        int(area.width() * _CSS_PX_PER_POINT) - 2,
        int(area.height() * _CSS_PX_PER_POINT) - 2,
    )


class MapPrintJob(QObject):
    """Prints one sheet of the map, then deletes itself.

    Args:
        page_url: the map page (the same file the on-screen map loads).
        state: the map's state (``MapLayers.state``), without a view.
        sheet: title, date and sources.
        bounds: ``[[south, west], [north, east]]`` to frame, or None for the bassin.
        printer: where to print; a PDF printer with a file name gets a PDF
            written atomically.
        done, failed: called once, with nothing or with the error.
    """

    def __init__(
        self,
        page_url: QUrl,
        state: dict[str, Any],
        sheet: MapSheet,
        bounds: Bounds | None,
        printer: QPrinter,
        done: Callable[[], None],
        failed: Callable[[Exception], None],
    ) -> None:
        super().__init__(None)
        # Paper shows the map, not the passing selection (its rings) nor the
        # on-screen view (framing is the sheet's own).
        self._state = {k: v for k, v in state.items() if k not in ("view", "highlight")}
        self._sheet = sheet
        self._bounds = bounds
        self._printer = printer
        self._done = done
        self._failed = failed
        self._finished = False
        self._output: contextlib.AbstractContextManager[Path] | None = None
        self._temp = Path()
        self._final_name = ""
        self._deadline = time.monotonic() + _TIMEOUT_S
        width, height = sheet_size(printer.pageLayout())
        self._width, self._height = width, height
        self._view = QWebEngineView()
        self._view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        self._view.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self._page = MapPage(page_url, self._view)
        self._view.setPage(self._page)
        self._view.resize(width, height)
        self._page.loadFinished.connect(self._on_page_load_finished)
        self._page.pdfPrintingFinished.connect(self._on_page_pdfPrintingFinished)
        self._view.printFinished.connect(self._on_view_printFinished)
        self._timer = QTimer(self)
        self._timer.setInterval(_POLL_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._page_url = page_url

    def start(self) -> None:
        """Open the output (a read-only folder fails here, at once), load the sheet."""
        if self._to_pdf_file():
            self._final_name = self._printer.outputFileName()
            self._output = atomic_path(self._final_name, check=pdf_complete)
            try:
                temp = self._output.__enter__()
            except (PlannerError, OSError) as exc:
                self._output = None
                self._finish(exc)
                return
            self._temp = temp
        self._view.show()
        self._page.load(self._page_url)

    def _to_pdf_file(self) -> bool:
        return self._printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and bool(
            self._printer.outputFileName()
        )

    def _on_page_load_finished(self, ok: bool) -> None:
        if self._finished:
            return
        if not ok:
            self._finish(MapExportError("La carte à imprimer n'a pas pu être préparée."))
            return
        sheet = {
            "width": self._width,
            "height": self._height,
            "title": self._sheet.title,
            "date": self._sheet.date,
            "sources": self._sheet.sources,
            "pixelRatio": PIXEL_RATIO,
        }
        self._page.runJavaScript(
            f"PlannerMap.preparePrint({script_json(sheet)});"
            f"PlannerMap.restore({script_json(self._state)});"
            f"PlannerMap.framePrint({script_json(self._bounds)});",
            0,
        )
        self._timer.start()

    def _on_timer_timeout(self) -> None:
        if time.monotonic() > self._deadline:
            self._finish(MapExportError("La carte n'a pas pu être mise en page pour l'impression."))
            return
        self._page.runJavaScript("PlannerMap.printReady()", 0, self._on_ready_answered)

    def _on_ready_answered(self, ready: Any) -> None:
        if self._finished or not ready or not self._timer.isActive():
            return
        self._timer.stop()
        if self._page.errors:
            log.warning("Carte imprimée : erreurs JavaScript %s", self._page.errors)
        layout = self._printer.pageLayout()
        if self._output is not None:
            self._page.printToPdf(str(self._temp), layout)
        else:
            self._view.print(self._printer)

    def _on_page_pdfPrintingFinished(self, path: str, ok: bool) -> None:  # noqa: N802
        if not ok:
            self._finish(MapExportError(f"Impossible d'écrire le PDF {self._final_name}."))
            return
        self._finish(None)

    def _on_view_printFinished(self, ok: bool) -> None:  # noqa: N802
        self._finish(None if ok else MapExportError("L'impression de la carte a échoué."))

    def _finish(self, error: Exception | None) -> None:
        if self._finished:
            return
        self._finished = True
        self._timer.stop()
        if self._output is not None:
            output, self._output = self._output, None
            try:
                if error is None:
                    output.__exit__(None, None, None)  # checks, syncs and renames
                else:
                    output.__exit__(type(error), error, error.__traceback__)  # removes
            except Exception as exc:  # the error given back, or the commit's own
                error = exc
        self._view.hide()
        self._view.deleteLater()
        self.deleteLater()
        _JOBS.discard(self)
        if error is None:
            self._done()
        else:
            self._failed(error)


# Jobs live until they call back (they have no Qt parent to keep them).
_JOBS: set[MapPrintJob] = set()


def start_print(job: MapPrintJob) -> None:
    """Keep ``job`` alive and start it."""
    _JOBS.add(job)
    job.start()


def valid_bounds(value: Any) -> list[list[float]] | None:
    """``[[south, west], [north, east]]`` from the page (JSON), or None if malformed."""
    try:
        (south, west), (north, east) = json.loads(value)
        bounds = [[float(south), float(west)], [float(north), float(east)]]
    except (TypeError, ValueError, json.JSONDecodeError):
        return None
    return bounds if south < north and west < east else None
