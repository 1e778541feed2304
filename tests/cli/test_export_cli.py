"""``planner export dashboard`` and ``planner export sessions``."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from planner.__main__ import main
from planner.db.store import open_store
from planner.services.demo.demo_campaign import create_demo
from planner.services.sessions.planning import list_sessions

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="module")
def campaign(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export_cli") / "demo.planner"
    create_demo(path, rows=600, seed=9)
    return path


def test_dashboard_workbook_all_views_or_one(campaign: Path, tmp_path: Path) -> None:
    every = tmp_path / "tableau.xlsx"
    assert main(["export", "dashboard", str(campaign), "--out", str(every)]) == 0
    assert load_workbook(every).sheetnames == [
        "Partenaire",
        "Équipe",
        "Conseiller",
        "Commune",
        "Section NAF",
        "Avancement dans le temps",
        "Besoins par métier",
        # Issue 14: the firms' journey and the établissements accompagnés.
        "Parcours par partenaire",
        "Parcours par équipe",
        "Parcours par conseiller",
        "Parcours par commune",
        "Parcours par section NAF",
        "Parcours par effectif",
        "Accompagnées par semaine",
        "Services réalisés",
    ]
    one = tmp_path / "naf.xlsx"
    assert main(["export", "dashboard", str(campaign), "--out", str(one), "--by", "naf"]) == 0
    book = load_workbook(one)
    assert book.sheetnames[:3] == ["Section NAF", "Avancement dans le temps", "Besoins par métier"]
    assert "Parcours par section NAF" in book.sheetnames
    assert book["Section NAF"]["A1"].value == "Section NAF"
    assert book["Section NAF"].max_row > 2


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext absent")
def test_dashboard_pdf_through_qt(campaign: Path, tmp_path: Path, qapp: object) -> None:
    del qapp
    out = tmp_path / "tableau.pdf"
    argv = ["export", "dashboard", str(campaign), "--out", str(out), "--by", "team"]
    assert main(argv) == 0
    text = subprocess.run(
        ["pdftotext", str(out), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "Par équipe" in text and "Par partenaire" not in text
    assert "Besoins recueillis par métier" in text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext absent")
def test_dashboard_pdf_from_a_fresh_command_line(campaign: Path, tmp_path: Path) -> None:
    """No QApplication yet: the command makes the one Qt Charts needs (not a QGuiApplication)."""
    out = tmp_path / "tableau.pdf"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    argv = ["export", "dashboard", str(campaign), "--out", str(out), "--by", "naf"]
    done = subprocess.run(
        [sys.executable, "-m", "planner", *argv],
        check=False,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "page(s)" in done.stdout
    text = subprocess.run(
        ["pdftotext", str(out), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "Par section NAF" in text and "Besoins recueillis par métier" in text


@pytest.mark.parametrize("platform", ["xcb", "wayland", "inconnue"])
def test_dashboard_pdf_whatever_platform_the_desktop_names(
    campaign: Path, tmp_path: Path, platform: str
) -> None:
    """A PDF needs no window system: a platform that cannot start here is not used."""
    out = tmp_path / "tableau.pdf"
    env = {**os.environ, "QT_QPA_PLATFORM": platform, "DISPLAY": ":77", "WAYLAND_DISPLAY": "x"}
    argv = ["export", "dashboard", str(campaign), "--out", str(out), "--by", "naf"]
    done = subprocess.run(
        [sys.executable, "-m", "planner", *argv],
        check=False,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().rstrip().endswith(b"%%EOF")


def test_sessions_workbook_by_period(
    campaign: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_store(campaign) as store:
        records = list_sessions(store)
    middle = records[len(records) // 2].starts_at.date()
    end = middle + dt.timedelta(days=30)
    with open_store(campaign) as store:
        expected = list_sessions(store, start=middle, end=end)
    assert 0 < len(expected) < len(records)
    out = tmp_path / "seances.xlsx"
    argv = ["export", "sessions", str(campaign), "--out", str(out)]
    assert main([*argv, "--from", f"{middle:%d/%m/%Y}", "--to", f"{end:%d/%m/%Y}"]) == 0
    assert f"{len(expected)} séance(s)" in capsys.readouterr().out
    sheet = load_workbook(out)["Séances"]
    titles = [row[4] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert titles == [r.title for r in expected]
    assert all(
        middle <= row[1].date() <= end for row in sheet.iter_rows(min_row=2, values_only=True)
    )


def test_export_argument_errors_exit_2(
    campaign: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = str(tmp_path / "s.xlsx")
    bad_period = ["--from", "02/01/2027", "--to", "01/01/2027"]
    assert main(["export", "sessions", str(campaign), "--out", out, *bad_period]) == 2
    assert "--to précède --from" in capsys.readouterr().err
    assert main(["export", "sessions", str(campaign), "--out", str(tmp_path / "s.csv")]) == 2
    assert main(["export", "dashboard", str(campaign), "--out", out, "--by", "rome"]) == 2
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--to", "01/01/9999"], "hors des dates possibles"),
        (["--from", "01/01/1900"], "hors des dates possibles"),
        (["--from", "01/01/2001", "--to", "01/01/2026"], "trop longue"),
    ],
)
def test_a_far_period_is_refused_in_french_not_computed_for_minutes(
    campaign: Path, tmp_path: Path, args: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "tableau.xlsx"
    assert main(["export", "dashboard", str(campaign), "--out", str(out), *args]) == 2
    assert said in capsys.readouterr().err
    assert not out.exists()
