"""The bassin map as a Qt widget: a QWebEngineView on a page built once.

The page (see ``map_page``) is written to a file and loaded with
``QUrl.fromLocalFile``; afterwards every change (firms, filter, colours,
choropleth, highlight) is pushed in compact columnar form through
``runJavaScript`` and drawn in place. Clicks, drawn selections, draw counts
and detail requests come back through a QWebChannel bridge.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import math
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import (
    QBuffer,
    QEventLoop,
    QFile,
    QIODevice,
    QObject,
    QRectF,
    QStandardPaths,
    Qt,
    QTimer,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QDesktopServices, QFont, QImage, QPainter
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEngineScript,
    QWebEngineSettings,
)
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QVBoxLayout, QWidget

from planner import __version__
from planner.domain.cell_text import printed_text
from planner.domain.json_types import GeoJson, JsonObject
from planner.io.output_file import atomic_path, pdf_complete, write_bytes, write_text
from planner.ui.map.map_data import (
    CHOROPLETH_LABELS,
    CommuneIndex,
    FirmColumns,
    choropleth_payload,
    encode_column,
    encode_mask,
    geography_payload,
    legend_payload,
    script_json,
)
from planner.ui.resources import resources_dir

log = logging.getLogger(__name__)

DetailsProvider = Callable[[int], Mapping[str, Any] | None]
DETAIL_KEYS = ("nom", "siret", "naf", "naf_libelle", "tranche", "adresse", "creation")

# One page per version of the web assets and mode, built once (folium and
# ~500 kB of assets) into the user's cache, so that start-up does not even
# import folium; every widget then loads the same file.
_PAGES: dict[bool, Path] = {}


def _page_key(online: bool) -> str:
    digest = hashlib.sha256(f"{__version__}|{online}".encode())
    web = resources_dir() / "web"
    for path in sorted(web.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(web).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _shared_page(online: bool) -> Path:
    if online in _PAGES and _PAGES[online].exists():
        return _PAGES[online]
    base = Path(
        QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation)
        or tempfile.gettempdir()
    )
    folder = base / "carte" / _page_key(online)
    pages = sorted(folder.glob("*.html"))
    if not pages:
        from planner.ui.map.map_page import build_map_page

        base.joinpath("carte").mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix="construction-", dir=base / "carte"))
        name = build_map_page(staging, online=online).name
        try:
            staging.rename(folder)  # atomic: another process may have raced us
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
        pages = [folder / name]
    page = pages[0]
    _PAGES[online] = page
    return page


class MapExportError(RuntimeError):
    """The map could not be captured, printed or written."""


class _MapPage(QWebEnginePage):
    """Keeps the map page in place and routes its console to logging."""

    def __init__(self, page_url: QUrl, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._page_url = page_url
        self.errors: list[str] = []

    def acceptNavigationRequest(  # noqa: N802 (Qt override)
        self, url: QUrl | str, nav_type: QWebEnginePage.NavigationType, is_main_frame: bool
    ) -> bool:
        url = QUrl(url)
        if url.isLocalFile() and url.toLocalFile() == self._page_url.toLocalFile():
            return True
        # A link in an attribution: the system browser opens it, the map stays.
        if nav_type == QWebEnginePage.NavigationType.NavigationTypeLinkClicked and url.scheme() in (
            "http",
            "https",
        ):
            QDesktopServices.openUrl(url)
        return False

    def javaScriptConsoleMessage(  # noqa: N802 (Qt override)
        self,
        level: QWebEnginePage.JavaScriptConsoleMessageLevel,
        message: str,
        line: int,
        source: str,
    ) -> None:
        if level == QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel:
            self.errors.append(f"{source}:{line}: {message}")
            log.warning("carte (JS) %s:%s: %s", source, line, message)
        else:
            log.debug("carte (JS) %s:%s: %s", source, line, message)


class _Bridge(QObject):
    """The object the page sees as ``plannerBridge`` (QWebChannel)."""

    page_readied = Signal()
    # 64-bit ids: the stubs take only Python types, Signal() also takes a C++ type name.
    firm_activated = Signal("qlonglong")  # type: ignore[arg-type]
    shape_selected = Signal(list)
    draw_reported = Signal(int)
    session_activated = Signal(int)
    point_pick_done = Signal(float, float)
    point_pick_cancelled = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.provider: DetailsProvider | None = None
        self.view: dict[str, float] | None = None

    @Slot()
    def page_ready(self) -> None:
        self.page_readied.emit()

    @Slot(float)
    def firm_clicked(self, firm_id: float) -> None:
        self.firm_activated.emit(int(firm_id))

    @Slot(float)
    def session_clicked(self, session_id: float) -> None:
        self.session_activated.emit(int(session_id))

    @Slot(float, float)
    def point_picked(self, lat: float, lon: float) -> None:
        self.point_pick_done.emit(lat, lon)

    @Slot()
    def pick_cancelled(self) -> None:
        self.point_pick_cancelled.emit()

    @Slot(str)
    def selection_drawn(self, ids_json: str) -> None:
        self.shape_selected.emit([int(i) for i in json.loads(ids_json)])

    @Slot(int)
    def report_drawn(self, count: int) -> None:
        self.draw_reported.emit(count)

    @Slot(float, float, float)
    def report_view(self, lat: float, lng: float, zoom: float) -> None:
        self.view = {"lat": lat, "lng": lng, "zoom": zoom}

    @Slot(float, result=str)
    def details(self, firm_id: float) -> str:
        return json.dumps(_details_of(self.provider, int(firm_id)), ensure_ascii=False)


def _details_of(provider: DetailsProvider | None, firm_id: int) -> dict[str, str] | None:
    if provider is None:
        return None
    try:
        raw = provider(firm_id)
    except Exception:
        log.exception("Le fournisseur de détails a échoué pour l'entreprise %s", firm_id)
        return None
    if not raw:
        return None
    return {key: "" if raw.get(key) is None else str(raw.get(key)) for key in DETAIL_KEYS}


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
    # 64-bit ids: the stubs take only Python types, Signal() also takes a C++ type name.
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
        self._firms: FirmColumns | None = None
        self._legend: list[list[str]] = []
        self._title = ""
        self._visible: npt.NDArray[np.bool_] | None = None
        self._highlight: npt.NDArray[np.bool_] | None = None
        self._geography: JsonObject | None = None
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(120)
        self._fit_timer.timeout.connect(lambda: self._call("PlannerMap.fitBassin(false);"))
        self._communes: CommuneIndex | None = None
        self._located: npt.NDArray[np.int32] | None = None
        self._choropleth: tuple[str, Mapping[str, float] | None, str] | None = None
        self._choropleth_payload: JsonObject | None = None
        self._clustered = False
        self._sessions: JsonObject | None = None
        self._token_seq = 0

        page_path = _shared_page(online)
        page_url = QUrl.fromLocalFile(str(page_path))
        self._view = QWebEngineView(self)
        self._view.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self._page = _MapPage(page_url, self._view)
        self._view.setPage(self._page)
        settings = self._page.settings()
        settings.setAttribute(
            QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, online
        )
        settings.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls, True)

        self._bridge = _Bridge(self)
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
        self._page.scripts().insert(_qwebchannel_script())
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
        return [f"PlannerMap.restore({script_json(self._state(details=False))});"]

    # ------------------------------------------------------------ data

    def set_geography(self, communes_geojson: GeoJson, bassin_outline_geojson: GeoJson) -> None:
        """Show the communes (properties: code, nom, population) and the outline."""
        self._geography = geography_payload(communes_geojson, bassin_outline_geojson)
        self._communes = CommuneIndex(communes_geojson)
        self._located = None
        self._call(f"PlannerMap.setGeography({script_json(self._geography)});")
        self._push_choropleth()

    def fit_bassin(self) -> None:
        """Frame the whole bassin."""
        self._call("PlannerMap.fitBassin(true);")

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        # Until the user frames something else, keep the bassin framed while
        # the window lays itself out.
        if self._geography is not None:
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
        self._firms = FirmColumns.from_arrays(ids, lon, lat, category)
        self._legend = legend_payload(legend)
        self._title = title
        self._visible = None
        self._highlight = None
        self._located = None
        payload = self._firms.payload(legend, title)
        self._call(f"PlannerMap.setFirms({script_json(payload)});")
        self._push_choropleth()

    def set_visible(self, ids: Iterable[int] | npt.ArrayLike | None) -> None:
        """Filter: only these ids are drawn; ``None`` shows every firm."""
        if self._firms is None:
            return
        self._visible = self._firms.mask_of(ids)
        self._call(f"PlannerMap.setVisible({script_json(encode_mask(self._visible))});")
        self._push_choropleth()

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
        if self._firms is None:
            return
        self._firms.recategorize(category)
        self._legend = legend_payload(legend)
        if title is not None:
            self._title = title
        cat = encode_column(self._firms.category, "u2")
        self._call(
            f"PlannerMap.recolor({script_json(cat)}, {script_json(self._legend)}, "
            f"{script_json(title)});"
        )

    def set_details_provider(self, provider: DetailsProvider | None) -> None:
        """``provider(id)`` returns nom, siret, naf, naf_libelle, tranche, adresse, creation."""
        self._bridge.provider = provider

    def highlight(self, ids: Iterable[int] | npt.ArrayLike | None, frame: bool = True) -> None:
        """Ring these firms and, with ``frame``, fit the view on them."""
        if self._firms is None:
            return
        mask = self._firms.mask_of(ids)
        self._highlight = mask if mask is not None and mask.any() else None
        self._call(
            f"PlannerMap.setHighlight({script_json(encode_mask(self._highlight))}, "
            f"{'true' if frame else 'false'});"
        )

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
        if mode is not None and values is None and mode not in CHOROPLETH_LABELS:
            raise ValueError(f"Mode de carte choroplèthe inconnu : {mode!r}.")
        self._choropleth = None if mode is None else (mode, values, label)
        self._push_choropleth(force=True)

    def _push_choropleth(self, force: bool = False) -> None:
        if self._choropleth is None:
            if force:
                self._choropleth_payload = None
                self._call("PlannerMap.setChoropleth(null);")
            return
        mode, values, label = self._choropleth
        if values is None:
            values = self._counted_values(mode)
        elif not force:
            return  # fixed values do not follow the filter
        self._choropleth_payload = choropleth_payload(values, label, mode)
        self._call(f"PlannerMap.setChoropleth({script_json(self._choropleth_payload)});")

    def _counted_values(self, mode: str) -> dict[str, float]:
        if self._communes is None:
            return {}
        index = self._communes
        if self._firms is None:
            counts = np.zeros(len(index.codes))
        else:
            if self._located is None:
                self._located = index.locate(self._firms.lon, self._firms.lat)
            counts = index.counts(self._located, self._visible)
        if mode == "per_1000":
            with np.errstate(divide="ignore", invalid="ignore"):
                rates = counts / index.population * 1000.0
            return {
                code: float(r)
                for code, r in zip(index.codes, rates, strict=True)
                if math.isfinite(r)
            }
        return {code: float(c) for code, c in zip(index.codes, counts, strict=True)}

    def set_clustered(self, on: bool) -> None:
        """Group nearby firms into clusters (leaflet.markercluster)."""
        self._clustered = bool(on)
        self._call(f"PlannerMap.setClustered({'true' if on else 'false'});")

    def set_sessions(self, venues: Sequence[Mapping[str, Any]] | None) -> None:
        """Show one calendar pin per session venue; ``None`` hides the layer.

        Args:
            venues: ``{"id", "name", "address", "lat", "lon", "upcoming",
                "past"}`` per placed venue, ``upcoming``/``past`` being lists
                of ``{"id", "date", "time", "title"}`` (dates jj/mm/aaaa),
                the next (or latest) session first.
        """
        if venues is None:
            self._sessions = None
        else:
            self._sessions = {"shown": True, "venues": [dict(v) for v in venues]}
        self._call(f"PlannerMap.setSessions({script_json(self._sessions)});")

    def start_pick(self, message: str) -> None:
        """Wait for a click on the map: ``pointPicked(lat, lon)`` gives it back."""
        self._call(f"PlannerMap.startPick({script_json(message)});")

    def cancel_pick(self) -> None:
        """Leave the pick mode without a position."""
        self._call("PlannerMap.cancelPick();")

    # ------------------------------------------------------------ queries

    def drawn_count(self, timeout_ms: int = 5000) -> int:
        """Markers drawn by the page after the last change, asked synchronously.

        Spins a local event loop until the page answers; returns the last
        reported count before the page is loaded.
        """
        if not self._ready:
            return self._drawn_count
        value = self.evaluate_js("PlannerMap.drawnCount()", timeout_ms)
        return int(value) if value is not None else self._drawn_count

    def last_drawn_count(self) -> int:
        """The count carried by the last ``drawn`` signal (no round trip)."""
        return self._drawn_count

    def evaluate_js(self, script: str, timeout_ms: int = 5000) -> Any:
        """Run ``script`` in the page and wait for its (JSON-like) result."""
        loop = QEventLoop()
        box: dict[str, Any] = {}

        def done(result: Any) -> None:
            box["result"] = result
            loop.quit()

        self._page.runJavaScript(script, 0, done)
        if "result" not in box:
            QTimer.singleShot(timeout_ms, loop.quit)
            loop.exec()
        return box.get("result")

    # ------------------------------------------------------------ exports

    def grab_image(self, timeout_ms: int = 5000) -> QImage:
        """The map as shown now, once Qt's copy of the page has caught up.

        The page paints a 1 px mark of a fresh colour in its corner; grabs
        are polled until that colour shows, so the image is never a stale
        (or blank) frame.
        """
        deadline = time.monotonic() + timeout_ms / 1000
        token = None
        if self._ready:
            self._token_seq = (self._token_seq + 1) % 8
            token = QColor(223, 229, 226 + self._token_seq)
            self._page.runJavaScript(f"PlannerMap.frameToken('{token.name()}');", 0)
        image = QImage()
        while time.monotonic() < deadline:
            image = self._view.grab().toImage()
            fresh = token is None or image.pixelColor(0, 0) == token
            if fresh and not _is_blank(image):
                return image
            _sleep(15)
        if _is_blank(image):
            raise MapExportError("La carte n'est pas encore affichée : capture impossible.")
        log.warning("Capture de la carte : image peut-être antérieure au dernier changement.")
        return image

    def export_png(self, path: str | Path) -> None:
        """Save the current view as a PNG image."""
        image = self.grab_image()
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        # The stubs type the format as bytes; PySide6 refuses bytes here and takes str.
        if not image.save(buffer, "PNG"):  # type: ignore[call-overload]
            raise MapExportError(f"Impossible d'enregistrer l'image {path}.")
        write_bytes(path, bytes(buffer.data().data()))

    def _state(self, *, details: bool) -> JsonObject:
        state: JsonObject = {}
        if self._geography is not None:
            state["geography"] = self._geography
        if self._firms is not None:
            state["firms"] = self._firms.payload([(e[0], e[1]) for e in self._legend], self._title)
            state["visible"] = encode_mask(self._visible)
            state["highlight"] = encode_mask(self._highlight)
            if details and self._bridge.provider is not None:
                shown = self._firms.ids if self._visible is None else self._firms.ids[self._visible]
                state["details"] = {
                    str(int(i)): d
                    for i in shown.tolist()
                    if (d := _details_of(self._bridge.provider, int(i))) is not None
                }
        if self._choropleth_payload is not None:
            state["choropleth"] = self._choropleth_payload
        state["clustered"] = self._clustered
        if self._sessions is not None:
            state["sessions"] = self._sessions
        if self._bridge.view is not None:
            state["view"] = self._bridge.view
        return state

    def export_html(self, path: str | Path, *, include_details: bool = True) -> None:
        """Write a standalone offline HTML file: assets and current data inlined.

        With ``include_details``, the details provider is asked once per
        shown firm, so that tooltips work in the file.
        """
        from planner.ui.map.map_page import build_standalone_html

        html = build_standalone_html(
            self._state(details=include_details), title=self._title or "Carte du bassin"
        )
        write_text(path, html)

    def print_to(self, printer: QPrinter, title: str) -> None:
        """Print the current view with a title, the legends, the scale and the date.

        A PDF file is written to a temporary name, then renamed when complete.
        """
        out = printer.outputFileName()
        if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and out:
            with atomic_path(out, check=pdf_complete) as temp:
                printer.setOutputFileName(str(temp))
                try:
                    self._print(printer, title)
                finally:
                    printer.setOutputFileName(out)
            return
        self._print(printer, title)

    def _print(self, printer: QPrinter, title: str) -> None:
        title = printed_text(title)
        self._call("PlannerMap.setPrintMode(true);")
        try:
            image = self.grab_image()
        finally:
            self._call("PlannerMap.setPrintMode(false);")
        painter = QPainter()
        if not painter.begin(printer):
            raise MapExportError("Impossible d'ouvrir l'imprimante ou le fichier PDF.")
        try:
            _paint_sheet(painter, printer, image, title)
        finally:
            painter.end()


def _paint_sheet(painter: QPainter, printer: QPrinter, image: QImage, title: str) -> None:
    page = printer.pageLayout().paintRectPixels(printer.resolution())
    width, height = float(page.width()), float(page.height())
    title_font = QFont()
    title_font.setPointSizeF(16)
    title_font.setBold(True)
    small_font = QFont()
    small_font.setPointSizeF(9)
    painter.setFont(title_font)
    title_height = painter.fontMetrics().height() * 1.6
    painter.drawText(
        QRectF(0, 0, width, title_height),
        int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
        title,
    )
    painter.setFont(small_font)
    date_text = f"Édité le {dt.date.today().strftime('%d/%m/%Y')}"
    painter.drawText(
        QRectF(0, 0, width, title_height),
        int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
        date_text,
    )
    top = title_height + 0.2 * title_height
    available = QRectF(0, top, width, height - top)
    scale = min(available.width() / image.width(), available.height() / image.height())
    target_width = image.width() * scale
    target = QRectF((width - target_width) / 2, top, target_width, image.height() * scale)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
    painter.drawImage(target, image)
    painter.drawRect(target)


def _is_blank(image: QImage) -> bool:
    """True when a grid of samples finds fewer than three colours."""
    if image.isNull() or image.width() < 2 or image.height() < 2:
        return True
    colors: set[int] = set()
    step_x = max(1, image.width() // 40)
    step_y = max(1, image.height() // 30)
    for y in range(0, image.height(), step_y):
        for x in range(0, image.width(), step_x):
            colors.add(image.pixel(x, y))
            if len(colors) >= 3:
                return False
    return True


def _sleep(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def _qwebchannel_script() -> QWebEngineScript:
    """qwebchannel.js from Qt's resources, run before the page's own scripts."""
    source = QFile(":/qtwebchannel/qwebchannel.js")
    if not source.open(QIODevice.OpenModeFlag.ReadOnly):
        raise RuntimeError("qwebchannel.js est introuvable dans les ressources Qt.")
    code = bytes(source.readAll().data()).decode("utf-8")
    source.close()
    script = QWebEngineScript()
    script.setName("qwebchannel")
    script.setSourceCode(code)
    script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
    script.setWorldId(QWebEngineScript.ScriptWorldId.MainWorld)
    script.setRunsOnSubFrames(False)
    return script
