"""The printed schedule: A4, every word inside the page, even with long titles and many hosts."""

from __future__ import annotations

import datetime as dt
import html
import re
import subprocess
from pathlib import Path

from pytestqt.qtbot import QtBot

from planner.services.sessions.planning import SessionRecord, VenueInfo
from planner.services.sessions.schedule import programme_job, schedule_job
from planner.ui.sessions.printing import print_to_pdf


def _record(sid: int, start: dt.datetime, title: str, hosts: int) -> SessionRecord:
    return SessionRecord(
        id=sid,
        kind="job_dating",
        title=title,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        status="planned",
        capacity=30,
        attendance=None,
        outcome_notes=None,
        series_id=None,
        recurrence=None,
        clash_override=None,
        venue=VenueInfo(
            1, "Mairie d'Aubervilliers", "mairie", "2 rue de la Commune de Paris", 2.38, 48.9
        ),
        partners={1: "France Travail Aubervilliers", 2: "Mission Locale Plaine Commune"},
        advisers={3: "Nadia Benali"},
        hosts={
            f"{i:014d}": f"ENTREPRISE DE TRANSPORT ET LOGISTIQUE NUMERO{i}" for i in range(hosts)
        },
        themes=[("naf", "49"), ("rome", "N1103")],
    )


def _words_inside_pages(pdf: Path) -> list[str]:
    xhtml = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', xhtml, re.S)
    assert pages
    words = []
    for width, height, body in pages:
        for x_min, y_min, x_max, y_max, word in re.findall(
            r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', body
        ):
            assert float(x_max) <= float(width) and float(y_max) <= float(height), word
            assert float(x_min) >= 0 and float(y_min) >= 0, word
            words.append(html.unescape(word))
    return words


def test_long_titles_and_many_hosts_stay_on_the_page(qtbot: QtBot, tmp_path: Path) -> None:
    del qtbot  # a QApplication is needed for the fonts
    title = "Job dating " + " ".join(["transport logistique entreposage manutention"] * 6)
    start = dt.datetime(2026, 3, 16, 9)
    records = [_record(i, start + dt.timedelta(days=i), title, 40) for i in range(8)]
    out = tmp_path / "programme.pdf"
    pages = print_to_pdf(
        schedule_job(records, "Campagne de test", start.date(), start.date() + dt.timedelta(14)),
        out,
    )
    assert pages >= 2
    words = _words_inside_pages(out)
    assert words.count("NUMERO39") == 8  # the last host of every session is printed
    text = " ".join(words)
    assert text.count("Campagne") >= pages  # the campaign's name on every page
    assert "Semaine" in text and "16/03/2026" in text


def test_door_programme_is_one_page(qtbot: QtBot, tmp_path: Path) -> None:
    del qtbot
    record = _record(1, dt.datetime(2026, 3, 16, 9), "Découvrir les métiers de la logistique", 6)
    out = tmp_path / "porte.pdf"
    assert print_to_pdf(programme_job(record, "Campagne de test"), out) == 1
    assert "Mairie d'Aubervilliers" in " ".join(_words_inside_pages(out))
