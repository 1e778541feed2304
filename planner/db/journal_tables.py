"""Which tables the journal follows, how their rows are named, and which firm they concern.

The journal (table ``journal``) is append-only: one row per inserted, updated
or deleted row of a followed table, with who (the login), when, the table,
the row's key and its values before and after. On PostgreSQL triggers write
it (``pg_triggers.py``), so a change made by direct SQL is journaled too; on
SQLite the application's connections write it through temporary triggers
(``sqlite_journal.py``).

Establishments are not followed: they change only by SIRENE imports, which
keep their own record (``import_run``).
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.db.row_versions import VERSIONED_TABLES


@dataclass(frozen=True, slots=True)
class JournaledTable:
    """A followed table.

    Attributes:
        name: the table.
        key: its key columns (joined with ``|`` in ``journal.row_key``).
        firm: how to find the firm (SIRET) a row concerns: ``"siret"`` (its
            own column), ``"contact"`` (through ``contact_id``), or ``""``.
    """

    name: str
    key: tuple[str, ...]
    firm: str


def _firm_of(table: str, key: tuple[str, ...]) -> str:
    if table == "contact_need":
        return "contact"
    if table in {
        "assignment",
        "contact",
        "session_invitee",
        "session_host",
        "contact_service",
        "firm_block",
        "portfolio_claim",
    }:
        return "siret"
    return ""


_LINKS: dict[str, tuple[str, ...]] = {
    "session_theme": ("session_id", "kind", "code"),
    "session_partner": ("session_id", "partner_id"),
    "session_adviser": ("session_id", "adviser_id"),
    "session_host": ("session_id", "siret"),
    "access_grant": ("login",),
    "supported_firm": ("siret",),
    "service_offer_partner": ("offer_id", "partner_id"),
}

JOURNALED_TABLES: tuple[JournaledTable, ...] = tuple(
    JournaledTable(name, key, "siret" if name == "supported_firm" else _firm_of(name, key))
    for name, key in {**VERSIONED_TABLES, **_LINKS}.items()
)
"""Every followed table."""

NOTIFIED_TABLES: tuple[str, ...] = (
    *(t.name for t in JOURNALED_TABLES),
    "establishment",
    "import_run",
    "bassin_commune",
    "campaign",
)
"""Tables whose changes are announced to the open apps (``LISTEN planner_change``)."""

NOTIFY_CHANNEL = "planner_change"
