"""The app in NAF 2025: the campaign setting with its confirmation dialog, the filter
panel, and the map legend coloured by section on the real QtWebEngine page.

The campaign is built from the 54-column stock derived from the shared sample
(tests/data/make_naf2025_stocks.py: NAF 2025 codes mapped from rév. 2 through
INSEE's table, first target where one-to-many; no real rows are published).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from planner.db import models
from planner.db.store import create_store
from planner.domain.import_filters import ImportFilters
from planner.domain.priority import PriorityWeights
from planner.services.campaign.naf_reference import (
    reference_nomenclature,
    write_reference,
)
from planner.services.followup.priorities import save_weights
from planner.services.sirene_import.pipeline import SireneFiles, import_sirene
from planner.ui.campaign.nomenclature_dialog import NomenclatureDialog
from planner.ui.main_window import MainWindow
from tests.map.page_calls import evaluate

STOCK_54 = Path(__file__).resolve().parents[1] / "data" / "StockEtablissement_54col_naf25.csv"


@pytest.fixture
def campaign(tmp_path: Path) -> Path:
    """Rév. 2 campaign with a CMA craft remit and priority sectors, firms placed."""
    with STOCK_54.open(encoding="utf-8", newline="") as handle:
        communes = {row["codeCommuneEtablissement"] for row in csv.DictReader(handle)}
    path = tmp_path / "naf.planner"
    store = create_store(path)
    with store.session() as session:
        session.add(
            models.Campaign(name="NAF", bassin_kind="communes", bassin_code="*", bassin_label="T")
        )
        write_reference(session, "rev2")
        cma = models.Partner(name="CMA", kind="cma", exclusive=True)
        cma.rules = [
            models.RemitRule(kind=k, value=v)
            for k, v in (("craft", ""), ("naf", "32.12Z"), ("naf", "45"))
        ]
        session.add(cma)
    everything = ImportFilters(
        include_closed=True, bands=None, include_unknown_band=True, include_non_employers=True
    )
    import_sirene(store, SireneFiles(STOCK_54), everything, {c: c for c in communes})
    with store.session() as session:
        # Place every firm near Saint-Denis so that the map draws them all.
        firms = session.scalars(select(models.Establishment).order_by("siret")).all()
        for i, firm in enumerate(firms):
            firm.lon, firm.lat = 2.33 + (i % 20) * 0.003, 48.90 + (i // 20) * 0.002
    save_weights(store, PriorityWeights(sectors=("6820B",)))
    store.close()
    return path


def test_dialog_lists_translations_and_applies_only_when_confirmed(
    qtbot: QtBot, campaign: Path
) -> None:
    from planner.db.store import open_store

    with open_store(campaign) as store:
        dialog = NomenclatureDialog(None, store)
        qtbot.addWidget(dialog)
        assert dialog.choice.currentData() == "rev2"
        assert dialog.model.rowCount() == 0 and not dialog.apply_button.isEnabled()
        dialog.choice.setCurrentIndex(1)
        model = dialog.model
        rows = [
            [model.data(model.index(r, c)) for c in range(model.columnCount())]
            for r in range(model.rowCount())
        ]
        by_code = {row[1]: row for row in rows}
        assert by_code["32.12Z"][2:4] == ["32.12", "un pour un"]
        assert by_code["45"][3] == "à confirmer"
        assert "45.20A → 95.31G, 95.40Y" in by_code["45"][6]
        assert by_code["68.20B"][0] == "Secteur prioritaire"
        assert "Code NAF 2025 absent" in dialog.summary.text()
        # Nothing changes until the coordinator ticks the box and applies.
        assert not dialog.confirm.isHidden()
        assert not dialog.apply_button.isEnabled()
        assert reference_nomenclature(store) == "rev2"
        dialog.confirm.setChecked(True)
        assert dialog.apply_button.isEnabled()
        dialog.apply_button.click()
        assert dialog.applied
        assert reference_nomenclature(store) == "naf2025"
        with store.session() as session:
            values = set(session.scalars(select(models.RemitRule.value)))
        # 45.20A keeps its main target only (95.31G), not the intermediation part.
        assert "32.12" in values and "45" not in values and "95.31" in values
        assert "95.4" not in values
        assert "Édition → Annuler" in dialog.done_message


def test_dialog_targets_are_checkable_and_the_switch_undoable(qtbot: QtBot, campaign: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QUndoStack

    from planner.db.store import open_store
    from planner.ui.campaign.nomenclature_dialog import SwitchCommand

    with open_store(campaign) as store:
        with store.session() as session:
            before = sorted(session.scalars(select(models.RemitRule.value)))
        dialog = NomenclatureDialog(None, store)
        qtbot.addWidget(dialog)
        dialog.choice.setCurrentIndex(1)
        choices = dialog.choices
        rows = {
            (choices.data(choices.index(r, 0)), choices.data(choices.index(r, 1))): r
            for r in range(choices.rowCount())
        }
        main = choices.index(
            rows[
                (
                    "45.20A Entretien et réparation de véhicules automobiles légers",
                    "95.31G (principale)",
                )
            ],
            1,
        )
        other = choices.index(
            rows[("45.20A Entretien et réparation de véhicules automobiles légers", "95.40Y")], 1
        )
        checked = Qt.ItemDataRole.CheckStateRole
        assert choices.data(main, checked) == Qt.CheckState.Checked
        assert choices.data(other, checked) == Qt.CheckState.Unchecked
        assert "intermédiation" in choices.data(other.siblingAtColumn(5))
        assert choices.data(other.siblingAtColumn(2)).startswith("Activités de service")
        # The last target of a code cannot be unticked.
        assert not choices.setData(main, Qt.CheckState.Unchecked.value, checked)
        assert choices.setData(other, Qt.CheckState.Checked.value, checked)
        assert dialog.plan is not None and dialog.plan.keep["45.20A"] == ("95.31G", "95.40Y")
        assert not dialog.choices_view.isHidden()
        dialog.confirm.setChecked(True)
        dialog.apply_button.click()
        assert reference_nomenclature(store) == "naf2025"
        with store.session() as session:
            after = sorted(session.scalars(select(models.RemitRule.value)))
        assert "95.4" in after

        stack = QUndoStack()
        stack.push(SwitchCommand(store, dialog.plan))
        assert reference_nomenclature(store) == "naf2025"  # pushing does not switch again
        stack.undo()
        assert reference_nomenclature(store) == "rev2"
        with store.session() as session:
            assert sorted(session.scalars(select(models.RemitRule.value))) == before
        stack.redo()
        assert reference_nomenclature(store) == "naf2025"
        with store.session() as session:
            assert sorted(session.scalars(select(models.RemitRule.value))) == after


@pytest.fixture
def window(qtbot: QtBot, isolated_settings: Path) -> Iterator[MainWindow]:
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    yield win
    win.close()


def _js(win: MainWindow, script: str) -> Any:
    text = evaluate(win.map, f"JSON.stringify(({script}))")
    return json.loads(text) if text else None


def test_filters_and_map_legend_show_naf2025(
    qtbot: QtBot, window: MainWindow, campaign: Path
) -> None:
    from planner.db.store import open_store

    with open_store(campaign) as store, store.session() as session:
        write_reference(session, "naf2025")
    window.open_campaign(campaign)
    qtbot.waitUntil(lambda: window.campaign is not None, timeout=30000)
    assert window.campaign is not None and window.campaign.nomenclature == "naf2025"
    qtbot.waitUntil(lambda: window.map.last_drawn_count() == 299, timeout=30000)

    # Filter panel: NAF 2025 sections and labels, and the firms without a code counted.
    panel = window.controllers.firms.filters
    assert panel.section_box.title() == "Section NAF 2025"
    sections = panel.sections.view.model()
    labels = [sections.index(r, 0).data() for r in range(sections.rowCount())]
    assert any(label.startswith("M – Activités immobilières") for label in labels)
    assert any(label.startswith("Code NAF 2025 absent") and "251" in label for label in labels)
    assert not any(label.startswith("L – Activités immobilières") for label in labels)
    divisions = panel.divisions.view.model()
    division_labels = [divisions.index(r, 0).data() for r in range(divisions.rowCount())]
    assert any(label.startswith("95 – Réparation") for label in division_labels)
    assert not any(label.startswith("45 –") for label in division_labels)

    # Map legend on the real page, coloured by NAF 2025 section.
    window.controllers.map.set_color_attribute("section")
    script = "Array.from(document.querySelectorAll('.pm-legend-label')).map(e => e.textContent)"
    qtbot.waitUntil(lambda: "Code NAF 2025 absent" in (_js(window, script) or []), timeout=10000)
    legend = _js(window, script)
    title = "document.querySelector('.pm-legend-title').textContent"
    qtbot.waitUntil(lambda: _js(window, title) == "Section NAF 2025", timeout=10000)
    assert window.controllers.map.color_actions["section"].text() == "Section NAF 2025"
    assert "M — Activités immobilières" in legend
    assert "N — Activités spécialisées, scientifiques et techniques" in legend
    assert not any(text.startswith("L — Activités immobilières") for text in legend)


def test_task_force_rules_are_labelled_in_the_reference() -> None:
    from planner.domain.remit import Rule
    from planner.ui.task_force.task_force_models import rule_value_label

    assert rule_value_label(Rule("naf", "K"), {}, "naf2025").startswith("K — Télécommunications")
    assert rule_value_label(Rule("naf", "K"), {}) == "K — Activités financières et d'assurance"
    assert rule_value_label(Rule("naf", "45"), {}, "naf2025") == "45"  # no such division


def test_priority_dialog_speaks_the_reference_nomenclature(
    qtbot: QtBot, campaign: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from planner.db.store import open_store
    from planner.services.followup.priorities import load_weights
    from planner.ui.followup import priority_dialog
    from planner.ui.followup.priority_dialog import PriorityDialog

    warnings: list[str] = []
    monkeypatch.setattr(
        priority_dialog.QMessageBox, "warning", lambda _p, _t, text: warnings.append(text)
    )
    with open_store(campaign) as store:
        with store.session() as session:
            write_reference(session, "naf2025")
        dialog = PriorityDialog(store)
        qtbot.addWidget(dialog)
        assert "55.10Y" in dialog.sectors.placeholderText()
        assert dialog.sectors.text() == "68.20B"  # stored 6820B, shown dotted
        dialog.sectors.setText("56, 55.10Z")
        dialog.accept()
        assert warnings and "« 55.10Z » inconnu en NAF 2025" in warnings[0]
        assert load_weights(store).sectors == ("6820B",)
        dialog.sectors.setText("56, 55.10Y")
        dialog.accept()
        assert load_weights(store).sectors == ("56", "5510Y")
