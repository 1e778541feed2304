"""iCalendar files (RFC 5545) of sessions, in Europe/Paris with its VTIMEZONE."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone

from planner.domain.cell_text import calendar_text
from planner.io.output_file import write_bytes

__all__ = ["PARIS", "CalendarEvent", "build_calendar", "write_calendar"]

PARIS = ZoneInfo("Europe/Paris")
#: ICS STATUS of each session status.
_STATUS = {
    "planned": "TENTATIVE",
    "confirmed": "CONFIRMED",
    "held": "CONFIRMED",
    "cancelled": "CANCELLED",
}


@dataclass(frozen=True)
class CalendarEvent:
    """One VEVENT: a session as the calendar shows it (naive Paris times)."""

    uid: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    summary: str
    description: str
    status: str
    """The session's status (``planned``, ``confirmed``, ``held``, ``cancelled``)."""
    category: str
    location: str | None = None
    geo: tuple[float, float] | None = None
    """(latitude, longitude) of the venue."""


def build_calendar(events: Sequence[CalendarEvent], name: str) -> Calendar:
    """A calendar named ``name`` holding one VEVENT per event, times in Europe/Paris."""
    cal = Calendar()
    cal.add("prodid", "-//France Travail task force//planner//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", calendar_text(name))
    cal.add("x-wr-timezone", "Europe/Paris")
    if events:
        first = min(e.starts_at for e in events) - dt.timedelta(days=366)
        last = max(e.ends_at for e in events) + dt.timedelta(days=366)
        cal.add_component(
            Timezone.from_tzid("Europe/Paris", first_date=first.date(), last_date=last.date())
        )
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.starts_at.replace(tzinfo=PARIS))
        event.add("dtend", item.ends_at.replace(tzinfo=PARIS))
        event.add("summary", calendar_text(item.summary))
        event.add("description", calendar_text(item.description))
        event.add("status", _STATUS.get(item.status, "TENTATIVE"))
        event.add("categories", [item.category])
        if item.location is not None:
            event.add("location", calendar_text(item.location))
            if item.geo is not None:
                event.add("geo", item.geo)
        cal.add_component(event)
    return cal


def write_calendar(events: Sequence[CalendarEvent], name: str, path: Path) -> None:
    """Write the events to an ``.ics`` file (atomically)."""
    write_bytes(path, build_calendar(events, name).to_ical())
