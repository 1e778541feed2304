"""Suggested invitees (NAF ↔ ROME, distance, status ranking) and the Excel export."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from planner.db.store import open_store
from planner.domain import clock
from planner.services.campaign.naf_reference import write_reference
from planner.services.demo.demo_campaign import create_demo
from planner.services.sessions.excel_export import write_sessions_workbook
from planner.services.sessions.invitees import (
    STATUS_RANK,
    rome_divisions,
    rome_note,
    suggest_invitees,
    theme_divisions,
    theme_subclasses,
)
from planner.services.sessions.planning import list_sessions


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("session_exports") / "demo.planner"
    create_demo(path, rows=2500)
    return path


def test_rome_themes_map_to_naf_divisions() -> None:
    table = rome_divisions()
    assert "52" in table["N1103"]  # magasinier → entreposage
    assert theme_divisions([("naf", "47.11F"), ("rome", "N1103")]) >= {"47", "52"}
    assert theme_divisions([("rome", "ZZZZZ")]) == set()


def test_suggestions_are_near_in_sector_and_ranked(demo_file: Path) -> None:
    store = open_store(demo_file)
    try:
        lon, lat = 2.3598, 48.9370  # Saint-Denis town hall
        found = suggest_invitees(store, [("naf", "47")], lon, lat, radius_km=2.5, limit=400)
        assert found
        assert all(s.distance_km <= 2.5 and (s.naf_code or "").startswith("47") for s in found)
        keys = [(STATUS_RANK.get(s.status, 5), -s.priority, s.distance_km) for s in found]
        assert keys == sorted(keys)
        fewer = suggest_invitees(store, [("naf", "47")], lon, lat, radius_km=1.0, limit=400)
        assert 0 < len(fewer) < len(found)
        skip = suggest_invitees(
            store, [("naf", "47")], lon, lat, radius_km=2.5, exclude=[found[0].siret]
        )
        assert found[0].siret not in {s.siret for s in skip}
    finally:
        store.close()


def test_rome_themes_in_naf2025_go_through_the_correspondence() -> None:
    # No NAF 2025 ↔ ROME table exists: N1103's rév. 2 divisions (52, entreposage…)
    # are translated with INSEE's table, and the UI says so.
    rev2 = theme_subclasses([("rome", "N1103")], "rev2")
    naf25 = theme_subclasses([("rome", "N1103")], "naf2025")
    assert "52.10B" in rev2 and "52.10B" not in naf25
    assert {"52.10G", "35.24Y", "68.20H"} <= naf25  # 52.10B's targets
    assert all(code[-1] in "YGHJKL" for code in naf25)
    assert theme_subclasses([("naf", "62")], "naf2025") >= {"62.10Y", "62.20H"}
    assert rome_note("naf2025") and "NAF rév. 2" in (rome_note("naf2025") or "")
    assert rome_note("rev2") is None


def test_suggestions_in_a_naf2025_campaign(demo_file: Path, tmp_path: Path) -> None:
    copy = tmp_path / "demo.planner"
    shutil.copy(demo_file, copy)
    store = open_store(copy)
    try:
        with store.session() as session:
            write_reference(session, "naf2025")
        lon, lat = 2.3598, 48.9370
        found = suggest_invitees(store, [("rome", "N1103")], lon, lat, radius_km=2.5, limit=400)
        assert found
        assert all(s.naf_code in theme_subclasses([("rome", "N1103")], "naf2025") for s in found)
    finally:
        store.close()


def test_excel_export_lists_sessions_and_invitees(demo_file: Path, tmp_path: Path) -> None:
    store = open_store(demo_file)
    try:
        records = list_sessions(store)
        out = tmp_path / "seances.xlsx"
        write_sessions_workbook(store, records, out)
    finally:
        store.close()
    book = load_workbook(out)
    sessions = list(book["Séances"].iter_rows(values_only=True))
    assert sessions[0][:5] == ("N°", "Date", "Début", "Fin", "Titre")
    assert [row[0] for row in sessions[1:]] == [r.id for r in records]
    invitees = list(book["Invités"].iter_rows(values_only=True))
    assert len(invitees) - 1 == sum(r.invitees for r in records)
    assert {row[6] for row in invitees[1:]} <= {
        "Invitée",
        "Inscrite",
        "Excusée",
        "Présente",
        "Absente",
    }


def test_excluded_firms_are_never_suggested_and_the_limit_holds(demo_file: Path) -> None:
    from planner.services.sessions.invitees import suggestion_limit

    store = open_store(demo_file)
    try:
        lon, lat = 2.3598, 48.9370
        found = suggest_invitees(store, [("naf", "47")], lon, lat, radius_km=2.5, limit=400)
        barred = {s.siret for s in found[:3]}
        kept = suggest_invitees(
            store, [("naf", "47")], lon, lat, radius_km=2.5, limit=400, excluded=barred
        )
        assert {s.siret for s in kept} == {s.siret for s in found} - barred
        assert len(suggest_invitees(store, [("naf", "47")], lon, lat, limit=5)) == 5
        assert suggest_invitees(store, [("naf", "47")], lon, lat, limit=0) == []
    finally:
        store.close()
    assert suggestion_limit(15, 4) == 11
    assert suggestion_limit(15, 20) == 0
    assert suggestion_limit(15, 20, more=True) == 10
    assert suggestion_limit(None, 200) == 50


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_blocked_and_over_solicited_firms_are_never_suggested(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Issue 14: the contact-pressure rules hold for suggested invitees too."""
    import datetime as dt

    from planner.db import models
    from planner.services.followup.solicitation.blocks import block_firm

    target: str | Path = (
        tmp_path / "c.planner" if backend == "sqlite" else request.getfixturevalue("pg_database")
    )
    create_demo(target, rows=1500, seed=4)
    store = open_store(target)
    try:
        lon, lat = 2.3598, 48.9370
        today = clock.today()
        found = suggest_invitees(store, [("naf", "47")], lon, lat, radius_km=3, limit=400)
        assert len(found) >= 3
        blocked, solicited, free = found[0].siret, found[1].siret, found[2].siret
        with store.session() as session:
            block_firm(session, blocked, "refusal", until=today + dt.timedelta(days=10))
            for days_ago in (1, 5):  # two partners, this month: the default cap (2 in 30 days)
                session.add(
                    models.Contact(
                        siret=solicited,
                        date=today - dt.timedelta(days=days_ago),
                        outcome="Non joint",
                    )
                )
        again = {
            s.siret
            for s in suggest_invitees(store, [("naf", "47")], lon, lat, radius_km=3, limit=400)
        }
        assert blocked not in again and solicited not in again and free in again
        # After the mark's end, the firm may be suggested again.
        later = suggest_invitees(
            store,
            [("naf", "47")],
            lon,
            lat,
            radius_km=3,
            limit=400,
            on_date=today + dt.timedelta(days=40),
        )
        assert {blocked, solicited} <= {s.siret for s in later}
    finally:
        store.close()
