"""« Mon portefeuille » connected as a *conseiller* login on PostgreSQL: the window is
locked to that adviser, row-level security gives only its firms, and a call is
written (and journaled) under that login."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import create_engine, make_url, select, text

from planner.cli.main import run
from planner.db import models
from planner.db.store import open_store
from planner.services.demo.demo_campaign import create_demo
from planner.services.followup.portfolio import (
    advisers_for_portfolio,
    locked_adviser,
    parse_needs,
    portfolio,
    record_call,
)
from planner.services.shared_campaign.access import ROLES, group_role
from planner.ui.followup.portfolio_window import PortfolioWindow

pytestmark = pytest.mark.postgres
TODAY = dt.date(2026, 12, 6)


def _drop_roles(server: str, names: list[str]) -> None:
    admin = create_engine(f"{server}/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'DROP ROLE IF EXISTS "{name}"'))
    admin.dispose()


@pytest.fixture
def adviser_login(pg_server: str, pg_database: str) -> Iterator[tuple[str, int, set[str]]]:
    """A demo on PostgreSQL and a conseiller login: (its URL, its adviser, its firms)."""
    create_demo(pg_database, rows=1500, seed=4)
    owner = create_engine(pg_database)
    with owner.begin() as conn:
        # Until the demo on PostgreSQL advances its id sequences itself (issue 13, point 1).
        for table in ("contact", "contact_need"):
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                )
            )
        adviser_id, email = conn.execute(
            text(
                "SELECT a.id, a.email FROM adviser a JOIN assignment s ON s.adviser_id = a.id "
                "GROUP BY a.id, a.email ORDER BY count(*) DESC, a.id LIMIT 1"
            )
        ).one()
        own = set(
            conn.scalars(
                text("SELECT siret FROM assignment WHERE adviser_id = :a"), {"a": adviser_id}
            )
        )
    owner.dispose()
    login = f"pf_{uuid.uuid4().hex[:10]}"
    code = run(
        ["access", "grant", pg_database, "--login", login, "--role", "conseiller",
         "--adviser", str(email)]
    )  # fmt: skip
    assert code == 0
    try:
        yield make_url(pg_database).set(username=login).render_as_string(False), adviser_id, own
    finally:
        # Roles are cluster-wide and hold privileges in the database: it goes first.
        name = str(make_url(pg_database).database)
        admin = create_engine(f"{pg_server}/test", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        _drop_roles(pg_server, [login, *(group_role(name, role) for role in ROLES)])


def test_a_conseiller_sees_and_calls_only_its_firms(
    adviser_login: tuple[str, int, set[str]], pg_database: str, qtbot: QtBot
) -> None:
    url, adviser_id, own = adviser_login
    store = open_store(url)
    try:
        assert locked_adviser(store) == adviser_id
        assert adviser_id in [a.id for a in advisers_for_portfolio(store)]  # its partner's
        lines = portfolio(store, adviser_id)
        assert {line.siret for line in lines} <= own
        assert len(lines) > 10
        line = lines[0]
        call = record_call(store, line.siret, "Besoin recueilli", parse_needs("N1103 2"),
                           "envoyer l'offre", None, adviser_id, today=TODAY,
                           expected_version=line.assignment_version,
                           last_seen_contact=line.last_contact_id or 0)  # fmt: skip
        (fresh,) = portfolio(store, adviser_id, sirets=[line.siret])
        assert fresh.last_contact_id == call.contact_id

        window = PortfolioWindow(store)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: window.loaded, timeout=10000)
        assert not window.adviser_box.isEnabled() and window.adviser_id() == adviser_id
        assert window.model.rowCount() == len(lines)
        window.close()
    finally:
        store.close()
    owner = open_store(pg_database)
    try:
        login = str(make_url(url).username)
        with owner.session() as session:
            contact = session.get(models.Contact, call.contact_id)
            assert contact is not None and contact.source_file == "Mon portefeuille"
            assert [(n.rome_code, n.posts) for n in contact.needs] == [("N1103", 2)]
            logins = set(
                session.scalars(
                    select(models.JournalEntry.login).where(
                        models.JournalEntry.table_name.in_(("contact", "contact_need")),
                        models.JournalEntry.siret == line.siret,
                    )
                )
            )
        assert logins == {login}  # journaled under the adviser's own login
    finally:
        owner.close()
