"""Exports killed, on a full disk or in a read-only folder: nothing truncated under the
final name, a French message and exit code 2."""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from planner.__main__ import main
from planner.io.output_file import STALE_SECONDS, OutputError, atomic_path, write_bytes
from planner.services.demo.demo_campaign import create_demo
from tests.tmpfs import mounted_tmpfs

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="module")
def campaign(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("failures") / "demo.planner"
    create_demo(path, rows=400, seed=3)
    return path


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KB tmpfs, filled up to the last byte."""
    with mounted_tmpfs(tmp_path / "plein", "size=64k") as disk:
        with contextlib.suppress(OSError), (disk / "remplissage").open("wb") as handle:
            while True:
                handle.write(b"\0" * 4096)
                handle.flush()
        yield disk


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    with mounted_tmpfs(tmp_path / "lecture_seule", "size=1m,ro") as folder:
        yield folder


def _exports(campaign: Path, folder: Path) -> list[tuple[list[str], Path]]:
    """Every export command, with the file (or folder) it would write."""
    c = str(campaign)
    period = ["--from", "01/01/2020", "--to", "31/12/2030"]
    return [
        (["export", "dashboard", c, "--out", str(folder / "t.xlsx")], folder / "t.xlsx"),
        (["export", "dashboard", c, "--out", str(folder / "t.pdf")], folder / "t.pdf"),
        (["export", "sessions", c, "--out", str(folder / "s.xlsx")], folder / "s.xlsx"),
        (["sessions", "ics", c, "--out", str(folder / "s.ics")], folder / "s.ics"),
        (["sessions", "print", c, *period, "--out", str(folder / "p.pdf")], folder / "p.pdf"),
        (["teams", "template", str(folder / "e.xlsx")], folder / "e.xlsx"),
        (["export", "call-lists", c, "--out", str(folder)], folder / "Liste_appels_"),
    ]


def _written(folder: Path, target: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith((target.name, ".planner-"))]


# A writer left open by the failure would print "Exception ignored in ... Traceback"
# on the user's terminal when it is collected: make that an error here.
@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_full_disk_gives_french_message_and_exit_2(
    campaign: Path, full_disk: Path, capsys: pytest.CaptureFixture[str], qapp: object
) -> None:
    del qapp
    for argv, target in _exports(campaign, full_disk):
        assert main(argv) == 2, argv
        gc.collect()
        err = capsys.readouterr().err
        assert "Disque plein" in err, (argv, err)
        assert "Traceback" not in err
        assert _written(full_disk, target) == [], argv


def test_read_only_folder_gives_french_message_and_exit_2(
    campaign: Path, read_only_folder: Path, capsys: pytest.CaptureFixture[str], qapp: object
) -> None:
    del qapp
    for argv, target in _exports(campaign, read_only_folder):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert "lecture seule" in err, (argv, err)
        assert not list(read_only_folder.iterdir())
        del target


def test_failed_write_keeps_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "f.bin"
    write_bytes(target, b"complet")
    with pytest.raises(RuntimeError), atomic_path(target) as temp:
        temp.write_bytes(b"moit")
        raise RuntimeError("panne au milieu")
    assert target.read_bytes() == b"complet"
    assert [p.name for p in tmp_path.iterdir()] == ["f.bin"]


def test_folder_in_place_of_file_is_a_french_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="dossier"):
        write_bytes(tmp_path, b"x")


_PAUSED_CHILD = """
import sys, time
import openpyxl.writer.excel as excel

original = excel.ExcelWriter.write_worksheet

def paused(self, ws):
    original(self, ws)
    print("ready", flush=True)  # the zip is half written: kill me now
    time.sleep(600)

excel.ExcelWriter.write_worksheet = paused
from planner.__main__ import main
sys.exit(main(sys.argv[1:]))
"""


def _killed_export(campaign: Path, out: Path) -> None:
    """Run ``export sessions`` in a child, SIGKILL it in the middle of writing the workbook."""
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            _PAUSED_CHILD,
            "export",
            "sessions",
            str(campaign),
            "--out",
            str(out),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        partial = [p for p in out.parent.iterdir() if p.name.startswith(".planner-")]
        assert partial and partial[0].stat().st_size > 0  # really killed mid-write
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    assert child.returncode == -signal.SIGKILL


def test_kill_9_during_export_leaves_no_file(campaign: Path, tmp_path: Path) -> None:
    out = tmp_path / "seances.xlsx"
    _killed_export(campaign, out)
    assert not out.exists()


def test_next_write_removes_what_a_killed_write_left(campaign: Path, tmp_path: Path) -> None:
    out = tmp_path / "seances.xlsx"
    _killed_export(campaign, out)
    (left,) = [p for p in tmp_path.iterdir() if p.name.startswith(".planner-")]
    old = time.time() - STALE_SECONDS - 60
    os.utime(left, (old, old))
    assert main(["export", "sessions", str(campaign), "--out", str(out)]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["seances.xlsx"]


def test_kill_9_during_export_keeps_previous_complete_file(campaign: Path, tmp_path: Path) -> None:
    out = tmp_path / "seances.xlsx"
    assert main(["export", "sessions", str(campaign), "--out", str(out)]) == 0
    before = out.read_bytes()
    _killed_export(campaign, out)
    assert out.read_bytes() == before
    assert load_workbook(out).sheetnames == ["Séances", "Invités"]


def test_special_file_is_never_replaced(tmp_path: Path) -> None:
    """Renaming over /dev/full (root) or a pipe would replace it by a regular file."""
    fifo = tmp_path / "tube.ics"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match="pas un fichier ordinaire"):
        write_bytes(fifo, b"BEGIN:VCALENDAR")
    assert fifo.is_fifo()
    assert [p.name for p in tmp_path.iterdir()] == ["tube.ics"]


def test_file_in_place_of_folder_is_a_french_error(tmp_path: Path) -> None:
    (tmp_path / "listes").write_text("un fichier")
    with pytest.raises(OutputError, match="pas un dossier"):
        write_bytes(tmp_path / "listes" / "a.xlsx", b"x", make_folder=True)
