"""The dashboard's « Accompagnement » tab: the journey table, the weekly target saved by
the coordinator, a new period, and the journey printed to the PDF."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from planner.db.store import open_store
from planner.services.followup.dashboard.accompanied_target import read_target
from planner.services.followup.dashboard.journey import TOTAL_ROW
from planner.ui.followup.dashboard_window import DashboardWindow
from tests.followup.test_dashboard_journey import (  # noqa: F401 - partner_login: a fixture
    CCI,
    LAST_WEEK,
    ML,
    _prepare,
    partner_login,
)


def _column(model: object, header: str) -> int:
    from planner.ui.followup.dashboard_model import FrameModel

    assert isinstance(model, FrameModel)
    return model.headers().index(header)


def _cell(model: object, row_label: str, header: str) -> str:
    from planner.ui.followup.dashboard_model import FrameModel

    assert isinstance(model, FrameModel)
    for row in range(model.rowCount()):
        if model.index(row, 0).data() == row_label:
            return str(model.index(row, _column(model, header)).data())
    raise AssertionError(row_label)


def test_accompaniment_tab_target_and_period(
    followup_campaign: Path, qtbot: QtBot, tmp_path: Path
) -> None:
    _prepare(followup_campaign)
    store = open_store(followup_campaign)
    try:
        window = DashboardWindow(store)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: window.loaded)
        tab = window.journey_tab
        window.tabs.setCurrentWidget(tab)
        assert window.tabs.tabText(window.tabs.currentIndex()) == "Accompagnement"
        model = tab.journey_model
        assert [model.index(r, 0).data() for r in range(model.rowCount())] == [
            CCI,
            ML,
            TOTAL_ROW,
        ]
        assert _cell(model, ML, "Accompagnées") == "1"
        assert _cell(model, CCI, "Accompagnées") == "2"
        assert _cell(model, ML, "Jointes / contactées") == "66,7 %"
        assert _cell(model, ML, "Contactées / ciblées") == "1,5 %"
        tab.axis.setCurrentIndex(tab.axis.findData("band"))
        assert tab.journey_model.headers()[0] == "Tranche d'effectifs"
        assert _cell(tab.journey_model, TOTAL_ROW, "Accompagnées") == "3"

        # The coordinator sets a weekly target: saved, then the tab reads it back.
        assert tab.target.isEnabled() and tab.save_target.isEnabled()
        tab.target.setValue(2)
        window.loaded = False
        tab.save_target.click()
        qtbot.waitUntil(lambda: window.loaded)
        with store.session() as session:
            assert read_target(session) == 2
        weekly = tab.weekly_model
        last = weekly.rowCount() - 1
        assert weekly.index(last, _column(weekly, "Objectif hebdomadaire")).data() == "2"
        assert weekly.index(last, _column(weekly, "Accompagnées dans la semaine")).data() == "1"
        assert weekly.index(last, _column(weekly, "Accompagnées / objectif")).data() == "50,0 %"
        assert weekly.headerData(0, Qt.Orientation.Horizontal) == "Semaine du"

        # A period of last week only: the POEI of today is left out.
        tab.start.setDate(QDate(LAST_WEEK.year, LAST_WEEK.month, LAST_WEEK.day))
        tab.end.setDate(QDate(LAST_WEEK.year, LAST_WEEK.month, LAST_WEEK.day))
        window.loaded = False
        tab.apply.click()
        qtbot.waitUntil(lambda: window.loaded)
        assert window.data.journey is not None
        assert window.data.journey.period.start == LAST_WEEK
        assert _cell(tab.journey_model, TOTAL_ROW, "Accompagnées") == "2"
        services = tab.services_model
        assert services.headers()[:4] == [
            "Service",
            "Compte comme accompagnement",
            "Entreprises",
            "Services réalisés",
        ]
        assert (
            sum(int(services.index(r, 3).data()) for r in range(services.rowCount())) == 2
        )  # the session's two firms

        if shutil.which("pdftotext") is None:
            return
        pdf = tmp_path / "tdb.pdf"
        window.export_pdf(str(pdf))
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
        ).stdout
        assert f"Parcours des entreprises du {LAST_WEEK:%d/%m/%Y}" in text
        assert "Entreprises accompagnées par semaine" in text
        assert "Services réalisés par type" in text
        assert "Accompagnées /" in text  # the conversion headers (wrapped in the table)
        assert "Avec un besoin" in text
    finally:
        store.close()


@pytest.mark.postgres
def test_a_partner_sees_its_own_journey_and_cannot_set_the_target(
    followup_postgres: str,
    partner_login: str,  # noqa: F811 - the fixture imported above
    qtbot: QtBot,
) -> None:
    _prepare(followup_postgres)
    store = open_store(partner_login)
    try:
        window = DashboardWindow(store)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: window.loaded)
        tab = window.journey_tab
        assert not tab.target.isEnabled() and not tab.save_target.isEnabled()
        assert "coordination" in tab.save_target.toolTip()
        model = tab.journey_model
        assert [model.index(r, 0).data() for r in range(model.rowCount())] == [ML, TOTAL_ROW]
        assert _cell(model, ML, "Accompagnées") == "1"
    finally:
        store.close()
