"""The sessions as a map layer: one marker per placed venue, with its sessions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from planner.domain.json_types import JsonObject
from planner.services.sessions.planning import SessionRecord


def _line(record: SessionRecord) -> JsonObject:
    return {
        "id": record.id,
        "date": record.starts_at.strftime("%d/%m/%Y"),
        "time": f"{record.starts_at:%H:%M}–{record.ends_at:%H:%M}",
        "title": record.title,
    }


def venue_markers(records: Sequence[SessionRecord], *, now: dt.datetime) -> list[JsonObject]:
    """What ``MapWidget.set_sessions`` draws: the placed venues that have sessions.

    Cancelled sessions are left out. Each venue lists its sessions to come
    (ending after ``now``), the next first, and its past ones, the latest
    first; a click on the marker picks the first of the first non-empty list.

    Args:
        records: the campaign's sessions (any order).
        now: the moment that splits coming sessions from past ones.
    """
    venues: dict[int, JsonObject] = {}
    for record in sorted(records, key=lambda r: (r.starts_at, r.id)):
        venue = record.venue
        if venue is None or venue.lon is None or venue.lat is None:
            continue
        if record.status == "cancelled":
            continue
        entry = venues.setdefault(
            venue.id,
            {
                "id": venue.id,
                "name": venue.name,
                "address": venue.address or "",
                "lat": venue.lat,
                "lon": venue.lon,
                "upcoming": [],
                "past": [],
            },
        )
        if record.ends_at >= now:
            entry["upcoming"].append(_line(record))
        else:
            entry["past"].insert(0, _line(record))
    return sorted(venues.values(), key=lambda v: str(v["name"]))
