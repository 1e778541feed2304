"""The map's page and its way back to Python: the cached page file, the
QWebEnginePage that keeps it in place, and the QWebChannel bridge.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import QFile, QIODevice, QObject, QStandardPaths, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineScript

from planner import __version__
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


def shared_page(online: bool) -> Path:
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


class MapPage(QWebEnginePage):
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


class Bridge(QObject):
    """The object the page sees as ``plannerBridge`` (QWebChannel)."""

    page_readied = Signal()
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
        return json.dumps(details_of(self.provider, int(firm_id)), ensure_ascii=False)


def details_of(provider: DetailsProvider | None, firm_id: int) -> dict[str, str] | None:
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


def qwebchannel_script() -> QWebEngineScript:
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
