"""Today's date for the whole application: the one place the calendar is read.

Every rule that depends on the day (a mark that has lapsed, this week's
accompanied firms, the date printed on a schedule, the default date of a
contact) asks :func:`today`, so a run can be pinned to one day: when the
environment variable ``PLANNER_TODAY`` holds an ISO date (``aaaa-mm-jj``),
that is today for the process and for the processes it starts. The test suite
pins it at start-up so that a run crossing midnight sees one day from start
to end; a training session can pin it to the day its exercises were written
for. An unreadable value is ignored: the real calendar is safer than a crash.
"""

from __future__ import annotations

import datetime as dt
import os

ENV_VAR = "PLANNER_TODAY"


def pinned_day() -> dt.date | None:
    """The day ``PLANNER_TODAY`` pins, or None when it is unset or unreadable."""
    text = os.environ.get(ENV_VAR, "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def today() -> dt.date:
    """Today: the pinned day if there is one, else the calendar's."""
    return pinned_day() or dt.date.today()


def now() -> dt.datetime:
    """The time of day on :func:`today`: what a rule that compares with a date or a
    session's start uses (the day of a call-list export, a session already held).

    Audit stamps (when a row was written) keep the real clock.
    """
    real = dt.datetime.now()
    day = pinned_day()
    return real if day is None else dt.datetime.combine(day, real.time())
