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
from planner.services.demo import create_demo
from planner.services.task_force import load_task_force
from planner.services.task_force_edit import load_drafts
from planner.ui.teams.task_force_editor import TaskForceEditor

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
    _type(qtbot, editor.partner_name, "Maison de l'emploi Plaine")
    editor.partner_kind.setCurrentIndex(editor.partner_kind.findData("maison_emploi"))
    editor.rule_kind.setCurrentIndex(editor.rule_kind.findData("naf"))
    _type(qtbot, editor.rule_value, "99.99Z")
    assert not editor.add_rule()
    assert "code NAF inconnu « 99.99Z »" in editor.errors.text()
    _type(qtbot, editor.rule_value, "56")
    qtbot.keyClick(editor.rule_value, Qt.Key.Key_Return)
    assert editor.rules_model.rowCount() == 1 and not editor.errors.text()
    editor.rule_kind.setCurrentIndex(editor.rule_kind.findData("commune"))
    _type(qtbot, editor.rule_value, "99999")
    assert not editor.add_rule()
    assert "commune « 99999 » absente du bassin" in editor.errors.text()
    _type(qtbot, editor.rule_value, commune_name)  # by name: stored as its code
    assert editor.add_rule()
    assert "Restauration" in editor.rules_model.index(0, 1).data()

    editor.add_team()
    _type(qtbot, editor.team_name, "MDE - restauration")
    editor.team_by_advisers.setChecked(True)
    editor.add_adviser()
    _type(qtbot, editor.adviser_name, "Ines Garcia")
    _type(qtbot, editor.adviser_email, "ines.garcia@exemple.fr")
    _type(qtbot, editor.adviser_phone, "01 48 00 00 01")
    editor.adviser_capacity.setValue(40)
    team_index = editor.model.index_of(editor.current_path()[:2], 2)
    assert team_index.data() == "40 (conseillers)"
    if os.environ.get("PLANNER_SCREENSHOTS"):
        editor.select(editor.current_path()[:1])
        qtbot.wait(50)
        editor.grab().save(str(SCREENSHOT))

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
    _type(qtbot, editor.partner_name, "Renomme mais pas enregistre")
    editor.select((0, 0))
    editor.add_adviser()
    _type(qtbot, editor.adviser_name, "Karim Haddad")
    _type(qtbot, editor.adviser_email, "karim.haddad@@exemple")
    assert "Adresse e-mail invalide « karim.haddad@@exemple »" in editor.adviser_problem.text()

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

    monkeypatch.setattr("planner.ui.teams.task_force_editor.ask_unassign", ask)
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
