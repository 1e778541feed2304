"""iCalendar export of sessions: each session as a calendar event (the format is
:mod:`planner.io.session_calendar`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from icalendar import Calendar

from planner.domain.session_labels import kind_label
from planner.io.session_calendar import CalendarEvent, write_calendar
from planner.io.session_calendar import build_calendar as _build_calendar
from planner.services.sessions.planning import SessionRecord

__all__ = ["build_calendar", "calendar_events", "write_ics"]


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
    return "\n".join(lines)


def _event(record: SessionRecord) -> CalendarEvent:
    location: str | None = None
    geo: tuple[float, float] | None = None
    if record.venue is not None:
        location = record.venue.name
        if record.venue.address:
            location += f", {record.venue.address}"
        if record.venue.lat is not None and record.venue.lon is not None:
            geo = (record.venue.lat, record.venue.lon)
    return CalendarEvent(
        uid=f"session-{record.id}-{record.series_id or 'single'}@planner",
        starts_at=record.starts_at,
        ends_at=record.ends_at,
        summary=record.title,
        description=_description(record),
        status=record.status,
        category=kind_label(record.kind),
        location=location,
        geo=geo,
    )


def calendar_events(records: Sequence[SessionRecord]) -> list[CalendarEvent]:
    """One calendar event per session."""
    return [_event(record) for record in records]


def _name(campaign: str) -> str:
    return f"Séances — {campaign}"


def build_calendar(records: Sequence[SessionRecord], campaign: str) -> Calendar:
    """A calendar holding one VEVENT per session, times in Europe/Paris."""
    return _build_calendar(calendar_events(records), _name(campaign))


def write_ics(records: Sequence[SessionRecord], campaign: str, path: Path) -> None:
    """Write the sessions to an ``.ics`` file (atomically)."""
    write_calendar(calendar_events(records), _name(campaign), path)
