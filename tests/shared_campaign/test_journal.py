"""The journal: written for direct SQL (PostgreSQL) and for the app (SQLite), read back in
French with names, append-only, and listed by ``planner journal``."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, select, text

from planner.cli.main import run
from planner.db import models
from planner.db.sqlite_journal import os_login
from planner.db.store import CampaignStore, open_store
from planner.domain import clock
from planner.services.demo.demo_campaign import create_demo
from planner.services.firms.firm_card import firm_detail_sections
from planner.services.shared_campaign.access import ROLES, grant, revoke
from planner.services.shared_campaign.access_roles import group_role
from planner.services.shared_campaign.journal import JOURNAL_NOT_READABLE, journal_entries
from planner.services.task_force.task_force import assign_firms


def _psycopg_url(url: str, login: str | None = None) -> str:
    base = url.replace("postgresql+psycopg://", "postgresql://")
    if login is None:
        return base
    return base.replace("postgres@", f"{login}@", 1)


def _firm_and_other_team(store: CampaignStore) -> tuple[str, int, str, int, str]:
    """A assigned firm, its team (id, name), and another team (id, name)."""
    with store.session() as session:
        siret, team_id = session.execute(
            select(models.Assignment.siret, models.Assignment.team_id).order_by(
                models.Assignment.siret
            )
        ).first()  # type: ignore[misc]
        team = session.get(models.Team, team_id)
        other = session.scalars(
            select(models.Team).where(models.Team.id != team_id).order_by(models.Team.id)
        ).first()
        assert team is not None and other is not None
        return siret, team_id, team.name, other.id, other.name


@dataclass(frozen=True)
class PgDemo:
    """A small demo campaign on PostgreSQL, open, and its database's name."""

    store: CampaignStore
    database: str


@pytest.fixture
def pg_campaign(pg_server: str) -> Iterator[PgDemo]:
    """A small demo on PostgreSQL; afterwards the database, then its roles, are dropped
    (roles are cluster-wide, and hold privileges in the database until it goes)."""
    name = f"planner_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(f"{pg_server}/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"{pg_server}/{name}"
    store: CampaignStore | None = None
    try:
        create_demo(url, rows=300, seed=3)
        store = open_store(url)
        yield PgDemo(store, name)
    finally:
        if store is not None:
            store.close()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            for role in ROLES:
                conn.execute(text(f'DROP ROLE IF EXISTS "{group_role(name, role)}"'))
        admin.dispose()


@pytest.fixture
def pg_demo(pg_campaign: PgDemo) -> CampaignStore:
    return pg_campaign.store


@pytest.fixture
def other_login(pg_campaign: PgDemo) -> Iterator[str]:
    """A second login with the coordination role (``planner access grant``), revoked after."""
    login = f"live_{uuid.uuid4().hex[:8]}"
    grant(pg_campaign.store.url, login, "coordination")
    try:
        yield login
    finally:
        assert revoke(pg_campaign.store.url, login).login_dropped


@pytest.mark.postgres
def test_direct_sql_by_another_login_is_journaled_with_names(
    pg_demo: CampaignStore, other_login: str
) -> None:
    siret, _team, team_name, other_id, other_name = _firm_and_other_team(pg_demo)
    with psycopg.connect(_psycopg_url(pg_demo.url, other_login)) as conn:
        conn.execute("UPDATE assignment SET team_id = %s WHERE siret = %s", (other_id, siret))
        contact_id = conn.execute(
            "INSERT INTO contact (siret, date, outcome, version, recorded_at) "
            "VALUES (%s, '2026-11-30', 'Rappeler', 0, now()) RETURNING id",
            (siret,),
        ).fetchone()[0]  # type: ignore[index]
        conn.execute("DELETE FROM contact WHERE id = %s", (contact_id,))

    lines = journal_entries(pg_demo, siret=siret, limit=3)
    assert [(line.table_label, line.action_label) for line in lines] == [
        ("Contact", "suppression"),
        ("Contact", "création"),
        ("Attribution", "modification"),
    ]
    assert {line.login for line in lines} == {other_login}
    moved = lines[2]
    team_change = next(c for c in moved.changes if c.label == "Équipe")
    assert (team_change.before, team_change.after) == (team_name, other_name)
    assert f"Équipe : {team_name} → {other_name}" in moved.description
    assert all(c.label != "version" for c in moved.changes)  # the row version is not shown
    today = dt.datetime.now().strftime("%d/%m/%Y")
    assert moved.when.startswith(today)
    created = lines[1]
    assert any(c.label == "Résultat" and c.after == "Rappeler" for c in created.changes)

    # The firm card shows the same journal, with names.
    card = dict(firm_detail_sections(pg_demo, siret))["Journal des modifications"]
    assert any(f"{team_name} → {other_name}" in value for value in card.values())
    assert any(label.endswith(f"par {other_login}") for label in card)


@pytest.mark.postgres
def test_the_journal_cannot_be_changed_nor_emptied(
    pg_demo: CampaignStore, other_login: str
) -> None:
    count = len(journal_entries(pg_demo, limit=None))
    assert count > 0
    for login in (None, other_login):  # the owner (a superuser here), a coordination login
        for statement in (
            "UPDATE journal SET login = 'personne'",
            "DELETE FROM journal",
            "TRUNCATE journal",
        ):
            with psycopg.connect(_psycopg_url(pg_demo.url, login)) as conn:
                with pytest.raises(psycopg.Error):
                    conn.execute(statement)
                conn.rollback()
    assert len(journal_entries(pg_demo, limit=None)) == count
    with pg_demo.session() as session:
        assert session.scalar(text("SELECT count(*) FROM journal WHERE login = 'personne'")) == 0


def _move(store: CampaignStore, siret: str, team_id: int) -> None:
    """An ORM update through the app's connection, as the task force services write."""
    with store.session() as session:
        assignment = session.get(models.Assignment, siret)
        assert assignment is not None
        assignment.team_id = team_id
        assignment.locked = True


def test_the_app_journals_its_changes_on_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "demo.planner"
    create_demo(path, rows=300, seed=3)
    with open_store(path) as store:
        siret, _team, team_name, other_id, other_name = _firm_and_other_team(store)
        _move(store, siret, other_id)
        line = journal_entries(store, siret=siret, limit=1)[0]
        # A manual assignment from the task force menu is journaled too.
        third = next(t for t in _team_ids(store) if t not in (_team, other_id))
        assign_firms(store, [siret], third)
        newest = journal_entries(store, siret=siret, limit=1)[0]
    assert line.login == os_login()
    assert (line.table, line.action) == ("assignment", "update")
    assert f"Équipe : {team_name} → {other_name}" in line.description
    assert "Verrouillée : non → oui" in line.description
    assert newest.table == "assignment" and newest.id > line.id
    assert newest.login == os_login()


def test_the_firm_journey_reads_in_french_in_the_journal(tmp_path: Path) -> None:
    """Services, marks and portfolio claims (issue 14) are journaled with French names."""
    from planner.services.followup.solicitation.blocks import block_firm

    path = tmp_path / "demo.planner"
    create_demo(path, rows=300, seed=3)
    with open_store(path) as store:
        with store.session() as session:
            siret = session.scalars(select(models.Establishment.siret).limit(1)).one()
            poei = session.scalars(
                select(models.ServiceOffer).where(models.ServiceOffer.code == "POEI")
            ).one()
            contact = models.Contact(siret=siret, date=clock.today(), outcome="Offre déposée")
            session.add(contact)
            session.flush()
            session.add(
                models.ContactService(
                    contact_id=contact.id,
                    siret=siret,
                    offer_id=poei.id,
                    status="done",
                    date=clock.today(),
                    quantity=2,
                )
            )
            block_firm(session, siret, "closed")
        lines = journal_entries(store, siret=siret, limit=5)
    by_table = {line.table: line for line in lines}
    service = by_table["contact_service"]
    assert service.table_label == "Service proposé ou réalisé"
    assert "Statut : Réalisé" in service.description
    assert f"Service : {poei.name}" in service.description
    block = by_table["firm_block"]
    assert block.table_label == "Ne pas solliciter"
    assert "Motif : Entreprise fermée" in block.description


def _team_ids(store: CampaignStore) -> list[int]:
    with store.session() as session:
        return list(session.scalars(select(models.Team.id).order_by(models.Team.id)))


def test_since_filters_by_local_day(tmp_path: Path) -> None:
    path = tmp_path / "demo.planner"
    create_demo(path, rows=300, seed=3)
    with open_store(path) as store:
        # The journal stamps the real clock (not the run's pinned day): the days are
        # taken from its own lines, so that a run crossing midnight still holds.
        days = sorted({line.at.date() for line in journal_entries(store, limit=None)})
        assert days and days[-1] <= dt.date.today()
        assert journal_entries(store, since=days[0], limit=5)
        newest_day = journal_entries(store, since=days[-1])
        assert newest_day and all(line.at.date() == days[-1] for line in newest_day)
        assert journal_entries(store, since=days[-1] + dt.timedelta(days=1)) == []


def test_journal_command_by_firm_and_day_in_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "demo.planner"
    create_demo(path, rows=300, seed=3)
    with open_store(path) as store:
        siret, _team, _name, other_id, other_name = _firm_and_other_team(store)
        _move(store, siret, other_id)
        stamped = journal_entries(store, siret=siret, limit=None)
    # The journal stamps the real clock: the days come from its lines (see above).
    today = f"{stamped[-1].at:%d/%m/%Y}"
    capsys.readouterr()
    assert run(["journal", str(path), "--firm", siret, "--since", today, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["nombre"] == len(data["lignes"]) >= 2  # the demo's assignment, then ours
    assert {line["siret"] for line in data["lignes"]} == {siret}
    newest = data["lignes"][0]
    assert newest["objet"] == "Attribution" and newest["action_libelle"] == "modification"
    assert newest["login"] == os_login()
    assert newest["date"] == stamped[0].when
    assert any(f["champ"] == "Équipe" and f["apres"] == other_name for f in newest["champs"])

    tomorrow = f"{stamped[0].at.date() + dt.timedelta(days=1):%d/%m/%Y}"
    assert run(["journal", str(path), "--firm", siret, "--since", tomorrow, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["nombre"] == 0

    assert run(["journal", str(path), "--firm", siret]) == 0
    out = capsys.readouterr().out
    assert "Équipe : " in out and other_name in out


@pytest.mark.parametrize(
    "argv",
    [
        ["--since", "31/02/2026"],
        ["--firm", "1234"],
        ["--limit", "0"],
    ],
)
def test_journal_command_refuses_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    path = tmp_path / "vide.planner"
    create_demo(path, rows=300, seed=3)
    assert run(["journal", str(path), *argv]) == 2
    err = capsys.readouterr().err
    assert "planner : erreur" in err and "Traceback" not in err


def test_journal_command_on_a_missing_campaign(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["journal", str(tmp_path / "absente.planner")]) == 2
    assert "introuvable" in capsys.readouterr().err


@pytest.mark.postgres
def test_journal_command_on_postgresql(
    pg_demo: CampaignStore, other_login: str, capsys: pytest.CaptureFixture[str]
) -> None:
    siret, _team, _name, other_id, other_name = _firm_and_other_team(pg_demo)
    with psycopg.connect(_psycopg_url(pg_demo.url, other_login)) as conn:
        conn.execute("UPDATE assignment SET team_id = %s WHERE siret = %s", (other_id, siret))
    capsys.readouterr()
    assert run(["journal", pg_demo.url, "--firm", siret, "--json"]) == 0
    newest = json.loads(capsys.readouterr().out)["lignes"][0]
    assert newest["login"] == other_login
    assert any(f["champ"] == "Équipe" and f["apres"] == other_name for f in newest["champs"])


@pytest.mark.postgres
def test_a_login_that_may_not_read_the_journal_gets_a_french_message(
    pg_demo: CampaignStore, other_login: str, capsys: pytest.CaptureFixture[str]
) -> None:
    database = pg_demo.engine.url.database
    assert database is not None
    with psycopg.connect(_psycopg_url(pg_demo.url), autocommit=True) as conn:
        conn.execute(f'REVOKE ALL ON journal FROM "{group_role(database, "coordination")}"')
    siret = _firm_and_other_team(pg_demo)[0]
    url = pg_demo.url.replace("postgres@", f"{other_login}@", 1)
    with open_store(url) as store:
        card = dict(firm_detail_sections(store, siret))
        assert card["Journal des modifications"] == {"Journal": JOURNAL_NOT_READABLE}
        assert card["Task force"]["Équipe"]  # the rest of the card is still there
    capsys.readouterr()
    assert run(["journal", url]) == 2
    err = capsys.readouterr().err
    assert "accès au journal" in err and "Traceback" not in err
