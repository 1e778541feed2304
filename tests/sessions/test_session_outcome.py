"""After the event (migration 0007, outcome service), venues placed by hand, the map layer data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import text

from planner.db import models
from planner.db.store import CampaignStore, create_store, open_store
from planner.domain.errors import PlannerError
from planner.services.map.session_layer import venue_markers
from planner.services.sessions.outcome import record_outcome
from planner.services.sessions.planning import (
    SessionDraft,
    invitees_of,
    list_sessions,
    plan_clashes,
    save_session,
)
from planner.services.sessions.venues import add_free_venue, list_venues, set_venue_position

SIRETS = ["73282932000074", "35600000000048", "44306184100047"]


def _store_with_session(target: str | Path) -> tuple[CampaignStore, int]:
    store = create_store(target)
    with store.session() as session:
        for siret in SIRETS:
            session.add(
                models.Establishment(
                    siret=siret,
                    siren=siret[:9],
                    nic=siret[9:],
                    etat="A",
                    commune_code="93066",
                    source_hash="0" * 16,
                    name=f"Firme {siret}",
                )
            )
    venue = add_free_venue(store, "Mairie", None, 2.36, 48.94)
    start = dt.datetime(2026, 12, 1, 9)
    draft = SessionDraft(
        kind="job_dating",
        title="Job dating",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        venue_id=venue,
        invitee_sirets=SIRETS,
    )
    (sid,) = save_session(store, draft)
    return store, sid


def test_outcome_is_recorded_in_one_transaction(campaign_target: str | Path) -> None:
    store, sid = _store_with_session(campaign_target)
    record_outcome(
        store,
        sid,
        attendance=25,
        jobs_offered=9,
        hires=4,
        notes="  Bonne séance  ",
        invitee_statuses={SIRETS[0]: "attended", SIRETS[1]: "absent"},
    )
    (record,) = list_sessions(store)
    assert (record.attendance, record.jobs_offered, record.hires) == (25, 9, 4)
    assert record.outcome_notes == "Bonne séance"
    assert record.present == 1
    statuses = {s: st for s, _, st in invitees_of(store, sid)}
    assert statuses == {SIRETS[0]: "attended", SIRETS[1]: "absent", SIRETS[2]: "invited"}

    # Bad input: a clear message, and nothing of the call is written.
    with pytest.raises(PlannerError, match="Plus de recrutements"):
        record_outcome(store, sid, attendance=1, jobs_offered=1, hires=2, notes=None)
    with pytest.raises(PlannerError, match="Participants : un nombre positif"):
        record_outcome(store, sid, attendance=-3, jobs_offered=None, hires=None, notes=None)
    with pytest.raises(PlannerError, match="n'est pas invité"):
        record_outcome(
            store,
            sid,
            attendance=2,
            jobs_offered=None,
            hires=None,
            notes=None,
            invitee_statuses={SIRETS[2]: "attended", "99999999999999": "attended"},
        )
    (record,) = list_sessions(store)
    assert (record.attendance, record.hires, record.present) == (25, 4, 1)
    assert {s: st for s, _, st in invitees_of(store, sid)}[SIRETS[2]] == "invited"
    # Editing the session keeps its outcome and who came.
    move = list_sessions(store)[0]
    save_session(
        store,
        SessionDraft(
            kind=move.kind,
            title="Job dating (déplacé)",
            starts_at=move.starts_at + dt.timedelta(days=1),
            ends_at=move.ends_at + dt.timedelta(days=1),
            venue_id=move.venue.id if move.venue else None,
            invitee_sirets=SIRETS,
            attendance=move.attendance,
            outcome_notes=move.outcome_notes,
            jobs_offered=move.jobs_offered,
            hires=move.hires,
        ),
        session_id=sid,
    )
    (record,) = list_sessions(store)
    assert (record.jobs_offered, record.hires, record.present) == (9, 4, 1)
    store.close()


def test_migration_0007_adds_offers_and_hires_to_older_campaigns(tmp_path: Path) -> None:
    path = tmp_path / "ancienne.planner"
    store = create_store(path, revision="0006")
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "insert into discovery_session"
                " (kind, title, starts_at, ends_at, status, attendance)"
                " values ('discovery', 'Avant 0007', '2026-12-01 09:00:00',"
                " '2026-12-01 12:00:00', 'held', 12)"
            )
        )
    store.close()
    store = open_store(path)
    (record,) = list_sessions(store)
    assert (record.title, record.attendance, record.jobs_offered, record.hires) == (
        "Avant 0007",
        12,
        None,
        None,
    )
    store.close()


def test_a_venue_placed_by_hand_clears_its_warning(tmp_path: Path) -> None:
    store, _ = _store_with_session(tmp_path / "c.planner")
    loose = add_free_venue(store, "Salle polyvalente", "1 rue Haute")
    start = dt.datetime(2026, 12, 2, 14)
    save_session(
        store,
        SessionDraft(
            kind="information",
            title="Réunion",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            venue_id=loose,
        ),
    )
    assert [c.rule for c in plan_clashes(store)] == ["venue_unplaced"]
    with pytest.raises(PlannerError, match="Position du lieu invalide"):
        set_venue_position(store, loose, 200.0, 48.9)
    with pytest.raises(PlannerError, match="Lieu introuvable"):
        set_venue_position(store, 9999, 2.4, 48.9)
    set_venue_position(store, loose, 2.41, 48.93)
    assert plan_clashes(store) == []
    placed = next(v for v in list_venues(store) if v.id == loose)
    assert (placed.lon, placed.lat) == (2.41, 48.93)
    store.close()


def test_venue_markers_split_coming_and_past_sessions(tmp_path: Path) -> None:
    store, _ = _store_with_session(tmp_path / "c.planner")
    venue = list_sessions(store)[0].venue
    assert venue is not None
    for day, status in ((3, "planned"), (10, "cancelled"), (-20, "held")):
        start = dt.datetime(2026, 12, 1, 14) + dt.timedelta(days=day)
        save_session(
            store,
            SessionDraft(
                kind="discovery",
                title=f"Séance {day}",
                starts_at=start,
                ends_at=start + dt.timedelta(hours=2),
                venue_id=venue.id,
                status=status,
            ),
        )
    add_free_venue(store, "Lieu sans séance", None, 2.3, 48.9)
    (marker,) = venue_markers(list_sessions(store), now=dt.datetime(2026, 11, 26, 12))
    assert (marker["id"], marker["lat"], marker["lon"]) == (venue.id, 48.94, 2.36)
    assert [s["title"] for s in marker["upcoming"]] == ["Job dating", "Séance 3"]
    assert marker["upcoming"][0]["date"] == "01/12/2026"
    assert marker["upcoming"][0]["time"] == "09:00–12:00"
    assert [s["title"] for s in marker["past"]] == ["Séance -20"]
    store.close()
