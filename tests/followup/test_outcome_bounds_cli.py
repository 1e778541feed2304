"""``planner import outcomes`` refuses hostile workbooks with exit 2 and a French
message naming the file, in bounded memory."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from planner.cli.main import run
from planner.db.store import open_store
from planner.services.followup.call_lists import export_call_lists

DATA_SHEET = "xl/worksheets/sheet2.xml"
_MB = 1024 * 1024

# Runs the command in a fresh interpreter and reports its own peak memory:
# VmHWM, since ru_maxrss keeps the forking test process's peak across exec.
_MEASURED = """
import json, pathlib, sys
from planner.cli.main import run
code = run(sys.argv[1:])
status = pathlib.Path("/proc/self/status").read_text().splitlines()
peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))  # KiB
print(json.dumps({"code": code, "peak_mb": peak / 1024}))
"""


def _exported(campaign: Path, out: Path) -> Path:
    with open_store(campaign) as store:
        files = export_call_lists(store, out, now=dt.datetime(2025, 3, 1, 9))
    return next(f.path for f in files if f.partner)


def _with_huge_sheet(source: Path, target: Path, megabytes: int) -> int:
    """``source`` with its first list sheet replaced by ``megabytes`` of rows; returns
    the sheet's declared size."""
    row = '<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>{text}</t></is></c></row>'
    filler = "x" * 200
    with (
        zipfile.ZipFile(source) as src,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst,
    ):
        for info in src.infolist():
            if info.filename != DATA_SHEET:
                dst.writestr(info, src.read(info))
                continue
            with dst.open(DATA_SHEET, "w", force_zip64=True) as sheet:
                sheet.write(b'<?xml version="1.0" encoding="UTF-8"?>')
                sheet.write(
                    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    b"<sheetData>"
                )
                written, n = 0, 1
                while written < megabytes * _MB:
                    chunk = "".join(row.format(n=n + i, text=filler) for i in range(1000))
                    data = chunk.encode()
                    sheet.write(data)
                    written += len(data)
                    n += 1000
                sheet.write(b"</sheetData></worksheet>")
        return dst.getinfo(DATA_SHEET).file_size


def test_a_workbook_declaring_a_300_mb_sheet_is_refused_in_bounded_memory(
    followup_campaign: Path, tmp_path: Path
) -> None:
    big = tmp_path / "gros.xlsx"
    declared = _with_huge_sheet(_exported(followup_campaign, tmp_path / "out"), big, 300)
    assert declared > 300 * _MB and big.stat().st_size < 20 * _MB
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED, "import", "outcomes", str(followup_campaign), str(big)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["code"] == 2, done.stderr
    assert "gros.xlsx" in done.stderr and "classeur refusé : trop volumineux" in done.stderr
    assert "Traceback" not in done.stderr
    assert result["peak_mb"] < 300


@pytest.mark.parametrize("damage", ["bomb", "truncated", "not_zip"])
def test_hostile_or_damaged_workbooks_exit_2_with_a_french_message(
    followup_campaign: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    source = _exported(followup_campaign, tmp_path / "out")
    path = tmp_path / "retour.xlsx"
    if damage == "not_zip":
        path.write_text("<html>pas un classeur</html>")
    else:
        with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w") as dst:
            for info in src.infolist():
                data = src.read(info)
                if info.filename == DATA_SHEET and damage == "bomb":
                    lol = '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
                    head, _sep, body = data.partition(b"?>")
                    data = head + b"?>" + f"<!DOCTYPE worksheet [{lol}]>".encode() + body
                elif info.filename == DATA_SHEET:
                    data = data[: len(data) // 3]
                dst.writestr(info, data)
    assert run(["import", "outcomes", str(followup_campaign), str(path)]) == 2
    err = capsys.readouterr().err
    assert "retour.xlsx" in err and "illisible" in err
    assert "Traceback" not in err
