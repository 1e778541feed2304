"""What LibreOffice makes of the exported call lists: protection and the CSV's SIRETs."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from openpyxl import load_workbook

from planner.db.store import open_store
from planner.io.call_list_workbook import FILL_HEADERS, HEADERS, META_SHEET
from planner.services.followup.call_lists import ExportedFile, export_call_lists

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice absent")

TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"


def _export(campaign: Path, out: Path) -> list[ExportedFile]:
    store = open_store(campaign)
    try:
        return export_call_lists(store, out, now=dt.datetime(2025, 3, 1, 9))
    finally:
        store.close()


def _soffice(tmp_path: Path, source: Path, target: str, *options: str) -> Path:
    out = tmp_path / "lo-out"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--headless",
            *options,
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return out / f"{source.stem}.{target.partition(':')[0]}"


def _cell_protection(root: ET.Element) -> dict[str, str]:
    """Cell style name -> its ``cell-protect`` (LibreOffice's default is "protected")."""
    found: dict[str, str] = {}
    for style in root.iter(f"{{{STYLE}}}style"):
        props = style.find(f"{{{STYLE}}}table-cell-properties")
        value = props.get(f"{{{STYLE}}}cell-protect") if props is not None else None
        found[style.get(f"{{{STYLE}}}name", "")] = value or "protected"
    return found


def test_libreoffice_opens_the_list_protected_with_fill_columns_unlocked(
    followup_campaign: Path, tmp_path: Path
) -> None:
    workbook = next(f.path for f in _export(followup_campaign, tmp_path) if f.partner)
    root = ET.parse(_soffice(tmp_path, workbook, "fods")).getroot()
    protection = _cell_protection(root)
    tables = [
        t
        for t in root.iter(f"{{{TABLE}}}table")
        if t.get(f"{{{TABLE}}}name", "").startswith("Conseiller")
    ]
    assert tables
    for table in tables:
        assert table.get(f"{{{TABLE}}}protected") == "true"
        defaults: list[str] = []
        for column in table.iter(f"{{{TABLE}}}table-column"):
            repeat = int(column.get(f"{{{TABLE}}}number-columns-repeated", "1"))
            style = column.get(f"{{{TABLE}}}default-cell-style-name", "Default")
            defaults += [protection.get(style, "protected")] * min(repeat, len(HEADERS))
        for index, header in enumerate(HEADERS, start=1):
            to_fill = header in FILL_HEADERS
            assert (defaults[index - 1] == "none") is to_fill, header


def test_libreoffice_reads_every_csv_siret_as_14_digit_text(
    followup_campaign: Path, tmp_path: Path
) -> None:
    files = _export(followup_campaign, tmp_path)
    csv_path = next(f.path for f in files if f.path.suffix == ".csv")
    coordinator = next(f.path for f in files if f.partner is None and f.path.suffix == ".xlsx")
    meta = load_workbook(coordinator, read_only=True)[META_SHEET]
    # Signed layout: five head rows and the column titles, then one row per firm.
    exported = {str(r[1]) for r in meta.iter_rows(min_row=7, values_only=True)}
    assert len(exported) == len(csv_path.read_text(encoding="utf-8-sig").splitlines()) - 1
    # Separator ";", UTF-8, French then American number recognition.
    for language in ("1036", "1033"):
        sheet = _soffice(
            tmp_path / language, csv_path, "xlsx", f"--infilter=CSV:59,34,76,1,,{language}"
        )
        ws = load_workbook(sheet, read_only=True).active
        assert ws is not None
        rows = list(ws.iter_rows(values_only=True))
        assert rows[0][3] == "SIRET"
        sirets = [r[3] for r in rows[1:]]
        assert all(isinstance(s, str) for s in sirets), language
        assert {str(s).replace(" ", "") for s in sirets} == exported
