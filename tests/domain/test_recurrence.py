"""Recurrence: "every Tuesday for 6 weeks" keeps the wall-clock time across DST."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.domain.errors import PlannerError
from planner.domain.recurrence import Recurrence, expand


def test_every_tuesday_for_six_weeks_across_dst() -> None:
    start = dt.datetime(2026, 3, 17, 9, 0)  # Tuesday; DST begins 29/03/2026
    found = expand(start, start + dt.timedelta(hours=3), Recurrence(6))
    assert len(found) == 6
    assert [s.date() for s, _ in found] == [
        dt.date(2026, 3, 17), dt.date(2026, 3, 24), dt.date(2026, 3, 31),
        dt.date(2026, 4, 7), dt.date(2026, 4, 14), dt.date(2026, 4, 21),
    ]  # fmt: skip
    assert all(s.time() == dt.time(9) and e.time() == dt.time(12) for s, e in found)
    assert Recurrence(6).describe(start.date()) == "chaque mardi pendant 6 semaines"


def test_fortnightly_and_single() -> None:
    start = dt.datetime(2026, 3, 17, 9, 0)
    end = start + dt.timedelta(hours=1)
    assert [s.day for s, _ in expand(start, end, Recurrence(3, 2))] == [17, 31, 14]
    assert expand(start, end, None) == [(start, end)]


@pytest.mark.parametrize("count, interval", [(0, 1), (105, 1), (3, 0)])
def test_invalid_recurrence(count: int, interval: int) -> None:
    with pytest.raises(PlannerError):
        Recurrence(count, interval)
