"""What LibreOffice makes of the exported call lists: protection and the CSV's SIRETs."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from openpyxl import load_workbook

from planner.db.store import open_store
from planner.io.call_list_workbook import (
    FILL_HEADERS,
    HEADERS,
    META_SHEET,
    CallListMeta,
    CallListRow,
    write_call_list,
)
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


_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


def _long_rows(count: int) -> list[CallListRow]:
    return [
        CallListRow(
            siret=f"4154140100{i:04d}",
            name=f"BOULANGERIE PATISSERIE DU MARCHE DE LA PLACE {i}",
            legal_name="SARL BOULANGERIE",
            address=f"{i} AVENUE DU PRESIDENT SALVADOR ALLENDE BATIMENT C 93300 AUBERVILLIERS",
            commune="Aubervilliers",
            naf_code="10.71C",
            naf_label="Boulangerie et boulangerie-pâtisserie, fabrication industrielle de pain",
            band_label="10 à 19 salariés",
            created=dt.date(2001, 1, 1),
            adviser="Jeanne Dupont",
        )
        for i in range(count)
    ]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext absent")
def test_printed_list_is_readable_and_texts_stay_in_their_columns(tmp_path: Path) -> None:
    """Printed by LibreOffice (landscape A4, one page wide): text at 9 points or more,
    long addresses and activity labels wrapped in their column, never run into the next."""
    path = tmp_path / "liste.xlsx"
    meta = CallListMeta("Démo", "CMA", "B1", dt.datetime(2025, 3, 1, 9))
    write_call_list(path, meta, {"Conseiller A": _long_rows(30)})
    pdf = _soffice(tmp_path, path, "pdf")
    text = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = [p for p in text.split("<page ")[1:] if ">BOULANGERIE</word>" in p]
    assert pages  # the data sheet's pages (after the guide)
    for page in pages:
        words = [
            (float(x0), float(y0), float(x1), float(y1), w)
            for x0, y0, x1, y1, w in _WORD.findall(page)
        ]
        header = {
            w: x0
            for x0, _y0, _x1, _y1, w in words
            if w in {"Nom", "Adresse", "Commune", "Effectif"}
        }
        naf = next(x0 for x0, _y0, _x1, _y1, w in words if w == "Libellé")
        body = [word for word in words if word[1] > 60 and word[3] < 550]  # no header, no footer
        # 9 points at least: a line of Carlito/Calibri is 1.22 times the font size.
        assert min(y1 - y0 for _x0, y0, _x1, y1, _w in body) >= 9 * 1.2
        for start, end in (
            (header["Nom"], header["Adresse"]),
            (header["Adresse"], header["Commune"]),
            (naf, header["Effectif"]),
        ):
            inside = [word for word in body if start <= word[0] < end]
            assert inside
            assert all(x1 <= end + 0.5 for _x0, _y0, x1, _y1, _w in inside), inside
        ranks = [w for x0, _y0, _x1, _y1, w in body if x0 < header["Nom"] and w.isdigit()]
        ends = [
            w
            for x0, _y0, _x1, _y1, w in body
            if header["Adresse"] <= x0 < header["Commune"] and w == "AUBERVILLIERS"
        ]
        assert ranks and len(ends) == len(ranks)  # each address printed to its end
