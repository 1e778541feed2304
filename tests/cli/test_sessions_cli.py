"""``planner sessions list|print|ics``: JSON, the printed PDF's text, exit codes."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from pathlib import Path

import pytest

from planner.__main__ import main
from planner.cli.main import run
from planner.services.demo.demo_campaign import create_demo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before pytest-qt's QApplication


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sessions_cli") / "demo.planner"
    create_demo(path, rows=2500)
    return path


def _listing(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    capsys.readouterr()
    assert run(["sessions", "list", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_list_json_holds_sessions_and_the_demo_clash(
    demo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _listing(capsys, str(demo_file))
    assert len(data["sessions"]) >= 20
    errors = [c for c in data["clashes"] if c["severity"] == "error"]
    assert errors and all(c["other_id"] for c in errors)
    first = data["sessions"][0]
    assert {"title", "starts_at", "venue", "partners", "advisers", "hosts"} <= first.keys()
    day = dt.date.fromisoformat(first["starts_at"][:10])
    one_day = _listing(capsys, str(demo_file), "--from", f"{day:%d/%m/%Y}", "--to", str(day))
    assert one_day["sessions"] and all(
        s["starts_at"].startswith(str(day)) for s in one_day["sessions"]
    )


def test_bad_input_exits_2(demo_file: Path, tmp_path: Path) -> None:
    assert run(["sessions", "list", str(demo_file), "--from", "32/13/2026"]) == 2
    assert run(["sessions", "list", str(tmp_path / "absent.planner")]) == 2
    argv = ["sessions", "print", str(demo_file), "--from", "01/02/2027", "--to", "01/01/2027"]
    assert run([*argv, "--out", str(tmp_path / "x.pdf")]) == 2
    # without the injected Qt printer, printing is refused cleanly
    argv = ["sessions", "print", str(demo_file), "--from", "01/01/2026", "--to", "31/12/2027"]
    assert run([*argv, "--out", str(tmp_path / "x.pdf")]) == 2


def test_an_unknown_partner_is_named_not_silently_empty(
    demo_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.ics"
    capsys.readouterr()
    assert run(["sessions", "ics", str(demo_file), "--partner", "Inconnu", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "« Inconnu »" in err and "Cap emploi 93" in err
    assert not out.exists()
    assert (
        run(["sessions", "ics", str(demo_file), "--partner", "cap emploi", "--out", str(out)]) == 0
    )
    assert out.exists()


def test_printed_pdf_holds_every_session_of_the_period(
    demo_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], qapp: object
) -> None:
    # ``qapp``: the printer reuses this process's QApplication rather than making its own
    sessions = _listing(capsys, str(demo_file))["sessions"]
    first = dt.date.fromisoformat(sessions[0]["starts_at"][:10])
    last = first + dt.timedelta(days=20)
    wanted = [s for s in sessions if dt.date.fromisoformat(s["starts_at"][:10]) <= last]
    out = tmp_path / "programme.pdf"
    argv = ["sessions", "print", str(demo_file), "--from", str(first), "--to", f"{last:%d/%m/%Y}"]
    assert main([*argv, "--out", str(out)]) == 0
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], check=True, capture_output=True, text=True
    ).stdout
    flat = " ".join(text.split())
    assert "Démo" in text and f"{first:%d/%m/%Y}" in text
    for s in wanted:
        start = dt.datetime.fromisoformat(s["starts_at"])
        assert f"{start:%H:%M} – " in flat
        assert s["title"].split()[0] in flat
        if s["venue"]:
            assert s["venue"] in flat
    pages = text.count("\f")
    assert pages >= 1 and flat.count("Démo — Task force") >= pages


def test_ics_for_a_partner(
    demo_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sessions = _listing(capsys, str(demo_file))["sessions"]
    partner = next(p for s in sessions for p in s["partners"])
    expected = sum(partner in s["partners"] for s in sessions)
    out = tmp_path / "s.ics"
    assert run(["sessions", "ics", str(demo_file), "--partner", partner, "--out", str(out)]) == 0
    assert out.read_text().count("BEGIN:VEVENT") == expected
