"""A new session's default day: the next working day (no weekend, no French public holiday)."""

from __future__ import annotations

import datetime as dt

from planner.services.sessions.working_days import next_working_day


def test_the_next_working_day_skips_weekends_and_public_holidays() -> None:
    assert next_working_day(dt.date(2026, 12, 7)) == dt.date(2026, 12, 8)  # Monday → Tuesday
    assert next_working_day(dt.date(2026, 12, 4)) == dt.date(2026, 12, 7)  # Friday → Monday
    assert next_working_day(dt.date(2026, 7, 13)) == dt.date(2026, 7, 15)  # 14 juillet
    # Vendredi 25 décembre, then the weekend.
    assert next_working_day(dt.date(2026, 12, 24)) == dt.date(2026, 12, 28)


def test_alsace_moselle_has_its_own_holidays() -> None:
    # Vendredi saint 2027 is 26/03, lundi de Pâques 29/03.
    thursday = dt.date(2027, 3, 25)
    assert next_working_day(thursday) == dt.date(2027, 3, 26)
    assert next_working_day(thursday, alsace_moselle=True) == dt.date(2027, 3, 30)
