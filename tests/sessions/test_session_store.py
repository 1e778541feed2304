"""Saving, moving and summarising sessions on a real demo campaign (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from planner.db import models
from planner.db.store import CampaignStore, open_store
from planner.domain import clock
from planner.domain.errors import PlannerError
from planner.domain.recurrence import Recurrence
from planner.geo.reference import CommuneReference
from planner.services.demo.demo_campaign import create_demo
from planner.services.sessions.planning import (
    ClashError,
    SessionDraft,
    list_sessions,
    move_session,
    plan_clashes,
    save_session,
)
from planner.services.sessions.summary import session_summary
from planner.services.sessions.venues import venue_from_firm, venue_from_town_hall


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sessions") / "demo.planner"
    create_demo(path, rows=2500)
    return path


def test_demo_has_two_months_and_exactly_one_deliberate_clash(demo_file: Path) -> None:
    store = open_store(demo_file)
    try:
        records = list_sessions(store)
        held = [r for r in records if r.status == "held"]
        coming = [r for r in records if r.status != "held"]
        assert len(coming) >= 20 and len(held) == 2
        assert all(r.starts_at < clock.now() < coming[0].starts_at for r in held)
        span = coming[-1].starts_at - coming[0].starts_at
        assert dt.timedelta(days=45) <= span <= dt.timedelta(days=62)
        errors = [c for c in plan_clashes(store) if c.is_error]
        pairs = {(c.session_id, c.other_id) for c in errors}
        assert len(pairs) == 1
        assert {c.rule for c in errors} >= {"same_venue"}
        (pair,) = pairs
        clashing = {r.id: r for r in records if r.id in pair}
        assert any(r.clash_override for r in clashing.values())
        summary = session_summary(store)
        assert summary.total == len(records)
        assert sum(summary.by_status.values()) == len(records)
    finally:
        store.close()


def _empty_campaign(target: str | Path) -> CampaignStore:
    create_demo(target, rows=2500)
    store = open_store(target)
    with store.session() as session:
        session.execute(models.DiscoverySession.__table__.delete())
    return store


@pytest.mark.parametrize("where", ["sqlite", pytest.param("pg", marks=pytest.mark.postgres)])
def test_save_refuses_clash_errors_unless_overridden(
    where: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    target = tmp_path / "c.planner" if where == "sqlite" else request.getfixturevalue("pg_database")
    store = _empty_campaign(target)
    try:
        venue = venue_from_town_hall(store, CommuneReference.load(), "93066")
        assert venue == venue_from_town_hall(store, CommuneReference.load(), "93066")
        with store.session() as session:
            firms = list(session.scalars(select(models.Establishment.siret).limit(3)))
            adviser = session.scalar(select(models.Adviser.id))
        start = dt.datetime(2026, 3, 17, 9)
        first = SessionDraft(
            kind="discovery",
            title="Logistique",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=3),
            venue_id=venue,
            capacity=12,
            adviser_ids=[adviser] if adviser else [],
            host_sirets=firms[:1],
            invitee_sirets=firms,
            themes=[("naf", "52"), ("rome", "N1103")],
            recurrence=Recurrence(6),
        )
        ids = save_session(store, first)
        assert len(ids) == 6
        records = list_sessions(store)
        assert len({r.series_id for r in records}) == 1
        assert records[0].recurrence == "chaque mardi pendant 6 semaines"
        assert records[0].invitees == 3 and records[0].hosts == {
            firms[0]: records[0].hosts[firms[0]]
        }
        second = SessionDraft(
            kind="job_dating",
            title="Job dating",
            starts_at=start + dt.timedelta(weeks=2, hours=1),
            ends_at=start + dt.timedelta(weeks=2, hours=2),
            venue_id=venue,
        )
        with pytest.raises(ClashError) as refused:
            save_session(store, second)
        assert [c.rule for c in refused.value.clashes] == ["same_venue"]
        assert len(list_sessions(store)) == 6
        (forced,) = save_session(store, second, override="salle partagée")
        assert any(c.session_id == ids[2] and c.other_id == forced for c in plan_clashes(store))
        # Moving the forced one away lifts the clash; moving it back onto a third one is refused
        move_session(store, forced, start + dt.timedelta(weeks=2, hours=5))
        assert not [c for c in plan_clashes(store) if c.is_error]
        other = venue_from_firm(store, firms[1])
        third = SessionDraft("company_visit", "Visite", start, start + dt.timedelta(hours=1))
        third.venue_id, third.host_sirets = other, firms[:1]
        with pytest.raises(ClashError) as host_clash:
            save_session(store, third)
        assert [c.rule for c in host_clash.value.clashes] == ["same_host"]
        with pytest.raises(PlannerError):
            save_session(store, SessionDraft("nope", "X", start, start))
    finally:
        store.close()


def test_a_draft_clashes_with_an_event_that_began_days_before(tmp_path: Path) -> None:
    """The clash check reads only the sessions near the draft: an event spanning several
    days that began before the draft's day still counts."""
    store = _empty_campaign(tmp_path / "c.planner")
    try:
        venue = venue_from_town_hall(store, CommuneReference.load(), "93066")
        start = dt.datetime(2026, 3, 16, 9)
        fair = SessionDraft(
            kind="discovery",
            title="Salon de l'emploi sur trois jours",
            starts_at=start,
            ends_at=start + dt.timedelta(days=2, hours=8),
            venue_id=venue,
        )
        save_session(store, fair)
        late = SessionDraft(
            kind="job_dating",
            title="Job dating",
            starts_at=start + dt.timedelta(days=2, hours=2),
            ends_at=start + dt.timedelta(days=2, hours=4),
            venue_id=venue,
        )
        with pytest.raises(ClashError, match="Salon de l'emploi"):
            save_session(store, late)
        far = SessionDraft(
            kind="job_dating",
            title="Job dating",
            starts_at=start + dt.timedelta(days=3, hours=2),
            ends_at=start + dt.timedelta(days=3, hours=4),
            venue_id=venue,
        )
        assert save_session(store, far)
    finally:
        store.close()
