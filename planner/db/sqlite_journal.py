"""The journal of an SQLite campaign, written by the application's connections.

SQLite has no login and no server-side code: each connection planner opens
registers ``planner_login()`` (the operating system's user name) and creates
temporary triggers that write the same journal rows as PostgreSQL's
(``pg_triggers.py``). A program that opens the file without planner (the
``sqlite3`` shell) is not journaled: for a journal that no one can bypass,
publish the campaign on PostgreSQL.
"""

from __future__ import annotations

import getpass
from typing import Any

from planner.db.journal_tables import JOURNALED_TABLES, JournaledTable


def os_login() -> str:
    """The user's login on this computer (``inconnu`` when the system does not say)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "inconnu"


def _row_json(alias: str, columns: list[str]) -> str:
    pairs = ", ".join(f"'{c}', {alias}.{c}" for c in columns)
    return f"json_object({pairs})"


def _row_key(alias: str, key: tuple[str, ...]) -> str:
    return " || '|' || ".join(f"{alias}.{c}" for c in key)


def _firm(alias: str, followed: JournaledTable) -> str:
    if followed.firm == "siret":
        return f"{alias}.siret"
    if followed.firm == "contact":
        return f"(SELECT c.siret FROM main.contact AS c WHERE c.id = {alias}.contact_id)"
    return "NULL"


def trigger_statements(followed: JournaledTable, columns: list[str]) -> list[str]:
    """The three temporary triggers of one followed table."""
    table = followed.name
    insert = "INSERT INTO journal (at, login, table_name, row_key, siret, action, before, after)"
    now = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
    return [
        f"CREATE TEMP TRIGGER IF NOT EXISTS planner_journal_{table}_insert "
        f"AFTER INSERT ON main.{table} BEGIN {insert} VALUES ({now}, planner_login(), "
        f"'{table}', {_row_key('NEW', followed.key)}, {_firm('NEW', followed)}, 'insert', "
        f"NULL, {_row_json('NEW', columns)}); END",
        f"CREATE TEMP TRIGGER IF NOT EXISTS planner_journal_{table}_update "
        f"AFTER UPDATE ON main.{table} WHEN {changed} BEGIN {insert} VALUES ({now}, "
        f"planner_login(), '{table}', {_row_key('NEW', followed.key)}, "
        f"{_firm('NEW', followed)}, 'update', {_row_json('OLD', columns)}, "
        f"{_row_json('NEW', columns)}); END",
        f"CREATE TEMP TRIGGER IF NOT EXISTS planner_journal_{table}_delete "
        f"AFTER DELETE ON main.{table} BEGIN {insert} VALUES ({now}, planner_login(), "
        f"'{table}', {_row_key('OLD', followed.key)}, {_firm('OLD', followed)}, 'delete', "
        f"{_row_json('OLD', columns)}, NULL); END",
    ]


def install(dbapi_conn: Any, login: str | None = None) -> bool:
    """Journal this connection's writes; False when the campaign has no journal yet.

    Called on each new connection; a campaign older than schema 0010 gets
    its journal at the migration, and its connections are opened again then.
    """
    name = login or os_login()
    dbapi_conn.create_function("planner_login", 0, lambda: name)
    cursor = dbapi_conn.cursor()
    try:
        tables = {
            row[0]
            for row in cursor.execute("SELECT name FROM main.sqlite_master WHERE type = 'table'")
        }
        if "journal" not in tables:
            return False
        for followed in JOURNALED_TABLES:
            if followed.name not in tables:
                continue
            columns = [row[1] for row in cursor.execute(f"PRAGMA main.table_info({followed.name})")]
            for statement in trigger_statements(followed, columns):
                cursor.execute(statement)
    finally:
        cursor.close()
    return True
