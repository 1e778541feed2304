"""A contact recorded from the card in the main window: the status bar says so, the firm
stays selected with its card, and the map's « Statut » follows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from planner.ui.main_window import MainWindow
from planner.ui.offers.contact_dialog import ContactDialog
from planner.ui.offers.services_table import NUMBER, SERVICE, STATUS


@pytest.fixture
def window(qtbot: QtBot, isolated_settings: Path, demo_file: Path) -> Iterator[MainWindow]:
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1400, 860)
    win.show()
    win.open_campaign(demo_file)
    qtbot.waitUntil(lambda: win.campaign is not None, timeout=30_000)
    yield win
    win.close()


def test_recording_a_contact_says_so_and_keeps_the_firm_selected(
    qtbot: QtBot, window: MainWindow
) -> None:
    campaign = window.campaign
    assert campaign is not None
    firms = campaign.firms
    candidates = firms.filter(firms["stage"] == "Non contactée").head(1)
    firm_id, siret = int(candidates["id"][0]), str(candidates["siret"][0])
    table = window.parts.table
    details = window.controllers.firms.details
    table.select_ids([firm_id])
    qtbot.waitUntil(lambda: details.value("SIRET") is not None)
    name = details.firm_name()
    details.record_contact()
    dialog = details.dialog
    assert isinstance(dialog, ContactDialog)
    dialog.outcome.setCurrentIndex(dialog.outcome.findData("Besoin recueilli"))
    rows = dialog.service_rows.model
    rows.add_row()
    poei = next(i for label, i in rows.offer_choices() if label.startswith("POEI "))
    rows.setData(rows.index(0, SERVICE), poei)
    rows.setData(rows.index(0, STATUS), "done")
    rows.setData(rows.index(0, NUMBER), "2")
    assert dialog.save()
    assert window.parts.status_bar.currentMessage() == f"Contact enregistré pour {name}"

    def reloaded() -> bool:
        shown = window.campaign
        return shown is not None and shown.firms["stage"][firm_id] == "Accompagnée"

    qtbot.waitUntil(reloaded, timeout=30_000)
    qtbot.waitUntil(lambda: list(table.selected_ids()) == [firm_id])
    assert details.value("SIRET") is not None
    assert details.firm_name() == name
    assert siret in (details.value("SIRET") or "").replace(" ", "")
