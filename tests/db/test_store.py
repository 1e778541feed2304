"""The campaign store: creation, migrations with backup, refusal of newer files."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from planner.db import models
from planner.db.store import StoreError, create_store, head_revision, open_store


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_campaign_schema_matches_the_models(campaign_target: str | Path) -> None:
    store = create_store(campaign_target)
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), models.Base.metadata)
    store.close()
    assert diff == []


def test_revision_list_matches_the_migration_scripts() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from planner.db.store import MIGRATIONS_DIR, REVISIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    script = ScriptDirectory.from_config(cfg)
    assert tuple(reversed([r.revision for r in script.walk_revisions()])) == REVISIONS


def test_campaign_round_trip(campaign_target: str | Path) -> None:
    store = create_store(campaign_target)
    with store.session() as session:
        session.add(
            models.Campaign(
                name="Essai", bassin_kind="ept", bassin_code="T6", bassin_label="EPT T6"
            )
        )
    store.close()
    store = open_store(campaign_target)
    with store.session() as session:
        assert session.scalars(select(models.Campaign.name)).one() == "Essai"
    assert store.backup is None
    store.close()


def test_older_file_is_backed_up_then_migrated(tmp_path: Path) -> None:
    path = tmp_path / "ancienne.planner"
    store = create_store(path, revision="0001")
    with store.session() as session:
        session.add(
            models.Campaign(
                name="Ancienne",
                bassin_kind="departement",
                bassin_code="93",
                bassin_label="Seine-Saint-Denis",
            )
        )
    store.close()
    before = _sha(path)

    store = open_store(path)
    assert store.backup is not None and store.backup.parent == tmp_path
    assert _sha(store.backup) == before
    with store.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head_revision()
    with store.session() as session:
        assert session.scalars(select(models.Campaign.name)).one() == "Ancienne"
        session.add(models.Partner(name="CCI", kind="CCI"))  # a 0002 table now exists
    store.close()
    # The backup is a campaign of the old version, openable by itself.
    with sqlite3.connect(store.backup) as conn:
        assert conn.execute("select version_num from alembic_version").fetchone() == ("0001",)


def test_newer_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.planner"
    create_store(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("update alembic_version set version_num = '9999'")
    before = _sha(path)
    with pytest.raises(StoreError, match="version plus récente"):
        open_store(path)
    assert _sha(path) == before
    assert list(tmp_path.iterdir()) == [path]


def test_not_a_campaign(tmp_path: Path) -> None:
    text_file = tmp_path / "notes.planner"
    text_file.write_text("bonjour", encoding="utf-8")
    with pytest.raises(StoreError, match="n'est pas une campagne planner"):
        open_store(text_file)
    other_db = tmp_path / "autre.planner"
    with sqlite3.connect(other_db) as conn:
        conn.execute("create table t (x)")
    with pytest.raises(StoreError, match="n'est pas une campagne planner"):
        open_store(other_db)
    with pytest.raises(StoreError, match="n'existe pas"):
        open_store(tmp_path / "absent.planner")


def test_create_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "c.planner"
    create_store(path).close()
    with pytest.raises(StoreError, match="existe déjà"):
        create_store(path)


def test_failed_unit_of_work_leaves_nothing(campaign_target: str | Path) -> None:
    store = create_store(campaign_target)
    with pytest.raises(RuntimeError), store.session() as session:
        session.add(models.Partner(name="Mission Locale", kind="mission_locale"))
        session.flush()
        raise RuntimeError("crash")
    with store.session() as session:
        assert session.scalars(select(models.Partner)).all() == []
    store.close()


def _journal_mode(path: Path) -> str:
    with closing(sqlite3.connect(path)) as conn:
        return str(conn.execute("PRAGMA journal_mode").fetchone()[0])


def test_an_open_campaign_uses_wal_and_rests_as_one_file(tmp_path: Path) -> None:
    from planner.db.store import check_integrity

    path = tmp_path / "wal.planner"
    store = create_store(path)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    with store.session() as session:
        session.add(
            models.Campaign(name="Journal", bassin_kind="ept", bassin_code="T6", bassin_label="T6")
        )
    assert path.with_name("wal.planner-wal").exists()
    check_integrity(store)  # reads through the log
    store.close()
    # At rest: one self-contained file, which a plain byte copy carries whole.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wal.planner"]
    assert _journal_mode(path) == "delete"
    copy = tmp_path / "copie.planner"
    copy.write_bytes(path.read_bytes())
    with open_store(copy) as reopened, reopened.session() as session:
        assert session.scalars(select(models.Campaign.name)).one() == "Journal"


def test_backup_before_migration_holds_what_the_log_holds(tmp_path: Path) -> None:
    path = tmp_path / "ancienne.planner"
    create_store(path, revision="0001").close()
    writer = sqlite3.connect(path)
    reader = sqlite3.connect(path)
    try:
        assert writer.execute("PRAGMA journal_mode=WAL").fetchone() == ("wal",)
        # A reader on an older snapshot: no checkpoint can fold the next commit in.
        reader.execute("BEGIN")
        assert reader.execute("select count(*) from campaign").fetchone() == (0,)
        writer.execute(
            "insert into campaign (name, bassin_kind, bassin_code, bassin_label, created_at, "
            "is_demo) values ('Dans le journal', 'departement', '93', 'Seine-Saint-Denis', "
            "'2026-12-06 12:00:00', 0)"
        )
        writer.commit()
        with closing(sqlite3.connect(path.as_uri() + "?mode=ro", uri=True)) as probe:
            assert probe.execute("select count(*) from campaign").fetchone() == (1,)

        store = open_store(path)
        assert store.backup is not None
        store.close()
    finally:
        reader.rollback()
        reader.close()
        writer.close()
    with closing(sqlite3.connect(store.backup)) as conn:
        assert conn.execute("select version_num from alembic_version").fetchone() == ("0001",)
        assert conn.execute("select name from campaign").fetchall() == [("Dans le journal",)]
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.mark.parametrize("older", ["0007", "0008"])
def test_migrations_keep_the_firms_links(tmp_path: Path, older: str) -> None:
    """A migration that rebuilds the establishment table keeps assignments and contacts.

    SQLite rebuilds a table to change a column; with foreign keys enforced during
    the rebuild, ``ON DELETE CASCADE`` would empty every table that points at it.
    """
    path = tmp_path / "ancienne.planner"
    store = create_store(path, revision=older)
    with store.engine.begin() as conn:
        for statement in (
            "insert into establishment (siret, siren, nic, name, etat, commune_code, siege,"
            " in_target, source_hash) values"
            " ('73282932000074', '732829320', '00074', 'X', 'A', '80001', 1, 1, 'h')",
            "insert into partner (id, name, kind, exclusive) values (1, 'P', 'cci', 0)",
            "insert into team (id, partner_id, name) values (1, 1, 'T')",
            "insert into adviser (id, team_id, name) values (1, 1, 'A')",
            "insert into assignment (siret, team_id, adviser_id, locked, source, assigned_at)"
            " values ('73282932000074', 1, 1, 0, 'manual', '2026-01-05 10:00:00')",
            "insert into contact (id, siret, adviser_id, date, outcome, recorded_at) values"
            " (1, '73282932000074', 1, '2026-01-06', 'interesse', '2026-01-06 10:00:00')",
        ):
            conn.exec_driver_sql(statement)
    store.close()

    store = open_store(path)  # migrates to head
    with store.engine.connect() as conn:
        counts = [
            conn.exec_driver_sql(f"select count(*) from {table}").scalar_one()
            for table in ("establishment", "assignment", "contact")
        ]
        enforced = conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one()
    store.close()
    assert counts == [1, 1, 1]
    assert enforced == 1


def test_a_copy_of_an_open_idle_campaign_holds_its_last_change(tmp_path: Path) -> None:
    """Each commit is folded into the file: copying it while open misses nothing."""
    path = tmp_path / "ouverte.planner"
    store = create_store(path)
    with store.session() as session:
        session.add(
            models.Campaign(name="Copiée", bassin_kind="ept", bassin_code="T6", bassin_label="T6")
        )
        session.add(models.Partner(name="CCI", kind="cci", exclusive=False))
    copy = tmp_path / "copie.planner"
    copy.write_bytes(path.read_bytes())  # the log file is not copied
    store.close()
    with closing(sqlite3.connect(copy)) as conn:
        assert conn.execute("select name from campaign").fetchall() == [("Copiée",)]
        assert conn.execute("select name from partner").fetchall() == [("CCI",)]
