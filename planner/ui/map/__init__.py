"""The bassin map: a reusable, offline Leaflet map in a Qt widget.

``MapWidget`` is the widget; ``map_page`` builds its page (folium, no Qt) and
``map_data`` packs firms and communes for it (numpy/shapely, no Qt). The
widget is imported lazily, so that those two stay importable without Qt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from planner.ui.map.map_widget import MapExportError, MapWidget

__all__ = ["MapExportError", "MapWidget"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from planner.ui.map import map_widget

        return getattr(map_widget, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
