"""The session editor on a real demo campaign: host firms, clash override, the outcome tab."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from planner.db.store import CampaignStore, open_store
from planner.domain import clock
from planner.services.campaign.naf_reference import write_reference
from planner.services.demo.demo_campaign import create_demo
from planner.services.firms.firm_query import load_firms
from planner.services.sessions.excel_export import write_sessions_workbook
from planner.services.sessions.planning import (
    SessionRecord,
    invitees_of,
    list_sessions,
    plan_clashes,
)
from planner.ui.sessions.editor_models import SIRET_ROLE
from planner.ui.sessions.session_editor import SessionEditor


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("session_editor") / "demo.planner"
    create_demo(path, rows=2500)
    return path


@pytest.fixture
def store(demo_file: Path, tmp_path: Path) -> Iterator[CampaignStore]:
    copy = tmp_path / "demo.planner"
    copy.write_bytes(demo_file.read_bytes())
    opened = open_store(copy)
    yield opened
    opened.close()


class _Prompts:
    """Stands in for the input dialog and the message boxes (which would block)."""

    def __init__(self, reason: str | None) -> None:
        self.reason = reason
        self.asked: list[str] = []
        self.told: list[tuple[str, str]] = []

    def ask(self, text: str) -> str | None:
        self.asked.append(text)
        return self.reason

    def inform(self, title: str, text: str) -> None:
        self.told.append((title, text))


def _editor(
    qtbot: QtBot,
    store: CampaignStore,
    record: SessionRecord | None,
    prompts: _Prompts,
    firms: pl.DataFrame | None = None,
    selected: list[str] | None = None,
) -> SessionEditor:
    editor = SessionEditor(
        None,
        store,
        record,
        firms=firms,
        selected_sirets=(lambda: list(selected or [])),
        ask_reason=prompts.ask,
        inform=prompts.inform,
    )
    qtbot.addWidget(editor)
    return editor


def _clean_record(store: CampaignStore) -> SessionRecord:
    """A demo session to come, with invitees and no clash error (held ones have their outcome)."""
    clashing = {
        sid for c in plan_clashes(store) if c.is_error for sid in (c.session_id, c.other_id)
    }
    return next(
        r
        for r in list_sessions(store)
        if r.invitees >= 4 and r.id not in clashing and r.status != "held"
    )


def test_hosts_come_from_the_campaign_firms_and_a_clash_needs_a_reason(
    qtbot: QtBot, store: CampaignStore
) -> None:
    firms = load_firms(store)
    named = firms.filter(pl.col("name").is_not_null() & pl.col("lon").is_not_null())
    by_name, by_siret, selected = named.row(0, named=True), named.row(1, named=True), named[2:4]
    booked = list_sessions(store)[0]
    assert booked.venue is not None
    prompts = _Prompts(reason=None)
    editor = _editor(qtbot, store, None, prompts, firms, selected["siret"].to_list())

    completer = editor.host_search.completer()
    completer.setCompletionPrefix(by_name["name"].lower())
    found = completer.completionModel()
    assert found.rowCount() >= 1
    editor.firms_tab._on_completer_activated(found.index(0, 0))
    completer.setCompletionPrefix(by_siret["siret"])  # a pasted SIRET, without spaces
    assert found.rowCount() == 1
    assert found.index(0, 0).data(SIRET_ROLE) == by_siret["siret"]
    editor.firms_tab._on_completer_activated(found.index(0, 0))
    editor.add_selected_hosts()
    editor.add_selected_hosts()  # twice: no duplicates
    expected = {by_siret["siret"], *selected["siret"].to_list()}
    assert expected <= set(editor.hosts.sirets())
    assert len(editor.hosts.sirets()) == len(set(editor.hosts.sirets()))
    assert editor.host_search.text() == ""

    # Same venue and time as a booked session: refused without a reason...
    editor.title_edit.setText("Visite des entreprises d'accueil")
    editor.venue.setCurrentIndex(editor.venue.findData(booked.venue.id))
    start = booked.starts_at
    editor.start.setDateTime(QDateTime(start.year, start.month, start.day, start.hour, 0, 0))
    editor.end.setDateTime(QDateTime(start.year, start.month, start.day, start.hour + 1, 0, 0))
    before = len(list_sessions(store))
    editor.save()
    assert prompts.asked and "occupent le lieu" in prompts.asked[0]
    assert editor.result() != QDialog.DialogCode.Accepted
    assert len(list_sessions(store)) == before

    # ...saved with one, with its hosts.
    prompts.reason = "Salle partagée, deux salles distinctes"
    editor.save()
    assert editor.result() == QDialog.DialogCode.Accepted
    saved = next(r for r in list_sessions(store) if r.id == editor.saved_ids[0])
    assert saved.clash_override == "Salle partagée, deux salles distinctes"
    assert set(saved.hosts) == set(editor.hosts.sirets())


def test_outcome_tab_records_attendance_offers_hires_and_who_came(
    qtbot: QtBot, store: CampaignStore, tmp_path: Path
) -> None:
    record = _clean_record(store)
    prompts = _Prompts(reason=None)
    editor = _editor(qtbot, store, record, prompts)
    assert editor.tabs.isTabEnabled(2)
    model = editor.presence
    assert model.rowCount() == record.invitees
    came = [model.index(row, 3) for row in (0, 1, 2)]
    for index in came:
        assert model.setData(index, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    model.setData(came[2], Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert "2 sur" in editor.present_label.text()

    # More hires than offers: refused, nothing written.
    editor.attendance.setValue(18)
    editor.jobs_offered.setValue(3)
    editor.hires.setValue(5)
    editor.notes.setPlainText("Très bon accueil ; relancer les absents.")
    editor.save()
    assert prompts.told and "Plus de recrutements" in prompts.told[-1][1]
    assert editor.result() != QDialog.DialogCode.Accepted
    unchanged = next(r for r in list_sessions(store) if r.id == record.id)
    assert (unchanged.attendance, unchanged.hires, unchanged.present) == (None, None, 0)

    editor.hires.setValue(2)
    editor.save()
    assert editor.result() == QDialog.DialogCode.Accepted
    saved = next(r for r in list_sessions(store) if r.id == record.id)
    assert (saved.attendance, saved.jobs_offered, saved.hires) == (18, 3, 2)
    assert saved.outcome_notes == "Très bon accueil ; relancer les absents."
    statuses = {s: st for s, _, st in invitees_of(store, record.id)}
    first, second, third = (model.rows[i][0] for i in range(3))
    assert (statuses[first], statuses[second], statuses[third]) == (
        "attended",
        "attended",
        "absent",
    )
    assert saved.present == 2

    path = tmp_path / "seances.xlsx"
    write_sessions_workbook(store, list_sessions(store), path)
    sheet = load_workbook(path)["Séances"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == record.id)
    values = dict(zip(header, row, strict=True))
    assert values["Participants"] == 18
    assert values["Entreprises présentes"] == 2
    assert (values["Offres d'emploi"], values["Recrutements"]) == (3, 2)
    assert values["Bilan"] == "Très bon accueil ; relancer les absents."


def test_outcome_tab_is_off_for_a_new_session(qtbot: QtBot, store: CampaignStore) -> None:
    prompts = _Prompts(reason=None)
    editor = _editor(qtbot, store, None, prompts)
    assert not editor.tabs.isTabEnabled(2)
    editor.suggest()  # no venue chosen: told, not blocked
    assert prompts.told == [("Invités", "Choisissez d'abord un lieu placé sur la carte.")]
    assert editor.invitees.rowCount() == 0
    assert clock.today() < editor.start.dateTime().toPython().date()  # type: ignore[union-attr]


def test_a_new_free_venue_is_chosen_then_left_to_place_on_the_map(
    qtbot: QtBot, store: CampaignStore
) -> None:
    prompts = _Prompts(reason=None)
    editor = _editor(qtbot, store, None, prompts)
    assert editor.venue_to_place() is None  # « Lieu à définir »
    assert editor.add_venue("   ", None) is None
    assert prompts.told == [("Lieu", "Un lieu doit avoir un nom.")]
    venue = editor.add_venue("Salle des fêtes", "12 rue de la Paix")
    assert venue is not None
    assert editor.venue.currentData() == venue
    assert editor.venue.currentText() == "Salle des fêtes (non placé)"
    assert editor.venue_to_place() == (venue, "Salle des fêtes")
    placed = next(i for i in range(editor.venue.count()) if editor.venue.itemData(i) is not None)
    editor.venue.setCurrentIndex(placed)
    assert editor.venue_to_place() is None


def test_naf2025_campaign_says_rome_goes_through_the_correspondence(
    qtbot: QtBot, store: CampaignStore
) -> None:
    editor = _editor(qtbot, store, None, _Prompts(reason=None))
    assert editor.rome_note.isHidden()  # rév. 2: France Travail's own table
    with store.session() as session:
        write_reference(session, "naf2025")
    editor = _editor(qtbot, store, None, _Prompts(reason=None))
    assert not editor.rome_note.isHidden()
    assert "aucune table NAF 2025 ↔ ROME" in editor.rome_note.text()


def test_a_new_session_starts_on_the_next_working_day(qtbot: QtBot, store: CampaignStore) -> None:
    from planner.services.sessions.working_days import next_working_day

    editor = _editor(qtbot, store, None, _Prompts(reason=None))
    start = editor.start.dateTime().toPython()
    assert isinstance(start, dt.datetime)
    day = next_working_day(clock.today())  # the demo's bassin is not in Alsace-Moselle
    assert start == dt.datetime.combine(day, dt.time(9))
    assert start.weekday() < 5


def test_suggested_invitees_stop_at_the_capacity_unless_more_are_asked_for(
    qtbot: QtBot, store: CampaignStore
) -> None:
    from planner.services.sessions.invitees import MORE_STEP
    from planner.services.sessions.venues import list_venues

    prompts = _Prompts(reason=None)
    editor = _editor(qtbot, store, None, prompts)
    venue = next(v for v in list_venues(store) if v.lon is not None)
    editor.venue.setCurrentIndex(editor.venue.findData(venue.id))
    editor.theme.setText("NAF 47")  # about 200 shops within 5 km in the demo
    editor.capacity.setValue(12)
    editor.suggest()
    assert editor.invitees.rowCount() == 12
    assert editor.invitee_count.text() == "12 entreprises invitées pour 12 places"
    editor.suggest()  # full: told, nothing added
    assert editor.invitees.rowCount() == 12
    assert prompts.told[-1][1].startswith("La séance est complète : 12 entreprises invitées")
    editor.suggest_more.click()
    assert editor.invitees.rowCount() == 12 + MORE_STEP
    assert (
        editor.invitee_count.text()
        == f"{12 + MORE_STEP} entreprises invitées pour 12 places (au-delà des places)"
    )
    editor.capacity.setValue(-1)  # no capacity: a batch of 50
    editor.suggest()
    assert editor.invitees.rowCount() == 12 + MORE_STEP + 50
