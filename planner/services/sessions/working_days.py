"""When a new session starts by default: the next working day, at 9 h."""

from __future__ import annotations

import datetime as dt

from planner.db.store import CampaignStore
from planner.domain import clock
from planner.domain.session_clashes import holiday_name
from planner.services.sessions.planning import alsace_moselle

DEFAULT_START = dt.time(9)


def next_working_day(after: dt.date, *, alsace_moselle: bool = False) -> dt.date:
    """The first day after ``after`` that is neither a weekend day nor a French public holiday.

    In Alsace-Moselle its own holidays count too (Vendredi saint, Saint-Étienne).
    """
    day = after + dt.timedelta(days=1)
    while day.weekday() >= 5 or holiday_name(day, alsace_moselle=alsace_moselle):
        day += dt.timedelta(days=1)
    return day


def default_session_start(store: CampaignStore, today: dt.date | None = None) -> dt.datetime:
    """A new session's start: the next working day of the campaign's bassin, at 9 h."""
    day = next_working_day(today or clock.today(), alsace_moselle=alsace_moselle(store))
    return dt.datetime.combine(day, DEFAULT_START)
