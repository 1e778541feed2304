"""Établissements accompagnés in the dashboard (issue 14, point 2), on SQLite and PostgreSQL.

A small hand-made campaign: the fixture's 400 firms split alternately between
two partners (firm i to adviser i % 4: firms 0, 1, 4, 5 to « Mission locale »,
2, 3, 6, 7 to « CCI Seine-Saint-Denis »), then known contacts, services and a
held session, last week and today.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine, delete, make_url, select, text, update

from planner.cli.main import run
from planner.db import models
from planner.db.store import CampaignStore, open_store
from planner.domain import clock
from planner.domain.errors import PlannerError
from planner.services.demo.accompanied_target import DEMO_WEEKLY_TARGET
from planner.services.followup.dashboard.accompanied import (
    followup_info,
    services_table,
    weekly_table,
)
from planner.services.followup.dashboard.accompanied_target import read_target, save_target
from planner.services.followup.dashboard.data import load_followup
from planner.services.followup.dashboard.journey import (
    JOURNEY_AXES,
    TOTAL_ROW,
    JourneyData,
    Period,
    journey_table,
    load_journey,
)
from planner.services.followup.dashboard.progress import week_start

ML, CCI = "Mission locale", "CCI Seine-Saint-Denis"
TODAY = clock.today()
LAST_WEEK = TODAY - dt.timedelta(days=7)


def _offer(session: object, code: str) -> int:
    from sqlalchemy.orm import Session

    assert isinstance(session, Session)
    offer_id = session.scalar(
        select(models.ServiceOffer.id).where(models.ServiceOffer.code == code)
    )
    assert offer_id is not None
    return offer_id


def _firms(store: CampaignStore) -> list[str]:
    with store.session() as session:
        return list(
            session.scalars(
                select(models.Assignment.siret).order_by(models.Assignment.siret).limit(8)
            )
        )


def _clean(store: CampaignStore) -> None:
    """No service and no held session but ours (whatever the demo seeds)."""
    with store.session() as session:
        session.execute(delete(models.ContactService))
        session.execute(
            update(models.DiscoverySession)
            .where(models.DiscoverySession.status == "held")
            .values(status="planned")
        )


def record_poei(store: CampaignStore, siret: str) -> None:
    """What a partner records: a need last week, the POEI realised today (2 people)."""
    with store.session() as session:
        contact = models.Contact(siret=siret, date=LAST_WEEK, outcome="Besoin recueilli")
        contact.needs.append(models.ContactNeed(rome_code="N1103", posts=2))
        session.add(contact)
        session.flush()
        session.add(
            models.ContactService(
                contact_id=contact.id,
                siret=siret,
                offer_id=_offer(session, "POEI"),
                status="done",
                date=TODAY,
                quantity=2,
            )
        )


def record_the_rest(store: CampaignStore, s: list[str]) -> None:
    """Everything else, as the coordination: contacts, a proposed and a refused service,
    a session held last week with a host, an invitee who came and one who did not."""
    with store.session() as session:
        pmsmp = models.Contact(siret=s[4], date=TODAY, outcome="Pas de besoin")
        offer = models.Contact(siret=s[2], date=LAST_WEEK, outcome="Offre déposée")
        offer.needs.append(models.ContactNeed(rome_code="K2204", posts=1, offer_deposited=True))
        session.add_all(
            [
                models.Contact(siret=s[0], date=LAST_WEEK, outcome="Non joint"),
                pmsmp,
                offer,
                models.Contact(siret=s[3], date=LAST_WEEK, outcome="Refus"),
            ]
        )
        session.flush()
        session.add_all(
            [
                models.ContactService(
                    contact_id=pmsmp.id,
                    siret=s[4],
                    offer_id=_offer(session, "PMSMP"),
                    status="proposed",
                    date=TODAY,
                    quantity=1,
                ),
                models.ContactService(
                    contact_id=offer.id,
                    siret=s[2],
                    offer_id=_offer(session, "POEI"),
                    status="refused",
                    date=TODAY,
                    quantity=3,
                ),
            ]
        )
        start = dt.datetime.combine(LAST_WEEK, dt.time(10))
        held = models.DiscoverySession(
            kind="discovery",
            title="Découverte des métiers de la logistique",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            status="held",
        )
        session.add(held)
        session.flush()
        session.add_all(
            [
                models.SessionHost(session_id=held.id, siret=s[6]),
                models.SessionInvitee(session_id=held.id, siret=s[7], status="attended"),
                models.SessionInvitee(session_id=held.id, siret=s[5], status="invited"),
            ]
        )


def _prepare(url: str | Path) -> list[str]:
    store = open_store(url)
    try:
        _clean(store)
        s = _firms(store)
        record_poei(store, s[1])
        record_the_rest(store, s)
    finally:
        store.close()
    return s


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def journey_campaign(request: pytest.FixtureRequest) -> str:
    """The hand-made campaign, in a SQLite file or a PostgreSQL database."""
    name = "followup_campaign" if request.param == "sqlite" else "followup_postgres"
    url = str(request.getfixturevalue(name))
    _prepare(url)
    return url


def _row(table: object, axis: str, value: str) -> dict[str, object]:
    import polars as pl

    assert isinstance(table, pl.DataFrame)
    rows = table.filter(pl.col(axis) == value).to_dicts()
    assert len(rows) == 1, (value, table)
    return rows[0]


def test_funnel_by_partner_counts_and_conversions(journey_campaign: str) -> None:
    store = open_store(journey_campaign)
    try:
        data = load_followup(store)
    finally:
        store.close()
    assert data.journey is not None
    assert data.journey.period.end == TODAY
    assert data.journey.period.start <= LAST_WEEK
    table = journey_table(data.journey, "partner")
    assert table["partner"].to_list() == [CCI, ML, TOTAL_ROW]
    ml = _row(table, "partner", ML)
    assert (ml["targeted"], ml["contacted"], ml["reached"], ml["with_need"]) == (200, 3, 2, 1)
    assert ml["accompanied"] == 1  # the POEI realised; the proposed PMSMP does not count
    assert ml["contacted_rate"] == pytest.approx(3 / 200)
    assert ml["reached_rate"] == pytest.approx(2 / 3)
    assert ml["with_need_rate"] == pytest.approx(1 / 2)
    assert ml["accompanied_rate"] == pytest.approx(1.0)
    cci = _row(table, "partner", CCI)
    # The refused POEI does not count; the session's host and the invitee who came do.
    assert (cci["contacted"], cci["reached"], cci["with_need"], cci["accompanied"]) == (2, 2, 1, 2)
    assert cci["accompanied_rate"] == pytest.approx(2.0)
    total = _row(table, "partner", TOTAL_ROW)
    assert (total["targeted"], total["contacted"], total["accompanied"]) == (400, 5, 3)
    for axis in JOURNEY_AXES:
        by_axis = journey_table(data.journey, axis)
        assert _row(by_axis, axis, TOTAL_ROW)["accompanied"] == 3, axis
        assert by_axis.filter(by_axis[axis] != TOTAL_ROW)["accompanied"].sum() == 3, axis


def test_a_period_without_the_services_counts_no_firm_accompanied(
    followup_campaign: Path,
) -> None:
    _prepare(followup_campaign)
    store = open_store(followup_campaign)
    try:
        before = load_journey(
            store, Period(LAST_WEEK - dt.timedelta(days=30), LAST_WEEK - dt.timedelta(days=1))
        )
        last_week = load_journey(store, Period(LAST_WEEK, LAST_WEEK))
    finally:
        store.close()
    assert _row(journey_table(before, "partner"), "partner", TOTAL_ROW)["accompanied"] == 0
    assert _row(journey_table(before, "partner"), "partner", TOTAL_ROW)["contacted"] == 0
    week = _row(journey_table(last_week, "partner"), "partner", TOTAL_ROW)
    assert (week["contacted"], week["accompanied"]) == (4, 2)  # the session, not the POEI


def test_weekly_progress_against_the_target_and_services_by_type(journey_campaign: str) -> None:
    store = open_store(journey_campaign)
    try:
        save_target(store, 2)
        with store.session() as session:
            assert read_target(session) == 2
        journey = load_journey(store, Period(LAST_WEEK, TODAY))
    finally:
        store.close()
    weekly = weekly_table(journey)
    assert weekly["week"].to_list() == [week_start(LAST_WEEK), week_start(TODAY)]
    assert weekly["accompanied"].to_list() == [2, 1]
    assert weekly["cumulative"].to_list() == [2, 3]
    assert weekly["target"].to_list() == [2, 2]
    assert weekly["share"].to_list() == [pytest.approx(1.0), pytest.approx(0.5)]
    services = services_table(journey)
    codes = [o.name for o in journey.offers if o.active]
    assert services["service"].to_list() == codes  # the catalogue's order
    by_name = {r["service"]: r for r in services.to_dicts()}
    poei = next(o.name for o in journey.offers if o.code == "POEI")
    session_name = next(o.name for o in journey.offers if o.code == "SESSION_DECOUVERTE")
    pmsmp = next(o.name for o in journey.offers if o.code == "PMSMP")
    assert (by_name[poei]["firms"], by_name[poei]["services"], by_name[poei]["quantity"]) == (
        1,
        1,
        2,
    )
    assert (by_name[session_name]["firms"], by_name[session_name]["services"]) == (2, 2)
    assert by_name[pmsmp]["services"] == 0  # proposed only


def test_info_json_counts_the_accompanied_firms(
    journey_campaign: str, capsys: pytest.CaptureFixture[str]
) -> None:
    store = open_store(journey_campaign)
    try:
        save_target(store, 4)
    finally:
        store.close()
    assert run(["info", journey_campaign, "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    accompanied = info["followup"]["accompanied"]
    assert accompanied["total"] == 3
    assert accompanied["this_week"] == 1  # the POEI today; the session was last week
    assert accompanied["week"] == week_start(TODAY).isoformat()
    assert accompanied["by_partner"] == {CCI: 2, ML: 1}
    assert accompanied["target"] == 4
    assert run(["info", journey_campaign]) == 0
    assert "Entreprises accompagnées : 3 (cette semaine : 1, objectif : 4 par semaine)" in (
        capsys.readouterr().out
    )


def test_dashboard_workbook_has_the_journey_sheets(
    journey_campaign: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "tableau.xlsx"
    code = run(
        [
            "export",
            "dashboard",
            journey_campaign,
            "--out",
            str(out),
            "--from",
            LAST_WEEK.strftime("%d/%m/%Y"),
            "--to",
            TODAY.strftime("%d/%m/%Y"),
        ]
    )
    assert code == 0, capsys.readouterr().err
    wb = load_workbook(out)
    assert "Parcours par partenaire" in wb.sheetnames
    assert "Parcours par effectif" in wb.sheetnames
    assert "Accompagnées par semaine" in wb.sheetnames
    assert "Services réalisés" in wb.sheetnames
    ws = wb["Parcours par partenaire"]
    headers = [c.value for c in ws[1]]
    assert headers[:6] == [
        "Partenaire",
        "Entreprises ciblées",
        "Contactées",
        "Jointes",
        "Avec un besoin",
        "Accompagnées",
    ]
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows[ML][5] == 1 and rows[CCI][5] == 2 and rows[TOTAL_ROW][5] == 3
    rate = ws.cell(3, headers.index("Jointes / contactées") + 1)
    assert rate.value == pytest.approx(2 / 3) and rate.number_format == "0.0 %"
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert not (isinstance(cell.value, str) and cell.value.startswith("="))


@pytest.fixture
def partner_login(followup_postgres: str) -> Iterator[str]:
    """A partner login of « Mission locale » on the PostgreSQL campaign, dropped afterwards."""
    login = f"dash_{uuid.uuid4().hex[:10]}"
    assert (
        run(
            [
                "access",
                "grant",
                followup_postgres,
                "--login",
                login,
                "--role",
                "partenaire",
                "--partner",
                ML,
            ]
        )
        == 0
    )
    try:
        yield make_url(followup_postgres).set(username=login).render_as_string(hide_password=False)
    finally:
        server = followup_postgres.rsplit("/", 1)[0]
        admin = create_engine(f"{server}/test", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP ROLE IF EXISTS "{login}"'))
        admin.dispose()


@pytest.mark.postgres
def test_a_partner_records_a_poei_and_sees_its_own_figures(
    followup_postgres: str, partner_login: str, capsys: pytest.CaptureFixture[str]
) -> None:
    owner = open_store(followup_postgres)
    try:
        _clean(owner)
        s = _firms(owner)
        record_the_rest(owner, s)
    finally:
        owner.close()
    partner = open_store(partner_login)
    try:
        record_poei(partner, s[1])  # under row-level security, as the partner
        with pytest.raises(PlannerError, match="coordination"):
            save_target(partner, 3)
        data = load_followup(partner)
        info = followup_info(partner)
    finally:
        partner.close()
    assert data.journey is not None
    table = journey_table(data.journey, "partner")
    assert table["partner"].to_list() == [ML, TOTAL_ROW]
    assert _row(table, "partner", ML)["accompanied"] == 1
    assert info.accompanied.total == 1 and info.accompanied.by_partner == {ML: 1}
    owner = open_store(followup_postgres)
    try:
        everyone = followup_info(owner)
    finally:
        owner.close()
    assert everyone.accompanied.total == 3
    assert run(["info", partner_login, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["followup"]["accompanied"]["total"] == 1


def test_an_empty_journey_gives_empty_tables_and_zero_totals() -> None:
    journey = JourneyData.empty(Period(LAST_WEEK, TODAY))
    for axis in JOURNEY_AXES:
        table = journey_table(journey, axis)
        assert table[axis].to_list() == [TOTAL_ROW], axis
        assert table["accompanied"].to_list() == [0]
        assert table["contacted_rate"].to_list() == [None]
    weekly = weekly_table(journey)
    assert weekly["accompanied"].sum() == 0 and weekly["target"].to_list()[0] is None
    assert services_table(journey).is_empty()


def test_an_implausible_target_is_refused_in_french(followup_campaign: Path) -> None:
    store = open_store(followup_campaign)
    try:
        with store.session() as session:
            assert read_target(session) == DEMO_WEEKLY_TARGET  # the demo's
        with pytest.raises(PlannerError, match="objectif hebdomadaire invraisemblable : -1"):
            save_target(store, -1)
        save_target(store, 5)
        save_target(store, None)  # removed
        with store.session() as session:
            assert read_target(session) is None
    finally:
        store.close()
