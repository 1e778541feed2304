"""After a SIRENE import, the window reloads its firms however the dialog is closed."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from planner.domain.import_filters import ImportFilters
from planner.geo.reference import CommuneReference
from planner.services.campaign.bassin import BassinSpec, resolve_bassin
from planner.services.campaign.campaign_file import bassin_aliases, create_campaign
from planner.services.sirene_import.pipeline import SireneFiles, import_sirene
from planner.ui.main_window import MainWindow
from planner.ui.sirene_import.import_dialog import ImportSireneDialog

STOCK = "StockEtablissement_utf8__trackdechets_sample.csv"
SECRET = "00552017600016"  # active, band 12, employer, in Abbeville's bassin (Somme)


def test_closing_the_import_summary_with_escape_still_reloads_the_views(
    qtbot: QtBot, sirene_dir: Path, tmp_path: Path, isolated_settings: Path
) -> None:
    reference = CommuneReference.load()
    bassin = resolve_bassin(BassinSpec("departement", "80"), reference)
    path = tmp_path / "somme.planner"
    store = create_campaign(path, "Somme", bassin, reference)
    import_sirene(
        store, SireneFiles(sirene_dir / STOCK), ImportFilters(), bassin_aliases(store, reference)
    )
    store.close()
    with (sirene_dir / STOCK).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = list(reader.fieldnames or []), list(reader)
    for row in rows:
        if row["siret"] == SECRET:
            row["statutDiffusionEtablissement"] = "P"
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    later = tmp_path / "StockEtablissement_utf8.csv"
    later.write_text(buffer.getvalue(), encoding="utf-8")

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    win.open_campaign(path)
    qtbot.waitUntil(lambda: win.campaign is not None, timeout=30000)
    assert win.campaign is not None
    assert SECRET in win.campaign.firms["siret"].to_list()
    shown = win.campaign

    def drive() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ImportSireneDialog):
            QTimer.singleShot(100, drive)
            return
        dialog.run_button.click()

        def close_when_done() -> None:
            if dialog.summary is None:
                QTimer.singleShot(100, close_when_done)
                return
            dialog.reject()  # Escape, or the title bar's ×, not « Fermer »

        close_when_done()

    QTimer.singleShot(100, drive)
    win.controllers.sirene_import.import_sirene([later])
    qtbot.waitUntil(lambda: win.campaign is not shown, timeout=30000)
    assert win.campaign is not None
    assert SECRET not in win.campaign.firms["siret"].to_list()
    win.close()


def test_the_import_dialog_stays_open_while_its_import_runs(
    qtbot: QtBot, sirene_dir: Path, tmp_path: Path, isolated_settings: Path
) -> None:
    """Escape or the title bar's × during the import is refused: its result is never lost."""
    reference = CommuneReference.load()
    bassin = resolve_bassin(BassinSpec("departement", "80"), reference)
    path = tmp_path / "somme.planner"
    create_campaign(path, "Somme", bassin, reference).close()
    from planner.services.campaign.campaign_store import open_campaign

    store = open_campaign(path)
    dialog = ImportSireneDialog(store, None, files=[sirene_dir / STOCK])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.run_button.click()
    dialog.reject()  # at once: the import has not reported yet
    assert dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=30000)
    dialog.reject()  # once it has reported, the dialog closes as before
    assert not dialog.isVisible()
    store.close()
