"""The .ics export parses back with the right Europe/Paris times, across the DST change."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar

from planner.services.sessions.ics_export import write_ics
from planner.services.sessions.planning import SessionRecord, VenueInfo

PARIS = ZoneInfo("Europe/Paris")


def _record(sid: int, start: dt.datetime) -> SessionRecord:
    return SessionRecord(
        id=sid,
        kind="discovery",
        title=f"Séance {sid} — métiers de la logistique",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        status="confirmed",
        capacity=20,
        attendance=None,
        outcome_notes=None,
        series_id="serie",
        recurrence=None,
        clash_override=None,
        venue=VenueInfo(1, "Mairie de Saint-Denis", "mairie", "2 place du Caquet", 2.36, 48.94),
        partners={1: "France Travail Saint-Denis"},
        advisers={2: "Nadia Benali"},
    )


def test_ics_round_trip_across_dst(tmp_path: Path) -> None:
    before = dt.datetime(2026, 3, 24, 9, 0)  # CET, UTC+1
    after = dt.datetime(2026, 3, 31, 9, 0)  # CEST, UTC+2
    out = tmp_path / "s.ics"
    write_ics([_record(1, before), _record(2, after)], "Campagne", out)
    text = out.read_text()
    assert "BEGIN:VTIMEZONE" in text and "TZID:Europe/Paris" in text
    assert "DTSTART;TZID=Europe/Paris:20260324T090000" in text
    cal = Calendar.from_ical(out.read_bytes())
    events = sorted(cal.walk("VEVENT"), key=lambda e: e["UID"])
    assert len(events) == 2
    starts = [e.decoded("dtstart") for e in events]
    assert [s.astimezone(dt.UTC).hour for s in starts] == [8, 7]
    assert all(s.astimezone(PARIS).hour == 9 for s in starts)
    assert events[0]["LOCATION"] == "Mairie de Saint-Denis, 2 place du Caquet"
    assert "Nadia Benali" in str(events[0]["DESCRIPTION"])
    tzs = cal.walk("VTIMEZONE")
    assert len(tzs) == 1
