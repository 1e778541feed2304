"""The journal forgets what named a firm that became non-diffusible.

The journal (``planner/db/journal_tables.py``) keeps the values before and
after each change: a contact's person and phone, a session's title naming
its host, a venue's address. When a firm becomes non-diffusible, the wipe
(``non_diffusible.py``) erases those values from the live rows; this module
erases them from the journal too, entries written by the wipe itself
included, in the same transaction. The entries stay (who changed what row
and when), their identifying values become null or « Établissement non
diffusible ». PostgreSQL's append-only trigger lets exactly such a
redaction through, and nothing else.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection
from typing import Any

from sqlalchemy import Select, select, text, update
from sqlalchemy.orm import Session

from planner.db import models
from planner.domain.json_types import JsonObject

Redact = Callable[[JsonObject], JsonObject]


def _nulls(fields: Collection[str]) -> Redact:
    def redact(values: JsonObject) -> JsonObject:
        return {k: (None if k in fields else v) for k, v in values.items()}

    return redact


def _texts(pattern: re.Pattern[str], fields: Collection[str], label: str) -> Redact:
    def redact(values: JsonObject) -> JsonObject:
        return {
            k: (pattern.sub(label, v) if k in fields and isinstance(v, str) else v)
            for k, v in values.items()
        }

    return redact


def _rewrite(session: Session, entries: Select[Any], redact: Redact) -> None:
    J = models.JournalEntry  # noqa: N806
    for entry_id, before, after in session.execute(entries).tuples():
        changed: dict[str, JsonObject] = {}
        if before and redact(before) != before:
            changed["before"] = redact(before)
        if after and redact(after) != after:
            changed["after"] = redact(after)
        if not changed:
            continue
        if session.get_bind().dialect.name == "postgresql":
            # Through the server's narrow path: a coordination login may not
            # update the journal, only erase what named a non-diffusible firm.
            session.execute(
                text(
                    "SELECT planner_redact_journal(:id, CAST(:before AS jsonb), "
                    "CAST(:after AS jsonb))"
                ),
                {
                    "id": entry_id,
                    "before": json.dumps(changed["before"]) if "before" in changed else None,
                    "after": json.dumps(changed["after"]) if "after" in changed else None,
                },
            )
        else:
            session.execute(update(J).where(J.id == entry_id).values(**changed))


def redact_journal(
    session: Session,
    chunk: list[str],
    *,
    contact_fields: Collection[str],
    venue_label: str,
    firm_label: str,
    session_ids: Collection[int],
    names: re.Pattern[str] | None,
) -> None:
    """Erase the identifying values of the firms ``chunk`` from the journal (after the wipe)."""
    J = models.JournalEntry  # noqa: N806
    columns = (J.id, J.before, J.after)
    _rewrite(
        session,
        select(*columns).where(J.table_name == "contact", J.siret.in_(chunk)),
        _nulls(contact_fields),
    )
    # Free text recorded with a service or a « ne pas solliciter » mark may name the firm.
    for table, fields in (("contact_service", {"comment"}), ("firm_block", {"note"})):
        _rewrite(
            session,
            select(*columns).where(J.table_name == table, J.siret.in_(chunk)),
            _nulls(fields),
        )
    V = models.Venue  # noqa: N806
    venue_ids = [str(i) for i in session.scalars(select(V.id).where(V.siret.in_(chunk)))]
    if venue_ids:
        wipe_venue = _nulls({"address", "commune_code", "lon", "lat"})
        _rewrite(
            session,
            select(*columns).where(J.table_name == "venue", J.row_key.in_(venue_ids)),
            lambda v: {**wipe_venue(v), **({"name": venue_label} if "name" in v else {})},
        )
    if names is not None and session_ids:
        _rewrite(
            session,
            select(*columns).where(
                J.table_name == "discovery_session",
                J.row_key.in_([str(i) for i in session_ids]),
            ),
            _texts(names, {"title", "outcome_notes", "clash_override"}, firm_label),
        )
