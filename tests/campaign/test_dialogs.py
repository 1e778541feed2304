"""The import and new-campaign dialogs, driven as a coordinator would."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from planner.db.store import open_store
from planner.geo.reference import CommuneReference
from planner.services.campaign.bassin import BassinSpec, resolve_bassin
from planner.services.campaign.campaign_file import campaign_info, create_campaign
from planner.ui.campaign.new_campaign import NewCampaignDialog
from planner.ui.sirene_import.import_dialog import ImportSireneDialog

STOCK = "StockEtablissement_utf8__trackdechets_sample.csv"
UNITS = "StockUniteLegale_utf8__trackdechets_sample.csv"


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path) -> None:
    QStandardPaths.setTestModeEnabled(True)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))


def test_import_dialog_detects_files_and_imports(
    qtbot: QtBot, sirene_dir: Path, tmp_path: Path
) -> None:
    reference = CommuneReference.load()
    bassin = resolve_bassin(BassinSpec("departement", "80"), reference)
    store = create_campaign(tmp_path / "somme.planner", "Somme", bassin, reference)
    dialog = ImportSireneDialog(store, files=[sirene_dir / UNITS, sirene_dir / STOCK])
    qtbot.addWidget(dialog)
    assert dialog.paths["stock"] == sirene_dir / STOCK  # told apart by their headers
    assert dialog.paths["units"] == sirene_dir / UNITS
    assert "StockEtablissement — 53 colonnes" in dialog._infos["stock"].text()
    assert "22/03/2024" in dialog._infos["stock"].text()
    dialog.include_closed.setChecked(True)
    dialog.all_sizes.setChecked(True)
    dialog.non_employers.setChecked(True)
    assert dialog.unknown_size.isChecked()
    dialog.run_button.click()
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=30000)
    assert "Retenus : 115" in dialog.report.toPlainText()
    assert (
        "Unités légales trouvées : 109 ; établissements ayant une raison sociale ou un "
        "nom d'exploitant : 115" in dialog.report.toPlainText()
    )
    assert campaign_info(store).establishments.total == 115
    store.close()


def test_import_dialog_reports_bad_input_and_keeps_campaign(
    qtbot: QtBot, sirene_dir: Path, tmp_path: Path
) -> None:
    reference = CommuneReference.load()
    bassin = resolve_bassin(BassinSpec("departement", "80"), reference)
    store = create_campaign(tmp_path / "somme.planner", "Somme", bassin, reference)
    lines = (sirene_dir / STOCK).read_bytes().split(b"\n")
    lines[50] = lines[50][:70]
    broken = tmp_path / "StockEtablissement_coupe.csv"
    broken.write_bytes(b"\n".join(lines))
    dialog = ImportSireneDialog(store, files=[broken])
    qtbot.addWidget(dialog)
    dialog.run_button.click()
    qtbot.waitUntil(lambda: "ligne 51" in dialog.report.toPlainText(), timeout=30000)
    assert dialog.summary is None and dialog.run_button.isEnabled()
    assert campaign_info(store).establishments.total == 0
    store.close()


def test_new_campaign_dialog_previews_then_creates(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = NewCampaignDialog()
    qtbot.addWidget(dialog)
    dialog.name.setText("Plaine Commune 2027")
    page = dialog.pages.currentWidget()
    index = page.combo.findData("T6")
    assert index >= 0
    page.combo.setCurrentIndex(index)
    qtbot.waitUntil(dialog.create_button.isEnabled, timeout=5000)
    assert "8 communes" in dialog.status.text()
    assert "Plaine Commune" in dialog.status.text()
    target = tmp_path / "plaine.planner"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    dialog.create_button.click()
    qtbot.waitUntil(lambda: dialog.created_path == target, timeout=30000)
    store = open_store(target)
    info = campaign_info(store)
    store.close()
    assert info.name == "Plaine Commune 2027" and info.bassin.communes == 8


def test_new_campaign_dialog_reads_the_ze_workbook(qtbot: QtBot, shared_data: Path) -> None:
    dialog = NewCampaignDialog()
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("ze"))
    page = dialog.pages.currentWidget()
    page.load(shared_data / "zonages" / "ZE2020_au_01-01-2022__INSEE.xlsx")
    qtbot.waitUntil(lambda: page.combo.count() == 306, timeout=60000)
    page.combo.setCurrentIndex(page.combo.findData("1109"))
    qtbot.waitUntil(dialog.create_button.isEnabled, timeout=5000)
    assert "Paris" in dialog.status.text()
    # The workbook is remembered for the next campaign.
    assert QSettings().value("bassins/ze_file", "").endswith("ZE2020_au_01-01-2022__INSEE.xlsx")
