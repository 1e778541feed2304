"""Sessions on the real map page: venue pins, a venue placed by hand, the folding legend."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from planner.db import models
from planner.db.store import create_store
from planner.services.firms.firm_query import load_firms
from planner.services.map.session_layer import venue_markers
from planner.services.sessions.planning import (
    SessionDraft,
    list_sessions,
    plan_clashes,
    save_session,
)
from planner.services.sessions.venues import add_free_venue, list_venues, venue_from_firm
from planner.services.sirene_import.non_diffusible import scrub_non_diffusible
from planner.ui.map.map_widget import MapWidget
from planner.ui.sessions.venue_picking import place_venue
from tests.map.page_calls import evaluate
from tests.page_input import mouse_move


@pytest.fixture
def widget(qtbot: QtBot) -> Iterator[MapWidget]:
    w = MapWidget()
    qtbot.addWidget(w)
    w.resize(900, 640)
    with qtbot.waitSignal(w.loaded, timeout=20_000):
        w.show()
    yield w
    assert w.javascript_errors() == []


def _js(w: MapWidget, script: str) -> Any:
    text = evaluate(w, f"JSON.stringify(({script}))")
    return json.loads(text) if text else None


def _session(title: str, start: dt.datetime, venue: int | None) -> SessionDraft:
    return SessionDraft(
        kind="discovery",
        title=title,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        venue_id=venue,
    )


def test_one_calendar_pin_per_venue_with_its_sessions(
    qtbot: QtBot, widget: MapWidget, tmp_path: Path
) -> None:
    store = create_store(tmp_path / "c.planner")
    now = dt.datetime(2026, 11, 26, 12, 0)
    hall = add_free_venue(store, "Mairie de Saint-Denis", "2 place Victor Hugo", 2.3572, 48.9362)
    office = add_free_venue(store, "Agence de Bobigny", None, 2.4397, 48.9077)
    loose = add_free_venue(store, "Salle à trouver", None)
    save_session(store, _session("Logistique", dt.datetime(2026, 12, 1, 9), hall))
    save_session(store, _session("Commerce", dt.datetime(2026, 12, 8, 14), hall))
    save_session(store, _session("Soin", dt.datetime(2026, 11, 2, 9), office))
    save_session(store, _session("Sans lieu placé", dt.datetime(2026, 12, 3, 9), loose))
    records = list_sessions(store)
    with qtbot.waitSignal(widget.drawn, timeout=10_000):
        widget.set_firms([1], [2.40], [48.92], [0], [("Tous", "#4e79a7")])
    widget.set_sessions(venue_markers(records, now=now))

    markers = _js(widget, "PlannerMap.test.sessionMarkers()")
    assert sorted(m["venue"] for m in markers) == sorted([hall, office])
    by_venue = {m["venue"]: m for m in markers}
    assert (by_venue[hall]["lat"], by_venue[hall]["lon"]) == (48.9362, 2.3572)
    assert all(m["shown"] for m in markers)
    assert by_venue[hall]["upcoming"] == 2 and by_venue[office]["upcoming"] == 0
    assert "01/12/2026 09:00–11:00Logistique" in by_venue[hall]["tooltip"]
    assert "08/12/2026" in by_venue[hall]["tooltip"]
    assert "02/11/2026" in by_venue[office]["tooltip"]
    # Pins are DOM markers, not the firms' canvas circles.
    assert _js(widget, "document.querySelectorAll('.pm-session-pin').length") == 2

    first = next(r.id for r in records if r.title == "Logistique")
    with qtbot.waitSignal(widget.sessionClicked, timeout=5_000) as clicked:
        assert _js(widget, f"PlannerMap.test.clickVenue({hall})") == first
    assert clicked.args == [first]

    widget.set_sessions(None)
    assert _js(widget, "PlannerMap.test.sessionMarkers()") == []
    assert _js(widget, "document.querySelectorAll('.pm-session-pin').length") == 0
    store.close()


def test_a_venue_placed_by_a_click_on_the_map_loses_its_warning(
    qtbot: QtBot, widget: MapWidget, tmp_path: Path
) -> None:
    store = create_store(tmp_path / "c.planner")
    venue = add_free_venue(store, "Salle des fêtes", "12 rue de la Paix")
    save_session(store, _session("Logistique", dt.datetime(2026, 12, 1, 9), venue))
    assert [c.rule for c in plan_clashes(store)] == ["venue_unplaced"]
    with qtbot.waitSignal(widget.drawn, timeout=10_000):
        widget.set_firms([1], [2.40], [48.92], [0], [("Tous", "#4e79a7")])
    evaluate(widget, "void PlannerMap.test.map().setView([48.92, 2.40], 13, {animate: false})")

    placed: list[int] = []
    target = widget.view().focusProxy()
    # Échap leaves the pick mode: nothing is placed.
    place_venue(widget, store, venue, "Salle des fêtes", placed.append)
    qtbot.waitUntil(lambda: _js(widget, "PlannerMap.test.picking()") is True)
    with qtbot.waitSignal(widget.pickCancelled, timeout=5_000):
        QTest.keyClick(target, Qt.Key.Key_Escape)
    assert _js(widget, "PlannerMap.test.picking()") is False
    assert _js(widget, "document.querySelector('.pm-pick-bar')") is None

    place_venue(widget, store, venue, "Salle des fêtes", placed.append)
    qtbot.waitUntil(lambda: _js(widget, "PlannerMap.test.picking()") is True)
    assert _js(widget, "document.querySelector('.pm-pick-bar').textContent").startswith(
        "Cliquez sur la carte"
    )
    x, y = _js(widget, "PlannerMap.test.pointOf(48.93, 2.41)")
    point = QPoint(round(x), round(y))
    mouse_move(qtbot, lambda script: _js(widget, script), target, point)
    with qtbot.waitSignal(widget.pointPicked, timeout=5_000):
        QTest.mouseClick(target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    assert placed == [venue]
    saved = next(v for v in list_venues(store) if v.id == venue)
    assert saved.lat == pytest.approx(48.93, abs=0.001)
    assert saved.lon == pytest.approx(2.41, abs=0.001)
    assert plan_clashes(store) == []
    assert _js(widget, "PlannerMap.test.picking()") is False
    store.close()


def test_the_firm_legend_folds_on_a_click_on_its_title(qtbot: QtBot, widget: MapWidget) -> None:
    legend = [(f"Équipe {i}", f"#{(i * 40) % 256:02x}40a0") for i in range(14)]
    with qtbot.waitSignal(widget.drawn, timeout=10_000):
        widget.set_firms(range(14), [2.4] * 14, [48.92] * 14, range(14), legend, "Équipe")
    height = "document.querySelector('.leaflet-bottom.leaflet-right .pm-legend').offsetHeight"
    unfolded = _js(widget, height)
    assert _js(widget, "PlannerMap.test.clickLegendTitle()") is True
    folded = _js(widget, height)
    assert folded < unfolded / 4
    # A new colouring keeps the legend folded, a second click unfolds it.
    widget.recolor(list(range(14))[::-1], legend)
    qtbot.waitUntil(lambda: _js(widget, height) == folded)
    assert _js(widget, "PlannerMap.test.clickLegendTitle()") is False
    assert _js(widget, height) == unfolded


def test_a_venue_from_a_firm_that_became_non_diffusible_leaves_the_page(
    qtbot: QtBot, widget: MapWidget, tmp_path: Path
) -> None:
    store = create_store(tmp_path / "c.planner")
    siret = "00554066100021"
    with store.session() as session:
        session.add(
            models.Establishment(
                siret=siret,
                siren=siret[:9],
                nic=siret[9:],
                name="MARIE AVON",
                numero_voie="34",
                type_voie="BD",
                libelle_voie="GASSENDI",
                code_postal="04000",
                libelle_commune="DIGNE-LES-BAINS",
                commune_code="04070",
                etat="A",
                lon=6.23571,
                lat=44.09312,
                source_hash="h",
            )
        )
    save_session(
        store, _session("Visite", dt.datetime(2026, 12, 1, 9), venue_from_firm(store, siret))
    )
    now = dt.datetime(2026, 11, 26, 12, 0)

    def page_text() -> str:
        firms = load_firms(store)
        ids = firms["id"].to_list()
        with qtbot.waitSignal(widget.drawn, timeout=10_000):
            widget.set_firms(ids, firms["lon"], firms["lat"], [0] * len(ids), [("Tous", "#4e79a7")])
        widget.set_sessions(venue_markers(list_sessions(store), now=now))
        markers = _js(widget, "PlannerMap.test.sessionMarkers()")
        html = _js(widget, "document.documentElement.outerHTML")
        return json.dumps(markers) + html

    before = page_text()
    assert "MARIE AVON" in before and "GASSENDI" in before and "44.0931" in before
    with store.session() as session:
        scrub_non_diffusible(session, [siret], None)
    after = page_text()
    assert [n for n in ("MARIE AVON", "GASSENDI", "44.0931", "6.2357") if n in after] == []
    assert _js(widget, "PlannerMap.test.sessionMarkers()") == []  # no position, no pin
    store.close()
