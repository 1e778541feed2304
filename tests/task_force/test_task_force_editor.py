"""The "Partenaires et équipes" editor on a real campaign file: add, check, delete, save."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from planner.db.models import Adviser, Assignment, Partner, Team
from planner.db.store import CampaignStore, open_store
from planner.services.demo.demo_campaign import create_demo
from planner.services.task_force.edit import (
    FIRMS_FOLLOW,
    FIRMS_UNASSIGN,
    adviser_firm_counts,
    load_drafts,
)
from planner.services.task_force.task_force import load_task_force
from planner.ui.task_force.task_force_editor import TaskForceEditor
from planner.ui.task_force.task_force_models import ADVISER_MIME

SCREENSHOT = (
    Path(__file__).resolve().parents[2] / "resources" / "screenshots" / "task-force-editor.png"
)


@pytest.fixture(scope="module")
def demo_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("editor") / "demo.planner"
    create_demo(path, rows=800, seed=5)
    return path


@pytest.fixture
def campaign(demo_master: Path, tmp_path: Path) -> Iterator[tuple[Path, CampaignStore]]:
    path = tmp_path / "campagne.planner"
    shutil.copyfile(demo_master, path)
    store = open_store(path)
    yield path, store
    store.close()


def _type(qtbot: QtBot, edit: object, text: str) -> None:
    """Replace a line edit's text the way a user does (select all, type)."""
    edit.selectAll()  # type: ignore[attr-defined]
    qtbot.keyClicks(edit, text)


def _counts(path: Path) -> dict[str, int]:
    store = open_store(path)
    try:
        with store.session() as session:
            return {
                name: int(session.scalar(select(func.count()).select_from(model)) or 0)
                for name, model in (
                    ("partners", Partner),
                    ("teams", Team),
                    ("advisers", Adviser),
                    ("assignments", Assignment),
                )
            }
    finally:
        store.close()


def test_add_partner_team_adviser_then_reload(
    qtbot: QtBot, campaign: tuple[Path, CampaignStore]
) -> None:
    path, store = campaign
    before = _counts(path)
    editor = TaskForceEditor(None, store)
    qtbot.addWidget(editor)
    editor.show()
    # keyClicks types ASCII only
    commune_code, commune_name = next((c, n) for c, n in editor.communes.items() if n.isascii())

    editor.add_partner()
    _type(qtbot, editor.partner_form.name, "Maison de l'emploi Plaine")
    editor.partner_form.kind.setCurrentIndex(editor.partner_form.kind.findData("maison_emploi"))
    editor.partner_form.rule_kind.setCurrentIndex(editor.partner_form.rule_kind.findData("naf"))
    _type(qtbot, editor.partner_form.rule_value, "99.99Z")
    assert not editor.add_rule()
    assert "code NAF inconnu « 99.99Z »" in editor.errors.text()
    _type(qtbot, editor.partner_form.rule_value, "56")
    qtbot.keyClick(editor.partner_form.rule_value, Qt.Key.Key_Return)
    assert editor.partner_form.rules_model.rowCount() == 1 and not editor.errors.text()
    editor.partner_form.rule_kind.setCurrentIndex(editor.partner_form.rule_kind.findData("commune"))
    _type(qtbot, editor.partner_form.rule_value, "99999")
    assert not editor.add_rule()
    assert "commune « 99999 » absente du bassin" in editor.errors.text()
    _type(qtbot, editor.partner_form.rule_value, commune_name)  # by name: stored as its code
    assert editor.add_rule()
    assert "Restauration" in editor.partner_form.rules_model.index(0, 1).data()

    editor.add_team()
    _type(qtbot, editor.team_form.name, "MDE - restauration")
    editor.team_form.by_advisers.setChecked(True)
    editor.add_adviser()
    _type(qtbot, editor.adviser_form.name, "Ines Garcia")
    _type(qtbot, editor.adviser_form.email, "ines.garcia@exemple.fr")
    _type(qtbot, editor.adviser_form.phone, "01 48 00 00 01")
    editor.adviser_form.capacity.setValue(40)
    team_index = editor.model.index_of(editor.current_path()[:2], 2)
    assert team_index.data() == "40 (conseillers)"
    assert editor.save()
    assert editor.saved == {**editor.saved, "partners": before["partners"] + 1}
    store.close()

    # what a later session reads from the file
    after = _counts(path)
    assert after["teams"] == before["teams"] + 1
    assert after["advisers"] == before["advisers"] + 1
    assert after["assignments"] == before["assignments"]
    reopened = open_store(path)
    try:
        drafts = {p.name: p for p in load_drafts(reopened)}
        force = load_task_force(reopened)
    finally:
        reopened.close()
    partner = drafts["Maison de l'emploi Plaine"]
    assert partner.kind == "maison_emploi" and not partner.exclusive
    assert [(r.kind, r.value) for r in partner.rules] == [("naf", "56"), ("commune", commune_code)]
    (team,) = partner.teams
    assert team.name == "MDE - restauration" and team.capacity is None
    (adviser,) = team.advisers
    assert (adviser.name, adviser.email, adviser.phone, adviser.capacity) == (
        "Ines Garcia",
        "ines.garcia@exemple.fr",
        "01 48 00 00 01",
        40,
    )
    assert next(t for t in force.teams if t.name == "MDE - restauration").capacity == 40


def test_bad_email_is_named_in_french_and_nothing_is_saved(
    qtbot: QtBot, campaign: tuple[Path, CampaignStore]
) -> None:
    path, store = campaign
    before = _counts(path)
    names_before = {p.name for p in load_drafts(store)}
    editor = TaskForceEditor(None, store)
    qtbot.addWidget(editor)
    editor.show()
    editor.select((0,))
    _type(qtbot, editor.partner_form.name, "Renomme mais pas enregistre")
    editor.select((0, 0))
    editor.add_adviser()
    _type(qtbot, editor.adviser_form.name, "Karim Haddad")
    _type(qtbot, editor.adviser_form.email, "karim.haddad@@exemple")
    assert "Adresse e-mail invalide « karim.haddad@@exemple »" in editor.adviser_form.problem.text()

    assert not editor.save()
    text = editor.errors.text()
    assert text.startswith("Rien n'a été enregistré")
    assert "conseiller « Karim Haddad » : adresse e-mail invalide « karim.haddad@@exemple »" in text
    assert editor.isVisible()
    assert _counts(path) == before
    assert {p.name for p in load_drafts(store)} == names_before


def test_deleting_a_team_with_firms_asks_then_unassigns_them(
    qtbot: QtBot, campaign: tuple[Path, CampaignStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, store = campaign
    before = _counts(path)
    editor = TaskForceEditor(None, store)
    qtbot.addWidget(editor)
    editor.show()
    team = editor.model.partners[0].teams[0]
    held = editor.firm_counts[team.id]  # type: ignore[index]
    assert held > 0
    asked: list[tuple[str, int]] = []
    answer = [False]

    def ask(_parent: object, what: str, firms: int) -> bool:
        asked.append((what, firms))
        return answer[0]

    monkeypatch.setattr("planner.ui.task_force.task_force_editor.ask_unassign", ask)
    editor.select((0, 0))
    assert not editor.remove_current()  # "Annuler": the team stays
    assert asked == [(f"L'équipe « {team.name} »", held)]
    assert editor.model.partners[0].teams == [team]
    answer[0] = True
    assert editor.remove_current()
    assert editor.model.partners[0].teams == []
    # a partner left without a team is still valid: save
    assert editor.save()
    assert editor.saved is not None and editor.saved["unassigned"] == held
    after = _counts(path)
    assert after["teams"] == before["teams"] - 1
    assert after["assignments"] == before["assignments"] - held


# --- moving an adviser to another team ----------------------------------------------------

FT_SAINT_DENIS, FT_AUBERVILLIERS, MISSION_LOCALE = 0, 1, 6


def _firms_of(path: Path) -> dict[str, tuple[int, int | None]]:
    store = open_store(path)
    try:
        with store.session() as session:
            return {a.siret: (a.team_id, a.adviser_id) for a in session.scalars(select(Assignment))}
    finally:
        store.close()


def _answer(
    monkeypatch: pytest.MonkeyPatch, team_label: str | None, firms: str | None
) -> list[tuple[str, int, str]]:
    """Answer the move dialogs: pick the team labelled ``team_label``, then ``firms``."""
    asked: list[tuple[str, int, str]] = []

    def choose(_parent: object, _adviser: str, teams: list[str]) -> int | None:
        return teams.index(team_label) if team_label else None

    def ask(_parent: object, adviser: str, count: int, team: str) -> str | None:
        asked.append((adviser, count, team))
        return firms

    monkeypatch.setattr("planner.ui.task_force.task_force_editor.choose_team", choose)
    monkeypatch.setattr("planner.ui.task_force.task_force_editor.ask_firms_on_move", ask)
    return asked


def test_move_an_adviser_with_its_firms_then_reload(
    qtbot: QtBot, campaign: tuple[Path, CampaignStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, store = campaign
    before = _firms_of(path)
    editor = TaskForceEditor(None, store)
    qtbot.addWidget(editor)
    editor.show()
    old_partner, new_partner = (editor.model.partners[i] for i in (0, 1))
    old_team, new_team = old_partner.teams[0], new_partner.teams[0]
    adviser = old_team.advisers[0]
    held = {s for s, (_t, a) in before.items() if a == adviser.id}
    assert held and adviser.capacity
    new_capacity = editor.model.index_of((FT_AUBERVILLIERS, 0), 2).data()
    assert new_capacity == f"{new_team.effective_capacity()} (conseillers)"
    asked = _answer(monkeypatch, f"{new_partner.name} › {new_team.name}", FIRMS_FOLLOW)

    editor.select((FT_SAINT_DENIS, 0, 0))
    assert editor.move_button.isEnabled()
    assert editor.move_current()

    assert asked == [(adviser.name, len(held), new_team.name)]
    assert editor.model.node(editor.tree.currentIndex()) is adviser
    assert editor.current_path() == (FT_AUBERVILLIERS, 0, len(new_team.advisers) - 1)
    assert adviser not in old_team.advisers
    assert editor.model.index_of((FT_AUBERVILLIERS, 0), 2).data() == (
        f"{int(new_capacity.split()[0]) + adviser.capacity} (conseillers)"
    )
    assert editor.adviser_form.firms_label.text() == (
        f"{len(held)} attribuée(s) — conseiller déplacé depuis « {old_team.name} » : elles "
        f"suivront le conseiller à « {new_team.name} » à l'enregistrement."
    )
    if os.environ.get("PLANNER_SCREENSHOTS"):
        window = editor.windowHandle()
        qtbot.waitUntil(lambda: window is not None and window.isExposed())
        editor.grab().save(str(SCREENSHOT))

    assert editor.save()
    assert editor.saved is not None
    assert (editor.saved["moved"], editor.saved["firms_moved"]) == (1, len(held))
    store.close()

    # what a later session reads from the file
    after = _firms_of(path)
    assert {s: after[s] for s in held} == dict.fromkeys(held, (new_team.id, adviser.id))
    assert {s: v for s, v in after.items() if s not in held} == {
        s: v for s, v in before.items() if s not in held
    }
    reopened = open_store(path)
    try:
        drafts = load_drafts(reopened)
        force = load_task_force(reopened)
    finally:
        reopened.close()
    moved = [a for a in drafts[FT_AUBERVILLIERS].teams[0].advisers if a.id == adviser.id]
    assert [(a.name, a.email, a.capacity) for a in moved] == [
        (adviser.name, adviser.email, adviser.capacity)
    ]
    assert adviser.id not in {a.id for a in drafts[FT_SAINT_DENIS].teams[0].advisers}
    capacities = {t.id: t.capacity for t in force.teams}
    assert capacities[new_team.id] == new_team.effective_capacity()
    assert capacities[old_team.id] == old_team.effective_capacity()


def test_a_move_the_remit_refuses_names_the_firms_and_saves_nothing(
    qtbot: QtBot, campaign: tuple[Path, CampaignStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, store = campaign
    before = (_counts(path), _firms_of(path))
    editor = TaskForceEditor(None, store)
    qtbot.addWidget(editor)
    editor.show()
    mission = editor.model.partners[MISSION_LOCALE]
    adviser = editor.model.partners[FT_SAINT_DENIS].teams[0].advisers[0]
    held = editor.adviser_firms[adviser.id]  # type: ignore[index]
    _answer(monkeypatch, f"{mission.name} › {mission.teams[0].name}", FIRMS_FOLLOW)

    editor.select((FT_SAINT_DENIS, 0, 0))
    assert not editor.move_current()
    text = editor.errors.text()
    assert text.startswith(
        f"Déplacement refusé : Conseiller « {adviser.name} » vers l'équipe "
        f"« {mission.teams[0].name} » : le périmètre de « {mission.name} » (section ou "
        "division NAF G ou "
    )
    excluded = int(text.split(" exclut ")[1].split()[0])
    assert 0 < excluded < held
    assert text.endswith(
        f"exclut {excluded} de ses {held} entreprises ; laissez-les à l'ancienne équipe ou "
        "retirez-les."
    )
    assert editor.model.partners[FT_SAINT_DENIS].teams[0].advisers[0] is adviser
    assert editor.current_path() == (FT_SAINT_DENIS, 0, 0)

    # allowed to a partner without rules, then that partner's remit narrows: save refuses
    aubervilliers = editor.model.partners[FT_AUBERVILLIERS]
    _answer(monkeypatch, f"{aubervilliers.name} › {aubervilliers.teams[0].name}", FIRMS_FOLLOW)
    assert editor.move_current()
    editor.select((FT_AUBERVILLIERS,))
    editor.partner_form.rule_kind.setCurrentIndex(editor.partner_form.rule_kind.findData("naf"))
    _type(qtbot, editor.partner_form.rule_value, "56")
    assert editor.add_rule()
    assert not editor.save()
    text = editor.errors.text()
    assert text.startswith(
        f"Rien n'a été enregistré : Conseiller « {adviser.name} » vers l'équipe "
        f"« {aubervilliers.teams[0].name} » : le périmètre de « {aubervilliers.name} » "
        "(section ou division NAF 56) exclut "
    )
    assert f"de ses {held} entreprises" in text
    assert editor.isVisible() and editor.saved is None
    assert (_counts(path), _firms_of(path)) == before
    assert load_drafts(store)[FT_AUBERVILLIERS].rules == []


def test_drag_an_adviser_onto_another_team(
    qtbot: QtBot, campaign: tuple[Path, CampaignStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, store = campaign
    before = _firms_of(path)
    editor = TaskForceEditor(None, store)
    qtbot.addWidget(editor)
    editor.show()
    model = editor.model
    adviser = model.partners[FT_SAINT_DENIS].teams[0].advisers[1]
    held = {s for s, (_t, a) in before.items() if a == adviser.id}
    assert held
    _answer(monkeypatch, None, FIRMS_UNASSIGN)
    source = model.index_of((FT_SAINT_DENIS, 0, 1))
    own_team, other_team = model.index_of((FT_SAINT_DENIS, 0)), model.index_of((MISSION_LOCALE, 0))
    assert model.flags(source) & Qt.ItemFlag.ItemIsDragEnabled
    assert not model.flags(model.index_of((FT_SAINT_DENIS,))) & Qt.ItemFlag.ItemIsDropEnabled
    mime = model.mimeData([source, source.siblingAtColumn(1)])
    assert mime.hasFormat(ADVISER_MIME)
    move = Qt.DropAction.MoveAction
    assert model.canDropMimeData(mime, move, -1, -1, other_team)
    assert not model.canDropMimeData(mime, move, -1, -1, own_team)
    assert not model.canDropMimeData(mime, move, 0, 0, model.index_of((MISSION_LOCALE,)))

    with qtbot.waitSignal(model.rowsMoved):
        model.dropMimeData(mime, move, -1, -1, other_team)

    assert model.partners[MISSION_LOCALE].teams[0].advisers[-1] is adviser
    assert adviser.firms_on_move == FIRMS_UNASSIGN
    assert editor.save()
    store.close()
    after = _firms_of(path)
    assert set(after) == set(before) - held
    reopened = open_store(path)
    try:
        drafts = load_drafts(reopened)
        assert adviser.id not in adviser_firm_counts(reopened)
    finally:
        reopened.close()
    assert adviser.id in {a.id for a in drafts[MISSION_LOCALE].teams[0].advisers}
