"""Changes made to a shared campaign by anyone, as they happen (PostgreSQL ``LISTEN``).

The campaign's statement triggers (``planner/db/pg_triggers.py``) send a
notice on the channel ``planner_change`` for each write, with the table, the
login and the writer's backend pid. :class:`ChangeFeed` listens on its own
connection (autocommit, outside the campaign's pool), gathers a burst of
notices for a moment (200 ms) and hands them over as one batch of
:class:`Change` values to a callback, on the feed's own thread.

When the server goes away the feed connects again, waiting longer each time
(0.5 s, 1 s, 2 s… up to 10 s); notices sent meanwhile are lost, so the first
batch after a reconnection holds :data:`EVERYTHING`: refresh all views.

An SQLite campaign has no feed (:func:`supports_live_changes` is False): one
coordinator works on one file, and the app refreshes its views after its own
writes.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import psycopg
from sqlalchemy.exc import DBAPIError

from planner.db.journal_tables import NOTIFY_CHANNEL
from planner.db.store import CampaignStore

log = logging.getLogger(__name__)

EVERYTHING = "*"
"""The table of a :class:`Change` that stands for every table (after a reconnection)."""

COALESCE_SECONDS = 0.2
"""How long a burst of notices is gathered before it is handed over."""

IDLE_SECONDS = 0.25
"""How often an idle feed checks its stop flag."""

BACKOFF_SECONDS = (0.5, 1.0, 2.0, 4.0, 8.0, 10.0)
"""Waits between reconnection attempts; the last one repeats."""


@dataclass(frozen=True, slots=True)
class Change:
    """One notice: a statement changed rows of ``table``.

    Attributes:
        table: the table (``assignment``, ``contact``…), or :data:`EVERYTHING`.
        login: the PostgreSQL login that made the change (``""`` if unknown).
        pid: the writer's backend process id (0 if unknown).
    """

    table: str
    login: str
    pid: int


OnChanges = Callable[[list[Change]], None]


def parse_notice(payload: str) -> Change | None:
    """A notice's JSON payload as a :class:`Change`; None when it is not one of ours."""
    try:
        data = json.loads(payload)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("table"), str):
        return None
    pid = data.get("pid")
    return Change(
        table=data["table"],
        login=str(data.get("login") or ""),
        pid=pid if isinstance(pid, int) else 0,
    )


def coalesce(changes: list[Change]) -> list[Change]:
    """The distinct changes of a burst, in their first order."""
    return list(dict.fromkeys(changes))


def supports_live_changes(store: CampaignStore) -> bool:
    """Whether the campaign announces its changes (a PostgreSQL campaign)."""
    return store.engine.dialect.name == "postgresql"


class ChangeFeed:
    """Listens to a PostgreSQL campaign's change notices until :meth:`stop`.

    :meth:`run` blocks: call it on a thread of its own. ``on_changes`` is
    called on that thread with each batch; ``on_state`` (optional) with
    ``"connected"`` or ``"disconnected"`` when the connection comes or goes.
    """

    def __init__(
        self,
        store: CampaignStore,
        on_changes: OnChanges,
        *,
        on_state: Callable[[str], None] | None = None,
        coalesce_seconds: float = COALESCE_SECONDS,
    ) -> None:
        if not supports_live_changes(store):
            raise ValueError("Seule une campagne partagée sur PostgreSQL annonce ses changements.")
        self._engine = store.engine
        self._on_changes = on_changes
        self._on_state = on_state
        self._coalesce = coalesce_seconds
        self._stop = threading.Event()
        self._listening = threading.Event()
        self._connection: psycopg.Connection[Any] | None = None

    @property
    def stopped(self) -> bool:
        """Whether :meth:`stop` was called."""
        return self._stop.is_set()

    def stop(self) -> None:
        """Ask the feed to end; :meth:`run` returns within :data:`IDLE_SECONDS` or so."""
        self._stop.set()

    def wait_listening(self, timeout: float) -> bool:
        """Wait until the feed listens (tests, and callers that must not miss a change)."""
        return self._listening.wait(timeout)

    def run(self) -> None:
        """Listen, deliver batches, reconnect when the server goes away; until stopped."""
        attempt = 0
        lost = False
        while not self._stop.is_set():
            try:
                with self._open() as conn:
                    self._connection = conn
                    attempt = 0
                    self._listening.set()
                    self._tell_state("connected")
                    if lost:
                        # Notices sent while we were away are lost: refresh everything.
                        self._deliver([Change(EVERYTHING, "", 0)])
                    self._listen(conn)
            except psycopg.Error as exc:
                if self._stop.is_set():
                    break
                log.info("change feed: connection lost or refused (%s)", exc)
            finally:
                self._connection = None
                self._listening.clear()
            if self._stop.is_set():
                break
            lost = True
            self._tell_state("disconnected")
            self._sleep(BACKOFF_SECONDS[min(attempt, len(BACKOFF_SECONDS) - 1)])
            attempt += 1

    def _open(self) -> psycopg.Connection[Any]:
        # Through the campaign's engine, so that the connection is made as the
        # app's are (password, options, connect events), then taken out of its pool.
        try:
            pooled = self._engine.raw_connection()
        except DBAPIError as exc:
            raise psycopg.OperationalError(str(exc.orig or exc)) from exc
        pooled.detach()
        conn = cast("psycopg.Connection[Any]", pooled.dbapi_connection)
        try:
            conn.rollback()
            conn.autocommit = True
            conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
        except BaseException:
            conn.close()
            raise
        return conn

    def _listen(self, conn: psycopg.Connection[Any]) -> None:
        while not self._stop.is_set():
            batch: list[Change] = []
            for notice in conn.notifies(timeout=IDLE_SECONDS, stop_after=1):
                self._add(batch, notice.payload)
            if not batch:
                continue
            # A burst (a division, an import) sends many notices: gather them.
            for notice in conn.notifies(timeout=self._coalesce):
                self._add(batch, notice.payload)
            self._deliver(coalesce(batch))

    @staticmethod
    def _add(batch: list[Change], payload: str) -> None:
        change = parse_notice(payload)
        if change is not None:
            batch.append(change)

    def _deliver(self, batch: list[Change]) -> None:
        if self._stop.is_set() or not batch:
            return
        try:
            self._on_changes(batch)
        except Exception:  # a failing receiver must not end the feed
            log.exception("change feed: the receiver failed")

    def _tell_state(self, state: str) -> None:
        if self._on_state is None or self._stop.is_set():
            return
        try:
            self._on_state(state)
        except Exception:  # a receiver gone (its window closed) must not end the thread loudly
            log.exception("change feed: the state receiver failed")

    def _sleep(self, seconds: float) -> None:
        self._stop.wait(seconds)

    @property
    def backend_pid(self) -> int | None:
        """The listening connection's backend pid (None while disconnected)."""
        conn = self._connection
        return None if conn is None else int(conn.info.backend_pid)
