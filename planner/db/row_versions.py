"""Row versions: what makes a stale write detectable (optimistic concurrency).

Every row that users edit carries a ``version``. A write names the version it
was based on (``UPDATE … WHERE key = … AND version = …``): when another user
changed the row meanwhile, the write changes no row and is refused instead of
silently overwriting. The ORM does this check itself for mapped updates
(``version_id_col``); core statements and bulk writes set the version with
:func:`next_version`.

A version is a clock reading in microseconds, strictly increasing in this
process and never below the row's previous version plus one. It is not a
per-row counter on purpose: a firm unassigned (its row deleted) and then
assigned again would restart at 1, and a client still holding the old
version 1 would then overwrite the new assignment (an ABA lost update). On
PostgreSQL, a trigger gives a direct SQL write that does not set the version
a new one the same way (``planner/db/pg_triggers.py``).
"""

from __future__ import annotations

import threading
import time

VERSIONED_TABLES: dict[str, tuple[str, ...]] = {
    "assignment": ("siret",),
    "contact": ("id",),
    "contact_need": ("id",),
    "discovery_session": ("id",),
    "session_invitee": ("session_id", "siret"),
    "venue": ("id",),
    "partner": ("id",),
    "team": ("id",),
    "adviser": ("id",),
    "remit_rule": ("id",),
    "setting": ("key",),
    "service_offer": ("id",),
    "contact_service": ("id",),
    "firm_block": ("siret",),
    "portfolio_claim": ("id",),
}
"""Versioned tables and their key columns."""


class _Clock:
    """The last version given in this process, behind a lock (threads write too)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.last = 0

    def tick(self, current: int | None) -> int:
        with self.lock:
            value = max(time.time_ns() // 1000, self.last + 1, (current or 0) + 1)
            self.last = value
            return value


_clock = _Clock()


def next_version(current: int | None = None) -> int:
    """A new version for a row whose version is ``current`` (None for a new row)."""
    return _clock.tick(current)


def next_versions(count: int) -> list[int]:
    """``count`` new versions at once (bulk inserts)."""
    return [next_version() for _ in range(count)]
