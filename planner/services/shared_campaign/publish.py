"""Publish a campaign file on a PostgreSQL server, where the whole task force shares it.

``publish`` copies every table of a ``.planner`` file into an empty
PostgreSQL database, in one transaction: the schema (the migrations, with
their triggers), then the rows in foreign-key order with ``COPY``, their
versions and the file's journal kept as they are, then the id sequences
moved past the copied ids. A failure anywhere leaves the database empty.

The file is only read (opened read-only); a campaign at an older schema is
migrated first on a temporary copy, never in place.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, MetaData, Table, inspect, select, text
from sqlalchemy.exc import DBAPIError

from planner.db.store import (
    MIGRATIONS_DIR,
    REVISIONS,
    SQLITE_MAGIC,
    StoreError,
    copy_sqlite,
    head_revision,
    make_engine,
    open_store,
)
from planner.domain.errors import PlannerError
from planner.domain.progress import Progress, no_progress
from planner.services.shared_campaign.connection import (
    address_of_url,
    describe_connection_error,
    normalize_url,
)

# The triggers that would journal each copied row as an insert by the
# publisher, and announce it: off during the copy (the file's own journal is
# copied instead), on again before the commit.
_QUIET_TRIGGERS = ("planner_journal", "planner_notify")
_COPY_BATCH = 5000
_PUBLISH_LOCK = "hashtext('planner_publish')"


class PublishError(PlannerError):
    """The campaign cannot be published (bad file, target not empty, server error)."""


@dataclass(frozen=True, slots=True)
class TableCount:
    """Rows of one table, read from the file and found on the server after the copy."""

    table: str
    rows: int


@dataclass(frozen=True, slots=True)
class PublishSummary:
    """What ``publish`` did.

    Attributes:
        source: the campaign file.
        target: the database URL, without its password.
        campaign: the campaign's name.
        migrated_from: the file's schema when it had to be migrated (on a copy).
        tables: rows per table, in copy order.
    """

    source: Path
    target: str
    campaign: str
    migrated_from: str | None
    tables: tuple[TableCount, ...]

    @property
    def total_rows(self) -> int:
        """Every row copied."""
        return sum(t.rows for t in self.tables)

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        return {t.table: t.rows for t in self.tables}


def publish(sqlite_path: str | Path, url: str, progress: Progress | None = None) -> PublishSummary:
    """Copy the campaign file ``sqlite_path`` into the empty PostgreSQL database ``url``.

    Args:
        sqlite_path: a ``.planner`` campaign file (left untouched).
        url: the target database (``postgresql+psycopg://user@host:5432/base``),
            which must exist and hold no table.
        progress: told ``(done, total, message)`` table by table.

    Raises:
        PublishError: the file is not a campaign, the database is not empty
            or cannot be reached; the database is left as it was.
    """
    report = progress or no_progress
    source = Path(sqlite_path).expanduser()
    url = normalize_url(url)
    revision = _source_revision(source)
    address = address_of_url(url)
    engine = make_engine(url)
    try:
        try:
            existing = inspect(engine).get_table_names()
        except DBAPIError as exc:
            raise PublishError(describe_connection_error(exc, address)) from exc
        _refuse_tables(existing, address.database, address.host)
        with _readable_copy(source, revision) as readable:
            report(0, 1, f"Publication de {source.name}")
            with closing(_open_readonly(readable)) as reader, engine.connect() as conn:
                try:
                    with conn.begin():
                        # Two publications at once into the same base: the second
                        # waits here, then finds the first one's tables.
                        conn.execute(text(f"SELECT pg_advisory_xact_lock({_PUBLISH_LOCK})"))
                        _refuse_tables(
                            inspect(conn).get_table_names(), address.database, address.host
                        )
                        tables = _publish_in(conn, reader, report)
                        name = str(
                            conn.execute(
                                text("SELECT name FROM campaign ORDER BY id LIMIT 1")
                            ).scalar()
                            or source.stem
                        )
                except (DBAPIError, psycopg.Error, sqlite3.Error) as exc:
                    # COPY runs on the driver's cursor: its errors come unwrapped;
                    # so do the file's (a damaged page, text that is not UTF-8).
                    cause = exc.orig if isinstance(exc, DBAPIError) else exc
                    raise PublishError(
                        f"La publication a échoué et a été annulée, la base est restée vide : "
                        f"{str(cause or exc).strip().splitlines()[0]}"
                    ) from exc
    finally:
        engine.dispose()
    report(1, 1, "Publication terminée")
    return PublishSummary(
        source=source,
        target=address.public_url(),
        campaign=name,
        migrated_from=revision if revision != head_revision() else None,
        tables=tables,
    )


def _refuse_tables(existing: Sequence[str], database: str, host: str) -> None:
    if existing:
        raise PublishError(
            f"La base « {database} » sur {host} n'est pas vide "
            f"({len(existing)} table(s), dont « {sorted(existing)[0]} ») : une campagne "
            "ne se publie que dans une base neuve. Créez une base vide "
            "(createdb) et recommencez ; rien n'a été modifié."
        )


# --- the source file --------------------------------------------------------------


def _open_readonly(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _source_revision(path: Path) -> str:
    """The file's schema revision; refuse what is not a campaign this version reads."""
    if not path.is_file():
        raise PublishError(f"Le fichier {path} n'existe pas.")
    try:
        with path.open("rb") as handle:
            magic = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise PublishError(f"Impossible de lire le fichier {path} : {exc.strerror}.") from exc
    not_campaign = f"Le fichier {path.name} n'est pas une campagne planner : rien n'a été publié."
    if magic != SQLITE_MAGIC:
        raise PublishError(not_campaign)
    try:
        with closing(_open_readonly(path)) as conn:
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            if "alembic_version" not in names or "campaign" not in names:
                raise PublishError(not_campaign)
            rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.Error as exc:
        raise PublishError(f"{not_campaign} ({exc})") from exc
    if len(rows) != 1:
        raise PublishError(not_campaign)
    revision = str(rows[0][0])
    if revision not in REVISIONS:
        raise PublishError(
            f"La campagne {path.name} a été enregistrée par une version plus récente de "
            f"planner (schéma {revision}) : mettez planner à jour pour la publier."
        )
    return revision


@contextmanager
def _readable_copy(path: Path, revision: str) -> Iterator[Path]:
    """The file itself at the current schema; else a migrated temporary copy of it."""
    if revision == head_revision():
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="planner-publication-") as tmp:
        copy = Path(tmp) / path.name
        try:
            copy_sqlite(path, copy)
            open_store(copy).close()
        except (OSError, StoreError) as exc:
            raise PublishError(
                f"La campagne {path.name} (schéma {revision}) n'a pas pu être mise à jour "
                f"avant publication : {exc}"
            ) from exc
        yield copy


# --- the copy -----------------------------------------------------------------------


def _publish_in(
    conn: Connection, reader: sqlite3.Connection, report: Progress
) -> tuple[TableCount, ...]:
    """Schema, rows, sequences and checks, inside the caller's transaction."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = conn
    command.upgrade(config, "head")
    metadata = MetaData()
    metadata.reflect(conn)
    # Access grants name logins of another server (or of no server: a crafted
    # file could grant itself coordination): they are given anew with
    # ``planner access grant``, never copied.
    tables = [
        t for t in metadata.sorted_tables if t.name not in {"alembic_version", "access_grant"}
    ]
    source_tables = {
        r[0] for r in reader.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    quiet = _triggers(conn)
    for owner, trigger in quiet:
        conn.exec_driver_sql(f'ALTER TABLE "{owner}" DISABLE TRIGGER {trigger}')
    # Rows the migrations seed (the service catalogue) come from the file instead.
    for table in reversed(tables):
        if table.name in source_tables and conn.execute(select(table).limit(1)).first():
            conn.execute(table.delete())
    counts = []
    for index, table in enumerate(tables):
        report(index, len(tables), f"Copie de la table {table.name}")
        copied = _copy_table(conn, reader, table) if table.name in source_tables else 0
        counts.append(TableCount(table.name, copied))
    for owner, trigger in quiet:
        conn.exec_driver_sql(f'ALTER TABLE "{owner}" ENABLE TRIGGER {trigger}')
    advance_sequences(conn)
    _verify(conn, counts)
    return tuple(counts)


def _triggers(conn: Connection) -> list[tuple[str, str]]:
    rows = conn.execute(
        text(
            "SELECT c.relname, t.tgname FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND t.tgname = ANY(:names) "
            "AND c.relnamespace = current_schema()::regnamespace ORDER BY 1, 2"
        ),
        {"names": list(_QUIET_TRIGGERS)},
    )
    return [(str(r[0]), str(r[1])) for r in rows]


def _copy_table(conn: Connection, reader: sqlite3.Connection, table: Table) -> int:
    """COPY one table's rows from the file; the number of rows copied."""
    present = {r[1] for r in reader.execute(f'PRAGMA table_info("{table.name}")')}
    columns = [c for c in table.columns if c.name in present]
    if not columns:
        return 0
    names = ", ".join(f'"{c.name}"' for c in columns)
    utc = [_is_timestamptz(c.type) for c in columns]
    cursor = reader.execute(f'SELECT {names} FROM "{table.name}"')
    driver = conn.connection.driver_connection
    assert driver is not None
    copied = 0
    with (
        driver.cursor() as pg_cursor,
        pg_cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy,
    ):
        while batch := cursor.fetchmany(_COPY_BATCH):
            for row in batch:
                copy.write_row(_pg_row(row, utc) if any(utc) else row)
            copied += len(batch)
    return copied


def _is_timestamptz(column_type: Any) -> bool:
    return bool(getattr(column_type, "timezone", False))


def _pg_row(row: Sequence[Any], utc: Sequence[bool]) -> tuple[Any, ...]:
    """SQLite keeps the journal's times in UTC without a zone: say so to PostgreSQL."""
    return tuple(
        f"{value}+00" if is_utc and isinstance(value, str) and "+" not in value else value
        for value, is_utc in zip(row, utc, strict=True)
    )


def advance_sequences(conn: Connection) -> None:
    """Move every serial or identity sequence past its column's largest value.

    Rows copied (or inserted) with explicit ids leave the sequences behind:
    the next row would reuse id 1. Runs inside the caller's transaction.
    """
    rows = conn.execute(
        text(
            "SELECT c.relname, a.attname, "
            "pg_get_serial_sequence(quote_ident(c.relname), a.attname) "
            "FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid "
            "WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace "
            "AND a.attnum > 0 AND NOT a.attisdropped "
            "AND pg_get_serial_sequence(quote_ident(c.relname), a.attname) IS NOT NULL"
        )
    ).all()
    for table, column, sequence in rows:
        conn.execute(
            text(
                f'SELECT setval(:sequence, coalesce(max("{column}"), 0) + 1, false) FROM "{table}"'
            ),
            {"sequence": sequence},
        )


def _verify(conn: Connection, counts: Sequence[TableCount]) -> None:
    for count in counts:
        found = conn.execute(text(f'SELECT count(*) FROM "{count.table}"')).scalar()
        if found != count.rows:
            raise PublishError(
                f"Vérification de la table {count.table} : {count.rows} ligne(s) lue(s) dans la "
                f"campagne, {found} sur le serveur. La publication a été annulée, la base est "
                "restée vide."
            )
