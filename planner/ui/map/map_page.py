"""Build the bassin map page with folium, once, from local assets only.

The page is a skeleton (map, panes, vendored Leaflet and plugins, our own
``planner_map/*.js``); data arrives later through ``PlannerMap.*`` calls. Two
flavours are produced: a page in a directory that links its assets (loaded by
the widget with ``QUrl.fromLocalFile``), and a standalone page with every asset
and an initial state inlined (the HTML export). This module imports no Qt.
"""

from __future__ import annotations

import base64
import mimetypes
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import folium
from branca.element import Element, Figure, MacroElement
from folium.template import Template

from planner.domain.json_types import JsonObject
from planner.ui.map.map_data import script_json
from planner.ui.resources import resources_dir

#: Stylesheets and scripts, in load order, relative to ``resources/web``.
CSS_ASSETS: tuple[str, ...] = (
    "vendor/leaflet/leaflet.css",
    "vendor/leaflet.markercluster/MarkerCluster.css",
    "vendor/leaflet.markercluster/MarkerCluster.Default.css",
    "vendor/leaflet-geoman-free/leaflet-geoman.css",
    "planner_map.css",
)
JS_ASSETS: tuple[str, ...] = (
    "vendor/leaflet/leaflet.js",
    "vendor/leaflet.markercluster/leaflet.markercluster.js",
    "vendor/leaflet-geoman-free/leaflet-geoman.min.js",
    # Our scripts, one per concern; core.js first (shared state), page.js last (public API).
    "planner_map/core.js",
    "planner_map/firms_drawing.js",
    "planner_map/data.js",
    "planner_map/geography.js",
    "planner_map/legend.js",
    "planner_map/firm_details.js",
    "planner_map/sessions.js",
    "planner_map/selection.js",
    "planner_map/print.js",
    "planner_map/page.js",
)
#: Files referenced from the stylesheets, copied next to them.
EXTRA_ASSETS: tuple[str, ...] = (
    "vendor/leaflet/images/layers.png",
    "vendor/leaflet/images/layers-2x.png",
    "vendor/leaflet/images/marker-icon.png",
    "vendor/leaflet/images/marker-icon-2x.png",
    "vendor/leaflet/images/marker-shadow.png",
)

PAGE_FILENAME = "carte.html"
ASSETS_DIRNAME = "web"

OSM_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">les contributeurs d’OpenStreetMap</a>'
)

# Leaflet panes (name, z-index). Leaflet's own: tiles 200, overlay 400,
# shadow 500, markers 600, tooltips 650, popups 700.
PANES: tuple[tuple[str, int], ...] = (
    ("pmCommunes", 380),
    ("pmOutline", 420),
    ("pmFirms", 450),
    ("pmLabels", 460),
)


def web_dir() -> Path:
    """The folder holding the map's web assets: ``<resources>/web``.

    ``<resources>`` is ``<repo>/resources``, or ``$PLANNER_RESOURCES_DIR``
    (see ``planner.ui.resources``).
    """
    return resources_dir() / "web"


@dataclass(frozen=True)
class MapPageConfig:
    """What the page needs to know before any data arrives."""

    online: bool = False
    center: tuple[float, float] = (48.86, 2.35)  # (lat, lon): Île-de-France
    zoom: int = 10
    min_zoom: int = 5
    max_zoom: int = 18
    tile_url: str = OSM_TILE_URL
    tile_attribution: str = OSM_ATTRIBUTION
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_js(self) -> JsonObject:
        """The options handed to ``PlannerMap.attach``."""
        tiles = None
        if self.online:
            tiles = {
                "url": self.tile_url,
                "attribution": self.tile_attribution,
                "maxZoom": min(self.max_zoom, 19),
            }
        return {"tiles": tiles, **self.extra}


class _AttachPlannerMap(MacroElement):
    """Hands the folium map object to ``PlannerMap.attach`` once it exists."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            PlannerMap.attach(
                {{ this._parent.get_name() }},
                {{ this.options|tojson }},
                window.PLANNER_INITIAL_STATE || null
            );
        {% endmacro %}
        """
    )

    def __init__(self, options: Mapping[str, Any]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # folium is not annotated
        self._name = "PlannerMapAttach"
        self.options = dict(options)


def _new_map(config: MapPageConfig) -> folium.Map:
    # tiles=None: folium then drops its own max_zoom, and markercluster fails
    # with "Map has no maxZoom specified", so the zoom bounds go in as
    # Leaflet map options.
    fmap = folium.Map(
        location=list(config.center),
        tiles=None,
        zoom_start=config.zoom,
        prefer_canvas=True,
        control_scale=False,  # added by planner_map/page.js (metric only)
        maxZoom=config.max_zoom,
        minZoom=config.min_zoom,
        zoomSnap=0.5,
        font_size="12px",
    )
    # Never the CDN: folium's class-level lists point at jsdelivr & co.
    fmap.default_js = []
    fmap.default_css = []
    for name, z_index in PANES:
        folium.map.CustomPane(name, z_index=z_index, pointer_events=False).add_to(fmap)
    return fmap


def _render(fmap: folium.Map, config: MapPageConfig, head: list[str], body: list[str]) -> str:
    figure = cast(Figure, fmap.get_root())
    for index, snippet in enumerate(head):
        figure.header.add_child(Element(snippet), name=f"planner_head_{index:02d}")
    for index, snippet in enumerate(body):
        figure.html.add_child(Element(snippet), name=f"planner_body_{index:02d}")
    fmap.add_child(_AttachPlannerMap(config.to_js()))
    html: str = figure.render()
    return html


def build_map_page(
    directory: Path | str, *, online: bool = False, config: MapPageConfig | None = None
) -> Path:
    """Write the map page and its assets into ``directory``.

    Args:
        directory: an existing or new folder, owned by the caller.
        online: show OpenStreetMap tiles (the page then fetches them).
        config: full configuration; ``online`` is ignored when given.

    Returns:
        The path of the HTML page, to load with ``QUrl.fromLocalFile``.
    """
    config = config or MapPageConfig(online=online)
    target = Path(directory)
    assets = target / ASSETS_DIRNAME
    source = web_dir()
    for rel in (*CSS_ASSETS, *JS_ASSETS, *EXTRA_ASSETS):
        dest = assets / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / rel, dest)
    head = [f'<link rel="stylesheet" href="{ASSETS_DIRNAME}/{rel}"/>' for rel in CSS_ASSETS]
    head += [f'<script src="{ASSETS_DIRNAME}/{rel}"></script>' for rel in JS_ASSETS]
    html = _render(_new_map(config), config, head, [])
    page = target / PAGE_FILENAME
    page.write_text(html, encoding="utf-8")
    return page


def build_standalone_html(
    state: Mapping[str, Any], *, title: str = "", config: MapPageConfig | None = None
) -> str:
    """Return one self-contained page: assets and ``state`` inlined.

    Args:
        state: what ``PlannerMap.restore`` understands (geography, firms,
            visibility, choropleth, view...), JSON-serialisable.
        title: the document title.
        config: page configuration; defaults to offline.
    """
    config = config or MapPageConfig(online=False)
    source = web_dir()
    head = [f"<title>{_escape_text(title or 'Carte du bassin')}</title>"]
    head += [f"<style>\n{_inline_css(source / rel)}\n</style>" for rel in CSS_ASSETS]
    head += [
        f"<script>\n{_inline_js((source / rel).read_text('utf-8'))}\n</script>" for rel in JS_ASSETS
    ]
    body = [f"<script>window.PLANNER_INITIAL_STATE = {script_json(state)};</script>"]
    return _render(_new_map(config), config, head, body)


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _inline_js(code: str) -> str:
    # Sourcemap comments would make the browser look for absent files.
    code = re.sub(r"^//# sourceMappingURL=.*$", "", code, flags=re.MULTILINE)
    return code.replace("</script", "<\\/script")


_CSS_URL = re.compile(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)")


def _inline_css(path: Path) -> str:
    """The stylesheet with relative ``url(...)`` files turned into data URIs."""
    css = path.read_text("utf-8")
    css = re.sub(r"/\*# sourceMappingURL=.*?\*/", "", css)

    def to_data_uri(match: re.Match[str]) -> str:
        ref = match.group(2).strip()
        if ref.startswith(("data:", "#", "%23")):
            return match.group(0)
        file = (path.parent / ref).resolve()
        if not file.is_file():
            return match.group(0)
        mime = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        payload = base64.b64encode(file.read_bytes()).decode("ascii")
        return f'url("data:{mime};base64,{payload}")'

    return _CSS_URL.sub(to_data_uri, css).replace("</style", "<\\/style")


_ASSET_PATTERNS = (
    re.compile(
        r"<(?:script|img|iframe|source|audio|video|embed)\b[^>]*"
        r"\bsrc\s*=\s*['\"]?([^'\" >]+)",
        re.IGNORECASE,
    ),
    re.compile(r"<link\b[^>]*\bhref\s*=\s*['\"]?([^'\" >]+)", re.IGNORECASE),
    re.compile(r"@import\s+(?:url\()?\s*['\"]?([^'\" );]+)", re.IGNORECASE),
    _CSS_URL,
)


def remote_asset_urls(html: str) -> list[str]:
    """List the asset URLs of a page that would be fetched from a network.

    Scripts, stylesheets, images and CSS ``url()``/``@import`` pointing at
    ``http(s)://`` or protocol-relative ``//`` addresses. Plain links
    (``<a href>``) and XML namespaces are not assets and are not reported.
    """
    found: list[str] = []
    for pattern in _ASSET_PATTERNS:
        for match in pattern.finditer(html):
            url = match.group(match.lastindex or 1).strip()
            if re.match(r"^(?:https?:)?//", url, re.IGNORECASE):
                found.append(url)
    return found
