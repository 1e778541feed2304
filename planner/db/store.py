"""Open, create and migrate a campaign store (SQLite file or PostgreSQL URL).

A campaign lives in one database. Opening one from an older version of
planner migrates it with Alembic, after a backup copy of the file has been
written next to it; one from a newer version is refused.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.exc import DatabaseError, DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from planner.db import pg_access, sqlite_journal
from planner.domain.errors import PlannerError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
REVISIONS: tuple[str, ...] = (
    "0001",
    "0002",
    "0003",
    "0004",
    "0005",
    "0006",
    "0007",
    "0008",
    "0009",
    "0010",
    "0011",
)
"""Every schema revision, oldest first; the last is the one this version writes.

Kept here so that opening a campaign does not import Alembic (a second of
start-up); a test checks it against the migration scripts.
"""
SQLITE_MAGIC = b"SQLite format 3\x00"


class StoreError(PlannerError):
    """The campaign cannot be opened or created."""


def is_url(target: str | Path) -> bool:
    """Tell a database URL (``postgresql+psycopg://...``) from a file path."""
    return isinstance(target, str) and "://" in target


def to_url(target: str | Path) -> str:
    """Turn a campaign file path or a URL into an SQLAlchemy URL."""
    if is_url(target):
        return str(target)
    return f"sqlite:///{Path(target).expanduser().resolve()}"


def _alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    """The schema revision this version of planner writes."""
    return REVISIONS[-1]


def _known_revisions() -> set[str]:
    return set(REVISIONS)


def _on_sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Deleted and overwritten values (a firm that became non-diffusible, a
    # removed contact) are zeroed, not left readable in the file's free space.
    # Python's own SQLite often does it by default, but not every build does.
    cursor.execute("PRAGMA secure_delete=ON")
    # In WAL mode (while the campaign is open), fold each commit into the file
    # at once (a passive checkpoint that never waits for readers): a copy of an
    # idle open campaign holds every change, as with the rollback journal.
    cursor.execute("PRAGMA wal_autocheckpoint=1")
    cursor.close()
    # The journal of the followed tables (schema 0010 on): written by this
    # connection's temporary triggers, under the user's login.
    sqlite_journal.install(dbapi_conn)


def _use_wal(engine: Engine) -> None:
    """Put an open SQLite campaign in write-ahead-log mode.

    Readers (the map, the dashboard, another window) then no longer wait for
    a long import's writes. Done once the file is known to be a campaign
    this version may write, so that a refused file is left untouched; a file
    that cannot be written (read-only folder or medium) keeps its journal and
    is still read.
    """
    if engine.dialect.name != "sqlite":
        return
    with suppress(DBAPIError), engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA journal_mode=WAL")


def _leave_wal(path: Path) -> None:
    """Fold the log into the file and return it to a rollback journal.

    The file at rest is then whole by itself, as before WAL: a copy, an
    e-mail attachment or a read-only medium (where SQLite cannot create the
    log's shared-memory file) all work. Left in WAL, without waiting, while
    another program still has the campaign open: the last one to close it
    folds the log in.
    """
    uri = f"{path.resolve().as_uri()}?mode=rw"
    with suppress(sqlite3.Error), closing(sqlite3.connect(uri, uri=True, timeout=0.2)) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")


def checkpoint(engine: Engine) -> bool:
    """Fold an SQLite campaign's write-ahead log into the file, and empty the log.

    Afterwards the ``.planner`` file alone holds every committed change:
    it can be copied byte for byte, and the log keeps no old version of a
    wiped row. Waits a moment at most for readers (another window, another
    program). Returns whether the log is now empty (False when a reader
    kept it, or for a server database).
    """
    if engine.dialect.name != "sqlite":
        return False
    try:
        with engine.connect() as conn:
            waited = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
            conn.exec_driver_sql(f"PRAGMA busy_timeout={_CHECKPOINT_WAIT_MS}")
            try:
                busy, log_frames, _done = conn.exec_driver_sql(
                    "PRAGMA wal_checkpoint(TRUNCATE)"
                ).one()
            finally:
                conn.exec_driver_sql(f"PRAGMA busy_timeout={int(waited or 0)}")
    except DBAPIError:
        return False
    # Not in WAL mode: (0, -1, -1); every frame folded and the log truncated: (0, 0, 0).
    return bool(busy == 0 and log_frames <= 0)


_CHECKPOINT_WAIT_MS = 200


def _sqlite_timeout() -> float:
    """Seconds to wait for a campaign locked by another program (``PLANNER_SQLITE_TIMEOUT``)."""
    try:
        return max(0.0, float(os.environ.get("PLANNER_SQLITE_TIMEOUT", "30")))
    except ValueError:
        return 30.0


def make_engine(url: str) -> Engine:
    """Create an engine with the pragmas and options planner relies on."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": _sqlite_timeout()})
        event.listen(engine, "connect", _on_sqlite_connect)
        return engine
    return create_engine(url, pool_pre_ping=True)


@dataclass
class CampaignStore:
    """An open campaign: its engine, and a unit-of-work factory.

    Attributes:
        url: the SQLAlchemy URL of the campaign.
        engine: the engine; services open sessions with :meth:`session`.
        backup: the backup copy written before a migration, if any.
    """

    url: str
    engine: Engine
    backup: Path | None = None

    @property
    def path(self) -> Path | None:
        """The campaign file, or None for a server database."""
        if self.engine.dialect.name != "sqlite":
            return None
        database = self.engine.url.database
        return Path(database) if database else None

    @property
    def label(self) -> str:
        """What to call this campaign in messages: its file name or database."""
        path = self.path
        if path is not None:
            return path.name
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commits when the block ends, rolls back on any error."""
        with self._sessions() as session, session.begin():
            yield session

    def _sessions(self) -> Session:
        return sessionmaker(self.engine, expire_on_commit=False)()

    def close(self) -> None:
        """Release every connection to the campaign, its changes folded into the file."""
        path = self.path
        if path is not None:
            checkpoint(self.engine)
        self.engine.dispose()
        if path is not None and path.exists():
            _leave_wal(path)

    def __enter__(self) -> CampaignStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


_DATABASE_MESSAGES: tuple[tuple[str, str], ...] = (
    (
        "database is locked",
        "La campagne {label} est verrouillée par un autre programme (une autre fenêtre de "
        "planner, une sauvegarde en cours ?) : réessayez quand il aura terminé. "
        "Rien n'a été modifié.",
    ),
    (
        "readonly database",
        "La campagne {label} est en lecture seule (fichier ou dossier protégé en écriture, "
        "support en lecture seule) : rien n'a pu y être enregistré.",
    ),
    (
        "unable to open database file",
        "Impossible d'ouvrir la campagne {label} en écriture : le dossier qui la contient est "
        "peut-être en lecture seule.",
    ),
    (
        "database or disk is full",
        "Disque plein : la campagne {label} n'a pas pu être enregistrée. Libérez de la place "
        "puis recommencez ; la campagne est restée telle qu'elle était.",
    ),
    (
        "malformed",
        "La campagne {label} est endommagée (fichier SQLite corrompu). Restaurez une "
        "sauvegarde : planner en écrit une (.bak) à côté du fichier avant chaque migration.",
    ),
    (
        "file is not a database",
        "La campagne {label} est endommagée (ce n'est plus une base SQLite lisible). "
        "Restaurez une sauvegarde.",
    ),
    (
        "disk i/o error",
        "Erreur d'entrée-sortie en lisant ou en écrivant la campagne {label} (disque plein, "
        "retiré ou défectueux ?).",
    ),
    *pg_access.REFUSED_MESSAGES,  # a shared campaign's role does not allow it
    (
        "connection",
        "Impossible de joindre le serveur de la campagne {label} : vérifiez l'adresse et que "
        "le serveur PostgreSQL est démarré.",
    ),
)


def describe_database_error(exc: BaseException, label: str = "") -> str | None:
    """A French message for a database error a user can act on, or None.

    Args:
        exc: an SQLAlchemy or DB-API error.
        label: how to name the campaign (its file name).
    """
    if isinstance(exc, DBAPIError):
        text = str(exc.orig if exc.orig is not None else exc).lower()
    elif isinstance(exc, sqlite3.Error):
        # Raw DB-API connections (fast reads through polars) raise unwrapped errors.
        text = str(exc).lower()
    else:
        return None
    for needle, message in _DATABASE_MESSAGES:
        if needle in text:
            return message.format(label=f"« {label} »" if label else "").replace("  ", " ")
    return None


def check_integrity(store: CampaignStore) -> None:
    """Run SQLite's ``PRAGMA integrity_check``; raise a :class:`StoreError` if it fails.

    A server database (PostgreSQL) checks its own pages: nothing to do.
    """
    if store.engine.dialect.name != "sqlite":
        return
    try:
        with store.engine.connect() as conn:
            problems = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA integrity_check")]
    except DBAPIError as exc:
        message = describe_database_error(exc, store.label)
        raise StoreError(message or f"Impossible de vérifier la campagne : {exc.orig}") from exc
    if problems != ["ok"]:
        detail = "; ".join("\n".join(problems).splitlines()[:3])
        raise StoreError(
            f"La campagne « {store.label} » est endommagée (contrôle d'intégrité SQLite : "
            f"{detail}). Restaurez une sauvegarde (fichier .bak à côté de la campagne)."
        )


def _check_sqlite_file(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            magic = handle.read(16)
    except OSError as exc:
        raise StoreError(f"Impossible de lire le fichier {path} : {exc.strerror}.") from exc
    if magic != SQLITE_MAGIC:
        raise StoreError(
            f"Le fichier {path.name} n'est pas une campagne planner (ce n'est pas une base SQLite)."
        )


def _current_revision(engine: Engine) -> str | None:
    if "alembic_version" not in inspect(engine).get_table_names():
        return None
    with engine.connect() as conn:
        versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return versions[0] if len(versions) == 1 else None


def _upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the schema to ``revision`` in one transaction.

    On SQLite, a migration that changes a column rebuilds its table (copy,
    drop, rename): with foreign keys enforced, the drop would fire ``ON DELETE
    CASCADE`` and silently delete every assignment, contact and session link
    of the rebuilt establishments. Foreign keys are therefore off while the
    schema changes (SQLite's documented procedure), checked before the commit,
    and back on afterwards.
    """
    from alembic import command

    cfg = _alembic_config()
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            # Outside any transaction, or SQLite ignores it.
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise StoreError(
                            f"La mise à jour de la campagne laisserait {len(broken)} lien(s) "
                            f"rompu(s) (table {broken[0][0]}) : elle a été annulée, la "
                            "campagne n'a pas été modifiée."
                        )
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()
    # Connections opened before the schema had its journal open again with it.
    engine.dispose()


def _backup_sqlite(engine: Engine, path: Path, revision: str) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.avant-migration-{revision}-{stamp}.bak")
    # A byte-for-byte copy: the user gets back exactly the file they had, once
    # its write-ahead log is folded in. If another program holds the log open,
    # SQLite's backup API copies the committed pages, log included. Copied under
    # a temporary name and renamed once synced, so a backup is never partial.
    partial = target.with_name(f".{target.name}.partiel")
    try:
        if checkpoint(engine) or not path.with_name(f"{path.name}-wal").exists():
            shutil.copy2(path, partial)
        else:
            copy_sqlite(path, partial)
        with partial.open("rb+") as handle:
            os.fsync(handle.fileno())
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise StoreError(
            f"Sauvegarde de {path.name} impossible avant sa mise à jour ({exc.strerror}) : "
            "la campagne n'a pas été modifiée."
        ) from exc
    return target


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy a campaign file with SQLite's backup API: its log's committed pages included.

    Safe while the campaign is open and written (the copy is one consistent
    state); a plain file copy of a WAL campaign would miss what the log holds.

    Raises:
        OSError: the copy cannot be written (``target`` is then removed).
    """
    try:
        uri = f"{source.resolve().as_uri()}?mode=ro"
        with (
            closing(sqlite3.connect(uri, uri=True)) as src,
            closing(sqlite3.connect(target)) as dst,
        ):
            src.backup(dst)
    except sqlite3.Error as exc:
        target.unlink(missing_ok=True)
        raise OSError(errno.EIO, f"copie de {source.name} impossible : {exc}") from exc


def create_store(target: str | Path, *, revision: str = "head") -> CampaignStore:
    """Create an empty campaign database at the newest schema.

    Args:
        target: a ``.planner`` file path (must not exist) or a database URL
            (whose database must be empty).
        revision: the schema revision to create (tests create older ones).
    """
    url = to_url(target)
    if not is_url(target):
        path = Path(target)
        if path.exists():
            raise StoreError(f"Le fichier {path} existe déjà : choisissez un autre nom.")
        if not path.parent.exists():
            raise StoreError(f"Le dossier {path.parent} n'existe pas.")
    engine = make_engine(url)
    try:
        if inspect(engine).get_table_names():
            raise StoreError("La base de données n'est pas vide : elle contient déjà des tables.")
        _upgrade(engine, revision)
        _use_wal(engine)
    except OperationalError as exc:
        engine.dispose()
        label = "" if is_url(target) else Path(target).name
        message = describe_database_error(exc, label)
        raise StoreError(message or f"Impossible de créer la campagne : {exc.orig}") from exc
    except Exception:
        engine.dispose()
        raise
    return CampaignStore(url=url, engine=engine)


def open_store(target: str | Path) -> CampaignStore:
    """Open an existing campaign, migrating it to the current schema if needed.

    Raises:
        StoreError: the file does not exist, is not a campaign, or was written
            by a newer version of planner.
    """
    url = to_url(target)
    if not is_url(target):
        path = Path(target)
        if not path.exists():
            raise StoreError(f"Le fichier {path} n'existe pas.")
        _check_sqlite_file(path)
    engine = make_engine(url)
    try:
        try:
            current = _current_revision(engine)
        except (OperationalError, DatabaseError) as exc:
            message = describe_database_error(exc, path.name if not is_url(target) else "")
            raise StoreError(message or f"Impossible d'ouvrir la campagne : {exc.orig}") from exc
        if current is None:
            raise StoreError(
                "Cette base n'est pas une campagne planner (aucune version de schéma)."
            )
        if current not in _known_revisions():
            raise StoreError(
                f"Cette campagne a été enregistrée par une version plus récente de planner "
                f"(schéma {current}). Mettez planner à jour pour l'ouvrir ; "
                "le fichier n'a pas été modifié."
            )
        backup = None
        if current != head_revision():
            if engine.dialect.name == "sqlite" and engine.url.database:
                backup = _backup_sqlite(engine, Path(engine.url.database), current)
            _upgrade(engine)
        _use_wal(engine)
    except Exception:
        engine.dispose()
        raise
    return CampaignStore(url=url, engine=engine, backup=backup)
