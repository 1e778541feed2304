"""Publishing a campaign file on PostgreSQL: every row, versions, journal, sequences; refusals."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url

from planner.cli.main import run
from planner.db import models
from planner.db.store import create_store, head_revision, open_store
from planner.services.shared_campaign.publish import PublishError, publish

pytestmark = pytest.mark.postgres


def _sqlite_counts(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as conn:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' AND name <> 'alembic_version' "
                # Grants name another server's logins: given anew there, never copied.
                "AND name <> 'access_grant'"
            )
        ]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def _pg_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        names = [
            n
            for n in inspect(engine).get_table_names()
            if n not in {"alembic_version", "access_grant"}
        ]
        with engine.connect() as conn:
            return {
                n: conn.execute(text(f'SELECT count(*) FROM "{n}"')).scalar_one() for n in names
            }
    finally:
        engine.dispose()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _versions(rows: list[tuple[object, object]]) -> dict[str, int]:
    return {str(key): int(str(version)) for key, version in rows}


def test_publish_copies_every_table_with_versions_and_journal(
    demo_file: Path, pg_database: str
) -> None:
    before = _digest(demo_file)
    expected = _sqlite_counts(demo_file)
    seen: list[str] = []
    # A server in France's time zone: the journal's UTC times must not shift.
    engine = create_engine(pg_database, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        database = make_url(pg_database).database
        conn.execute(text(f"ALTER DATABASE \"{database}\" SET timezone = 'Europe/Paris'"))
    engine.dispose()

    summary = publish(demo_file, pg_database, progress=lambda _d, _t, m: seen.append(m))

    assert summary.counts() == expected
    assert _pg_counts(pg_database) == expected
    assert expected["establishment"] > 1000 and expected["contact"] > 0
    assert expected["journal"] > 0  # the file's journal came along, as it was
    assert summary.total_rows == sum(expected.values())
    assert summary.migrated_from is None
    assert "Plaine Commune" in summary.campaign
    assert any("establishment" in m for m in seen)
    # The file was only read: same bytes, no log left beside it.
    assert _digest(demo_file) == before
    assert not demo_file.with_name(f"{demo_file.name}-wal").exists()

    with closing(sqlite3.connect(demo_file)) as conn:
        file_versions = _versions(conn.execute("SELECT siret, version FROM assignment").fetchall())
        file_journal = conn.execute(
            "SELECT id, login, table_name, row_key, action FROM journal ORDER BY id"
        ).fetchall()
        first_at = conn.execute("SELECT at FROM journal ORDER BY id LIMIT 1").fetchone()[0]
    engine = create_engine(pg_database)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT siret, version FROM assignment")).all()
            server_versions = _versions([(r[0], r[1]) for r in rows])
            journal = conn.execute(
                text("SELECT id, login, table_name, row_key, action FROM journal ORDER BY id")
            ).all()
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            server_first_at = conn.execute(
                text("SELECT at FROM journal ORDER BY id LIMIT 1")
            ).scalar_one()
            disabled = conn.execute(
                text(
                    "SELECT count(*) FROM pg_trigger WHERE tgname IN "
                    "('planner_journal', 'planner_notify') AND tgenabled = 'D'"
                )
            ).scalar()
    finally:
        engine.dispose()
    assert server_versions == file_versions
    # Copied as is: no row journaled a second time as an insert by the publisher.
    assert [tuple(r) for r in journal] == [tuple(r) for r in file_journal]
    assert revision == head_revision()
    assert disabled == 0
    # SQLite's journal keeps UTC without a zone; the server's keeps the same instant.
    assert server_first_at == dt.datetime.fromisoformat(first_at).replace(tzinfo=dt.UTC)


def test_sequences_are_past_the_copied_ids(demo_file: Path, pg_database: str) -> None:
    publish(demo_file, pg_database)
    store = open_store(pg_database)
    try:
        with store.session() as session:
            top_contact = session.scalar(select(func.max(models.Contact.id)))
            top_session = session.scalar(select(func.max(models.DiscoverySession.id)))
            journal_top = session.scalar(select(func.max(models.JournalEntry.id)))
            siret = session.scalars(select(models.Assignment.siret)).first()
            assert top_contact and top_session and journal_top and siret
            contact = models.Contact(siret=siret, date=dt.date(2026, 12, 1), outcome="Refus")
            venue = models.Venue(name="Salle publiée", kind="free", address="1 rue de la Paix")
            session.add_all([contact, venue])
            session.flush()
            meeting = models.DiscoverySession(
                kind="visite",
                title="Séance après publication",
                starts_at=dt.datetime(2026, 12, 15, 9),
                ends_at=dt.datetime(2026, 12, 15, 11),
                venue_id=venue.id,
            )
            session.add(meeting)
        assert contact.id > top_contact
        assert meeting.id > top_session
        with store.session() as session:
            # The journal's triggers are on again: the new rows are journaled after the copy.
            new_entries = session.scalars(
                select(models.JournalEntry.table_name).where(models.JournalEntry.id > journal_top)
            ).all()
        assert {"contact", "venue", "discovery_session"} <= set(new_entries)
    finally:
        store.close()


def test_a_second_publish_is_refused_and_changes_nothing(
    demo_file: Path, pg_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    publish(demo_file, pg_database)
    counts = _pg_counts(pg_database)
    with pytest.raises(PublishError, match="n'est pas vide"):
        publish(demo_file, pg_database)
    assert run(["campaign", "publish", str(demo_file), pg_database]) == 2
    assert "n'est pas vide" in capsys.readouterr().err
    assert _pg_counts(pg_database) == counts


@pytest.mark.parametrize("kind", ["text", "sqlite"])
def test_a_file_that_is_not_a_campaign_is_refused(
    kind: str, tmp_path: Path, pg_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "pas-une-campagne.planner"
    if kind == "text":
        path.write_text("SIRET;nom\n12345678901234;Boulangerie\n", encoding="utf-8")
    else:
        with closing(sqlite3.connect(path)) as conn:
            conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, texte TEXT)")
            conn.commit()
    with pytest.raises(PublishError, match="n'est pas une campagne planner"):
        publish(path, pg_database)
    assert run(["campaign", "publish", str(path), pg_database]) == 2
    assert "n'est pas une campagne planner" in capsys.readouterr().err
    assert _pg_counts(pg_database) == {}


def test_a_failure_during_the_copy_leaves_the_database_empty(
    demo_file: Path, tmp_path: Path, pg_database: str
) -> None:
    """A row the server refuses (a broken link SQLite let through) rolls the whole copy back."""
    broken = tmp_path / "liens-rompus.planner"
    shutil.copyfile(demo_file, broken)
    with closing(sqlite3.connect(broken)) as conn:  # foreign keys off: SQLite's default
        team = conn.execute("SELECT min(id) FROM team").fetchone()[0]
        conn.execute(
            "INSERT INTO assignment (siret, team_id, locked, source, assigned_at, version) "
            "VALUES (?, ?, 0, 'manual', '2026-12-01 10:00:00', 1)",
            ("99999999999999", team),
        )
        conn.commit()
    with pytest.raises(PublishError, match="annulée"):
        publish(broken, pg_database)
    assert _pg_counts(pg_database) == {}
    # Once the file is repaired, the same database takes it.
    with closing(sqlite3.connect(broken)) as conn:
        conn.execute("DELETE FROM assignment WHERE siret = '99999999999999'")
        conn.commit()
    assert publish(broken, pg_database).counts() == _sqlite_counts(broken)


def test_an_older_campaign_is_migrated_on_a_copy(tmp_path: Path, pg_database: str) -> None:
    path = tmp_path / "ancienne.planner"
    create_store(path, revision="0009").close()
    with closing(sqlite3.connect(path)) as conn:
        conn.execute(
            "INSERT INTO campaign (id, name, created_at, bassin_kind, bassin_code, "
            "bassin_label, is_demo) VALUES (1, 'Ancienne', '2026-01-05 10:00:00', 'ept', "
            "'T6', 'Plaine Commune', 0)"
        )
        conn.execute(
            "INSERT INTO partner (id, name, kind, exclusive) "
            "VALUES (4, 'Mission Locale', 'partenaire', 0)"
        )
        conn.commit()
    before = _digest(path)

    summary = publish(path, pg_database)

    assert summary.migrated_from == "0009"
    assert summary.campaign == "Ancienne"
    assert summary.counts()["partner"] == 1
    assert _digest(path) == before  # migrated on a copy, never in place
    with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0009"
    store = open_store(pg_database)
    try:
        with store.session() as session:
            partner = models.Partner(name="CCI", kind="partenaire")
            session.add(partner)
        assert partner.id == 5
    finally:
        store.close()


def test_cli_publish_json(
    demo_file: Path, pg_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = pg_database.replace("postgresql+psycopg://", "postgresql://")
    assert run(["campaign", "publish", str(demo_file), url, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["tables"] == _sqlite_counts(demo_file)
    assert data["target"].startswith("postgresql+psycopg://")
    assert data["migrated_from"] is None


def test_an_unreachable_server_is_said_in_french(
    demo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:1/planner"
    assert run(["campaign", "publish", str(demo_file), url]) == 2
    assert "Serveur injoignable" in capsys.readouterr().err


def test_two_publications_at_once_one_wins_the_other_is_refused(
    demo_file: Path, pg_database: str
) -> None:
    outcomes: list[str] = []

    def attempt() -> None:
        try:
            publish(demo_file, pg_database)
        except PublishError as exc:
            outcomes.append(str(exc))
        except Exception as exc:  # a traceback the user would see
            outcomes.append(f"plantage {type(exc).__name__}: {exc}")
        else:
            outcomes.append("publiée")

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(outcomes) == 2, outcomes
    refused, published = sorted(outcomes)
    assert published == "publiée", outcomes
    assert "n'est pas vide" in refused, outcomes
    assert _pg_counts(pg_database) == _sqlite_counts(demo_file)


def test_a_files_access_grants_are_not_published(
    demo_file: Path, tmp_path: Path, pg_database: str
) -> None:
    """A crafted file granting some login coordination grants nothing on the server."""
    crafted = tmp_path / "acces.planner"
    shutil.copyfile(demo_file, crafted)
    with closing(sqlite3.connect(crafted)) as conn:
        conn.execute(
            "INSERT INTO access_grant (login, role, granted_at) "
            "VALUES ('intrus', 'coordination', '2020-01-01 00:00:00')"
        )
        conn.commit()
    publish(crafted, pg_database)
    engine = create_engine(pg_database)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM access_grant")).scalar_one() == 0
    engine.dispose()
