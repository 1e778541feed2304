"""The map in the main window, on the demo campaign: legend titles, rectangle
selection counted in the status bar, the printed sheet's texts."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from planner.domain import clock
from planner.domain.file_names import file_stem
from planner.services.map.firm_colors import COLOR_ATTRIBUTES
from planner.ui.firms.controller import selected_text
from planner.ui.main_window import MainWindow
from planner.ui.map.print_options_dialog import PrintOptions
from tests.map.page_calls import evaluate, print_to


@pytest.fixture
def window(qtbot: QtBot, isolated_settings: Path, demo_file: Path) -> Iterator[MainWindow]:
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1400, 860)
    win.show()
    win.open_campaign(demo_file)
    qtbot.waitUntil(lambda: win.campaign is not None, timeout=30_000)
    assert win.campaign is not None
    placed = int(win.campaign.firms["lon"].is_not_null().sum())
    qtbot.waitUntil(lambda: win.map.last_drawn_count() == placed, timeout=30_000)
    yield win
    win.close()


def _legend_title(win: MainWindow) -> Any:
    return evaluate(
        win.map,
        "document.querySelector('.leaflet-right .pm-legend-title').textContent",
    )


def test_legend_title_follows_the_colouring(qtbot: QtBot, window: MainWindow) -> None:
    controller = window.controllers.map
    expected = {
        "band": "Tranche d'effectifs",
        "section": "Section NAF",
        "team": "Équipe",
        "adviser": "Conseiller attitré",
        "stage": "Statut",
        "status": "Dernier résultat d'appel",
    }
    assert set(expected) == set(COLOR_ATTRIBUTES)
    for attribute, title in expected.items():
        controller.set_color_attribute(attribute)
        qtbot.waitUntil(lambda t=title: str(_legend_title(window)).startswith(t))
        assert controller.sheet().title.endswith(str(_legend_title(window)))


def test_selected_text_is_french() -> None:
    assert selected_text(0) == "aucun établissement sélectionné"
    assert selected_text(1) == "1 établissement sélectionné"
    assert selected_text(1234) == "1\u202f234 établissements sélectionnés"


def test_rectangle_over_the_bassin_selects_and_counts_every_placed_firm(
    qtbot: QtBot, window: MainWindow
) -> None:
    campaign = window.campaign
    assert campaign is not None
    placed = int(campaign.firms["lon"].is_not_null().sum())
    with qtbot.waitSignal(window.map.selectionDrawn, timeout=30_000) as drawn:
        window.map.evaluate_js("PlannerMap.test.drawRectangle(48.0, 1.5, 49.5, 3.5).length")
    assert len(drawn.args[0]) == placed
    # Row by row, this took minutes: the table now selects them in one go.
    qtbot.waitUntil(lambda: len(window.parts.table.selected_ids()) == placed, timeout=30_000)
    count = window.controllers.firms.count_label.text()
    assert count.endswith(selected_text(placed)), count
    message = window.parts.status_bar.currentMessage()
    assert message == selected_text(placed).capitalize() + " sur la carte"
    # The map rings them: the page's count of highlighted firms.
    qtbot.waitUntil(lambda: evaluate(window.map, "PlannerMap.test.state().highlighted") == placed)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils absent")
def test_printed_demo_map_names_campaign_colouring_and_sources(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    from PySide6.QtPrintSupport import QPrinter

    controller = window.controllers.map
    controller.set_color_attribute("team")
    target = tmp_path / "équipes.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(target))
    printer.setPageLayout(PrintOptions(landscape=False).page_layout())
    print_to(window.map, printer, controller.sheet())
    text = subprocess.run(
        ["pdftotext", str(target), "-"], check=True, capture_output=True, text=True
    ).stdout
    text = " ".join(text.split())  # a long title wraps on a portrait page
    campaign = window.campaign
    assert campaign is not None
    assert f"{campaign.header.name} — Équipe" in text
    assert f"Édité le {clock.today():%d/%m/%Y}" in text
    assert "entreprises fictives" in text
    assert "Non attribuées" in text


def test_colouring_menu_filter_title_print_message_and_export_folder(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtGui import QAction
    from PySide6.QtPrintSupport import QPrinter

    import planner.ui.map.controller as map_controller
    from planner.ui.map.controller import printed_message

    controller = window.controllers.map
    campaign = window.campaign
    assert campaign is not None
    # Task force › Colorer par équipe: Affichage › Couleur des établissements follows.
    assert controller.color_actions["band"].isChecked()
    by_team = next(
        a for a in window.menuBar().findChildren(QAction) if a.text() == "Colorer par équipe"
    )
    by_team.trigger()
    assert controller.color_actions["team"].isChecked()
    assert not controller.color_actions["band"].isChecked()

    # A team filter is in the printed title, and leaves it with the filter.
    panel = window.controllers.task_force
    team = panel.model.rows[0]
    window.controllers.firms.show_team(team.id)
    assert controller.sheet().title == f"{campaign.header.name} — Équipe — équipe {team.team}"
    window.controllers.firms.show_team(None)
    assert controller.sheet().title == f"{campaign.header.name} — Équipe"

    # A printer writing a PDF file names the file; a real printer is « envoyée ».
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    assert printed_message(printer) == "La carte a été envoyée à l'imprimante."
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "carte.pdf"))
    assert printed_message(printer) == f"La carte a été enregistrée dans {tmp_path / 'carte.pdf'}."

    # Exports open in the exports' folder with a dated name.
    exports = tmp_path / "exports"
    exports.mkdir()
    window.parts.set_last_dir(exports / "avant.xlsx", "export")
    asked: list[str] = []

    def save_name(_parent: object, _title: str, where: str, _filters: str) -> tuple[str, str]:
        asked.append(where)
        return "", ""

    monkeypatch.setattr(map_controller.QFileDialog, "getSaveFileName", save_name)
    controller.export_png()
    controller.export_html()
    stem = file_stem(campaign.header.name)
    assert stem.startswith("Démo_Task_force")
    day = f"{clock.today():%d-%m-%Y}"
    assert asked == [
        str(exports / f"carte-{stem}-{day}.png"),
        str(exports / f"carte-{stem}-{day}.html"),
    ]
