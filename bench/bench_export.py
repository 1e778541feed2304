"""Call-list export and read-back at 100,000 firms.

``call_lists_export_100k``: ``write_call_list`` of 100,000 rows over 20 adviser
sheets (guide sheet, validation, protection, styles, signed hidden key sheet
included). Floor: xlsxwriter (the product's library, ``constant_memory``, the
same undecorated cell writers) writing the same sheets with the same cell values
and number formats, signatures included, without validation, protection, column
formats, print setup or text cleaning (the bench's text needs none).
``outcomes_read_100k``: ``read_outcome_workbook`` of that workbook with one row
in five filled in and saved again by openpyxl, as a spreadsheet would; floor:
openpyxl (the product's reader) read-only iteration over the same cells' values,
without checking keys, signatures or outcomes. The filled workbook is made in a
forked process, so that the peak RSS reported is the reader's own.

Both are ``Pair``s run interleaved by ``bench/run.py`` (medians of ``--runs``).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import random
import tempfile
from pathlib import Path

import xlsxwriter  # type: ignore[import-untyped]
from openpyxl import load_workbook
from timing import Pair

from planner.domain.export_signature import (
    head_signature,
    name_signature,
    new_secret,
    row_signature,
)
from planner.io.call_list_layout import (
    _ADDED_ROWS,
    _DATE,
    _EXCEL_EPOCH,
    FILL_HEADERS,
    KEY_COLUMN,
    PRINTED_WRAPPED,
)
from planner.io.call_list_sheets import guide_lines
from planner.io.call_list_workbook import (
    _ROW_HEIGHT,
    GUIDE_SHEET,
    HEADERS,
    MARKER,
    META_SHEET,
    SIGNED_FORMAT_VERSION,
    CallListMeta,
    CallListRow,
    ExportSigning,
    _printed_lines,
    write_call_list,
)
from planner.io.outcome_workbook import CampaignKey, read_outcome_workbook

N = 100_000
SHEETS = 20
# Signed as the product signs every partner's workbook (HMAC of each row).
_CAMPAIGN = CampaignKey("0b7f7c1e-8f4e-4d8e-9a53-3f7b1c2d4e5f", "Banc d'essai", new_secret())
META = CallListMeta(
    _CAMPAIGN.name,
    "Partenaire",
    "bench",
    dt.datetime(2025, 3, 1),
    ExportSigning(_CAMPAIGN.campaign_id, "1", "bench-export", _CAMPAIGN.secret),
)


def _rows() -> dict[str, list[CallListRow]]:
    rng = random.Random(7)
    sheets: dict[str, list[CallListRow]] = {}
    for i in range(N):
        sheets.setdefault(f"Conseiller {i % SHEETS + 1:02d}", []).append(
            CallListRow(
                siret=f"{rng.randrange(10**13, 10**14):014d}",
                name=f"ENTREPRISE {i}",
                legal_name=f"SOCIETE {i} SAS",
                address=f"{i % 200 + 1} RUE DE LA REPUBLIQUE 93200 SAINT-DENIS",
                commune="Saint-Denis",
                naf_code="56.10A",
                naf_label="Restauration traditionnelle",
                band_label="6 à 9 salariés",
                created=dt.date(2010, 1, 1) + dt.timedelta(days=i % 5000),
                adviser=f"Conseiller {i % SHEETS + 1:02d}",
            )
        )
    return sheets


def _floor_write(path: Path, sheets: dict[str, list[CallListRow]]) -> None:
    """The product's cells, bare: same sheets, values and number formats."""
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    text_fmt = wb.add_format({"num_format": "@"})
    date_fmt = wb.add_format({"num_format": _DATE})
    unlocked = wb.add_format({"locked": False})
    guide = wb.add_worksheet(GUIDE_SHEET)
    data = [wb.add_worksheet(name) for name in sheets]
    hidden = wb.add_worksheet(META_SHEET)
    lines = guide_lines(META, list(sheets))  # the product's own lines (data, not timing)
    guide.write_string(0, 0, f"Liste d'appels — {META.partner}")
    for r, (label, text) in enumerate(lines, start=2):
        if label:
            guide.write_string(r, 0, label)
        if text:
            guide.write_string(r, 1, text)
    signing, identity = META.signing, META.identity()
    assert signing is not None and identity is not None
    secret = signing.secret
    head = [
        ["marker", MARKER, "version", SIGNED_FORMAT_VERSION],
        ["campaign", META.campaign, "partner", META.partner],
        ["batch", META.batch, "exported_at", META.exported_at.isoformat()],
        ["campaign_id", signing.campaign_id, "partner_id", signing.partner_id],
        [
            "export_id",
            signing.export_id,
            "signature",
            head_signature(secret, identity, META.campaign, META.partner),
        ],
        ["key", "siret", "signature", "sheet", "adviser_id", "name_signature"],
    ]
    for r, values in enumerate(head):
        for c, value in enumerate(values):
            if isinstance(value, str):
                hidden.write_string(r, c, value)
            else:
                hidden.write_number(r, c, value)
    meta_row, count = len(head), 0
    col = {header: index for index, header in enumerate(HEADERS)}
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    top = wb.add_format({"valign": "top"})
    texts = [
        (col[h], wrap if h in PRINTED_WRAPPED else None)
        for h in ("Nom", "Raison sociale", "Adresse", "Commune", "Code NAF", "Libellé NAF")
    ] + [(col["Effectif"], wrap if "Effectif" in PRINTED_WRAPPED else None)]
    keyed = [c for c, header in enumerate(HEADERS[:-1]) if header not in FILL_HEADERS]
    write_meta = hidden._write_string
    for ws, (name, rows) in zip(data, sheets.items(), strict=True):
        write_string, write_number = ws._write_string, ws._write_number
        for c, header in enumerate(HEADERS):
            write_string(0, c, header)
        for r, row in enumerate(rows, start=1):
            key = f"{META.batch}-{count + r:06d}"
            adviser = "" if row.adviser_id is None else str(row.adviser_id)
            write_meta(meta_row, 0, key)
            write_meta(meta_row, 1, row.siret, text_fmt)
            write_meta(
                meta_row,
                2,
                row_signature(secret, identity, key, row.siret, adviser, row.key_values(r)),
            )
            write_meta(meta_row, 3, name)
            if adviser:
                write_meta(meta_row, 4, adviser, text_fmt)
            write_meta(
                meta_row, 5, name_signature(secret, identity, key, row.siret, adviser, row.name)
            )
            meta_row += 1
            lines = _printed_lines(row)
            if lines > 1:  # the same row heights as the product's wrapped printed columns
                ws.set_row(r, _ROW_HEIGHT * lines)
            write_number(r, col["Rang"], r, top)
            write_string(r, col["SIRET"], row.siret, text_fmt)
            for (c, cell_fmt), value in zip(
                texts,
                (
                    row.name,
                    row.legal_name,
                    row.address,
                    row.commune,
                    row.naf_code,
                    row.naf_label,
                    row.band_label,
                ),
                strict=True,
            ):
                if value:
                    write_string(r, c, value, cell_fmt)
            if row.created is not None:
                write_number(
                    r, col["Date de création"], row.created.toordinal() - _EXCEL_EPOCH, date_fmt
                )
            if row.adviser:
                write_string(r, col["Conseiller"], row.adviser)
            if row.supported:
                write_string(r, col["Déjà accompagnée"], "oui")
            write_string(r, KEY_COLUMN - 1, key)
        for r in range(len(rows) + 1, len(rows) + 1 + _ADDED_ROWS):
            for c in keyed:
                ws.write_blank(r, c, None, unlocked)
        count += len(rows)
    hidden.hide()
    wb.close()


def _fill(path: Path, out: Path) -> None:
    wb = load_workbook(path)
    result, date = HEADERS.index("Résultat") + 1, HEADERS.index("Date de l'appel") + 1
    for ws in wb.worksheets[1:-1]:
        for r in range(2, ws.max_row + 1, 5):
            if ws.cell(r, 2).value is None:
                break  # the blank rows left below the list
            ws.cell(r, result, "Non joint")
            ws.cell(r, date, "12/3/25")
    wb.save(out)


def call_lists_export_100k() -> Pair:
    """100,000 rows, 20 sheets: ``write_call_list`` against a bare xlsxwriter
    writing the same sheets and cells (signatures included)."""
    sheets = _rows()
    tmp = tempfile.TemporaryDirectory()
    folder = Path(tmp.name)
    sizes: dict[str, float] = {}

    def product() -> None:
        write_call_list(folder / "liste.xlsx", META, sheets)

    def floor() -> None:
        _floor_write(folder / "floor.xlsx", sheets)

    def figures() -> dict[str, object]:
        for name in ("liste", "floor"):
            sizes[name] = round((folder / f"{name}.xlsx").stat().st_size / 1e6, 1)
        return {
            "rows": N,
            "sheets": SHEETS,
            "file_mb": sizes["liste"],
            "floor_file_mb": sizes["floor"],
        }

    return Pair(product, floor, figures, tmp.cleanup)


def _prepare_filled(path: Path, filled: Path) -> None:
    write_call_list(path, META, _rows())
    _fill(path, filled)


def outcomes_read_100k() -> Pair:
    """100,000 rows read back (20,000 filled) against openpyxl read-only iteration."""
    tmp = tempfile.TemporaryDirectory()
    path, filled = Path(tmp.name) / "liste.xlsx", Path(tmp.name) / "rempli.xlsx"
    child = multiprocessing.get_context("fork").Process(target=_prepare_filled, args=(path, filled))
    child.start()
    child.join()
    if child.exitcode != 0:
        raise RuntimeError(f"preparing the filled workbook failed ({child.exitcode})")
    counts: dict[str, int] = {}

    def product() -> None:
        back = read_outcome_workbook(filled, _CAMPAIGN)
        counts["filled"], counts["rejected"] = len(back.filled), len(back.rejected)

    def floor() -> None:
        wb = load_workbook(filled, read_only=True, data_only=True)
        counts["cells"] = sum(
            len(row) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
        )
        wb.close()

    return Pair(product, floor, lambda: {"rows": N, **counts}, tmp.cleanup)


PAIRS = {
    "call_lists_export_100k": call_lists_export_100k,
    "outcomes_read_100k": outcomes_read_100k,
}
