"""The call list workbook keeps awkward firm names intact through the round trip."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from planner.domain.export_signature import new_secret
from planner.io.call_list_workbook import (
    HEADERS,
    CallListMeta,
    CallListRow,
    ExportSigning,
    write_call_list,
)
from planner.io.outcome_workbook import CampaignKey, read_outcome_workbook

NAMES = (
    "<r>A & B</r>",  # the shape xlsxwriter would copy as raw rich-text XML
    '=HYPERLINK("http://x.example","clic")',
    "-2+3",
    "  ESPACES AUTOUR  ",
    "_x0041_ LITTERAL",  # looks like an OOXML escape
    "CONTROLE\x01X",
)
META = CallListMeta("Campagne", "Partenaire & Cie", "lot", dt.datetime(2025, 3, 1, 9))


def _rows() -> list[CallListRow]:
    return [
        CallListRow(
            siret=f"{i:014d}",
            name=name,
            legal_name="",
            address="1 RUE X",
            commune="Saint-Denis",
            naf_code="56.10A",
            naf_label="Restauration",
            band_label="6 à 9 salariés",
            created=dt.date(2001, 2, 3) if i else None,
            adviser="Conseiller 1",
        )
        for i, name in enumerate(NAMES)
    ]


def _fill_all(path: Path) -> None:
    wb = load_workbook(path)
    ws = wb.worksheets[1]
    for row in range(2, len(NAMES) + 2):
        ws.cell(row, HEADERS.index("Résultat") + 1, "Non joint")
        ws.cell(row, HEADERS.index("Date de l'appel") + 1, "12/03/2025")
    wb.save(path)


def test_awkward_names_are_written_as_text_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "liste.xlsx"
    assert write_call_list(path, META, {"Conseiller 1": _rows()}) == len(NAMES)
    ws = load_workbook(path).worksheets[1]
    col = {h: i + 1 for i, h in enumerate(HEADERS)}
    cells = [ws.cell(row, col["Nom"]) for row in range(2, len(NAMES) + 2)]
    assert [c.value for c in cells[:4]] == list(NAMES[:4])
    assert cells[5].value == "CONTROLEX"
    assert all(c.data_type == "s" for c in cells)
    assert ws.cell(2, 1).value == 1 and ws.cell(2, col["SIRET"]).value == "00000000000000"
    created = col["Date de création"]
    assert ws.cell(2, created).value is None
    assert ws.cell(3, created).value == dt.datetime(2001, 2, 3)
    assert ws.cell(3, created).number_format == "dd/mm/yyyy"
    _fill_all(path)
    back = read_outcome_workbook(path)
    assert not back.rejected, [r.reason for r in back.rejected]
    assert [r.siret for r in back.filled] == [r.siret for r in _rows()]


def test_rows_beyond_a_wrong_declared_size_are_read(tmp_path: Path) -> None:
    path, patched = tmp_path / "liste.xlsx", tmp_path / "dimension.xlsx"
    write_call_list(path, META, {"Conseiller 1": _rows()})
    _fill_all(path)
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(patched, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:B2"/>', data)
            out.writestr(item, data)
    back = read_outcome_workbook(patched)
    assert len(back.filled) == len(NAMES)
    assert not back.rejected


def test_sheet_names_excel_refuses_are_renamed(tmp_path: Path) -> None:
    path = tmp_path / "liste.xlsx"
    rows = _rows()
    write_call_list(path, META, {"History": rows[:2], "a/b: c?": rows[2:3], "A-B- C-": rows[3:]})
    names = load_workbook(path, read_only=True).sheetnames
    assert names == ["Mode d'emploi", "History (2)", "a-b- c-", "A-B- C- (2)", "_planner"]
    _fill_all(path)
    assert len(read_outcome_workbook(path).filled) == 2  # only the first data sheet was filled


def test_a_failed_write_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "liste.xlsx"
    broken = CallListRow("12345678901234", 42, "", "", "", "", "", "", None, "C")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        write_call_list(path, META, {"Conseiller 1": [*_rows(), broken]})
    assert not path.exists()


def _signed_rows() -> list[CallListRow]:
    """Awkward values in every locked column, not only the name."""
    return [
        CallListRow(
            siret=f"{i:014d}",
            name=name,
            legal_name=NAMES[(i + 1) % len(NAMES)],
            address=NAMES[(i + 2) % len(NAMES)] + "\n2e ligne",
            commune="Saint-Denis",
            naf_code="56.10A",
            naf_label="Restauration",
            band_label="6 à 9 salariés",
            created=dt.date(2001, 2, 3) if i else None,
            adviser=NAMES[(i + 3) % len(NAMES)],
            supported=bool(i % 2),
            adviser_id=i + 1,
        )
        for i, name in enumerate(NAMES)
    ]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice absent")
def test_signed_awkward_rows_verify_after_openpyxl_and_libreoffice(tmp_path: Path) -> None:
    secret = new_secret()
    signing = ExportSigning("6d0c1c36-3f0e-4f38-9b8e-1f1f0c9f4a11", "3", "export", secret)
    meta = CallListMeta(META.campaign, META.partner, META.batch, META.exported_at, signing=signing)
    key = CampaignKey(signing.campaign_id, META.campaign, secret)
    path = tmp_path / "liste.xlsx"
    write_call_list(path, meta, {"Conseiller 1": _signed_rows()})
    _fill_all(path)
    back = read_outcome_workbook(path, key)
    assert back.signed and not back.rejected, [r.reason for r in back.rejected]
    assert [r.adviser_id for r in back.filled] == [r.adviser_id for r in _signed_rows()]
    out = tmp_path / "lo"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    again = read_outcome_workbook(out / path.name, key)
    assert again.signed and not again.rejected, [r.reason for r in again.rejected]
    assert len(again.filled) == len(NAMES)
