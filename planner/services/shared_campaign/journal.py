"""The campaign's journal, read back in French: who changed what, when, before → after.

The journal itself (table ``journal``) is written by the database: triggers
on PostgreSQL, the application's connections on SQLite
(``planner/db/journal_tables.py``). This module only reads it, for
``planner journal`` and the firm card: tables and fields get their French
names, team, adviser, partner, venue and session ids their names, times the
user's local time (jj/mm/aaaa hh:mm).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from planner.db import models
from planner.db.store import CampaignStore
from planner.domain.errors import PlannerError
from planner.services.shared_campaign.journal_labels import (
    ACTION_LABELS,
    BOOLEAN_FIELDS,
    HIDDEN_FIELDS,
    NAMED_IDS,
    TABLE_LABELS,
    VALUE_LABELS,
    field_label,
    value_label,
)

DEFAULT_LIMIT = 200
"""How many lines ``journal_entries`` returns unless told."""


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of a journaled row, before and after (``""`` when absent)."""

    label: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class JournalLine:
    """One journaled change, in French.

    Attributes:
        id: the journal entry's number (increasing).
        at: when, in the user's local time.
        when: ``at`` as jj/mm/aaaa hh:mm.
        login: who (the PostgreSQL login, or the computer's user on SQLite).
        table: the table's name in the database (``assignment``…).
        table_label: its French name (« Attribution »…).
        action: ``insert``, ``update`` or ``delete``.
        action_label: « création », « modification » or « suppression ».
        siret: the firm the row concerns, if any.
        row_key: the row's key (``|``-separated when it has several columns).
        changes: the fields that changed (for a creation or a deletion: the
            row's fields), names resolved.
    """

    id: int
    at: dt.datetime
    when: str
    login: str
    table: str
    table_label: str
    action: str
    action_label: str
    siret: str | None
    row_key: str | None
    changes: tuple[FieldChange, ...]

    @property
    def description(self) -> str:
        """« Attribution — modification : Équipe : A → B ; Conseiller : — → C »."""
        head = f"{self.table_label} — {self.action_label}"
        if not self.changes:
            return head
        parts = []
        for change in self.changes:
            if self.action == "update":
                parts.append(f"{change.label} : {change.before or '—'} → {change.after or '—'}")
            else:
                parts.append(f"{change.label} : {change.after or change.before}")
        return f"{head} : " + " ; ".join(parts)

    def as_json(self) -> dict[str, Any]:
        """The line as ``planner journal --json`` writes it."""
        return {
            "id": self.id,
            "date": self.when,
            "horodatage": self.at.isoformat(),
            "login": self.login,
            "table": self.table,
            "objet": self.table_label,
            "action": self.action,
            "action_libelle": self.action_label,
            "siret": self.siret,
            "cle": self.row_key,
            "description": self.description,
            "champs": [
                {"champ": c.label, "avant": c.before, "apres": c.after} for c in self.changes
            ],
        }


def local_time(at: dt.datetime) -> dt.datetime:
    """A journal time in the user's local time zone (SQLite's are naive UTC)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone()


def _since_bound(session: Session, since: dt.date) -> dt.datetime:
    """The first instant of ``since`` (local midnight), as the database compares it."""
    start = dt.datetime.combine(since, dt.time()).astimezone()
    if session.get_bind().dialect.name == "sqlite":
        return start.astimezone(dt.UTC).replace(tzinfo=None)
    return start


_NAME_COLUMNS = {
    "team": (models.Team.id, models.Team.name),
    "adviser": (models.Adviser.id, models.Adviser.name),
    "partner": (models.Partner.id, models.Partner.name),
    "venue": (models.Venue.id, models.Venue.name),
    "discovery_session": (models.DiscoverySession.id, models.DiscoverySession.title),
    "service_offer": (models.ServiceOffer.id, models.ServiceOffer.name),
}


class _Names:
    """Names of teams, advisers, partners, venues and sessions, deleted ones included.

    Each table is read the first time one of its ids is shown; the journal's
    deletions (where a deleted row keeps its name) only when an id is unknown.
    """

    def __init__(self, session: Session) -> None:
        self._session = session
        self._by_table: dict[str, dict[str, str]] = {}
        self._deleted: dict[str, dict[str, str]] | None = None

    def _current(self, table: str) -> dict[str, str]:
        known = self._by_table.get(table)
        if known is None:
            key, name = _NAME_COLUMNS[table]
            rows = self._session.execute(select(key, name)).all()
            known = self._by_table[table] = {str(i): str(n) for i, n in rows}
        return known

    def _deleted_names(self, table: str) -> dict[str, str]:
        if self._deleted is None:
            self._deleted = {t: {} for t in _NAME_COLUMNS}
            rows = self._session.execute(
                select(models.JournalEntry.table_name, models.JournalEntry.before).where(
                    models.JournalEntry.action == "delete",
                    models.JournalEntry.table_name.in_(list(_NAME_COLUMNS)),
                )
            ).all()
            for name_table, before in rows:
                if not isinstance(before, dict) or before.get("id") is None:
                    continue
                name = before.get("name") or before.get("title")
                if name:
                    self._deleted[name_table][str(before["id"])] = str(name)
        return self._deleted[table]

    def name(self, table: str, value: object) -> str:
        key = str(value)
        found = self._current(table).get(key) or self._deleted_names(table).get(key)
        return found or f"n° {key}"


def _text(table: str, field: str, value: object, names: _Names) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str) and (table, field) in VALUE_LABELS:
        return value_label(table, field, value)
    if field in NAMED_IDS:
        return names.name(NAMED_IDS[field], value)
    if field in BOOLEAN_FIELDS or isinstance(value, bool):
        return "oui" if value in (True, 1, "1", "true") else "non"
    if isinstance(value, str):
        return _date_text(value)
    if isinstance(value, float):
        return f"{value:.6f}".rstrip("0").rstrip(".").replace(".", ",")
    if isinstance(value, dict):
        return ", ".join(f"{k} = {v}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _date_text(value: str) -> str:
    """ISO dates and times as jj/mm/aaaa (hh:mm); any other text as it is."""
    if len(value) < 10 or value[4:5] != "-" or value[7:8] != "-":
        return value
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if len(value) == 10:
        return moment.strftime("%d/%m/%Y")
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%d/%m/%Y %H:%M")


def _changes(entry: models.JournalEntry, names: _Names) -> tuple[FieldChange, ...]:
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    fields = list(dict.fromkeys([*before, *after]))
    changes = []
    for field in fields:
        if field in HIDDEN_FIELDS:
            continue
        old, new = before.get(field), after.get(field)
        if entry.action == "update" and old == new:
            continue
        table = entry.table_name
        old_text, new_text = _text(table, field, old, names), _text(table, field, new, names)
        if entry.action != "update" and not (old_text or new_text):
            continue
        changes.append(FieldChange(field_label(field), old_text, new_text))
    return tuple(changes)


JOURNAL_NOT_READABLE = "Votre rôle dans cette campagne ne donne pas accès au journal."


def journal_readable(session: Session) -> bool:
    """Whether this login may read the journal (on PostgreSQL, a role may not)."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.scalar(text("SELECT has_table_privilege('journal', 'SELECT')")))


def journal_lines(
    session: Session,
    *,
    siret: str | None = None,
    since: dt.date | None = None,
    limit: int | None = DEFAULT_LIMIT,
) -> list[JournalLine]:
    """The journal's lines, newest first, read in an open session (see :func:`journal_entries`)."""
    query = select(models.JournalEntry).order_by(models.JournalEntry.id.desc())
    if siret is not None:
        query = query.where(models.JournalEntry.siret == siret)
    if since is not None:
        query = query.where(models.JournalEntry.at >= _since_bound(session, since))
    if limit is not None:
        query = query.limit(limit)
    entries = list(session.scalars(query))
    if not entries:
        return []
    names = _Names(session)
    lines = []
    for entry in entries:
        at = local_time(entry.at)
        lines.append(
            JournalLine(
                id=entry.id,
                at=at,
                when=at.strftime("%d/%m/%Y %H:%M"),
                login=entry.login,
                table=entry.table_name,
                table_label=TABLE_LABELS.get(entry.table_name, entry.table_name),
                action=entry.action,
                action_label=ACTION_LABELS.get(entry.action, entry.action),
                siret=entry.siret,
                row_key=entry.row_key,
                changes=_changes(entry, names),
            )
        )
    return lines


def journal_entries(
    store: CampaignStore,
    siret: str | None = None,
    since: dt.date | None = None,
    limit: int | None = DEFAULT_LIMIT,
) -> list[JournalLine]:
    """The campaign's journal, newest first.

    Args:
        store: the open campaign.
        siret: only the changes that concern this firm (its assignment,
            contacts and their needs, its session invitations and hostings).
        since: only the changes from that day on (local time).
        limit: at most that many lines (None: all).
    """
    with store.session() as session:
        if not journal_readable(session):
            raise PlannerError(JOURNAL_NOT_READABLE)
        return journal_lines(session, siret=siret, since=since, limit=limit)


def last_journal_id(store: CampaignStore) -> int:
    """The newest journal entry's number (0 when the journal is empty)."""
    from sqlalchemy import func

    with store.session() as session:
        return int(session.scalar(select(func.max(models.JournalEntry.id))) or 0)
