"""Roles enforced by PostgreSQL: a partner's or adviser's login, connected by plain SQL,
sees and changes only what its role allows (row-level security, planner/db/pg_access.py)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import psycopg
import pytest
from sqlalchemy import create_engine, make_url, text

from planner.cli.main import run
from planner.db import pg_access

pytestmark = pytest.mark.postgres


@dataclass(frozen=True)
class SharedDemo:
    """A demo campaign on PostgreSQL, and how to reach it as someone else."""

    url: str
    database: str

    def as_login(self, login: str) -> str:
        """The campaign's SQLAlchemy URL for ``login``."""
        return make_url(self.url).set(username=login).render_as_string(hide_password=False)

    def connect(self, login: str = "postgres") -> psycopg.Connection[tuple[object, ...]]:
        """A plain psycopg connection (autocommit) as ``login``: what ``psql -U`` does."""
        url = make_url(self.url)
        return psycopg.connect(
            host=url.host, port=url.port, dbname=self.database, user=login, autocommit=True
        )

    def execute(self, statement: str) -> None:
        """Run a statement as the owner."""
        with self.connect() as conn:
            conn.execute(statement)  # type: ignore[arg-type]

    def scalar(self, query: str, *params: object, login: str = "postgres") -> object:
        with self.connect(login) as conn:
            row = conn.execute(query, params).fetchone()
        assert row is not None
        return row[0]


def _drop_roles(server: str, names: list[str]) -> None:
    admin = create_engine(f"{server}/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'DROP ROLE IF EXISTS "{name}"'))
    admin.dispose()


def _advance_sequences(url: str) -> None:
    """Until the demo on PostgreSQL advances its id sequences itself (issue 13, point 1)."""
    engine = create_engine(url)
    with engine.begin() as conn:
        for table in ("contact", "contact_need"):
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                )
            )
    engine.dispose()


@pytest.fixture(scope="module")
def shared_demo(pg_server: str) -> Iterator[SharedDemo]:
    """A 2,000-firm demo campaign in a fresh PostgreSQL database, for the module.

    Dropped afterwards with the campaign's group roles (roles are cluster-wide).
    """
    from planner.services.demo.demo_campaign import create_demo
    from planner.services.shared_campaign.access import ROLES, group_role

    name = f"planner_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(f"{pg_server}/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"{pg_server}/{name}"
    try:
        create_demo(url, rows=2000, seed=11)
        _advance_sequences(url)
        yield SharedDemo(url=url, database=name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        _drop_roles(pg_server, [group_role(name, role) for role in ROLES])


@pytest.fixture
def new_login(pg_server: str) -> Iterator[Callable[[], str]]:
    """Unique login names for one test; whatever roles they became are dropped after it."""
    made: list[str] = []

    def make() -> str:
        made.append(f"acc_{uuid.uuid4().hex[:10]}")
        return made[-1]

    yield make
    _drop_roles(pg_server, made)


def partner_firms(demo: SharedDemo, partner: str) -> set[str]:
    """The SIRETs assigned to a partner's teams, read as the owner."""
    with demo.connect() as conn:
        rows = conn.execute(
            "SELECT a.siret FROM assignment a JOIN team t ON t.id = a.team_id "
            "JOIN partner p ON p.id = t.partner_id WHERE p.name = %s",
            (partner,),
        ).fetchall()
    return {str(r[0]) for r in rows}


def grant_partner(demo: SharedDemo, login: str, partner: str) -> None:
    code = run(
        [
            "access",
            "grant",
            demo.url,
            "--login",
            login,
            "--role",
            "partenaire",
            "--partner",
            partner,
        ]
    )
    assert code == 0


PARTNER = "Cap emploi 93"
OTHER = "CCI Seine-Saint-Denis"


def test_a_partner_login_sees_only_its_firms_by_direct_sql(
    shared_demo: SharedDemo, new_login: Callable[[], str]
) -> None:
    login = new_login()
    grant_partner(shared_demo, login, PARTNER)
    mine = partner_firms(shared_demo, PARTNER)
    total = shared_demo.scalar("SELECT count(*) FROM establishment")
    assert 0 < len(mine) < int(total)  # type: ignore[call-overload]
    with shared_demo.connect(login) as conn:
        firms = {r[0] for r in conn.execute("SELECT siret FROM establishment")}
        assert firms == mine
        assert conn.execute("SELECT count(*) FROM establishment").fetchone() == (len(mine),)
        assignments = {r[0] for r in conn.execute("SELECT siret FROM assignment")}
        assert assignments == mine
        contacts = {r[0] for r in conn.execute("SELECT siret FROM contact")}
        assert contacts and contacts <= mine
        needs = conn.execute(
            "SELECT count(*) FROM contact_need n WHERE n.contact_id NOT IN (SELECT id FROM contact)"
        ).fetchone()
        assert needs == (0,)
        partners = [r[0] for r in conn.execute("SELECT name FROM partner")]
        assert partners == [PARTNER]
        team_partners = {r[0] for r in conn.execute("SELECT partner_id FROM team")}
        assert len(team_partners) == 1
        advisers = conn.execute(
            "SELECT count(*) FROM adviser a WHERE a.team_id NOT IN (SELECT id FROM team)"
        ).fetchone()
        assert advisers == (0,)
        invitees = {r[0] for r in conn.execute("SELECT siret FROM session_invitee")}
        assert invitees <= mine
        hosts = {r[0] for r in conn.execute("SELECT siret FROM session_host")}
        assert hosts <= mine
        legal_sirens = {r[0] for r in conn.execute("SELECT siren FROM legal_unit")}
        assert legal_sirens <= {s[:9] for s in mine}
        journal = {r[0] for r in conn.execute("SELECT DISTINCT siret FROM journal")}
        assert journal and journal <= mine
        grants = [r[0] for r in conn.execute("SELECT login FROM access_grant")]
        assert grants == [login]
        # Sessions are shared: the partner sees them all.
        sessions = conn.execute("SELECT count(*) FROM discovery_session").fetchone()
    assert sessions == (shared_demo.scalar("SELECT count(*) FROM discovery_session"),)
    assert shared_demo.scalar("SELECT count(*) FROM session_invitee") != len(invitees)


def test_a_partner_moves_firms_only_within_its_own_teams(
    shared_demo: SharedDemo, new_login: Callable[[], str]
) -> None:
    login = new_login()
    grant_partner(shared_demo, login, PARTNER)
    mine = sorted(partner_firms(shared_demo, PARTNER))
    theirs = sorted(partner_firms(shared_demo, OTHER))
    other_team = shared_demo.scalar(
        "SELECT t.id FROM team t JOIN partner p ON p.id = t.partner_id WHERE p.name = %s", OTHER
    )
    with shared_demo.connect() as conn:
        own_advisers = [
            r[0]
            for r in conn.execute(
                "SELECT a.id FROM adviser a JOIN team t ON t.id = a.team_id "
                "JOIN partner p ON p.id = t.partner_id WHERE p.name = %s ORDER BY a.id",
                (PARTNER,),
            )
        ]
        other_adviser = conn.execute(
            "SELECT a.id FROM adviser a WHERE a.team_id = %s LIMIT 1", (other_team,)
        ).fetchone()
    assert len(own_advisers) >= 2 and other_adviser is not None
    with shared_demo.connect(login) as conn:
        # Another partner's firm: invisible, so the update changes nothing.
        moved = conn.execute(
            "UPDATE assignment SET locked = true WHERE siret = %s", (theirs[0],)
        ).rowcount
        assert moved == 0
        # Its own firm, to another partner's team or adviser: refused.
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(
                "UPDATE assignment SET team_id = %s WHERE siret = %s", (other_team, mine[0])
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(
                "UPDATE assignment SET adviser_id = %s WHERE siret = %s",
                (other_adviser[0], mine[0]),
            )
        # Between its own advisers: allowed.
        done = conn.execute(
            "UPDATE assignment SET adviser_id = %s WHERE siret = %s", (own_advisers[1], mine[0])
        ).rowcount
        assert done == 1
        # Never the SIRET, never another table, never a deletion.
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE assignment SET siret = siret WHERE siret = %s", (mine[1],))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM assignment WHERE siret = %s", (mine[1],))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE team SET capacity = 1")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE journal SET login = 'x'")
    assert shared_demo.scalar("SELECT team_id FROM assignment WHERE siret = %s", theirs[0]) == (
        other_team
    )
    assert shared_demo.scalar("SELECT locked FROM assignment WHERE siret = %s", theirs[0]) is False
    assert (
        shared_demo.scalar(
            "SELECT login FROM journal WHERE table_name = 'assignment' AND siret = %s "
            "ORDER BY id DESC LIMIT 1",
            mine[0],
        )
        == login
    )


def test_a_partner_records_contacts_on_its_firms_only_and_the_journal_names_it(
    shared_demo: SharedDemo, new_login: Callable[[], str]
) -> None:
    login = new_login()
    grant_partner(shared_demo, login, PARTNER)
    mine = sorted(partner_firms(shared_demo, PARTNER))
    theirs = sorted(partner_firms(shared_demo, OTHER))
    insert = (
        "INSERT INTO contact (siret, date, outcome, source_file, recorded_at) "
        "VALUES (%s, current_date, 'À rappeler', 'test', now()) RETURNING id"
    )
    with shared_demo.connect(login) as conn:
        row = conn.execute(insert, (mine[0],)).fetchone()
        assert row is not None
        conn.execute(
            "INSERT INTO contact_need (contact_id, rome_code, posts, offer_deposited) "
            "VALUES (%s, 'D1106', 2, false)",
            (row[0],),
        )
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(insert, (theirs[0],))
        journal = conn.execute(
            "SELECT login, table_name, action FROM journal WHERE siret = %s "
            "AND table_name IN ('contact', 'contact_need') ORDER BY id",
            (mine[0],),
        ).fetchall()
    assert (login, "contact", "insert") in journal
    assert (login, "contact_need", "insert") in journal
    assert (
        shared_demo.scalar(
            "SELECT count(*) FROM contact WHERE siret = %s AND source_file = 'test'", theirs[0]
        )
        == 0
    )


def test_an_adviser_login_sees_only_its_own_firms(
    shared_demo: SharedDemo, new_login: Callable[[], str]
) -> None:
    with shared_demo.connect() as conn:
        adviser_id, email = conn.execute(
            "SELECT a.id, a.email FROM adviser a JOIN team t ON t.id = a.team_id "
            "JOIN partner p ON p.id = t.partner_id WHERE p.name = %s ORDER BY a.id LIMIT 1",
            (PARTNER,),
        ).fetchone() or (None, None)
        own = {
            r[0]
            for r in conn.execute(
                "SELECT siret FROM assignment WHERE adviser_id = %s", (adviser_id,)
            )
        }
    login = new_login()
    assert (
        run(
            [
                "access",
                "grant",
                shared_demo.url,
                "--login",
                login,
                "--role",
                "conseiller",
                "--adviser",
                str(email).upper(),
            ]
        )
        == 0
    )
    assert 0 < len(own) < len(partner_firms(shared_demo, PARTNER))
    with shared_demo.connect(login) as conn:
        assert {r[0] for r in conn.execute("SELECT siret FROM establishment")} == own
        assert {r[0] for r in conn.execute("SELECT siret FROM contact")} <= own
        firm = sorted(own)[0]
        conn.execute(
            "INSERT INTO contact (siret, date, adviser_id, outcome, source_file, recorded_at) "
            "VALUES (%s, current_date, %s, 'Non joint', 'test', now())",
            (firm, adviser_id),
        )
        # An adviser does not move firms.
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE assignment SET locked = true WHERE siret = %s", (firm,))
        partners = [r[0] for r in conn.execute("SELECT name FROM partner")]
    assert partners == [PARTNER]


def test_revoke_takes_the_access_away(
    shared_demo: SharedDemo, new_login: Callable[[], str], capsys: pytest.CaptureFixture[str]
) -> None:
    made, existing = new_login(), new_login()
    shared_demo.execute(f'CREATE ROLE "{existing}" LOGIN')
    grant_partner(shared_demo, made, PARTNER)
    grant_partner(shared_demo, existing, PARTNER)
    with shared_demo.connect(existing) as conn:
        assert conn.execute("SELECT count(*) FROM establishment").fetchone() != (0,)
    capsys.readouterr()
    assert run(["access", "revoke", shared_demo.url, "--login", made, "--json"]) == 0
    assert '"login_dropped": true' in capsys.readouterr().out
    assert run(["access", "revoke", shared_demo.url, "--login", existing]) == 0
    assert "conservé" in capsys.readouterr().out
    # planner made the first login: it is gone; the second one stays, with no access.
    with pytest.raises(psycopg.OperationalError):
        shared_demo.connect(made).close()
    # Only the campaign's groups may connect: the kept login no longer even connects.
    with pytest.raises(psycopg.OperationalError, match="permission denied"):
        shared_demo.connect(existing).close()
    assert run(["access", "revoke", shared_demo.url, "--login", existing]) == 2
    assert "n'a pas d'accès" in capsys.readouterr().err


def test_a_login_in_the_group_without_a_grant_sees_no_row(
    shared_demo: SharedDemo, new_login: Callable[[], str]
) -> None:
    from planner.services.shared_campaign.access import group_role

    login = new_login()
    grant_partner(shared_demo, login, PARTNER)
    # The grant row goes (by hand), the group membership stays: the policies see no role.
    shared_demo.scalar("DELETE FROM access_grant WHERE login = %s RETURNING 1", login)
    assert (
        shared_demo.scalar(
            "SELECT pg_has_role(%s, %s, 'MEMBER')",
            login,
            group_role(shared_demo.database, "partenaire"),
        )
        is True
    )
    with shared_demo.connect(login) as conn:
        for table in pg_access.PROTECTED_TABLES:
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table


def test_the_roles_are_evaluated_once_per_query(
    shared_demo: SharedDemo, new_login: Callable[[], str]
) -> None:
    login = new_login()
    grant_partner(shared_demo, login, PARTNER)
    with shared_demo.connect(login) as conn:
        plan = "\n".join(
            str(r[0]) for r in conn.execute("EXPLAIN SELECT count(*) FROM establishment")
        )
    # The access functions run in InitPlans (once), never in a per-row filter.
    assert "InitPlan" in plan
    filters = [line for line in plan.splitlines() if "Filter:" in line]
    assert filters and not any("planner_access" in line for line in filters), plan


def test_grant_refuses_bad_requests_in_french(
    shared_demo: SharedDemo,
    new_login: Callable[[], str],
    tmp_path: object,
    capsys: pytest.CaptureFixture[str],
) -> None:
    login = new_login()
    url = shared_demo.url
    cases = [
        (["--role", "partenaire"], "demande --partner"),
        (["--role", "conseiller"], "demande --adviser"),
        (["--role", "partenaire", "--partner", "Inconnu"], "Partenaire inconnu"),
        (["--role", "conseiller", "--adviser", "personne@nulle.part"], "Aucun conseiller"),
        (["--role", "coordination", "--partner", PARTNER], "ne s'emploie qu'avec"),
    ]
    for extra, message in cases:
        assert run(["access", "grant", url, "--login", login, *extra]) == 2, extra
        assert message in capsys.readouterr().err
    sqlite = f"{tmp_path}/c.planner"
    assert run(["access", "grant", sqlite, "--login", login, "--role", "coordination"]) == 2
    assert "campagne partagée" in capsys.readouterr().err
    assert (
        run(
            [
                "access",
                "grant",
                url,
                "--login",
                "postgres",
                "--role",
                "partenaire",
                "--partner",
                PARTNER,
            ]
        )
        == 2
    )
    assert "verrait tout" in capsys.readouterr().err
    # Nothing was created for the refused requests.
    assert shared_demo.scalar("SELECT count(*) FROM pg_roles WHERE rolname = %s", login) == 0


def test_the_policies_install_twice(shared_demo: SharedDemo) -> None:
    with shared_demo.connect() as conn, conn.transaction(force_rollback=True):
        for statement in pg_access.install_statements():
            conn.execute(statement)
        enabled = conn.execute(
            "SELECT count(*) FROM pg_class WHERE relrowsecurity AND relname = ANY(%s)",
            (list(pg_access.PROTECTED_TABLES),),
        ).fetchone()
    assert enabled == (len(pg_access.PROTECTED_TABLES),)
