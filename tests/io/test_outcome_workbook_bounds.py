"""Reading a workbook back is bounded and never crashes: hostile, damaged or
implausible content is refused or rejected with a French reason."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from planner.domain.errors import InputError
from planner.domain.export_signature import new_secret
from planner.io.call_list_workbook import (
    HEADERS,
    CallListMeta,
    CallListRow,
    ExportSigning,
    write_call_list,
)
from planner.io.outcome_workbook import CampaignKey, read_outcome_workbook
from planner.io.workbook_limits import WorkbookLimits

COL = {h: i + 1 for i, h in enumerate(HEADERS)}
SECRET = new_secret()
CAMPAIGN = CampaignKey("6d0c1c36-3f0e-4f38-9b8e-1f1f0c9f4a11", "Campagne", SECRET)
TODAY = dt.date(2025, 3, 20)
DATA_SHEET = "xl/worksheets/sheet2.xml"  # the guide is sheet1, the hidden sheet sheet3


def _write(path: Path, rows: int = 6) -> Path:
    meta = CallListMeta(
        "Campagne",
        "Partenaire",
        "lot",
        dt.datetime(2025, 3, 1, 9),
        signing=ExportSigning(CAMPAIGN.campaign_id, "1", "export-1", SECRET),
    )
    firms = [
        CallListRow(
            siret=f"{i:014d}",
            name=f"Entreprise {i}",
            legal_name="",
            address="1 RUE X",
            commune="Saint-Denis",
            naf_code="56.10A",
            naf_label="Restauration",
            band_label="6 à 9 salariés",
            created=dt.date(2001, 2, 3),
            adviser="Conseiller 1",
            adviser_id=7,
        )
        for i in range(1, rows + 1)
    ]
    write_call_list(path, meta, {"Conseiller 1": firms})
    return path


def _read(path: Path, limits: WorkbookLimits | None = None):
    if limits is None:
        return read_outcome_workbook(path, CAMPAIGN, today=TODAY)
    return read_outcome_workbook(path, CAMPAIGN, limits=limits, today=TODAY)


def _replace_part(path: Path, member: str, content: bytes) -> None:
    parts = {}
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            parts[info.filename] = archive.read(info)
    parts[member] = content
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def _part(path: Path, member: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(member)


def test_an_entity_bomb_is_refused_not_expanded(tmp_path: Path) -> None:
    path = _write(tmp_path / "bombe.xlsx")
    sheet = _part(path, DATA_SHEET)
    entities = "".join(f'<!ENTITY e{i} "{f"&e{i - 1};" * 10 if i else "ha"}">' for i in range(10))
    doctype = f"<!DOCTYPE worksheet [{entities}]>".encode()
    head, _sep, body = sheet.partition(b"?>")
    body = body.replace(b"<t>Entreprise 1</t>", b"<t>&e9;</t>", 1)
    _replace_part(path, DATA_SHEET, head + b"?>" + doctype + body)
    with pytest.raises(InputError, match="entités XML interdites") as caught:
        _read(path)
    assert "bombe.xlsx" in caught.value.message


@pytest.mark.parametrize("member", [DATA_SHEET, "xl/worksheets/sheet3.xml"])
def test_damaged_sheet_xml_is_refused(tmp_path: Path, member: str) -> None:
    path = _write(tmp_path / "abime.xlsx")
    sheet = _part(path, member)
    _replace_part(path, member, sheet[: len(sheet) // 2])
    with pytest.raises(InputError, match="XML endommagé") as caught:
        _read(path)
    assert "abime.xlsx" in caught.value.message


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "faux.xlsx"
    path.write_bytes(b"PK\x03\x04 pas vraiment un zip")
    with pytest.raises(InputError, match=r"faux\.xlsx.*pas un fichier \.xlsx"):
        _read(path)


def test_declared_sizes_ratios_and_row_counts_are_bounded(tmp_path: Path) -> None:
    path = _write(tmp_path / "liste.xlsx", rows=6)
    assert len(_read(path).exported) == 6
    with pytest.raises(InputError, match="trop volumineux"):
        _read(path, WorkbookLimits(max_uncompressed=10_000))
    with pytest.raises(InputError, match=r"taux \d+:1, au plus 2:1"):
        _read(path, WorkbookLimits(max_ratio=2, ratio_from=0))
    with pytest.raises(InputError, match="plus de 5 lignes"):
        _read(path, WorkbookLimits(max_rows=5))


def test_formulas_typed_in_cells_to_fill_are_reported_never_evaluated(tmp_path: Path) -> None:
    path = _write(tmp_path / "formules.xlsx")
    wb = load_workbook(path)
    ws = wb.worksheets[1]
    for row in range(2, 6):
        ws.cell(row, COL["Date de l'appel"], "05/03/2025")
    ws.cell(2, COL["Résultat"], '=IF(1,"Refus","Refus")')
    ws.cell(3, COL["Résultat"], "Besoin recueilli")
    ws.cell(3, COL["Nombre de postes"], "=1+1")
    ws.cell(4, COL["Commentaire"], '=HYPERLINK("http://x.example","clic")')  # no outcome
    ws.cell(4, COL["Date de l'appel"], None)
    ws.cell(5, COL["Résultat"], "Refus")
    text = ws.cell(5, COL["Commentaire"], "=rappeler lundi")
    text.data_type = "s"  # typed as text (apostrophe): no formula, kept as written
    wb.save(path)
    back = _read(path)
    reasons = {(r.row, r.column): r.reason for r in back.rejected}
    assert set(reasons) == {(2, "Résultat"), (3, "Nombre de postes"), (4, "Commentaire")}
    assert all(reason.startswith("formule saisie") for reason in reasons.values())
    assert '=IF(1,"Refus","Refus")' in reasons[(2, "Résultat")]
    assert [(r.row, r.comment) for r in back.filled] == [(5, "=rappeler lundi")]


def test_implausible_values_are_rejected_with_a_reason(tmp_path: Path) -> None:
    path = _write(tmp_path / "valeurs.xlsx")
    wb = load_workbook(path)
    ws = wb.worksheets[1]
    typed = [
        ("Besoin recueilli", "05/03/2025", 5000),
        ("Besoin recueilli", "05/03/2025", 1000),
        ("Non joint", "15/06/1999", None),
        ("Non joint", (TODAY + dt.timedelta(days=400)).strftime("%d/%m/%Y"), None),
        ("Non joint", "01/01/2000", None),
    ]
    for row, (outcome, date, posts) in enumerate(typed, start=2):
        ws.cell(row, COL["Résultat"], outcome)
        ws.cell(row, COL["Date de l'appel"], date)
        ws.cell(row, COL["Nombre de postes"], posts)
    wb.save(path)
    back = _read(path)
    reasons = {r.row: r.reason for r in back.rejected}
    assert reasons[2] == "nombre de postes invraisemblable : 5000 (au plus 1000)"
    assert "avant le 01/01/2000" in reasons[4]
    assert reasons[5].startswith("date de l'appel dans le futur")
    assert sorted(r.row for r in back.filled) == [3, 6]


def test_a_workbook_signed_with_an_empty_key_is_never_trusted(tmp_path: Path) -> None:
    path = tmp_path / "forge.xlsx"
    meta = CallListMeta(
        "Campagne",
        "Partenaire",
        "lot",
        dt.datetime(2025, 3, 1),
        signing=ExportSigning("", "", "x", b""),
    )
    write_call_list(path, meta, {"Liste": []})
    with pytest.raises(InputError, match="autre campagne"):
        read_outcome_workbook(path, CampaignKey("", "Campagne", b""))


def test_parts_that_do_not_grow_with_the_data_are_bounded(tmp_path: Path) -> None:
    """A styles part of millions of entries took gigabytes to parse, under the total
    limit: parts other than sheets and shared strings have their own cap."""
    path = _write(tmp_path / "styles.xlsx")
    styles = _part(path, "xl/styles.xml")
    _replace_part(path, "xl/styles.xml", styles + b" " * 200_000)
    with pytest.raises(InputError, match=r"xl/styles\.xml.*déclare") as caught:
        _read(path, WorkbookLimits(max_other_part=100_000))
    assert "styles.xlsx" in caught.value.message


def test_a_row_of_too_many_cells_is_refused_before_openpyxl_builds_it(tmp_path: Path) -> None:
    path = _write(tmp_path / "large.xlsx")
    sheet = _part(path, DATA_SHEET)
    # One more row holding 1,500 cells, written with a namespace prefix as some
    # writers do: counted by local name.
    cells = "".join(
        f'<x:c r="A{i}" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
        for i in range(1500)
    )
    sheet = sheet.replace(b"</sheetData>", f'<row r="900">{cells}</row></sheetData>'.encode())
    _replace_part(path, DATA_SHEET, sheet)
    with pytest.raises(InputError, match="plus de 1000 cellules") as caught:
        _read(path)
    assert "large.xlsx" in caught.value.message
