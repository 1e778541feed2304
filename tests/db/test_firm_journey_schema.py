"""Migration 0011 (the firm's journey): the seeded catalogue, the realised services,
the solicitation exclusions, and row-level security of the new tables on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, delete, make_url, select, text

from planner.cli.main import run
from planner.db import models
from planner.db.store import open_store
from planner.domain.service_offer import SEED_SERVICES
from planner.services.demo.demo_campaign import create_demo
from planner.services.followup.solicitation.blocks import (
    BlockError,
    block_firm,
    lift_block,
    parse_reason,
)
from planner.services.followup.solicitation.pressure import solicitation_exclusions
from planner.services.offers.catalogue import list_offers
from planner.services.offers.realised import accompanied_firms, realised_services

TODAY = dt.date(2026, 12, 7)


@pytest.fixture(scope="module")
def journey_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("journey") / "modele.planner"
    create_demo(path, rows=600, seed=3)
    return path


@pytest.fixture
def store(journey_template: Path, tmp_path: Path) -> Iterator[object]:
    path = tmp_path / "c.planner"
    path.write_bytes(journey_template.read_bytes())
    opened = open_store(path)
    with opened.session() as session:
        # A clean history: only what each test records.
        session.execute(delete(models.ContactService))
        session.execute(delete(models.FirmBlock))
        session.execute(delete(models.Contact))
        session.execute(delete(models.SessionInvitee))
        session.execute(delete(models.SessionHost))
    yield opened
    opened.close()


def _firms(session: object, count: int) -> list[str]:
    return list(
        session.scalars(  # type: ignore[attr-defined]
            select(models.Establishment.siret).order_by(models.Establishment.siret).limit(count)
        )
    )


def _contact(session: object, siret: str, day: dt.date, outcome: str = "Non joint") -> int:
    contact = models.Contact(siret=siret, date=day, outcome=outcome)
    session.add(contact)  # type: ignore[attr-defined]
    session.flush()  # type: ignore[attr-defined]
    return contact.id


def _offer(session: object, code: str) -> int:
    return int(
        session.scalar(select(models.ServiceOffer.id).where(models.ServiceOffer.code == code))  # type: ignore[attr-defined]
    )


def test_a_new_campaign_has_the_common_services_in_order(store: object) -> None:
    with store.session() as session:  # type: ignore[attr-defined]
        offers = list_offers(session)
    assert [o.code for o in offers[: len(SEED_SERVICES)]] == [s.code for s in SEED_SERVICES]
    assert all(o.active and o.partners == () for o in offers)
    assert "Immersion professionnelle (PMSMP)" in {o.name for o in offers}


def test_a_realised_service_makes_the_firm_accompanied_and_a_proposed_one_does_not(
    store: object,
) -> None:
    with store.session() as session:  # type: ignore[attr-defined]
        done, proposed, refused = _firms(session, 3)
        for siret, status in ((done, "done"), (proposed, "proposed"), (refused, "refused")):
            contact_id = _contact(session, siret, TODAY, "Besoin recueilli")
            session.add(
                models.ContactService(
                    contact_id=contact_id,
                    siret=siret,
                    offer_id=_offer(session, "POEI"),
                    status=status,
                    date=TODAY,
                    quantity=2,
                )
            )
        session.flush()
        assert accompanied_firms(session) == {done: TODAY}
        assert accompanied_firms(session, TODAY + dt.timedelta(days=1)) == {}
        services = realised_services(session, TODAY, TODAY)
    assert [(s.siret, s.code, s.quantity, s.source) for s in services] == [
        (done, "POEI", 2, "contact")
    ]


def test_a_held_session_realises_a_service_for_its_host_and_the_invitees_who_came(
    store: object,
) -> None:
    with store.session() as session:  # type: ignore[attr-defined]
        host, came, absent = _firms(session, 3)
        held = models.DiscoverySession(
            kind="discovery",
            title="Découverte des métiers du bâtiment",
            starts_at=dt.datetime(2026, 11, 20, 9),
            ends_at=dt.datetime(2026, 11, 20, 12),
            status="held",
        )
        planned = models.DiscoverySession(
            kind="discovery",
            title="Prévue",
            starts_at=dt.datetime(2026, 12, 20, 9),
            ends_at=dt.datetime(2026, 12, 20, 12),
            status="planned",
        )
        session.add_all([held, planned])
        session.flush()
        session.add(models.SessionHost(session_id=held.id, siret=host))
        session.add(models.SessionInvitee(session_id=held.id, siret=came, status="attended"))
        session.add(models.SessionInvitee(session_id=held.id, siret=absent, status="absent"))
        session.add(models.SessionInvitee(session_id=planned.id, siret=absent, status="attended"))
        session.flush()
        accompanied = accompanied_firms(session)
    assert accompanied == {host: dt.date(2026, 11, 20), came: dt.date(2026, 11, 20)}


def test_the_cap_and_the_marks_exclude_firms_with_their_reason(store: object) -> None:
    with store.session() as session:  # type: ignore[attr-defined]
        twice, once, old, blocked, expired = _firms(session, 5)
        _contact(session, twice, TODAY - dt.timedelta(days=3))
        _contact(session, twice, TODAY - dt.timedelta(days=20))
        _contact(session, once, TODAY)
        _contact(session, old, TODAY - dt.timedelta(days=31))
        _contact(session, old, TODAY - dt.timedelta(days=2))
        block_firm(session, blocked, "refusal", until=TODAY + dt.timedelta(days=90), today=TODAY)
        block_firm(session, expired, "closed", until=TODAY, today=TODAY)
        on_date = solicitation_exclusions(session, TODAY)
        later = solicitation_exclusions(session, TODAY + dt.timedelta(days=1), {blocked, expired})
    assert {s: e.reason for s, e in on_date.items()} == {
        twice: "over_cap",
        blocked: "blocked",
        expired: "blocked",
    }
    assert on_date[twice].detail.startswith("2 contacts depuis le ")
    assert "Refus exprimé, jusqu'au" in on_date[blocked].detail
    assert set(later) == {blocked}


def test_a_mark_refuses_unknown_firms_reasons_and_past_dates(store: object) -> None:
    with store.session() as session:  # type: ignore[attr-defined]
        (siret,) = _firms(session, 1)
        with pytest.raises(BlockError, match="n'est pas dans la campagne"):
            block_firm(session, "00000000000000", "refusal", today=TODAY)
        with pytest.raises(BlockError, match="Motif inconnu"):
            block_firm(session, siret, "n'importe", today=TODAY)
        with pytest.raises(BlockError, match="déjà passée"):
            block_firm(session, siret, "refusal", until=TODAY - dt.timedelta(days=1), today=TODAY)
        block_firm(session, siret, *parse_reason("Entreprise fermée")[:1], today=TODAY)
        assert lift_block(session, siret) is True
        assert lift_block(session, siret) is False
    assert parse_reason("  refus ") == ("refusal", None)
    assert parse_reason("Travaux jusqu'en mars") == ("other", "Travaux jusqu'en mars")


# --- PostgreSQL: the new tables under row-level security ---------------------------------

PARTNER = "Cap emploi 93"
OTHER = "CCI Seine-Saint-Denis"


@pytest.fixture(scope="module")
def shared(pg_server: str) -> Iterator[str]:
    from planner.services.shared_campaign.access import ROLES, group_role

    name = f"planner_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(f"{pg_server}/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"{pg_server}/{name}"
    login = f"acc_{uuid.uuid4().hex[:10]}"
    try:
        create_demo(url, rows=1500, seed=11)
        assert run(["access", "grant", url, "--login", login, "--role", "partenaire",
                    "--partner", PARTNER]) == 0  # fmt: skip
        yield url + "#" + login
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            for role in [*(group_role(name, r) for r in ROLES), login]:
                conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()


def _connect(url: str, login: str) -> psycopg.Connection[tuple[object, ...]]:
    parsed = make_url(url)
    return psycopg.connect(
        host=parsed.host, port=parsed.port, dbname=parsed.database, user=login, autocommit=True
    )


def _partner_firm(conn: psycopg.Connection[tuple[object, ...]], partner: str) -> str:
    row = conn.execute(
        "SELECT a.siret FROM assignment a JOIN team t ON t.id = a.team_id "
        "JOIN partner p ON p.id = t.partner_id WHERE p.name = %s ORDER BY 1 LIMIT 1",
        (partner,),
    ).fetchone()
    assert row is not None
    return str(row[0])


@pytest.mark.postgres
def test_a_partner_login_records_services_and_marks_on_its_firms_only(shared: str) -> None:
    url, login = shared.split("#")
    with _connect(url, "postgres") as owner:
        mine = _partner_firm(owner, PARTNER)
        theirs = _partner_firm(owner, OTHER)
        poei = owner.execute("SELECT id FROM service_offer WHERE code = 'POEI'").fetchone()
        assert poei is not None
        (theirs_contact,) = owner.execute(  # type: ignore[misc]
            "INSERT INTO contact (siret, date, outcome, recorded_at, version) "
            "VALUES (%s, current_date, 'Refus', now(), 0) RETURNING id",
            (theirs,),
        ).fetchone()
        owner.execute(
            "INSERT INTO portfolio_claim (partner_id, siret, state, imported_at, version) "
            "SELECT id, %s, 'conflict', now(), 0 FROM partner",
            (mine,),
        )
        (journal_start,) = owner.execute(  # type: ignore[misc]
            "SELECT coalesce(max(id), 0) FROM journal"
        ).fetchone()
    with _connect(url, login) as conn:
        assert conn.execute("SELECT count(*) FROM service_offer").fetchone() == (
            len(SEED_SERVICES),
        )
        (contact_id,) = conn.execute(  # type: ignore[misc]
            "INSERT INTO contact (siret, date, outcome, recorded_at) "
            "VALUES (%s, current_date, 'Offre déposée', now()) RETURNING id",
            (mine,),
        ).fetchone()
        conn.execute(
            "INSERT INTO contact_service (contact_id, siret, offer_id, status, date) "
            "VALUES (%s, %s, %s, 'done', current_date)",
            (contact_id, mine, poei[0]),
        )
        conn.execute(
            "INSERT INTO firm_block (siret, reason, blocked_at, source) "
            "VALUES (%s, 'refusal', now(), 'workbook')",
            (mine,),
        )
        conn.execute("UPDATE firm_block SET until = current_date + 30 WHERE siret = %s", (mine,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO contact_service (contact_id, siret, offer_id, status, date) "
                "VALUES (%s, %s, %s, 'done', current_date)",
                (theirs_contact, theirs, poei[0]),
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO firm_block (siret, reason, blocked_at, source) "
                "VALUES (%s, 'refusal', now(), 'manual')",
                (theirs,),
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO service_offer (code, name, counts_as_accompaniment, position, active)"
                " VALUES ('X', 'X', true, 99, true)"
            )
        claims = conn.execute("SELECT DISTINCT partner_id FROM portfolio_claim").fetchall()
        assert len(claims) == 1
        services = {r[0] for r in conn.execute("SELECT siret FROM contact_service")}
        assert mine in services and theirs not in services
    with _connect(url, "postgres") as owner:
        journal = owner.execute(
            "SELECT table_name, login FROM journal WHERE siret = %s "
            "AND table_name IN ('contact_service', 'firm_block') AND id > %s ORDER BY id",
            (mine, journal_start),
        ).fetchall()
        version = owner.execute(
            "SELECT version FROM firm_block WHERE siret = %s", (mine,)
        ).fetchone()
    assert [t for t, _ in journal] == ["contact_service", "firm_block", "firm_block"]
    assert {who for _, who in journal} == {login}
    assert version is not None and int(version[0]) > 0  # type: ignore[call-overload]


@pytest.mark.postgres
def test_downgrading_0011_keeps_the_older_tables_guarded(pg_database: str) -> None:
    from alembic import command

    from planner.db.store import _alembic_config, _upgrade, create_store

    store = create_store(pg_database)
    engine = store.engine
    guards = (
        "SELECT (SELECT count(*) FROM pg_trigger WHERE tgrelid = 'assignment'::regclass "
        "AND tgname = 'planner_row_version'), (SELECT count(*) FROM pg_policies "
        "WHERE tablename = 'journal')"
    )
    try:
        with engine.connect() as conn:
            before = conn.execute(text(guards)).one()
        assert before[0] == 1 and before[1] > 0
        cfg = _alembic_config()
        with engine.connect() as conn, conn.begin():
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0010")
        with engine.connect() as conn:
            assert conn.execute(text(guards)).one() == before
            assert conn.execute(text("SELECT to_regclass('firm_block')")).scalar() is None
        _upgrade(engine)
        with engine.connect() as conn:
            assert conn.execute(text(guards)).one() == before
            assert (
                conn.execute(
                    text("SELECT count(*) FROM pg_trigger WHERE tgname = 'planner_stamp_login'")
                ).scalar()
                == 1
            )
    finally:
        store.close()
