"""« Placer sur la carte »: the next click on the bassin map gives a venue its position."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from planner.services.campaign.campaign_store import CampaignStore
from planner.services.sessions.venues import set_venue_position
from planner.ui.map.map_widget import MapWidget

# The pending pick's disconnect, per map: a new request replaces a pending one.
_pending: weakref.WeakKeyDictionary[MapWidget, Callable[[], None]] = weakref.WeakKeyDictionary()


def place_venue(
    map_widget: MapWidget,
    store: CampaignStore,
    venue_id: int,
    name: str,
    on_placed: Callable[[int], Any],
) -> None:
    """Put the map in pick mode; the click saves the venue's position.

    Args:
        map_widget: the main window's map.
        store: the open campaign.
        venue_id: the venue to place.
        name: its name, for the banner shown on the map.
        on_placed: called with ``venue_id`` once the position is saved.
    """

    done = False

    def disconnect() -> None:
        nonlocal done
        if not done:
            done = True
            map_widget.pointPicked.disconnect(picked)
            map_widget.pickCancelled.disconnect(cancelled)

    def picked(lat: float, lon: float) -> None:
        disconnect()
        set_venue_position(store, venue_id, lon, lat)
        on_placed(venue_id)

    def cancelled() -> None:
        disconnect()

    # A new request replaces a pending one (the page keeps one pick at a time).
    previous = _pending.get(map_widget)
    if previous is not None:
        previous()
    _pending[map_widget] = disconnect
    map_widget.pointPicked.connect(picked)
    map_widget.pickCancelled.connect(cancelled)
    map_widget.start_pick(f"Cliquez sur la carte pour placer « {name} »")
