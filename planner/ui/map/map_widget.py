"""The bassin map as a Qt widget: a QWebEngineView on a page built once.

The page (see ``map_page``) is written to a file and loaded with
``QUrl.fromLocalFile``; afterwards every change (firms, filter, colours,
choropleth, highlight) is pushed in compact columnar form through
``runJavaScript`` and drawn in place. Clicks, drawn selections, draw counts
and detail requests come back through a QWebChannel bridge
(``page_bridge``); captures and printing are in ``map_capture``. Nothing
waits for the page: queries and captures answer through callbacks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy.typing as npt
from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QImage
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEngineSettings
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QVBoxLayout, QWidget

from planner.domain import clock
from planner.domain.errors import PlannerError
from planner.io.output_file import write_bytes, write_text
from planner.services.map.map_sheet import FRAMING_VIEW, MapSheet, map_sheet
from planner.ui.map.map_capture import (
    ExportFailed,
    FrameGrab,
    ImageReady,
    MapExportError,
    png_bytes,
)
from planner.ui.map.map_data import (
    script_json,
)
from planner.ui.map.map_layers import MapLayers
from planner.ui.map.map_print import MapPrintJob, start_print, valid_bounds
from planner.ui.map.page_bridge import (
    Bridge,
    DetailsProvider,
    MapPage,
    qwebchannel_script,
    shared_page,
)

__all__ = ["DetailsProvider", "MapExportError", "MapWidget"]

log = logging.getLogger(__name__)


class MapWidget(QWidget):
    """Map of a bassin d'emploi: communes, choropleth, firms, selection.

    Signals:
        loaded(): the page is ready to take data.
        firmClicked(int): a firm marker was clicked (its id).
        selectionDrawn(list): ids of firms inside a rectangle/lasso drawn on the map.
        drawn(int): markers drawn after a data/filter change (count).
        sessionClicked(int): a session venue marker was clicked (the id of
            its next session, or of its last one when none is to come).
        pointPicked(float, float): the click (lat, lon) that ends ``start_pick``.
        pickCancelled(): the user left the pick mode from the map.

    Calls made before ``loaded`` are queued and replayed in order.
    """

    loaded = Signal()
    # qlonglong: a plain int signal is 32-bit in PySide6 and ids may not be.
    firmClicked = Signal("qlonglong")  # type: ignore[arg-type]  # noqa: N815 (public API)
    selectionDrawn = Signal(list)  # noqa: N815 (public API name)
    drawn = Signal(int)
    sessionClicked = Signal(int)  # noqa: N815 (public API name)
    pointPicked = Signal(float, float)  # noqa: N815 (public API name)
    pickCancelled = Signal()  # noqa: N815 (public API name)

    def __init__(self, parent: QWidget | None = None, *, online: bool = False) -> None:
        super().__init__(parent)
        self._online = online
        self._ready = False
        self._pending: list[str] = []
        self._drawn_count = 0
        self._layers = MapLayers()
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(120)
        self._fit_timer.timeout.connect(lambda: self._call("PlannerMap.fitBassin(false);"))
        self._token_seq = 0

        page_path = shared_page(online)
        page_url = QUrl.fromLocalFile(str(page_path))
        self._view = QWebEngineView(self)
        self._view.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self._page = MapPage(page_url, self._view)
        self._view.setPage(self._page)
        settings = self._page.settings()
        settings.setAttribute(
            QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, online
        )
        settings.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls, True)

        self._bridge = Bridge(self)
        self._bridge.page_readied.connect(self._on_bridge_page_readied)
        self._bridge.firm_activated.connect(self.firmClicked)
        self._bridge.shape_selected.connect(self.selectionDrawn)
        self._bridge.draw_reported.connect(self._on_bridge_draw_reported)
        self._bridge.session_activated.connect(self.sessionClicked)
        self._bridge.point_pick_done.connect(self.pointPicked)
        self._bridge.point_pick_cancelled.connect(self.pickCancelled)
        self._channel = QWebChannel(self._page)
        self._channel.registerObject("plannerBridge", self._bridge)
        self._page.setWebChannel(self._channel)
        self._page.scripts().insert(qwebchannel_script())
        self._page.loadFinished.connect(self._on_page_load_finished)
        self._page.renderProcessTerminated.connect(self._on_page_render_process_terminated)
        self._page_url = page_url

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._view)
        self._page.load(page_url)

    # ------------------------------------------------------------ plumbing

    def view(self) -> QWebEngineView:
        """The inner QWebEngineView (for its page, profile, process id...)."""
        return self._view

    def is_online(self) -> bool:
        """Whether the page shows the OpenStreetMap background."""
        return self._online

    def is_loaded(self) -> bool:
        """Whether ``loaded`` has been emitted."""
        return self._ready

    def javascript_errors(self) -> list[str]:
        """JavaScript errors reported by the page so far."""
        return list(self._page.errors)

    def _call(self, script: str) -> None:
        if self._ready:
            self._page.runJavaScript(script, 0)
        else:
            self._pending.append(script)

    def _on_page_load_finished(self, ok: bool) -> None:
        if not ok:
            log.error("La page de la carte n'a pas pu être chargée.")

    def _on_page_render_process_terminated(self, status: Any, exit_code: int) -> None:
        # The page's state is in Python: reload, and page_ready restores it.
        log.warning("Le moteur de la carte s'est arrêté (code %s) : rechargement.", exit_code)
        self._page.load(self._page_url)

    def _on_bridge_page_readied(self) -> None:
        if self._ready:  # a reload: the page lost its data, push it again
            self._pending = self._state_scripts()
        self._ready = True
        pending, self._pending = self._pending, []
        for script in pending:
            self._page.runJavaScript(script, 0)
        self.loaded.emit()

    def _on_bridge_draw_reported(self, count: int) -> None:
        self._drawn_count = count
        self.drawn.emit(count)

    def _state_scripts(self) -> list[str]:
        return [f"PlannerMap.restore({script_json(self._layers.state(self._bridge.view))});"]

    # ------------------------------------------------------------ data

    def _run(self, scripts: list[str]) -> None:
        for script in scripts:
            self._call(script)

    def set_geography(
        self, communes_geojson: dict[str, Any], bassin_outline_geojson: dict[str, Any]
    ) -> None:
        """Show the communes (properties: code, nom, population) and the outline."""
        self._run(self._layers.set_geography(communes_geojson, bassin_outline_geojson))

    def fit_bassin(self) -> None:
        """Frame the whole bassin."""
        self._call("PlannerMap.fitBassin(true);")

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        # Until the user frames something else, keep the bassin framed while
        # the window lays itself out.
        if self._layers.geography is not None:
            self._fit_timer.start()

    def set_firms(
        self,
        ids: npt.ArrayLike,
        lon: npt.ArrayLike,
        lat: npt.ArrayLike,
        category: npt.ArrayLike,
        legend: Sequence[tuple[str, str]],
        title: str = "",
    ) -> None:
        """Replace the firms; the filter and the highlight are reset.

        Args:
            ids: firm ids (integers).
            lon, lat: WGS84 coordinates; NaN means "not placed" (skipped).
            category: index into ``legend`` for each firm.
            legend: ``[(label, "#rrggbb"), ...]``, in legend order.
            title: the legend's heading.
        """
        self._run(self._layers.set_firms(ids, lon, lat, category, legend, title))

    def set_visible(self, ids: Iterable[int] | npt.ArrayLike | None) -> None:
        """Filter: only these ids are drawn; ``None`` shows every firm."""
        self._run(self._layers.set_visible(ids))

    def recolor(
        self,
        category: npt.ArrayLike,
        legend: Sequence[tuple[str, str]],
        title: str | None = None,
    ) -> None:
        """New categories (aligned on ``set_firms``' rows) and legend.

        Args:
            title: the legend's new heading (kept when None).
        """
        self._run(self._layers.recolor(category, legend, title))

    def set_details_provider(self, provider: DetailsProvider | None) -> None:
        """``provider(id)`` returns nom, siret, naf, naf_libelle, tranche, adresse, creation."""
        self._bridge.provider = provider

    def highlight(self, ids: Iterable[int] | npt.ArrayLike | None, frame: bool = True) -> None:
        """Ring these firms and, with ``frame``, fit the view on them."""
        self._run(self._layers.highlight(ids, frame))

    def set_choropleth(
        self, mode: str | None, values: Mapping[str, float] | None = None, label: str = ""
    ) -> None:
        """Colour the communes.

        Args:
            mode: ``None`` (off), ``"firms"`` (firms per commune) or
                ``"per_1000"`` (firms per 1,000 inhabitants); any other
                name needs ``values``.
            values: commune code -> value. Without it, the shown firms are
                counted per commune, and follow the filter.
            label: legend heading (a default exists for the two modes).
        """
        self._run(self._layers.set_choropleth(mode, values, label))

    def set_clustered(self, on: bool) -> None:
        """Group nearby firms into clusters (leaflet.markercluster)."""
        self._run(self._layers.set_clustered(on))

    def set_sessions(self, venues: Sequence[Mapping[str, Any]] | None) -> None:
        """Show one calendar pin per session venue; ``None`` hides the layer.

        Args:
            venues: ``{"id", "name", "address", "lat", "lon", "upcoming",
                "past"}`` per placed venue, ``upcoming``/``past`` being lists
                of ``{"id", "date", "time", "title"}`` (dates jj/mm/aaaa),
                the next (or latest) session first.
        """
        self._run(self._layers.set_sessions(venues))

    def start_pick(self, message: str) -> None:
        """Wait for a click on the map: ``pointPicked(lat, lon)`` gives it back."""
        self._call(f"PlannerMap.startPick({script_json(message)});")

    def cancel_pick(self) -> None:
        """Leave the pick mode without a position."""
        self._call("PlannerMap.cancelPick();")

    # ------------------------------------------------------------ queries

    def drawn_count(self, callback: Callable[[int], None]) -> None:
        """Ask the page how many markers it drew after the last change.

        ``callback(count)`` gets the answer; before the page is loaded, it
        gets the last reported count at once.
        """
        if not self._ready:
            callback(self._drawn_count)
            return

        def answered(value: Any) -> None:
            callback(int(value) if value is not None else self._drawn_count)

        self.evaluate_js("PlannerMap.drawnCount()", answered)

    def last_drawn_count(self) -> int:
        """The count carried by the last ``drawn`` signal (no round trip)."""
        return self._drawn_count

    def evaluate_js(self, script: str, callback: Callable[[Any], None] | None = None) -> None:
        """Run ``script`` in the page; ``callback`` gets its (JSON-like) result."""
        if callback is None:
            self._page.runJavaScript(script, 0)
        else:
            self._page.runJavaScript(script, 0, callback)

    # ------------------------------------------------------------ exports

    def grab_image(
        self, on_image: ImageReady, on_error: ExportFailed, timeout_ms: int = 5000
    ) -> None:
        """Capture the map as shown now, once Qt's copy of the page has caught up.

        ``on_image(image)`` gets the picture; ``on_error(MapExportError)``
        is called when the map is still blank after ``timeout_ms``.
        """
        token = None
        if self._ready:
            self._token_seq = (self._token_seq + 1) % 8
            token = QColor(223, 229, 226 + self._token_seq)
            self._page.runJavaScript(f"PlannerMap.frameToken('{token.name()}');", 0)
        FrameGrab(self._view, token, on_image, on_error, timeout_ms).start()

    def export_png(
        self, path: str | Path, failed: ExportFailed, done: Callable[[], None] | None = None
    ) -> None:
        """Save the current view as a PNG image.

        Args:
            failed: called with the error (``MapExportError`` or a
                ``PlannerError`` such as a full disk) if nothing was saved.
            done: called once the file is written.
        """

        def save(image: QImage) -> None:
            try:
                write_bytes(path, png_bytes(image, path))
            except (PlannerError, MapExportError) as exc:
                failed(exc)
                return
            if done is not None:
                done()

        self.grab_image(save, failed)

    def export_html(self, path: str | Path, *, include_details: bool = True) -> None:
        """Write a standalone offline HTML file: assets and current data inlined.

        With ``include_details``, the details provider is asked once per
        shown firm, so that tooltips work in the file.
        """
        from planner.ui.map.map_page import build_standalone_html

        html = build_standalone_html(
            self._layers.state(
                self._bridge.view, self._bridge.provider if include_details else None
            ),
            title=self._layers.title or "Carte du bassin",
        )
        write_text(path, html)

    def print_to(
        self,
        printer: QPrinter,
        sheet: MapSheet | str,
        failed: ExportFailed,
        done: Callable[[], None] | None = None,
    ) -> None:
        """Print the map laid out for the printer's page (see ``map_print``).

        The sheet has the title, the date, the whole legend, a scale bar and
        the sources; the map is framed on the bassin or on the current view
        (``sheet.framing``). A PDF file is written to a temporary name, then
        renamed when complete. ``failed`` and ``done`` are called as for
        :meth:`export_png`.

        Args:
            sheet: the sheet's texts, or just a title (the bassin framed).
        """
        if isinstance(sheet, str):
            sheet = map_sheet(sheet, self._layers.title, today=clock.today())
        state = self._layers.state(None)

        def start(bounds: Any) -> None:
            job = MapPrintJob(
                self._page_url,
                state,
                sheet,
                valid_bounds(bounds),
                printer,
                done or (lambda: None),
                failed,
            )
            start_print(job)

        if sheet.framing == FRAMING_VIEW and self._ready:
            # Nested arrays do not survive runJavaScript's conversion: JSON does.
            self.evaluate_js("JSON.stringify(PlannerMap.viewBounds())", start)
        else:
            start(None)
