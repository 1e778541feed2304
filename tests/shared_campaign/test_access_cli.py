"""``planner access`` and what a login sees through planner itself: ``planner info``,
``current_access``, and a coordination login's writes."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from planner.cli.main import run
from planner.db import pg_access
from planner.db.store import open_store
from planner.services.shared_campaign.access import (
    Access,
    AccessError,
    current_access,
    grant,
    list_access,
)
from tests.shared_campaign.test_access_rls import (
    OTHER,
    PARTNER,
    SharedDemo,
    grant_partner,
    new_login,
    partner_firms,
    shared_demo,
)

__all__ = ["new_login", "shared_demo"]  # fixtures, imported to be found here too

pytestmark = pytest.mark.postgres


def test_info_as_a_partner_login_shows_only_its_part(
    shared_demo: SharedDemo, new_login: Callable[[], str], capsys: pytest.CaptureFixture[str]
) -> None:
    login = new_login()
    grant_partner(shared_demo, login, PARTNER)
    capsys.readouterr()
    assert run(["info", shared_demo.url, "--json"]) == 0
    everything = json.loads(capsys.readouterr().out)
    assert run(["info", shared_demo.as_login(login), "--json"]) == 0
    seen = json.loads(capsys.readouterr().out)
    mine = partner_firms(shared_demo, PARTNER)
    assert everything["access"] == {
        "login": "postgres",
        "role": "coordination",
        "partner": None,
        "adviser": None,
    }
    assert seen["access"] == {
        "login": login,
        "role": "partenaire",
        "partner": PARTNER,
        "adviser": None,
    }
    assert seen["establishments"]["total"] == len(mine) < everything["establishments"]["total"]
    assert seen["assignments"]["total"] == len(mine)
    assert seen["partners"] == 1 < everything["partners"]
    assert {team["partner"] for team in seen["teams"]} == {PARTNER}
    assert seen["contacts"]["total"] < everything["contacts"]["total"]
    # Sessions are shared by the whole task force.
    assert seen["sessions"] == everything["sessions"]
    assert run(["info", shared_demo.as_login(login)]) == 0
    assert f"Accès de {login} : partenaire ({PARTNER})" in capsys.readouterr().out


def test_current_access_names_the_role_partner_and_adviser(
    shared_demo: SharedDemo, new_login: Callable[[], str], demo_file: Path
) -> None:
    with open_store(demo_file) as store:
        assert current_access(store).coordination
    with open_store(shared_demo.url) as store:
        assert current_access(store) == Access(login="postgres", role="coordination")
    partner_login, adviser_login, nobody = new_login(), new_login(), new_login()
    grant_partner(shared_demo, partner_login, OTHER)
    email = str(
        shared_demo.scalar(
            "SELECT a.email FROM adviser a JOIN team t ON t.id = a.team_id "
            "JOIN partner p ON p.id = t.partner_id WHERE p.name = %s ORDER BY a.id LIMIT 1",
            PARTNER,
        )
    )
    line = grant(shared_demo.url, adviser_login, "conseiller", adviser_email=email)
    assert (line.role, line.partner_name, line.adviser_email) == ("conseiller", PARTNER, email)
    with open_store(shared_demo.as_login(partner_login)) as store:
        access = current_access(store)
    assert (access.login, access.role, access.partner_name, access.adviser_id) == (
        partner_login,
        "partenaire",
        OTHER,
        None,
    )
    with open_store(shared_demo.as_login(adviser_login)) as store:
        access = current_access(store)
    assert (access.role, access.partner_name, access.adviser_email) == (
        "conseiller",
        PARTNER,
        email,
    )
    assert access.adviser_id == line.adviser_id and not access.coordination
    # A login with a grant elsewhere but not here cannot even open the campaign.
    shared_demo.execute(f'CREATE ROLE "{nobody}" LOGIN')
    with pytest.raises(Exception, match="pas le droit"):
        open_store(shared_demo.as_login(nobody))
    # A partner login does not manage accesses.
    with pytest.raises(AccessError, match="ne peut pas créer de rôles"):
        grant(shared_demo.as_login(partner_login), nobody, "coordination")


def test_access_list_and_regrant(
    shared_demo: SharedDemo, new_login: Callable[[], str], capsys: pytest.CaptureFixture[str]
) -> None:
    login = new_login()
    grant_partner(shared_demo, login, PARTNER)
    capsys.readouterr()
    # Granting again replaces the role (and the group membership).
    assert (
        run(
            [
                "access",
                "grant",
                shared_demo.url,
                "--login",
                login,
                "--role",
                "coordination",
                "--json",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["role"] == "coordination"
    assert run(["access", "list", shared_demo.url, "--json"]) == 0
    listed = {line["login"]: line for line in json.loads(capsys.readouterr().out)}
    assert listed[login]["role"] == "coordination" and listed[login]["partner"] is None
    assert [line.login for line in list_access(shared_demo.url)].count(login) == 1
    groups = shared_demo.scalar(
        "SELECT array_agg(g.rolname ORDER BY g.rolname) FROM pg_auth_members m "
        "JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member "
        "WHERE u.rolname = %s",
        login,
    )
    assert groups == [f"planner_{shared_demo.database}_coordination"]
    with shared_demo.connect(login) as conn:
        total = conn.execute("SELECT count(*) FROM establishment").fetchone()
    assert total == (shared_demo.scalar("SELECT count(*) FROM establishment"),)
    assert run(["access", "list", shared_demo.url]) == 0
    assert f"{login} — coordination" in capsys.readouterr().out


@pytest.mark.slow
def test_a_coordination_login_divides_the_campaign(
    shared_demo: SharedDemo, new_login: Callable[[], str]
) -> None:
    """Its bulk writes go through row-level security (no COPY FROM there)."""
    login = new_login()
    grant(shared_demo.url, login, "coordination")
    before = shared_demo.scalar("SELECT count(*) FROM journal WHERE login = %s", login)
    assert run(["divide", shared_demo.as_login(login), "--seed", "3"]) == 0
    assert before == 0
    assert (
        int(
            shared_demo.scalar(  # type: ignore[call-overload]
                "SELECT count(*) FROM journal WHERE login = %s AND table_name = 'assignment'", login
            )
        )
        > 0
    )


def test_grant_sets_the_password_read_on_stdin(
    shared_demo: SharedDemo,
    new_login: Callable[[], str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    login = new_login()
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret mot de passe\n"))
    args = ["access", "grant", shared_demo.url, "--login", login, "--role", "coordination"]
    assert run([*args, "--password-stdin"]) == 0
    assert login in capsys.readouterr().out
    stored = shared_demo.scalar("SELECT rolpassword FROM pg_authid WHERE rolname = %s", login)
    assert isinstance(stored, str) and stored.startswith("SCRAM-SHA-256$")
    monkeypatch.setattr("sys.stdin", io.StringIO("\n"))
    assert run([*args, "--password-stdin"]) == 2
    assert "Mot de passe vide" in capsys.readouterr().err


def test_grant_installs_missing_policies(
    shared_demo: SharedDemo, new_login: Callable[[], str]
) -> None:
    """A campaign migrated to 0010 before the policies existed gets them at its first grant."""
    with shared_demo.connect() as conn:
        for statement in pg_access.uninstall_statements():
            conn.execute(statement)  # type: ignore[arg-type]
    login = new_login()
    grant_partner(shared_demo, login, PARTNER)
    with shared_demo.connect(login) as conn:
        seen = conn.execute("SELECT count(*) FROM establishment").fetchone()
    assert seen == (len(partner_firms(shared_demo, PARTNER)),)


def test_a_partner_login_cannot_divide_the_campaign(
    shared_demo: SharedDemo, new_login: Callable[[], str], capsys: pytest.CaptureFixture[str]
) -> None:
    login = new_login()
    grant_partner(shared_demo, login, PARTNER)
    before = shared_demo.scalar("SELECT max(version) FROM assignment")
    assert run(["divide", shared_demo.as_login(login), "--seed", "4"]) == 2
    assert "n'a pas le droit" in capsys.readouterr().err
    assert shared_demo.scalar("SELECT max(version) FROM assignment") == before


def test_the_signing_key_stays_with_coordination(
    shared_demo: SharedDemo,
    new_login: Callable[[], str],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """A partner holding the call lists' key could sign rows for another partner's firms."""
    assert run(["export", "call-lists", shared_demo.url, "--out", str(tmp_path / "coord")]) == 0
    assert shared_demo.scalar("SELECT count(*) FROM setting WHERE key = 'campaign_identity'") == 1
    login = new_login()
    grant_partner(shared_demo, login, PARTNER)
    with shared_demo.connect(login) as conn:
        seen = conn.execute("SELECT key FROM setting").fetchall()
    assert ("campaign_identity",) not in seen
    capsys.readouterr()
    out = tmp_path / "partenaire"
    assert run(["export", "call-lists", shared_demo.as_login(login), "--out", str(out)]) == 2
    assert "Seule la coordination exporte les listes d'appel" in capsys.readouterr().err
    assert not out.exists() or not any(out.iterdir())
