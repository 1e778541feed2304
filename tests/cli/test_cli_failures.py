"""No traceback reaches a user: damaged, locked and read-only campaigns exit 2 with a
French message; an unexpected error exits 1 with the path of a crash report."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from planner.cli import campaign_commands as commands
from planner.cli.main import run
from planner.db.store import StoreError, check_integrity, open_store
from planner.services.demo.demo_campaign import create_demo
from tests.tmpfs import mounted_tmpfs, remount_read_only


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli_failures") / "demo.planner"
    create_demo(path, rows=2000, seed=5)
    return path


@pytest.fixture
def campaign(template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "campagne.planner"
    shutil.copy(template, path)
    return path


def _damage(path: Path, fraction: float) -> None:
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek(int(size * fraction) // 4096 * 4096)
        handle.write(b"\xa5" * 4096)


# At 0.5 and 0.9 the queries of ``info`` fail; at 0.7 they succeed and only
# ``PRAGMA integrity_check`` finds the damage.
@pytest.mark.parametrize("fraction", [0.5, 0.7, 0.9])
def test_damaged_campaign_exits_2(
    campaign: Path, fraction: float, capsys: pytest.CaptureFixture[str]
) -> None:
    _damage(campaign, fraction)
    assert run(["info", str(campaign)]) == 2
    err = capsys.readouterr().err
    assert "endommagée" in err and "campagne.planner" in err
    assert "Traceback" not in err


def test_integrity_check_reports_damage(campaign: Path) -> None:
    with open_store(campaign) as store:
        check_integrity(store)  # a sound campaign passes
    _damage(campaign, 0.7)
    with open_store(campaign) as store, pytest.raises(StoreError, match="endommagée"):
        check_integrity(store)


def test_locked_campaign_exits_2(
    campaign: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PLANNER_SQLITE_TIMEOUT", "0.1")
    holder = sqlite3.connect(campaign)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        assert run(["info", str(campaign)]) == 2
        assert "verrouillée" in capsys.readouterr().err
        assert run(["priorities", str(campaign), "--set", "distance=5"]) == 2
        assert "verrouillée" in capsys.readouterr().err
    finally:
        holder.rollback()
        holder.close()
    assert run(["priorities", str(campaign), "--set", "distance=5"]) == 0


@pytest.fixture
def read_only_campaign(template: Path, tmp_path: Path) -> Iterator[Path]:
    """The campaign on a file system mounted read-only (root ignores file modes)."""
    with mounted_tmpfs(tmp_path / "ro", "size=16m") as folder:
        shutil.copy(template, folder / "campagne.planner")
        remount_read_only(folder)
        yield folder / "campagne.planner"


def test_read_only_campaign_reads_but_refuses_writes(
    read_only_campaign: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["info", str(read_only_campaign)]) == 0
    capsys.readouterr()
    assert run(["priorities", str(read_only_campaign), "--set", "distance=5"]) == 2
    err = capsys.readouterr().err
    assert "lecture seule" in err and "Traceback" not in err
    assert run(["divide", str(read_only_campaign)]) == 2
    assert "lecture seule" in capsys.readouterr().err


def test_unexpected_error_writes_crash_report_and_exits_1(
    campaign: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))

    def broken(_args: object) -> int:
        raise ZeroDivisionError("bogue interne")

    monkeypatch.setattr(commands, "info", broken)
    assert run(["info", str(campaign)]) == 1
    err = capsys.readouterr().err
    assert "Erreur inattendue" in err and "Traceback" not in err
    reports = list((tmp_path / "cache" / "planner" / "rapports-incident").glob("*.txt"))
    assert len(reports) == 1 and str(reports[0]) in err
    report = reports[0].read_text(encoding="utf-8")
    assert "Traceback" in report and "bogue interne" in report and "planner info" in report


def test_missing_input_file_is_a_french_error(
    campaign: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "absent.xlsx"
    code = run(["teams", "import", str(campaign), "--from", str(missing)])
    assert code == 2
    err = capsys.readouterr().err
    assert "absent.xlsx" in err and "Traceback" not in err


def test_unknown_export_extension_exits_2(
    campaign: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["export", "dashboard", str(campaign), "--out", str(tmp_path / "t.odt")]) == 2
    assert "extension" in capsys.readouterr().err
    assert not (tmp_path / "t.odt").exists()


def test_raw_sqlite_damage_met_after_opening_exits_2(
    campaign: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Fast reads go through the raw DB-API connection: their errors are not
    wrapped by SQLAlchemy, and must still give the French message and exit 2."""
    from planner.db.store import describe_database_error
    from planner.services.followup.dashboard import data as dashboard

    assert "endommagée" in (
        describe_database_error(sqlite3.DatabaseError("database disk image is malformed"), "c")
        or ""
    )

    def damaged(_store: object, *_period: object) -> object:
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(dashboard, "load_followup", damaged)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    out = tmp_path / "tableau.xlsx"
    assert run(["export", "dashboard", str(campaign), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "endommagée" in err and "campagne.planner" in err and "Traceback" not in err
    assert not out.exists()
    assert not (tmp_path / "cache").exists()


def test_full_disk_while_zipping_shows_no_traceback(tmp_path: Path) -> None:
    """A workbook's zip archive that fails on a full disk is closed again when
    collected: that second failure must not print "Exception ignored…"."""
    with mounted_tmpfs(tmp_path / "petit", "size=4k") as folder:
        result = subprocess.run(
            [sys.executable, "-m", "planner", "teams", "template", str(folder / "equipes.xlsx")],
            capture_output=True,
            text=True,
            check=False,
        )
    assert result.returncode == 2
    assert "Disque plein" in result.stderr
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr


def test_messages_carry_no_terminal_escape(
    campaign: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A partner's name is typed by others: printed raw, ESC[… would drive the terminal."""
    from planner.cli.main import terminal_text

    assert terminal_text("A\x1b[2J\x00B\u202eC\nD") == "A[2JBC\nD"
    with sqlite3.connect(campaign) as db:
        db.execute("UPDATE partner SET name = 'P\x1b]0;titre\x07\u202e' WHERE id = 1")
    assert run(["teams", "list", str(campaign)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert run(["sessions", "ics", str(campaign), "--partner", "zz", "--out", "x.ics"]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "P]0;titre" in err
