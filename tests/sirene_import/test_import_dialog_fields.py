"""The SIRENE import dialog's file fields: typed or dropped paths, a file in the wrong
slot flagged at once, fields that keep their place, and the last SIRENE folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, QSettings, QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from planner.geo.reference import CommuneReference
from planner.services.campaign.bassin import BassinSpec, resolve_bassin
from planner.services.campaign.campaign_file import create_campaign
from planner.services.campaign.campaign_store import CampaignStore
from planner.ui.sirene_import.import_dialog import ImportSireneDialog

STOCK = "StockEtablissement_utf8__trackdechets_sample.csv"
UNITS = "StockUniteLegale_utf8__trackdechets_sample.csv"


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path) -> None:
    QStandardPaths.setTestModeEnabled(True)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))


@pytest.fixture
def store(tmp_path: Path) -> CampaignStore:
    reference = CommuneReference.load()
    bassin = resolve_bassin(BassinSpec("departement", "80"), reference)
    store = create_campaign(tmp_path / "somme.planner", "Somme", bassin, reference)
    yield store
    store.close()


def _type(dialog: ImportSireneDialog, key: str, text: str) -> None:
    edit = dialog._edits[key]
    edit.setText(text)
    edit.editingFinished.emit()


def test_a_legal_units_file_typed_in_the_establishments_slot_is_flagged(
    qtbot: QtBot, store: CampaignStore, sirene_dir: Path
) -> None:
    dialog = ImportSireneDialog(store)
    qtbot.addWidget(dialog)
    _type(dialog, "stock", str(sirene_dir / UNITS))
    info = dialog._infos["stock"].text()
    assert (
        info == "Mauvais fichier ici : c'est un StockUniteLegale, à mettre dans « Unités légales »."
    )
    assert dialog.paths["stock"] is None and not dialog.run_button.isEnabled()
    # the right file typed over it: the flag goes, the import may run
    _type(dialog, "stock", str(sirene_dir / STOCK))
    assert dialog.paths["stock"] == sirene_dir / STOCK
    assert "StockEtablissement — 53 colonnes" in dialog._infos["stock"].text()
    assert "#b02a37" not in dialog._infos["stock"].styleSheet()
    assert dialog.run_button.isEnabled() and not dialog.wrong


def test_a_file_dropped_on_a_field_goes_there_and_is_checked(
    qtbot: QtBot, store: CampaignStore, sirene_dir: Path, tmp_path: Path
) -> None:
    dialog = ImportSireneDialog(store, files=[sirene_dir / STOCK])
    qtbot.addWidget(dialog)
    assert dialog.run_button.isEnabled()
    field = dialog._edits["units"]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(sirene_dir / STOCK))])
    event = QDropEvent(
        QPointF(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    field.dropEvent(event)
    assert field.text() == str(sirene_dir / STOCK)
    assert "Mauvais fichier" in dialog._infos["units"].text()
    assert "à mettre dans « Établissements »" in dialog._infos["units"].text()
    assert not dialog.run_button.isEnabled()  # the import waits for the right file
    # emptying the field takes the flag away
    _type(dialog, "units", "")
    assert not dialog.wrong and dialog.run_button.isEnabled()
    # a file that is no SIRENE file at all is flagged in its field too
    other = tmp_path / "notes.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    _type(dialog, "geoloc", str(other))
    assert dialog._infos["geoloc"].text() and "geoloc" in dialog.wrong
    _type(dialog, "geoloc", str(tmp_path / "absent.csv"))
    assert "geoloc" in dialog.wrong and not dialog.run_button.isEnabled()


def test_fields_keep_their_place_when_files_are_described(
    qtbot: QtBot, store: CampaignStore, sirene_dir: Path
) -> None:
    dialog = ImportSireneDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    before = {key: edit.mapTo(dialog, edit.rect().topLeft()) for key, edit in dialog._edits.items()}
    dialog.add_file(sirene_dir / STOCK)
    dialog.add_file(sirene_dir / UNITS)
    _type(dialog, "geoloc", str(sirene_dir / UNITS))  # a long, red message
    qtbot.wait(0)
    after = {key: edit.mapTo(dialog, edit.rect().topLeft()) for key, edit in dialog._edits.items()}
    assert after == before


def test_choose_opens_in_the_last_sirene_folder(
    qtbot: QtBot, store: CampaignStore, sirene_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def fake_open(_parent: object, _title: str, folder: str, _filter: str) -> tuple[str, str]:
        asked.append(folder)
        return str(sirene_dir / STOCK), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(fake_open))
    dialog = ImportSireneDialog(store)
    qtbot.addWidget(dialog)
    dialog._choose("stock")
    dialog._choose("stock")
    assert asked[1] == str(sirene_dir)
    assert QSettings().value("recent/dir/sirene") == str(sirene_dir)
    assert dialog.paths["stock"] == sirene_dir / STOCK
