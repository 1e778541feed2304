"""Taking a campaign's write lock before reading what a write will be compared with."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session


def take_write_lock(session: Session) -> None:
    """On SQLite, start the write transaction now, before reading what will be compared.

    Python's sqlite3 opens the transaction at the first write only: the
    reads before it would see a state another program may change before our
    write. A write statement that changes nothing takes the file's write lock.
    PostgreSQL locks the rows themselves (``FOR UPDATE``) instead.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("DELETE FROM assignment WHERE 1 = 0"))
