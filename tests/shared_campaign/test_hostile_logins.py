"""What a hostile partner login tries by direct SQL, and what PostgreSQL refuses."""

from __future__ import annotations

import json
from collections.abc import Callable

import psycopg
import pytest

from planner.cli.main import run
from tests.shared_campaign.test_access_rls import (
    PARTNER,
    SharedDemo,
    grant_partner,
    new_login,
    partner_firms,
    shared_demo,
)

__all__ = ["new_login", "shared_demo"]  # fixtures, imported to be found here too

pytestmark = pytest.mark.postgres


def test_a_login_cannot_hang_the_journal_trigger_on_its_own_table(
    shared_demo: SharedDemo, new_login: Callable[[], str]
) -> None:
    """The journal's function runs with the owner's rights: a login that could attach it to a
    table of its own would forge journal rows (or run its own casts as the owner)."""
    login = new_login()
    grant_partner(shared_demo, login, PARTNER)
    before = shared_demo.scalar("SELECT count(*) FROM journal")
    with shared_demo.connect(login) as conn:
        conn.execute("CREATE TEMP TABLE assignment (siret text, team_id int, version bigint)")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "CREATE TRIGGER t AFTER INSERT ON pg_temp.assignment FOR EACH ROW "
                "EXECUTE FUNCTION public.planner_journal('siret', 'siret')"
            )
    assert shared_demo.scalar("SELECT count(*) FROM journal") == before


def test_a_partner_cannot_take_a_version_back_nor_freeze_a_row(
    shared_demo: SharedDemo, new_login: Callable[[], str], capsys: pytest.CaptureFixture[str]
) -> None:
    login = new_login()
    grant_partner(shared_demo, login, PARTNER)
    siret = sorted(partner_firms(shared_demo, PARTNER))[0]
    read = "SELECT version FROM assignment WHERE siret = %s"
    old = int(shared_demo.scalar(read, siret))  # type: ignore[arg-type]
    with shared_demo.connect(login) as conn:
        conn.execute("UPDATE assignment SET locked = NOT locked WHERE siret = %s", (siret,))
        # Reusing the version a coordinator read would let that coordinator's stale write
        # through: the version only moves forward.
        conn.execute("UPDATE assignment SET version = %s WHERE siret = %s", (old, siret))
        reused = int(shared_demo.scalar(read, siret))  # type: ignore[arg-type]
        assert reused > old
        conn.execute(
            "UPDATE assignment SET version = 9223372036854775807 WHERE siret = %s", (siret,)
        )
    frozen = int(shared_demo.scalar(read, siret))  # type: ignore[arg-type]
    assert reused < frozen < 2**62  # not the maximum: the next write can still move it
    capsys.readouterr()
    team = shared_demo.scalar(
        "SELECT t.name FROM assignment a JOIN team t ON t.id = a.team_id WHERE a.siret = %s",
        siret,
    )
    code = run(
        ["firm", "assign", shared_demo.url, siret, "--team", str(team), "--if-version", str(frozen)]
    )
    assert code == 0, capsys.readouterr().err


def _contact_entry(demo: SharedDemo, siret: str) -> tuple[int, str]:
    """A journal entry of a contact of this firm: its id and its values after, redacted."""
    with demo.connect() as conn:
        row = conn.execute(
            "SELECT id, after FROM journal WHERE table_name = 'contact' AND siret = %s "
            "AND after IS NOT NULL ORDER BY id LIMIT 1",
            (siret,),
        ).fetchone()
    assert row is not None
    entry, after = row
    return int(entry), json.dumps({**after, "comment": None, "phone": None})  # type: ignore[dict-item]


def test_only_a_non_diffusible_firm_is_erased_from_the_journal_and_only_by_coordination(
    shared_demo: SharedDemo, new_login: Callable[[], str]
) -> None:
    with shared_demo.connect() as conn:
        sirets = [
            str(r[0])
            for r in conn.execute(
                "SELECT DISTINCT siret FROM journal WHERE table_name = 'contact' "
                "AND siret IS NOT NULL ORDER BY siret LIMIT 2"
            )
        ]
    withheld, diffusible = sirets
    coordination, partner = new_login(), new_login()
    assert (
        run(["access", "grant", shared_demo.url, "--login", coordination, "--role", "coordination"])
        == 0
    )
    grant_partner(shared_demo, partner, PARTNER)
    redact = "SELECT planner_redact_journal(%s, NULL, %s::jsonb)"
    shared_demo.execute(
        f"UPDATE establishment SET non_diffusible = true WHERE siret = '{withheld}'"
    )
    try:
        entry, erased = _contact_entry(shared_demo, diffusible)
        with shared_demo.connect(coordination) as conn, pytest.raises(psycopg.Error):
            conn.execute(redact, (entry, erased))  # a firm still diffusible: refused
        entry, erased = _contact_entry(shared_demo, withheld)
        with shared_demo.connect(partner) as conn, pytest.raises(psycopg.Error):
            conn.execute(redact, (entry, erased))  # a partner: refused
        with shared_demo.connect(coordination) as conn:
            conn.execute(redact, (entry, erased))  # what the SIRENE import does
            tampered = json.dumps({**json.loads(erased), "outcome": "non diffusible"})
            with pytest.raises(psycopg.Error):  # a field the wipe does not erase
                conn.execute(redact, (entry, tampered))
        after = shared_demo.scalar("SELECT after ->> 'comment' FROM journal WHERE id = %s", entry)
        assert after is None
    finally:
        shared_demo.execute(
            f"UPDATE establishment SET non_diffusible = false WHERE siret = '{withheld}'"
        )


def test_an_adviser_records_its_own_calls_only(
    shared_demo: SharedDemo, new_login: Callable[[], str], capsys: pytest.CaptureFixture[str]
) -> None:
    with shared_demo.connect() as conn:
        rows = conn.execute(
            "SELECT a.id, a.email FROM adviser a JOIN team t ON t.id = a.team_id "
            "JOIN partner p ON p.id = t.partner_id WHERE p.name = %s AND a.email IS NOT NULL "
            "ORDER BY a.id LIMIT 2",
            (PARTNER,),
        ).fetchall()
    (mine_id, mine), (_theirs_id, theirs) = rows
    siret = shared_demo.scalar(
        "SELECT siret FROM assignment WHERE adviser_id = %s ORDER BY siret LIMIT 1", mine_id
    )
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
                str(mine),
            ]
        )
        == 0
    )
    url = shared_demo.as_login(login)
    capsys.readouterr()
    assert (
        run(["contact", "add", url, str(siret), "--outcome", "Non joint", "--adviser", str(theirs)])
        == 2
    )
    assert "ses propres appels" in capsys.readouterr().err
    assert run(["contact", "add", url, str(siret), "--outcome", "Non joint"]) == 0
    recorded = shared_demo.scalar(
        "SELECT adviser_id FROM contact WHERE siret = %s ORDER BY id DESC LIMIT 1", siret
    )
    assert recorded == mine_id
    with shared_demo.connect(login) as conn, pytest.raises(psycopg.Error):  # nor by SQL
        conn.execute(
            "INSERT INTO contact (siret, date, outcome, adviser_id, recorded_at, version) "
            "VALUES (%s, current_date, 'Non joint', %s, now(), 0)",
            (siret, _theirs_id),
        )
