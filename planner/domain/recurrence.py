"""Recurrence of sessions: "every Tuesday for 6 weeks" and the like."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from planner.domain.errors import PlannerError

WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


@dataclass(frozen=True)
class Recurrence:
    """Repeat a session every ``interval_weeks`` weeks, ``count`` times in all."""

    count: int
    interval_weeks: int = 1

    def __post_init__(self) -> None:
        if self.count < 1 or self.count > 104:
            raise PlannerError("Une récurrence compte de 1 à 104 occurrences.")
        if self.interval_weeks < 1 or self.interval_weeks > 12:
            raise PlannerError("L'intervalle d'une récurrence va de 1 à 12 semaines.")

    def describe(self, first: dt.date) -> str:
        """French wording, e.g. ``chaque mardi pendant 6 semaines``."""
        day = WEEKDAYS_FR[first.weekday()]
        if self.interval_weeks == 1:
            return f"chaque {day} pendant {self.count} semaines"
        return f"un {day} toutes les {self.interval_weeks} semaines, {self.count} fois"


def expand(
    starts_at: dt.datetime, ends_at: dt.datetime, recurrence: Recurrence | None
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The (start, end) of every occurrence, in wall-clock time (naive, Europe/Paris).

    The wall-clock time is kept across the daylight-saving change: a session at
    9:00 stays at 9:00 local time in every week.
    """
    if recurrence is None:
        return [(starts_at, ends_at)]
    step = dt.timedelta(weeks=recurrence.interval_weeks)
    return [(starts_at + step * i, ends_at + step * i) for i in range(recurrence.count)]
