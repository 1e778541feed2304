"""What a hostile partner login tries on the firm's journey tables of a shared campaign
(marks, services, portfolio claims, signed call lists), and what is refused; the CHECK
constraints hold on a campaign file too."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import psycopg
import pytest

from planner.cli.main import run
from planner.cli.output import EXIT_BAD_INPUT
from planner.db import journey_models
from planner.db.store import open_store
from planner.domain import clock
from planner.domain.errors import InputError
from planner.domain.service_offer import SERVICE_STATUSES
from planner.domain.solicitation import BLOCK_REASONS
from planner.services.demo.demo_campaign import create_demo
from planner.services.followup.call_lists import export_call_lists
from planner.services.followup.outcomes_import import preview_outcomes
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

Conn = psycopg.Connection[tuple[object, ...]]


def _offer(conn: Conn) -> int:
    row = conn.execute("SELECT id FROM service_offer WHERE code = 'POEI'").fetchone()
    assert row is not None
    return int(row[0])  # type: ignore[call-overload]


def test_the_check_constraints_say_the_domain_codes() -> None:
    for code in SERVICE_STATUSES:
        assert f"'{code}'" in journey_models.SERVICE_STATUS_CHECK
    assert journey_models.SERVICE_STATUS_CHECK.count("'") == 2 * len(SERVICE_STATUSES)
    for code in BLOCK_REASONS:
        assert f"'{code}'" in journey_models.BLOCK_REASON_CHECK
    assert journey_models.BLOCK_REASON_CHECK.count("'") == 2 * len(BLOCK_REASONS)


# Direct SQL a hostile writer tries on contact_service and firm_block: each must fail.
_BAD_SERVICES = (
    ("status", "'évidemment'", "current_date", "NULL"),
    ("date", "'done'", "'9999-12-31'", "NULL"),
    ("date", "'done'", "'1999-12-31'", "NULL"),
    ("quantity", "'done'", "current_date", "-5"),
    ("quantity", "'done'", "current_date", "0"),
    ("quantity", "'done'", "current_date", "2147483647"),
)


def test_a_campaign_file_refuses_absurd_services_and_marks(tmp_path: Path) -> None:
    path = tmp_path / "c.planner"
    create_demo(path, rows=300, seed=5)
    with closing(sqlite3.connect(path)) as conn:
        siret, contact_id = conn.execute("SELECT siret, id FROM contact LIMIT 1").fetchone()
        (offer,) = conn.execute("SELECT id FROM service_offer WHERE code = 'POEI'").fetchone()
        for _what, status, typed_day, quantity in _BAD_SERVICES:
            day = "date('now')" if typed_day == "current_date" else typed_day
            with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
                conn.execute(
                    "INSERT INTO contact_service (contact_id, siret, offer_id, status, date, "
                    f"quantity, version) VALUES (?, ?, ?, {status}, {day}, {quantity}, 1)",
                    (contact_id, siret, offer),
                )
        conn.execute(
            "INSERT INTO contact_service (contact_id, siret, offer_id, status, date, quantity, "
            "version) VALUES (?, ?, ?, 'done', date('now'), 10000, 1)",
            (contact_id, siret, offer),
        )
        conn.execute("DELETE FROM firm_block WHERE siret = ?", (siret,))
        for reason, note in (("'n''importe'", "NULL"), ("'other'", "?")):
            with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
                conn.execute(
                    "INSERT INTO firm_block (siret, reason, note, blocked_at, source, version) "
                    f"VALUES (?, {reason}, {note}, datetime('now'), 'manual', 1)",
                    (siret, "x" * 2001) if note == "?" else (siret,),
                )
        conn.rollback()
    # The app signs a mark with the computer's user on a campaign file.
    assert run(["firm", "block", str(path), siret, "--reason", "refus"]) == 0
    with closing(sqlite3.connect(path)) as conn:
        (login,) = conn.execute("SELECT login FROM firm_block WHERE siret = ?", (siret,)).fetchone()
    assert login


pytestmark_pg = pytest.mark.postgres


@pytestmark_pg
def test_a_partner_cannot_shorten_nor_take_over_coordinations_mark(
    shared_demo: SharedDemo, new_login: Callable[[], str], capsys: pytest.CaptureFixture[str]
) -> None:
    login = new_login()
    grant_partner(shared_demo, login, PARTNER)
    held, own = sorted(partner_firms(shared_demo, PARTNER))[:2]
    with shared_demo.connect() as owner:
        owner.execute("DELETE FROM firm_block WHERE siret IN (%s, %s)", (held, own))
        # The client's word on ``login`` is ignored: the trigger writes session_user.
        owner.execute(
            "INSERT INTO firm_block (siret, reason, blocked_at, blocked_by, source, login) "
            "VALUES (%s, 'refusal', now(), 'coordination', 'manual', %s)",
            (held, login),
        )
    read = "SELECT reason, until, blocked_by, login FROM firm_block WHERE siret = %s"
    with shared_demo.connect() as owner:
        permanent = owner.execute(read, (held,)).fetchone()
    assert permanent == ("refusal", None, "coordination", "postgres")
    with shared_demo.connect(login) as conn:
        # The partner sees the mark but updates nothing, whatever it says of ``login``.
        assert conn.execute(read, (held,)).fetchone() == permanent
        for statement in (
            "UPDATE firm_block SET until = '2001-01-01', reason = 'other', note = 'x', "
            "blocked_by = 'coordination' WHERE siret = %s",
            "UPDATE firm_block SET login = session_user WHERE siret = %s",
        ):
            assert conn.execute(statement, (held,)).rowcount == 0
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute(
                "INSERT INTO firm_block (siret, reason, blocked_at, source) "
                "VALUES (%s, 'refusal', now(), 'manual')",
                (held,),
            )
        # Its own mark: set, renewed, signed by the server with its login.
        conn.execute(
            "INSERT INTO firm_block (siret, reason, blocked_at, source, login) "
            "VALUES (%s, 'refusal', now(), 'workbook', 'postgres')",
            (own,),
        )
        renewed = conn.execute(
            "UPDATE firm_block SET until = current_date + 30 WHERE siret = %s", (own,)
        )
        assert renewed.rowcount == 1
        assert conn.execute("SELECT login FROM firm_block WHERE siret = %s", (own,)).fetchone() == (
            login,
        )
        # Nor can it write an unknown reason or an endless note on its own mark.
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute("UPDATE firm_block SET reason = 'x' WHERE siret = %s", (own,))
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute("UPDATE firm_block SET note = repeat('x', 2001) WHERE siret = %s", (own,))
    with shared_demo.connect() as owner:
        assert owner.execute(read, (held,)).fetchone() == permanent

    # Through the command line as the partner: told in French, the mark stays.
    tomorrow = clock.today() + dt.timedelta(days=1)
    capsys.readouterr()
    code = run(
        [
            "firm",
            "block",
            shared_demo.as_login(login),
            held,
            "--reason",
            "x",
            "--until",
            f"{tomorrow:%d/%m/%Y}",
        ]
    )
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT, err
    assert "déjà marquée « ne pas solliciter » par la coordination" in err
    assert "la marque reste" in err and "Traceback" not in err
    with shared_demo.connect() as owner:
        assert owner.execute(read, (held,)).fetchone() == permanent
    # Its own mark it renews through the command line too.
    assert run(["firm", "block", shared_demo.as_login(login), own, "--reason", "fermée"]) == 0, (
        capsys.readouterr().err
    )
    with shared_demo.connect() as owner:
        assert owner.execute(read, (own,)).fetchone()[::3] == ("closed", login)  # type: ignore[index]
    # Coordination still changes any mark, the partner's included.
    assert run(["firm", "block", shared_demo.url, own, "--reason", "refus"]) == 0
    with shared_demo.connect(login) as conn:
        assert (
            conn.execute(
                "UPDATE firm_block SET until = current_date + 3 WHERE siret = %s", (own,)
            ).rowcount
            == 0
        )


@pytestmark_pg
def test_a_partner_records_only_sensible_services_on_its_contacts_firm(
    shared_demo: SharedDemo, new_login: Callable[[], str]
) -> None:
    login = new_login()
    grant_partner(shared_demo, login, PARTNER)
    mine, other_mine = sorted(partner_firms(shared_demo, PARTNER))[:2]
    with shared_demo.connect(login) as conn:
        offer = _offer(conn)
        (contact_id,) = conn.execute(  # type: ignore[misc]
            "INSERT INTO contact (siret, date, outcome, recorded_at) "
            "VALUES (%s, current_date, 'Besoin recueilli', now()) RETURNING id",
            (mine,),
        ).fetchone()
        insert = (
            "INSERT INTO contact_service (contact_id, siret, offer_id, status, date, quantity) "
            "VALUES (%s, %s, %s, {status}, {day}, {quantity}) RETURNING id, siret"
        )
        for _what, status, day, quantity in _BAD_SERVICES:
            with pytest.raises(psycopg.errors.CheckViolation):
                conn.execute(
                    insert.format(status=status, day=day, quantity=quantity),
                    (contact_id, mine, offer),
                )
        # One contact cannot make another firm « accompagnée ».
        with pytest.raises(psycopg.errors.CheckViolation, match="son contact"):
            conn.execute(
                insert.format(status="'done'", day="current_date", quantity="NULL"),
                (contact_id, other_mine, offer),
            )
        row = conn.execute(
            insert.format(status="'done'", day="current_date", quantity="3"),
            (contact_id, mine, offer),
        ).fetchone()
        assert row is not None and row[1] == mine
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "UPDATE contact_service SET siret = %s WHERE id = %s", (other_mine, row[0])
            )
    with shared_demo.connect() as owner:
        kind = owner.execute(
            "SELECT data_type FROM information_schema.columns "
            "WHERE table_name = 'contact_service' AND column_name = 'id'"
        ).fetchone()
        assert kind == ("bigint",)
        # The owner too: the trigger takes the contact's firm when none is given.
        (siret,) = owner.execute(  # type: ignore[misc]
            "INSERT INTO contact_service (contact_id, offer_id, status, date) "
            "VALUES (%s, %s, 'proposed', current_date) RETURNING siret",
            (contact_id, offer),
        ).fetchone()
        assert siret == mine
        with pytest.raises(psycopg.errors.CheckViolation):
            owner.execute(
                "UPDATE contact_service SET siret = %s WHERE id = %s", (other_mine, row[0])
            )


@pytestmark_pg
def test_the_journal_hides_another_partners_portfolio_claims(
    shared_demo: SharedDemo, new_login: Callable[[], str]
) -> None:
    login = new_login()
    grant_partner(shared_demo, login, PARTNER)
    mine = sorted(partner_firms(shared_demo, PARTNER))[0]
    with shared_demo.connect() as owner:
        ids = dict(owner.execute("SELECT name, id FROM partner").fetchall())  # type: ignore[arg-type]
        owner.execute("DELETE FROM portfolio_claim WHERE siret = %s", (mine,))
        for name in (PARTNER, OTHER):
            owner.execute(
                "INSERT INTO portfolio_claim (partner_id, siret, state, imported_at) "
                "VALUES (%s, %s, 'conflict', now())",
                (ids[name], mine),
            )
        owner.execute(
            "UPDATE portfolio_claim SET state = 'kept' WHERE siret = %s AND partner_id = %s",
            (mine, ids[OTHER]),
        )
        everything = owner.execute(
            "SELECT count(*) FROM journal WHERE table_name = 'portfolio_claim' AND siret = %s",
            (mine,),
        ).fetchone()
    assert everything == (3,)
    with shared_demo.connect(login) as conn:
        seen = conn.execute(
            "SELECT coalesce(after, before) ->> 'partner_id' FROM journal "
            "WHERE table_name = 'portfolio_claim' AND siret = %s",
            (mine,),
        ).fetchall()
    assert seen == [(str(ids[PARTNER]),)]


@pytestmark_pg
def test_reading_back_a_signed_list_as_a_partner_says_it_is_coordinations_job(
    shared_demo: SharedDemo, new_login: Callable[[], str], tmp_path: Path
) -> None:
    login = new_login()
    grant_partner(shared_demo, login, PARTNER)
    coordination = open_store(shared_demo.url)
    try:
        (exported,) = export_call_lists(coordination, tmp_path, partner=PARTNER, per="team")
    finally:
        coordination.close()
    partner = open_store(shared_demo.as_login(login))
    try:
        with pytest.raises(InputError) as refused:
            preview_outcomes(partner, [exported.path])
    finally:
        partner.close()
    message = refused.value.message
    assert "relire un classeur signé demande le rôle coordination" in message
    assert "confiez-le au coordinateur" in message and "autre campagne" not in message
    # Coordination reads it back.
    coordination = open_store(shared_demo.url)
    try:
        assert preview_outcomes(coordination, [exported.path]).files
    finally:
        coordination.close()
