"""iCalendar export of sessions (RFC 5545), in Europe/Paris with its VTIMEZONE."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone

from planner.domain.cell_text import calendar_text
from planner.domain.session_labels import kind_label
from planner.io.output_file import write_bytes
from planner.services.sessions.planning import SessionRecord

PARIS = ZoneInfo("Europe/Paris")
_STATUS = {
    "planned": "TENTATIVE",
    "confirmed": "CONFIRMED",
    "held": "CONFIRMED",
    "cancelled": "CANCELLED",
}


def _description(record: SessionRecord) -> str:
    lines = [kind_label(record.kind)]
    if record.partners:
        lines.append("Partenaires : " + ", ".join(record.partners.values()))
    if record.advisers:
        lines.append("Conseillers : " + ", ".join(record.advisers.values()))
    if record.hosts:
        lines.append("Entreprises d'accueil : " + ", ".join(record.hosts.values()))
    if record.themes:
        lines.append("Thème : " + ", ".join(f"{k.upper()} {c}" for k, c in record.themes))
    if record.capacity is not None:
        lines.append(f"Capacité : {record.capacity} places")
    return calendar_text("\n".join(lines))


def build_calendar(records: Sequence[SessionRecord], campaign: str) -> Calendar:
    """A calendar holding one VEVENT per session, times in Europe/Paris."""
    cal = Calendar()
    cal.add("prodid", "-//France Travail task force//planner//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", calendar_text(f"Séances — {campaign}"))
    cal.add("x-wr-timezone", "Europe/Paris")
    if records:
        first = min(r.starts_at for r in records) - dt.timedelta(days=366)
        last = max(r.ends_at for r in records) + dt.timedelta(days=366)
        cal.add_component(
            Timezone.from_tzid("Europe/Paris", first_date=first.date(), last_date=last.date())
        )
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for record in records:
        event = Event()
        event.add("uid", f"session-{record.id}-{record.series_id or 'single'}@planner")
        event.add("dtstamp", stamp)
        event.add("dtstart", record.starts_at.replace(tzinfo=PARIS))
        event.add("dtend", record.ends_at.replace(tzinfo=PARIS))
        event.add("summary", calendar_text(record.title))
        event.add("description", _description(record))
        event.add("status", _STATUS.get(record.status, "TENTATIVE"))
        event.add("categories", [kind_label(record.kind)])
        if record.venue is not None:
            where = record.venue.name
            if record.venue.address:
                where += f", {record.venue.address}"
            event.add("location", calendar_text(where))
            if record.venue.lat is not None and record.venue.lon is not None:
                event.add("geo", (record.venue.lat, record.venue.lon))
        cal.add_component(event)
    return cal


def write_ics(records: Sequence[SessionRecord], campaign: str, path: Path) -> None:
    """Write the sessions to an ``.ics`` file (atomically)."""
    write_bytes(path, build_calendar(records, campaign).to_ical())
