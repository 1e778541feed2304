"""Every export planner writes, with the same hostile names, opened by the real client.

Partners, teams, advisers, firms, venues and sessions are named with formulas,
HTML, control characters, a right-to-left override, a 500-character name and
the NFC and NFD spellings of one name. Workbooks and CSV go through
LibreOffice (converted to CSV: a formula would show its result), PDFs through
``pdftotext``, the calendar through ``icalendar``.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy import select

from planner.__main__ import main
from planner.db import models
from planner.db.store import open_store
from planner.domain.cell_text import printed_text, workbook_text
from planner.io.outcome_workbook import Rejection
from planner.services.demo.demo_campaign import create_demo
from planner.services.followup.outcomes_import import export_rejections

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

NFC = unicodedata.normalize("NFC", "Société Générale")
NFD = unicodedata.normalize("NFD", NFC)
LONG = "Long" + "x" * 496
RTL = "Abc\u202eFED suite"
HOSTILE: tuple[str, ...] = (
    "=1+1",
    '=HYPERLINK("http://x","y")',
    "+33 1 23 45 67 89",
    "-2",
    "@SUM(A1)",
    "<script>alert('x')</script>",
    "Nul\x00Ctl\x01X\x1fY",
    RTL,
    LONG,
    NFC,
    NFD,
    "A.B",
    "AB",
)
# Texts that must show unchanged (controls stripped) in every workbook and CSV.
FORMULAS = ("=1+1", '=HYPERLINK("http://x","y")', "@SUM(A1)", "+33 1 23 45 67 89")

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice absent")
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext absent")


def _hostile_campaign(path: Path | str, names: tuple[str, ...] = HOSTILE) -> None:
    """A demo campaign whose names are all hostile; three partners more for the rest."""
    create_demo(path, rows=600, seed=11)
    store = open_store(path)
    try:
        with store.session() as session:
            partners = session.scalars(select(models.Partner).order_by(models.Partner.id)).all()
            for partner, name in zip(partners, names, strict=False):
                partner.name = name
            session.flush()
            assigned = session.scalars(
                select(models.Assignment).order_by(models.Assignment.siret)
            ).all()
            for index, name in enumerate(names[len(partners) :]):
                partner = models.Partner(name=name, kind="autre")
                team = models.Team(name=name, capacity=50)
                team.advisers.append(models.Adviser(name=name, capacity=50))
                partner.teams.append(team)
                session.add(partner)
                session.flush()
                for assignment in assigned[index * 5 : index * 5 + 5]:
                    assignment.team_id = team.id
                    assignment.adviser_id = team.advisers[0].id
            teams = session.scalars(select(models.Team).order_by(models.Team.id)).all()
            for index, team in enumerate(teams):
                team.name = names[index % len(names)]
            advisers = session.scalars(select(models.Adviser).order_by(models.Adviser.id)).all()
            for index, adviser in enumerate(advisers):
                adviser.name = names[index % len(names)]
            sirets = [a.siret for a in assigned[: len(names) * 3]]
            firms = session.scalars(
                select(models.Establishment).where(models.Establishment.siret.in_(sirets))
            ).all()
            for index, firm in enumerate(sorted(firms, key=lambda f: f.siret)):
                firm.name = names[index % len(names)]
                firm.enseigne = None
                firm.denomination_usuelle = None
            venues = session.scalars(select(models.Venue).order_by(models.Venue.id)).all()
            for index, venue in enumerate(venues):
                venue.name = names[index % len(names)]
                venue.address = names[(index + 3) % len(names)]
            sessions = session.scalars(
                select(models.DiscoverySession).order_by(models.DiscoverySession.id)
            ).all()
            for index, meeting in enumerate(sessions):
                meeting.title = names[index % len(names)]
    finally:
        store.close()


def _soffice_csv(sources: list[Path], out: Path, profile: Path, infilter: str = "") -> None:
    """Every sheet of every source to CSV (UTF-8, comma), values as LibreOffice shows them."""
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            *([f"--infilter={infilter}"] if infilter else []),
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
            "--outdir",
            str(out),
            *map(str, sources),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )


def _cells(out: Path, stem: str) -> set[str]:
    """Every cell LibreOffice shows in the sheets of ``stem``."""
    found: set[str] = set()
    files = [p for p in out.glob("*.csv") if p.name == f"{stem}.csv" or p.name.startswith(stem)]
    assert files, f"LibreOffice n'a rien converti pour {stem}"
    for path in files:
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                found.update(row)
    return found


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory, qapp: object) -> dict[str, Path]:
    """Every export, written once through the command line (or the service) it comes from."""
    del qapp  # the PDF printers reuse this process's QApplication
    root = tmp_path_factory.mktemp("hostile")
    campaign = root / "hostile.planner"
    _hostile_campaign(campaign)
    out = root / "out"
    out.mkdir()
    return _write_exports(campaign, out)


def _write_exports(
    campaign: Path | str, out: Path, names: tuple[str, ...] = HOSTILE
) -> dict[str, Path]:
    c = str(campaign)
    files = {
        "dashboard_xlsx": out / "tableau.xlsx",
        "dashboard_pdf": out / "tableau.pdf",
        "sessions_xlsx": out / "seances.xlsx",
        "ics": out / "seances.ics",
        "schedule_pdf": out / "programme.pdf",
        "teams_xlsx": out / "equipes.xlsx",
        "rejected_xlsx": out / "rejets.xlsx",
    }
    period = ["--from", "01/01/2020", "--to", "31/12/2030"]
    for argv in (
        ["export", "dashboard", c, "--out", str(files["dashboard_xlsx"])],
        ["export", "dashboard", c, "--out", str(files["dashboard_pdf"])],
        ["export", "sessions", c, "--out", str(files["sessions_xlsx"])],
        ["sessions", "ics", c, "--out", str(files["ics"])],
        ["sessions", "print", c, *period, "--out", str(files["schedule_pdf"])],
        ["teams", "template", str(files["teams_xlsx"])],
        ["export", "call-lists", c, "--out", str(out / "listes")],
    ):
        assert main(argv) == 0, argv
    export_rejections(
        files["rejected_xlsx"],
        [
            Rejection("f.xlsx", name, 2, "K", None, f"motif {i}", (name, name))
            for i, name in enumerate(names)
        ],
    )
    from planner.services.sessions.planning import list_sessions
    from planner.services.sessions.schedule import programme_job
    from planner.ui.sessions.printing import print_to_pdf

    with open_store(campaign) as store:
        record = next(r for r in list_sessions(store) if r.title == names[7])
    files["programme_pdf"] = out / "porte.pdf"
    print_to_pdf(programme_job(record, "Campagne"), files["programme_pdf"])
    files["call_lists"] = out / "listes"
    return files


def test_call_list_files_are_distinct_and_bounded(exports: dict[str, Path]) -> None:
    names = sorted(p.name for p in exports["call_lists"].glob("*.xlsx"))
    # 13 partners (the NFC/NFD and "A.B"/"AB" pairs clean to the same name) + coordination.
    assert len(names) == len(HOSTILE) + 1
    assert len({n.casefold() for n in names}) == len(names)
    assert all(len(n.encode()) < 120 for n in names)
    assert not [p for p in exports["call_lists"].iterdir() if p.name.startswith(".planner-")]


@needs_soffice
def test_workbooks_and_csv_show_every_name_unchanged(
    exports: dict[str, Path], tmp_path: Path
) -> None:
    lists = exports["call_lists"]
    coordination = next(lists.glob("Liste_appels_coordination_*.xlsx"))
    first = next(lists.glob("Liste_appels_11_*.xlsx"))  # partner "=1+1"
    books = [
        exports["dashboard_xlsx"],
        exports["sessions_xlsx"],
        exports["rejected_xlsx"],
        exports["teams_xlsx"],
        coordination,
        first,
    ]
    out = tmp_path / "csv"
    _soffice_csv(books, out, tmp_path / "profile")
    _soffice_csv([next(lists.glob("*.csv"))], out, tmp_path / "profile", "CSV:59,34,76,1")
    expected = {workbook_text(name) for name in HOSTILE}
    for book in (exports["dashboard_xlsx"], exports["sessions_xlsx"], coordination):
        cells = _cells(out, book.stem)
        missing = expected - cells
        assert not missing, f"{book.name} : {missing}"
        assert not any("\x00" in c or "\u0001" in c for c in cells)
    rejected = _cells(out, exports["rejected_xlsx"].stem)
    assert expected <= rejected
    partner = _cells(out, first.stem)
    assert "=1+1" in partner  # the guide sheet's "Partenaire" line
    assert {"Partenaire", "Équipe", "Capacité"} <= _cells(out, exports["teams_xlsx"].stem)
    csv_cells = _cells(out, next(lists.glob("*.csv")).stem)
    for text in FORMULAS:
        # Shown as written, or with the apostrophe that keeps it from being a formula.
        assert text in csv_cells or "'" + text in csv_cells, text
    assert "y" not in csv_cells  # HYPERLINK was not evaluated
    # Bidirectional overrides are dropped from every file written.
    assert LONG in csv_cells and workbook_text(RTL) in csv_cells and NFD in csv_cells
    assert RTL not in csv_cells
    assert "Nul\x00Ctl" not in "".join(csv_cells) and "NulCtlXY" in csv_cells


def _pdf_text(path: Path) -> str:
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return re.sub(r"\s+", "", text)


@needs_pdftotext
def test_printed_schedules_read_in_order(exports: dict[str, Path]) -> None:
    for key in ("schedule_pdf", "programme_pdf"):
        text = _pdf_text(exports[key])
        assert "AbcFEDsuite" in text, key  # the override did not reverse what follows
        assert "etius" not in text
    schedule = _pdf_text(exports["schedule_pdf"])
    for name in ("=1+1", "@SUM(A1)", "<script>alert('x')</script>", "NulCtlXY", "-2"):
        assert re.sub(r"\s+", "", printed_text(name)) in schedule, name
    assert LONG[:200] in schedule


@needs_pdftotext
def test_dashboard_pdf_reads_in_order(exports: dict[str, Path]) -> None:
    text = _pdf_text(exports["dashboard_pdf"])
    for name in ("=1+1", "@SUM(A1)", "AbcFEDsuite", "NulCtlXY"):
        assert name in text, name
    assert "etius" not in text


def test_calendar_parses_with_clean_text(exports: dict[str, Path]) -> None:
    raw = exports["ics"].read_bytes()
    assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", raw)
    calendar = Calendar.from_ical(raw)
    summaries = {str(e["SUMMARY"]) for e in calendar.walk("VEVENT")}
    assert {"=1+1", "<script>alert('x')</script>", "NulCtlXY", LONG, NFD} <= summaries
    assert workbook_text(RTL) in summaries and RTL not in summaries
    locations = {str(e["LOCATION"]) for e in calendar.walk("VEVENT") if "LOCATION" in e}
    assert any(loc.startswith('=HYPERLINK("http://x","y")') for loc in locations)


# PostgreSQL stores no NUL in text and holds names to their column's length
# (200 characters): the same names within those limits.
PG_HOSTILE = tuple(name.replace("\x00", "")[:200] for name in HOSTILE)


@needs_soffice
@needs_pdftotext
@pytest.mark.postgres
def test_hostile_names_on_postgresql(pg_database: str, tmp_path: Path, qapp: object) -> None:
    del qapp
    _hostile_campaign(pg_database, PG_HOSTILE)
    out = tmp_path / "out"
    out.mkdir()
    files = _write_exports(pg_database, out, PG_HOSTILE)
    books = [files["dashboard_xlsx"], files["sessions_xlsx"]]
    _soffice_csv(books, tmp_path / "csv", tmp_path / "profile")
    expected = {workbook_text(name) for name in PG_HOSTILE}
    for book in books:
        assert expected <= _cells(tmp_path / "csv", book.stem), book.name
    assert "AbcFEDsuite" in _pdf_text(files["schedule_pdf"])
    assert "AbcFEDsuite" in _pdf_text(files["dashboard_pdf"])
    calendar = Calendar.from_ical(files["ics"].read_bytes())
    assert {workbook_text(n) for n in PG_HOSTILE} <= {
        str(e["SUMMARY"]) for e in calendar.walk("VEVENT")
    }
