"""Editors that save whole rows: the task force editor and the session editor never
overwrite (nor delete) what someone else saved since they were opened."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from planner.db.models import Team
from planner.db.store import CampaignStore, open_store
from planner.services.sessions.planning import (
    SessionRecord,
    draft_of,
    invitees_of,
    list_sessions,
    plan_clashes,
    save_session,
)
from planner.services.shared_campaign.conflicts import Conflict, StaleVersion
from planner.services.task_force.edit import TeamDraft, load_drafts, save_task_force
from planner.services.task_force.edit_versions import loaded_versions
from planner.ui.sessions.session_editor import SessionEditor


@pytest.fixture
def campaign(demo_file: Path, tmp_path: Path) -> Path:
    path = tmp_path / "editeurs.planner"
    shutil.copyfile(demo_file, path)
    return path


@pytest.fixture
def stores(campaign: Path) -> Iterator[tuple[CampaignStore, CampaignStore]]:
    with open_store(campaign) as mine, open_store(campaign) as theirs:
        yield mine, theirs


def test_task_force_save_refuses_a_row_changed_since_it_was_loaded(
    stores: tuple[CampaignStore, CampaignStore],
) -> None:
    mine, theirs = stores
    drafts = load_drafts(mine)
    known = loaded_versions(drafts)
    other = load_drafts(theirs)
    other[0].teams[0].capacity = 999
    save_task_force(theirs, other)

    drafts[0].teams[0].capacity = 5
    with pytest.raises(StaleVersion) as caught:
        save_task_force(mine, drafts, known)
    conflict = caught.value.conflict
    assert conflict.table == "team" and conflict.theirs["Capacité"] == "999"
    assert conflict.mine["Capacité"] == "5" and conflict.login
    with mine.session() as session:
        assert session.get(Team, drafts[0].teams[0].id).capacity == 999  # type: ignore[union-attr]


def test_task_force_save_does_not_delete_a_team_created_meanwhile(
    stores: tuple[CampaignStore, CampaignStore],
) -> None:
    mine, theirs = stores
    drafts = load_drafts(mine)
    known = loaded_versions(drafts)
    other = load_drafts(theirs)
    other[0].teams.append(TeamDraft(name="Nouvelle équipe de B", capacity=10))
    save_task_force(theirs, other)

    with pytest.raises(StaleVersion) as caught:
        save_task_force(mine, drafts, known)  # would delete B's team, never seen by A
    assert caught.value.conflict.theirs["Nom"] == "Nouvelle équipe de B"
    with mine.session() as session:
        assert session.scalar(select(Team.id).where(Team.name == "Nouvelle équipe de B"))
    # Loaded afresh, A's save goes through.
    fresh = load_drafts(mine)
    save_task_force(mine, fresh, loaded_versions(fresh))


def test_orm_update_of_a_stale_row_is_a_conflict(
    stores: tuple[CampaignStore, CampaignStore],
) -> None:
    from planner.services.shared_campaign.conflicts import stale_rows_as_conflicts

    mine, theirs = stores
    with (
        pytest.raises(StaleVersion) as caught,
        stale_rows_as_conflicts("team", "Équipe 1"),
        mine.session() as session,
    ):
        team = session.get(Team, 1)
        assert team is not None
        with theirs.session() as other:
            other_team = other.get(Team, 1)
            assert other_team is not None
            other_team.capacity = 77
        team.capacity = 3
        session.flush()
    assert "Conflit" in str(caught.value) and caught.value.conflict.table == "team"


def _record(store: CampaignStore) -> SessionRecord:
    clashing = {
        sid for c in plan_clashes(store) if c.is_error for sid in (c.session_id, c.other_id)
    }
    return next(r for r in list_sessions(store) if r.id not in clashing)


def _retitle(store: CampaignStore, record: SessionRecord, title: str) -> None:
    draft = draft_of(record, [s for s, _, _ in invitees_of(store, record.id)])
    draft.title = title
    save_session(store, draft, session_id=record.id, override=record.clash_override or "test")


@pytest.mark.parametrize("choice", ["mine", "theirs", "cancel"])
def test_session_editor_save_after_another_save(
    qtbot: QtBot, stores: tuple[CampaignStore, CampaignStore], choice: str
) -> None:
    mine, theirs = stores
    record = _record(mine)
    told: list[tuple[str, str]] = []
    editor = SessionEditor(
        None, mine, record, ask_reason=lambda _t: "test", inform=lambda t, m: told.append((t, m))
    )
    qtbot.addWidget(editor)
    asked: list[Conflict] = []
    editor.resolve = lambda c: (asked.append(c), choice)[1]
    _retitle(theirs, record, "Titre de l'autre")  # saved by someone else meanwhile

    editor.title_edit.setText("Mon titre")
    editor.save()
    assert asked and asked[0].theirs["Titre"] == "Titre de l'autre"
    assert asked[0].mine["Titre"] == "Mon titre"
    title = next(r.title for r in list_sessions(mine) if r.id == record.id)
    expected = {"mine": "Mon titre", "theirs": "Titre de l'autre", "cancel": "Titre de l'autre"}
    assert title == expected[choice]
    if choice == "cancel":
        assert told and "Conflit" in told[-1][1]


def test_a_stale_save_of_a_sessions_invitees_is_refused(
    stores: tuple[CampaignStore, CampaignStore],
) -> None:
    """Saving only the links (an invitee added) moves the session's version: a second save
    based on the old version cannot silently drop the first one's invitee."""
    mine, theirs = stores
    record = _record(mine)
    invited = [s for s, _, _ in invitees_of(mine, record.id)]
    with mine.session() as session:
        from planner.db.models import Establishment

        spare = [
            s for s in session.scalars(select(Establishment.siret).limit(50)) if s not in invited
        ][:2]
    first = draft_of(record, [*invited, spare[0]])
    save_session(
        theirs, first, session_id=record.id, override="test", expected_version=record.version
    )
    second = draft_of(record, [*invited, spare[1]])
    with pytest.raises(StaleVersion):
        save_session(
            mine, second, session_id=record.id, override="test", expected_version=record.version
        )
    now = {s for s, _, _ in invitees_of(mine, record.id)}
    assert spare[0] in now and spare[1] not in now
