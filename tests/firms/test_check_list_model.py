"""The session editor's check lists (partners, advisers) and its « Bilan » tab on their own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QDialog, QListView
from pytestqt.qtbot import QtBot

from planner.db.store import CampaignStore, open_store
from planner.domain.errors import PlannerError
from planner.services.demo.demo_campaign import create_demo
from planner.services.sessions.planning import list_sessions, plan_clashes
from planner.ui.sessions.editor_models import ID_ROLE, CheckListModel
from planner.ui.sessions.session_editor import SessionEditor
from planner.ui.sessions.session_outcome_tab import OutcomeEntry, SessionOutcomeTab

_ROWS = [(7, "CCI Seine-Saint-Denis"), (3, "Cap emploi 93"), (12, "Mission locale")]


def test_rows_keep_their_order_and_answer_the_roles(qtbot: QtBot) -> None:
    model = CheckListModel(_ROWS)
    assert model.rowCount() == 3
    assert model.rowCount(model.index(0, 0)) == 0  # a flat list
    second = model.index(1, 0)
    assert second.data(Qt.ItemDataRole.DisplayRole) == "Cap emploi 93"
    assert second.data(Qt.ItemDataRole.EditRole) == "Cap emploi 93"
    assert second.data(ID_ROLE) == 3
    assert second.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert second.data(Qt.ItemDataRole.ToolTipRole) is None
    assert model.data(QModelIndex()) is None
    assert model.flags(second) & Qt.ItemFlag.ItemIsUserCheckable
    assert model.flags(second) & Qt.ItemFlag.ItemIsEnabled
    assert not model.flags(second) & Qt.ItemFlag.ItemIsEditable
    assert model.flags(QModelIndex()) == Qt.ItemFlag.NoItemFlags
    assert model.checked_ids() == []


def test_check_and_uncheck_give_the_checked_ids_in_row_order(qtbot: QtBot) -> None:
    model = CheckListModel(_ROWS)
    with qtbot.waitSignal(model.dataChanged) as changed:
        # The delegate sends an int, code may send the enum: both are understood.
        assert model.setData(
            model.index(2, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole
        )
    assert changed.args is not None and changed.args[0].row() == 2
    assert model.setData(model.index(0, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert model.checked_ids() == [7, 12]
    assert model.index(0, 0).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert model.setData(model.index(2, 0), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    assert model.checked_ids() == [7]
    # Names are not edited through the list.
    assert not model.setData(model.index(0, 0), "Autre", Qt.ItemDataRole.EditRole)
    assert model.index(0, 0).data() == "CCI Seine-Saint-Denis"

    model.set_checked([12, 3, 99])  # 99 is no row: ignored; 7 is unchecked
    assert model.checked_ids() == [3, 12]
    model.set_checked([])
    assert model.checked_ids() == []


def test_space_toggles_the_current_row_in_a_list_view(qtbot: QtBot) -> None:
    model = CheckListModel(_ROWS)
    view = QListView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.show()
    view.setFocus()
    view.setCurrentIndex(model.index(1, 0))
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert model.checked_ids() == [3]
    qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert model.checked_ids() == [3, 12]
    qtbot.keyClick(view, Qt.Key.Key_Up)
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert model.checked_ids() == [12]


def test_the_outcome_tab_reads_back_and_refuses_more_hires_than_offers(qtbot: QtBot) -> None:
    tab = SessionOutcomeTab()
    qtbot.addWidget(tab)
    assert tab.entry() == OutcomeEntry(None, None, None, None)
    tab.attendance.setValue(12)
    tab.jobs_offered.setValue(2)
    tab.hires.setValue(3)
    tab.notes.setPlainText("  \n")
    assert tab.entry() == OutcomeEntry(12, 2, 3, None)
    with pytest.raises(PlannerError, match="Plus de recrutements"):
        tab.validate(keep=[])
    tab.hires.setValue(2)
    assert tab.validate(keep=[]) == {}


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("check_lists") / "demo.planner"
    create_demo(path, rows=2500)
    return path


@pytest.fixture
def store(demo_file: Path, tmp_path: Path) -> Iterator[CampaignStore]:
    copy = tmp_path / "demo.planner"
    copy.write_bytes(demo_file.read_bytes())
    opened = open_store(copy)
    yield opened
    opened.close()


def test_the_editor_checks_the_sessions_partners_and_advisers_and_saves_a_toggle(
    qtbot: QtBot, store: CampaignStore
) -> None:
    clashing = {
        sid for c in plan_clashes(store) if c.is_error for sid in (c.session_id, c.other_id)
    }
    record = next(
        r for r in list_sessions(store) if r.partners and r.advisers and r.id not in clashing
    )
    editor = SessionEditor(
        None, store, record, ask_reason=lambda _text: None, inform=lambda _t, _x: None
    )
    qtbot.addWidget(editor)
    partners = editor.partner_view.model()
    assert partners is editor.partners
    names = [partners.index(i, 0).data() for i in range(partners.rowCount())]
    assert names == sorted(names)  # by name, as before
    assert set(editor.partners.checked_ids()) == set(record.partners)
    assert set(editor.advisers.checked_ids()) == set(record.advisers)

    unchecked = next(
        i
        for i in range(partners.rowCount())
        if partners.index(i, 0).data(ID_ROLE) not in record.partners
    )
    editor.show()
    editor.partner_view.setFocus()
    editor.partner_view.setCurrentIndex(partners.index(unchecked, 0))
    qtbot.keyClick(editor.partner_view, Qt.Key.Key_Space)
    added = partners.index(unchecked, 0).data(ID_ROLE)
    assert set(editor.draft().partner_ids) == {*record.partners, added}
    editor.save()
    assert editor.result() == QDialog.DialogCode.Accepted
    saved = next(r for r in list_sessions(store) if r.id == record.id)
    assert set(saved.partners) == {*record.partners, added}
    assert set(saved.advisers) == set(record.advisers)
