"""Fast bulk writes inside the caller's transaction.

The ORM is too slow for tens of thousands of rows (see FIELD-NOTES.md): on
SQLite the DBAPI's ``executemany`` is used, on PostgreSQL ``COPY`` (or
``executemany`` where row-level security applies to the login: COPY FROM is
refused there). Both run on the session's own connection, so they commit or roll back with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from planner.db.row_versions import VERSIONED_TABLES, next_version

Row = Sequence[Any]


def _driver_connection(session: Session) -> Any:
    return session.connection().connection.driver_connection


def bulk_insert(session: Session, table: str, columns: Sequence[str], rows: Sequence[Row]) -> None:
    """Insert rows (tuples in ``columns`` order) into ``table``.

    Rows of a versioned table get a new version each unless ``columns`` names it.
    """
    if not rows:
        return
    if table in VERSIONED_TABLES and "version" not in columns:
        columns = [*columns, "version"]
        rows = [(*row, next_version()) for row in rows]
    conn = _driver_connection(session)
    cols = ", ".join(columns)
    if session.get_bind().dialect.name == "postgresql":
        if not _row_security_applies(conn, table):
            with conn.cursor() as cursor, cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as cp:
                for row in rows:
                    cp.write_row(row)
            return
        # COPY FROM is refused on a table whose row-level security applies to the
        # login (a coordination grantee of a shared campaign): plain inserts then.
        marks = ", ".join("%s" for _ in columns)
        with conn.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)
        return
    marks = ", ".join("?" for _ in columns)
    cursor = conn.cursor()
    try:
        cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)
    finally:
        cursor.close()


def _row_security_applies(conn: Any, table: str) -> bool:
    with conn.cursor() as cursor:
        cursor.execute("SELECT row_security_active(%s::regclass)", (table,))
        found = cursor.fetchone()
    return bool(found and found[0])


def bulk_update(
    session: Session, table: str, key: str, columns: Sequence[str], rows: Sequence[Row]
) -> None:
    """Update ``columns`` of the rows whose ``key`` is the last item of each tuple."""
    if not rows:
        return
    conn = _driver_connection(session)
    postgres = session.get_bind().dialect.name == "postgresql"
    mark = "%s" if postgres else "?"
    sets = ", ".join(f"{c} = {mark}" for c in columns)
    cursor = conn.cursor()
    try:
        cursor.executemany(f"UPDATE {table} SET {sets} WHERE {key} = {mark}", rows)
    finally:
        cursor.close()
