from __future__ import annotations

import csv
import datetime as dt
import html
import re
import shutil
import subprocess
from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import delete

from planner.db import models
from planner.db.store import open_store
from planner.services.demo.outcomes import add_demo_outcomes
from planner.services.followup.dashboard.data import (
    CONTACTS_SCHEMA,
    FIRMS_SCHEMA,
    NEED_ROWS_SCHEMA,
    FollowupData,
)
from planner.services.followup.dashboard.progress import TOTAL
from planner.services.followup.dashboard.workbook import export_dashboard_xlsx
from planner.ui.followup import dashboard_window
from planner.ui.followup.dashboard_pdf import write_dashboard_pdf
from planner.ui.followup.dashboard_window import COMPARE, DashboardWindow
from tests.threads import record_threads

SHEETS = [
    "Partenaire",
    "Équipe",
    "Conseiller",
    "Commune",
    "Section NAF",
    "Avancement dans le temps",
    "Besoins par métier",
    "Parcours par partenaire",
    "Parcours par équipe",
    "Parcours par conseiller",
    "Parcours par commune",
    "Parcours par section NAF",
    "Parcours par effectif",
    "Accompagnées par semaine",
    "Services réalisés",
]


def _coloured_pixels(image: QImage) -> int:
    """Pixels that are clearly neither white nor grey: drawn bars or lines."""
    count = 0
    for y in range(0, image.height(), 3):
        for x in range(0, image.width(), 3):
            c = image.pixelColor(x, y)
            if max(c.red(), c.green(), c.blue()) - min(c.red(), c.green(), c.blue()) > 60:
                count += 1
    return count


def test_dashboard_window_tabs_and_pdf(
    followup_campaign: Path, tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(followup_campaign)
    try:
        add_demo_outcomes(store, seed=1, today=dt.date(2025, 3, 20))
        threads = record_threads(monkeypatch, dashboard_window, "load_followup")
        window = DashboardWindow(store)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: window.loaded)  # the campaign is read off the GUI thread
        assert threads.off_gui_thread()
        assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
            "Par axe",
            "Avancement dans le temps",
            "Besoins par métier",
            "Accompagnement",
        ]
        assert [window.axis.itemText(i) for i in range(window.axis.count())] == [
            "Par partenaire",
            "Par équipe",
            "Par conseiller",
            "Par commune",
            "Par section NAF",
        ]
        assert window.model.rowCount() == 2  # two partners
        window.axis.setCurrentIndex(2)  # advisers
        assert window.model.rowCount() == 4
        assert window.model.headerData(0, Qt.Orientation.Horizontal) == "Conseiller"

        window.tabs.setCurrentIndex(1)
        teams = [window.team_choice.itemText(i) for i in range(window.team_choice.count())]
        assert teams == [TOTAL, "Équipe 1", "Équipe 2", COMPARE]
        weeks = window.progress_model.rowCount()
        assert weeks >= 4  # the demo outcomes spread over four weeks
        assert window.progress_model.headerData(0, Qt.Orientation.Horizontal) == "Semaine du"
        first = window.progress_model.index(0, 0).data()
        assert dt.datetime.strptime(first, "%d/%m/%Y").weekday() == 0  # a Monday, jj/mm/aaaa
        assert window.progress_model.index(0, 2).data() == "800"  # capacity of both teams
        assert _coloured_pixels(window.progress_chart.grab().toImage()) > 100
        window.team_choice.setCurrentText(COMPARE)
        assert window.progress_model.rowCount() == 2 * weeks

        window.tabs.setCurrentIndex(2)
        all_posts = sum(
            int(window.needs_model.index(r, 2).data()) for r in range(window.needs_model.rowCount())
        )
        assert window.needs_model.headerData(1, Qt.Orientation.Horizontal) == "Métier"
        assert window.needs_filter.itemText(1) == "Conseiller 1.1"
        window.needs_filter.setCurrentIndex(1)
        one_adviser = sum(
            int(window.needs_model.index(r, 2).data()) for r in range(window.needs_model.rowCount())
        )
        assert 0 < one_adviser < all_posts
        assert _coloured_pixels(window.needs_chart.grab().toImage()) > 100

        pdf = tmp_path / "tdb.pdf"
        pages = window.export_pdf(str(pdf))
        content = pdf.read_bytes()
        assert content.startswith(b"%PDF")
        assert pages >= 16  # five axes, progress, needs; six journey axes, weekly, services
        assert content.count(b"/Type /Page\n") + content.count(b"/Type /Page ") == pages
    finally:
        store.close()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice absent")
def test_dashboard_workbook_read_back_by_libreoffice(
    followup_campaign: Path, tmp_path: Path
) -> None:
    store = open_store(followup_campaign)
    try:
        add_demo_outcomes(store, seed=1, today=dt.date(2025, 3, 20))
        xlsx = tmp_path / "tdb.xlsx"
        export_dashboard_xlsx(store, str(xlsx))
    finally:
        store.close()
    assert load_workbook(xlsx).sheetnames == SHEETS
    out = tmp_path / "csv"
    # Every sheet, cells as shown (the last options: contents as shown, all sheets).
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1",
            "--outdir",
            str(out),
            str(xlsx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )

    def sheet(name: str) -> list[list[str]]:
        with (out / f"tdb-{name}.csv").open(encoding="utf-8", newline="") as handle:
            return list(csv.reader(handle))

    partners = sheet("Partenaire")
    assert partners[0] == [
        "Partenaire",
        "Entreprises attribuées",
        "Contactées",
        "Jointes",
        "Postes recueillis",
        "Offres déposées",
    ]
    assert sum(int(r[1]) for r in partners[1:]) == 400
    for name in SHEETS[:5]:
        assert sum(int(r[1]) for r in sheet(name)[1:]) == 400, name

    progress = sheet("Avancement dans le temps")
    assert progress[0] == [
        "Semaine du",
        "Équipe",
        "Capacité",
        "Contactées (cumul)",
        "Jointes (cumul)",
        "Contactées / capacité",
    ]
    totals = [r for r in progress[1:] if r[1] == TOTAL]
    assert len(totals) >= 4
    days = [dt.datetime.strptime(r[0], "%d/%m/%Y").date() for r in totals]
    assert all(d.weekday() == 0 for d in days)
    assert days == sorted(days)
    assert [int(r[3]) for r in totals] == sorted(int(r[3]) for r in totals)
    contacted = int(totals[-1][3])
    assert sum(int(r[2]) for r in partners[1:]) == contacted
    assert totals[-1][5] == f"{round(100 * contacted / 800)}%"

    needs = sheet("Besoins par métier")
    assert needs[0][:3] == ["Code ROME", "Métier", "Postes recueillis"]
    assert sum(int(r[2]) for r in needs[1:]) == sum(int(r[4]) for r in partners[1:])
    assert all(r[1] for r in needs[1:])  # every demo métier has its label


def _synthetic(firms: int, weeks: int) -> FollowupData:
    """Many advisers and many weeks: tables that need several pages."""
    start = dt.date(2025, 1, 6)
    return FollowupData(
        campaign="Campagne de test",
        firms=pl.DataFrame(
            {
                "siret": [f"{i:014d}" for i in range(firms)],
                "team_id": [i % 3 + 1 for i in range(firms)],
                "team_capacity": [firms // 3] * firms,
                "partner": [f"Partenaire {i % 3}" for i in range(firms)],
                "team": [f"Équipe {i % 3}" for i in range(firms)],
                "adviser": [f"Conseiller{i:03d}" for i in range(firms)],
                "commune": ["Stains"] * firms,
                "section": ["G — Commerce ; réparation d'automobiles et de motocycles"] * firms,
            },
            schema=FIRMS_SCHEMA,
        ),
        contacts=pl.DataFrame(
            {
                "siret": [f"{i:014d}" for i in range(firms)],
                "date": [start + dt.timedelta(weeks=i % weeks, days=i % 5) for i in range(firms)],
                "outcome": ["Pas de besoin" if i % 2 else "Non joint" for i in range(firms)],
            },
            schema=CONTACTS_SCHEMA,
        ),
        needs=pl.DataFrame(schema=NEED_ROWS_SCHEMA),
    )


def _pdf_words(pdf: Path) -> tuple[int, list[str]]:
    """The words of the PDF, checked to lie inside the printable area (12 mm margins)."""
    xhtml = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', xhtml, re.S)
    margin = 12 / 25.4 * 72 - 1  # points
    words = []
    for width, height, body in pages:
        assert float(width) > float(height)  # landscape
        for x_min, y_min, x_max, y_max, word in re.findall(
            r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', body
        ):
            assert margin <= float(x_min) and float(x_max) <= float(width) - margin, word
            assert margin <= float(y_min) and float(y_max) <= float(height) - margin, word
            words.append(html.unescape(word))
    return len(pages), words


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler absent")
def test_pdf_tables_run_over_pages_without_losing_rows(qtbot: QtBot, tmp_path: Path) -> None:
    del qtbot  # a QApplication is needed for the fonts
    data = _synthetic(firms=240, weeks=30)
    pdf = tmp_path / "tdb.pdf"
    pages = write_dashboard_pdf(data, str(pdf), today=dt.date(2025, 8, 1))
    printed, words = _pdf_words(pdf)
    assert printed == pages > 8
    names = {f"Conseiller{i:03d}" for i in range(240)}
    assert names <= set(words)  # every adviser's row, over several pages
    weeks = [dt.date(2025, 1, 6) + dt.timedelta(weeks=w) for w in range(30)]
    for week in weeks:  # three teams and the total, week by week
        assert words.count(week.strftime("%d/%m/%Y")) == 4, week
    assert words.count("Semaine") >= 3  # the header is repeated on each page of the table
    assert words.count("Campagne") >= pages  # the footer names the campaign on every page
    assert "01/08/2025" in words


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler absent")
def test_pdf_charts_are_images_one_per_figure(qtbot: QtBot, tmp_path: Path) -> None:
    del qtbot  # a QApplication is needed for the charts
    data = _synthetic(firms=30, weeks=5)
    pdf = tmp_path / "tdb.pdf"
    write_dashboard_pdf(data, str(pdf), axes=("team", "adviser"))
    # Two axes, the progress of all teams and their comparison; no needs: no chart.
    assert pdf.read_bytes().count(b"/Subtype /Image") == 4
    _, words = _pdf_words(pdf)
    assert "Aucune donnée" in " ".join(words)  # printed as text in the chart's place


def test_excel_button_exports_off_the_gui_thread(
    followup_campaign: Path, tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(followup_campaign)
    try:
        add_demo_outcomes(store, seed=2, today=dt.date(2025, 3, 20))
        window = DashboardWindow(store)
        qtbot.addWidget(window)
        qtbot.waitUntil(lambda: window.loaded)
        threads = record_threads(monkeypatch, dashboard_window, "write_dashboard_workbook")
        target = tmp_path / "export.xlsx"
        said: list[str] = []
        monkeypatch.setattr(
            QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
        )
        monkeypatch.setattr(
            QMessageBox, "information", staticmethod(lambda _w, _t, text: said.append(text))
        )
        window._on_xlsx_clicked()
        qtbot.waitUntil(lambda: bool(said))
        assert said == [f"Classeur écrit : {target}"]
        assert threads.off_gui_thread()
        wb = load_workbook(target)
        assert wb.sheetnames == SHEETS
        week = wb["Avancement dans le temps"]["A2"]
        assert week.is_date and week.number_format == "DD/MM/YYYY"
        assert wb["Avancement dans le temps"]["F2"].number_format == "0%"

        with store.session() as session:  # contacts deleted elsewhere: « Actualiser » shows it
            session.execute(delete(models.Contact))
        assert window.progress_model.rowCount() > 0
        with qtbot.waitSignal(window.data_loaded):
            window.refresh()
        assert window.progress_model.rowCount() == 0
        assert window.needs_model.rowCount() == 0
        assert window.model.rowCount() == 2
        assert window.model.index(0, 2).data() == "0"  # contacted
    finally:
        store.close()
