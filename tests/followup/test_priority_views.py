"""The « Métiers en tension (BMO) » window and the « Priorités » dialog, offscreen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from planner.db import models
from planner.db.store import CampaignStore, create_store
from planner.services.followup.bmo_tension import WITHHELD_TEXT, import_bmo
from planner.services.followup.priorities import load_weights
from planner.ui.followup import bmo_window
from planner.ui.followup.bmo_window import DIFFICULT, PROJECTS, SHARE, WITHHELD_TIP, BmoWindow
from planner.ui.followup.priority_dialog import PriorityDialog
from tests.threads import record_threads

BMO_2024 = "bmo/Base_open_data_BMO_2024__bassins_93.xlsx"


@pytest.fixture
def bmo_file(shared_data: Path) -> Path:
    path = shared_data / BMO_2024
    if not path.exists():
        pytest.fail(f"classeur BMO absent : {path}")
    return path


@pytest.fixture
def store(tmp_path: Path) -> CampaignStore:
    store = create_store(tmp_path / "t6.planner")
    with store.session() as session:
        session.add(
            models.Campaign(name="T6", bassin_kind="bmo", bassin_code="1147", bassin_label="T6")
        )
    yield store  # type: ignore[misc]
    store.close()


def test_bmo_window_imports_and_shows_withheld(
    store: CampaignStore, bmo_file: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: shown.append(text))
    threads = record_threads(monkeypatch, bmo_window, "import_bmo")
    window = BmoWindow(store)
    qtbot.addWidget(window)
    window.show()
    assert "Aucune donnée BMO" in window.summary.text()
    assert window.model.rowCount() == 0

    window.import_file(bmo_file)  # off the GUI thread
    qtbot.waitUntil(lambda: bool(shown), timeout=30000)
    assert threads.off_gui_thread()
    assert "177 lignes" in shown[0]
    assert "T6 Plaine Commune (1147)" in window.summary.text()
    model = window.model
    assert model.rowCount() == 177
    first = model.index(0, DIFFICULT)
    assert model.index(0, 0).data() == "U1X91"  # most projects first
    assert model.index(0, PROJECTS).data() == "2\u202f445"
    assert first.data() == WITHHELD_TEXT
    assert first.data(Qt.ItemDataRole.ToolTipRole) == WITHHELD_TIP
    assert model.index(0, SHARE).data() == "—"

    for order in (Qt.SortOrder.DescendingOrder, Qt.SortOrder.AscendingOrder):
        window.view.sortByColumn(SHARE, order)
        shares = [model.metier(r).difficulty_share for r in range(model.rowCount())]
        known = [s for s in shares if s is not None]
        assert known == sorted(known, reverse=order == Qt.SortOrder.DescendingOrder)
        assert shares[: len(known)] == known  # withheld shares last either way
    window.view.sortByColumn(PROJECTS, Qt.SortOrder.AscendingOrder)
    texts = [model.index(r, PROJECTS).data() for r in range(model.rowCount())]
    assert texts[-10:] == [WITHHELD_TEXT] * 10 and "0" not in texts
    image = window.grab().toImage()
    assert image.width() > 800 and not image.isNull()


def test_priority_dialog_saves_weights_and_bmo_metiers(
    store: CampaignStore, bmo_file: Path, qtbot: QtBot
) -> None:
    import_bmo(store, bmo_file)
    dialog = PriorityDialog(store)
    qtbot.addWidget(dialog)
    model = dialog.bmo_model
    assert model.rowCount() == 20
    assert model.index(0, 0).data().startswith("U1X91 — Artistes")
    assert "part difficile non diffusée" in model.index(0, 0).data()
    assert model.setData(model.index(1, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    dialog.spins["never_contacted"].setValue(40)
    dialog.sectors.setText("56; 47.11B")
    dialog.policy.setCurrentIndex(dialog.policy.findData("exclude"))
    dialog.accept()
    weights = load_weights(store)
    assert weights.never_contacted == 40
    assert weights.sectors == ("56", "4711B")
    assert weights.bmo_metiers == ("T3X61",)
    assert weights.supported_policy == "exclude"
    again = PriorityDialog(store)
    qtbot.addWidget(again)
    assert again.bmo_model.index(1, 0).data(Qt.ItemDataRole.CheckStateRole) == (
        Qt.CheckState.Checked
    )
    assert again.spins["never_contacted"].value() == 40


def test_bmo_window_asks_for_the_bassin_when_the_campaign_has_none(
    tmp_path: Path, bmo_file: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = create_store(tmp_path / "93.planner")
    with store.session() as session:
        session.add(
            models.Campaign(name="93", bassin_kind="departement", bassin_code="93", bassin_label="")
        )
    offered: list[list[str]] = []

    def pick(*args: object) -> tuple[str, bool]:
        choices = list(args[3])  # type: ignore[call-overload]
        offered.append(choices)
        return choices[2], True

    shown: list[str] = []
    monkeypatch.setattr(QInputDialog, "getItem", pick)
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: shown.append(text))
    try:
        window = BmoWindow(store)
        qtbot.addWidget(window)
        window.import_file(bmo_file)
        qtbot.waitUntil(lambda: bool(shown), timeout=30000)
        assert offered == [
            [
                "1119 — Grand Roissy - Le Bourget",
                "1147 — T6 Plaine Commune",
                "1148 — T8 Est Ensemble",
                "1149 — T9 Grand Paris Grand Est",
            ]
        ]
        assert "T8 Est Ensemble (1148)" in window.summary.text()
        assert window.model.rowCount() == 156
    finally:
        store.close()
