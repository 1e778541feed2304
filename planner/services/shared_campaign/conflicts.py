"""Conflicts between people working on the same campaign: stale writes, retries, races.

A write based on a row version that changed since it was read is refused
with :class:`StaleVersion`, which carries what the other person changed
(their values next to the user's, who and when, from the journal) so that
the app can ask whether to keep one's own values, take theirs or cancel,
and the command line can name the current version (exit code 3).

:func:`retry_transient` reruns a unit of work that PostgreSQL aborted for a
serialization failure or a deadlock; :func:`is_unique_violation` tells an
insert that lost a race to a concurrent one (a conflict, not a crash).
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from planner.db.models import JournalEntry
from planner.domain.errors import PlannerError

T = TypeVar("T")

TRANSIENT_STATES = frozenset({"40001", "40P01"})
"""PostgreSQL's serialization failure and deadlock: rerunning the transaction may succeed."""
UNIQUE_VIOLATION = "23505"

TABLE_LABELS: dict[str, str] = {
    "assignment": "attribution",
    "contact": "contact",
    "contact_need": "besoin",
    "discovery_session": "séance",
    "session_invitee": "invitation",
    "venue": "lieu",
    "partner": "partenaire",
    "team": "équipe",
    "adviser": "conseiller",
    "remit_rule": "règle de périmètre",
    "setting": "réglage",
    "service_offer": "service de l'offre",
    "portfolio_claim": "revendication de portefeuille",
}
"""How the tables are named to users."""


@dataclass(frozen=True, slots=True)
class Conflict:
    """What another person changed in a row since the user read it.

    Attributes:
        table: the table (``assignment``…).
        key: the row's key as the journal writes it (a SIRET, an id).
        label: how to name the row to the user (« Boulangerie X (SIRET …) »).
        mine: the values the user wanted to write, field label → value (French).
        theirs: the values now in the database, same labels (empty: the row is gone).
        expected_version: the version the user's write was based on (None: no row).
        current_version: the row's version now (None: the row no longer exists).
        login: who made the last change, when the journal says it.
        at: when, when the journal says it.
        others: how many other rows of the same write changed too.
    """

    table: str
    key: str
    label: str
    mine: Mapping[str, str] = field(default_factory=dict)
    theirs: Mapping[str, str] = field(default_factory=dict)
    expected_version: int | None = None
    current_version: int | None = None
    login: str | None = None
    at: dt.datetime | None = None
    others: int = 0

    @property
    def changed_fields(self) -> list[str]:
        """Labels whose value differs between mine and theirs (every label if none does)."""
        labels = list(dict.fromkeys([*self.mine, *self.theirs]))
        differing = [k for k in labels if self.mine.get(k) != self.theirs.get(k)]
        return differing or labels

    def describe(self) -> str:
        """One French paragraph: what changed, by whom, and when."""
        what = TABLE_LABELS.get(self.table, self.table)
        who = f" par {self.login}" if self.login else ""
        when = f" le {self.at.astimezone():%d/%m/%Y à %H:%M:%S}" if self.at else ""
        if self.current_version is None:
            state = f"{self.label} : {what} supprimée entre-temps{who}{when}"
        else:
            state = (
                f"{self.label} : {what} modifiée entre-temps{who}{when} "
                f"(version actuelle {self.current_version})"
            )
        details = "; ".join(
            f"{k} : « {self.theirs.get(k, '—')} » (vous : « {self.mine.get(k, '—')} »)"
            for k in self.changed_fields
            if k in self.theirs or k in self.mine
        )
        more = f" Et {self.others} autre(s) ligne(s) modifiée(s) aussi." if self.others else ""
        return f"{state}{' — ' + details if details else ''}.{more}"


class StaleVersion(PlannerError):
    """A write was based on a version that changed meanwhile: nothing was written.

    Attributes:
        conflict: what the other person changed.
    """

    def __init__(self, conflict: Conflict) -> None:
        self.conflict = conflict
        super().__init__(
            "Conflit : quelqu'un d'autre a modifié ces données depuis que vous les avez lues. "
            f"{conflict.describe()} Rien n'a été enregistré."
        )

    @property
    def table(self) -> str:
        """The table of the row that changed."""
        return self.conflict.table

    @property
    def key(self) -> str:
        """The row's key (a SIRET, an id)."""
        return self.conflict.key

    @property
    def mine(self) -> Mapping[str, str]:
        """The user's values, field label → value."""
        return self.conflict.mine

    @property
    def theirs(self) -> Mapping[str, str]:
        """The values now in the database, same labels."""
        return self.conflict.theirs

    @property
    def login(self) -> str | None:
        """Who made the last change (journal)."""
        return self.conflict.login

    @property
    def at(self) -> dt.datetime | None:
        """When (journal)."""
        return self.conflict.at


class TransientFailure(PlannerError):
    """PostgreSQL kept aborting the transaction (serialization or deadlock)."""


def sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE of a database error (wrapped by SQLAlchemy or raw psycopg), or None."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        code = getattr(current, "sqlstate", None) or getattr(current, "pgcode", None)
        if isinstance(code, str):
            return code
        if isinstance(current, DBAPIError) and current.orig is not None:
            current = current.orig
            continue
        current = current.__cause__ or current.__context__
    return None


def is_transient(exc: BaseException) -> bool:
    """A serialization failure (40001) or a deadlock (40P01)."""
    return sqlstate(exc) in TRANSIENT_STATES


def is_unique_violation(exc: BaseException) -> bool:
    """An insert refused because the key exists: a concurrent insert won the race."""
    if sqlstate(exc) == UNIQUE_VIOLATION:
        return True
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    return isinstance(orig, sqlite3.IntegrityError) and (
        "UNIQUE" in str(orig) or "PRIMARY KEY" in str(orig)
    )


def retry_transient(
    fn: Callable[[], T],
    attempts: int = 5,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run ``fn`` (a whole unit of work), again after serialization failures and deadlocks.

    Waits a short, growing and jittered time between attempts (a few
    milliseconds, then tens), so that two writers that collided do not
    collide again in step.

    Raises:
        TransientFailure: still failing after ``attempts`` tries (French message).
    """
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except DBAPIError as exc:
            if not is_transient(exc):
                raise
            if attempt == attempts:
                kind = "interblocage" if sqlstate(exc) == "40P01" else "conflit de sérialisation"
                raise TransientFailure(
                    f"La base de données a refusé l'écriture {attempts} fois de suite ({kind} "
                    "avec d'autres personnes qui écrivent en même temps). Rien n'a été "
                    "enregistré : réessayez dans un instant."
                ) from exc
            sleep(random.uniform(0.5, 1.5) * 0.005 * 2**attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def last_change(session: Session, table: str, key: str) -> tuple[str | None, dt.datetime | None]:
    """Who changed a row last, and when, from the journal (None, None when unknown)."""
    row = session.execute(
        select(JournalEntry.login, JournalEntry.at)
        .where(JournalEntry.table_name == table, JournalEntry.row_key == key)
        .order_by(JournalEntry.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None, None
    login, at = row
    if isinstance(at, str):  # SQLite's text timestamps (UTC)
        at = dt.datetime.fromisoformat(at)
    if at is not None and at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return login, at


@contextmanager
def stale_rows_as_conflicts(table: str, label: str, key: str = "") -> Iterator[None]:
    """Turn the ORM's :class:`StaleDataError` (an update of a row changed meanwhile)
    into a :class:`StaleVersion` the user can read."""
    try:
        yield
    except StaleDataError as exc:
        raise StaleVersion(Conflict(table=table, key=key, label=label)) from exc


def format_value(value: object) -> str:
    """A value as the conflict dialog shows it (French yes/no, dates jj/mm/aaaa)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dt.datetime):
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    return str(value)
