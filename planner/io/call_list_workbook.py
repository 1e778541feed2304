"""Write a partner's call list workbook, streamed, ready for the round trip.

Layout: a first sheet explaining the campaign and the columns; one data sheet
per adviser or team, header on row 1, key columns locked and the columns to
fill unlocked; a hidden sheet ``_planner`` holding the marker, the export
batch, the campaign id, partner id, export id and export date signed together,
and for every row its key, SIRET, adviser id and an HMAC of its exported
values (``planner.domain.export_signature``). Without a campaign key the
workbook is written as before signatures (format 1, a plain checksum of the
name), which the read-back still accepts with a warning.

The workbook is written with xlsxwriter in ``constant_memory`` mode: each row
goes to disk as soon as the next one starts, so memory stays flat at any size,
and each cell costs one call with a shared format object (openpyxl's normal
mode hashed a style per cell and held the whole workbook in memory: 5.7 times
a bare write-only workbook, 610 MB at 50,000 rows). Strings are always written
as strings, never as formulas, numbers or links. The columns to fill carry
their format (unlocked, tinted, date) at column level, which Excel and
LibreOffice apply to every empty cell of the column, rows added by the
partner included.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from planner.domain.cell_text import printed_text
from planner.domain.export_signature import (
    head_signature,
    name_signature,
    row_signature,
)
from planner.io.call_list_layout import (
    _ADDED_ROWS,
    _EXCEL_EPOCH,
    _FOOTER_NAME,
    _MAX_ROW_LINES,
    _ROW_HEIGHT,
    FILL_COLUMNS,
    FILL_HEADERS,
    FORMAT_VERSION,
    GUIDE_SHEET,
    HEADERS,
    KEY_COLUMN,
    KEY_COLUMNS,
    KEY_HEADER,
    LEFT_OUT_HEADERS,
    LEFT_OUT_SHEET,
    MARKER,
    META_SHEET,
    PRINT_TITLE_COLUMNS,
    PRINTED,
    PRINTED_WRAPPED,
    SERVICE_DATE_HEADER,
    SIGNED_FORMAT_VERSION,
    CallListMeta,
    CallListRow,
    ExportSigning,
    LeftOutRow,
    cell_text,
    row_checksum,
)
from planner.io.call_list_sheets import (
    COLUMN_INDEX,
    LIST_COLUMN,
    Formats,
    add_validations,
    print_setup,
    write_guide,
    xlsx_text,
)
from planner.io.output_file import atomic_path

__all__ = [
    "FILL_COLUMNS",
    "FILL_HEADERS",
    "FORMAT_VERSION",
    "GUIDE_SHEET",
    "HEADERS",
    "KEY_COLUMN",
    "KEY_COLUMNS",
    "KEY_HEADER",
    "LEFT_OUT_SHEET",
    "MARKER",
    "META_SHEET",
    "PRINTED",
    "SIGNED_FORMAT_VERSION",
    "CallListMeta",
    "CallListRow",
    "ExportSigning",
    "LeftOutRow",
    "cell_text",
    "row_checksum",
    "write_call_list",
]


_COL = COLUMN_INDEX
_WIDTHS = {header: width for header, width, _t in KEY_COLUMNS + FILL_COLUMNS} | dict(PRINTED)
_DATE_FILLS = frozenset({"Date de l'appel", SERVICE_DATE_HEADER})


def _footer_text(text: str) -> str:
    """A name for the printed footer: no control or bidi character, short (Excel: 255 in all)."""
    text = printed_text(text)
    text = text if len(text) <= _FOOTER_NAME else text[: _FOOTER_NAME - 1] + "…"
    return text.replace("&", "&&")


def _prepare_sheet(ws: Any, fmt: Formats, meta: CallListMeta, count: int) -> None:
    """Everything of a data sheet but its rows (``count`` firms)."""
    last = len(HEADERS) - 1
    for col, header in enumerate(HEADERS[:-1]):
        if header in FILL_HEADERS:
            style = fmt.to_fill_date if header in _DATE_FILLS else fmt.to_fill
            ws.set_column(col, col, _WIDTHS[header], style)
        else:
            ws.set_column(col, col, _WIDTHS[header])
    ws.set_column(last, last, 14, None, {"hidden": True})
    ws.set_row(0, 32)
    for col, header in enumerate(HEADERS):
        is_fill = header in FILL_HEADERS
        ws.write_string(0, col, header, fmt.fill_header if is_fill else fmt.key_header)
    ws.freeze_panes(1, PRINT_TITLE_COLUMNS)
    ws.autofilter(0, 0, count, last)
    add_validations(ws, count, len(meta.services))
    print_setup(ws)
    # On paper, only what a caller needs (issue 15): rank, name, address, commune,
    # activity, band, phone, date, outcome, notes; header row and rank and name
    # repeated on every page.
    ws.repeat_rows(0)
    ws.repeat_columns(0, PRINT_TITLE_COLUMNS - 1)
    ws.print_area(0, 0, max(count, 1), len(PRINTED) - 1)
    ws.set_footer(
        f"&L{_footer_text(meta.partner)}&CPage &P / &N&RExportée le {meta.exported_at:%d/%m/%Y}"
    )
    # Sorting and filtering stay possible on the protected sheet.
    ws.protect(
        "",
        {"autofilter": True, "sort": True, "format_columns": True, "insert_rows": True},
    )


_WRAPPED_WIDTHS = tuple(
    _WIDTHS[header] for header in ("Nom", "Adresse", "Commune", "Libellé NAF", "Effectif")
)


def _printed_lines(row: CallListRow) -> int:
    """The lines the row's wrapped printed texts take (an estimate erring on the tall
    side: word breaks take room), at most ``_MAX_ROW_LINES``."""
    lines = 1
    for text, width in zip(
        (row.name, row.address, row.commune, row.naf_label, row.band_label),
        _WRAPPED_WIDTHS,
        strict=True,
    ):
        if len(text) >= width:
            lines = max(lines, -(-len(text) // (width - 1)))
    return min(lines, _MAX_ROW_LINES)


def _write_rows(ws: Any, fmt: Formats, rows: Sequence[CallListRow], keys: Sequence[str]) -> None:
    """The firm rows, then blank unlocked rows the partner may use to add firms.

    The columns to fill get no cell: their column format (unlocked, tinted)
    covers them down to the last row of the sheet. A formatted blank per cell
    to fill made the whole export half as slow again.
    """
    # The undecorated writers: the public ones first test whether the row is an
    # "A1" reference, which costs a tenth of the export at 100,000 rows.
    write_string = ws._write_string
    write_number = ws._write_number
    text_fmt, date_fmt = fmt.text, fmt.date
    c = _COL
    rank_col, siret_col, key_col = c["Rang"], c["SIRET"], KEY_COLUMN - 1
    created_col, adviser_col, supported_col = (
        c["Date de création"],
        c["Conseiller"],
        c["Déjà accompagnée"],
    )
    texts = tuple(
        (c[header], fmt.wrap if header in PRINTED_WRAPPED else None)
        for header in (
            "Nom",
            "Raison sociale",
            "Adresse",
            "Commune",
            "Code NAF",
            "Libellé NAF",
            "Effectif",
        )
    )
    set_row, top_fmt = ws.set_row, fmt.top
    for r, (row, key) in enumerate(zip(rows, keys, strict=True), start=1):
        lines = _printed_lines(row)
        if lines > 1:  # LibreOffice does not grow a row to fit wrapped text
            set_row(r, _ROW_HEIGHT * lines)
        write_number(r, rank_col, r, top_fmt)
        write_string(r, siret_col, row.siret, text_fmt)
        for (col, cell_fmt), value in zip(
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
                write_string(r, col, xlsx_text(value), cell_fmt)
        if row.created is not None:
            write_number(r, created_col, row.created.toordinal() - _EXCEL_EPOCH, date_fmt)
        if row.adviser:
            write_string(r, adviser_col, xlsx_text(row.adviser))
        if row.supported:
            write_string(r, supported_col, "oui")
        write_string(r, key_col, key)
    keyed = [col for col, header in enumerate(HEADERS[:-1]) if header not in FILL_HEADERS]
    for r in range(len(rows) + 1, len(rows) + 1 + _ADDED_ROWS):
        for col in keyed:
            ws.write_blank(r, col, None, fmt.unlocked)


def _write_left_out(ws: Any, fmt: Formats, rows: Sequence[LeftOutRow]) -> None:
    """The coordinator's sheet of firms left out of every call list, and why."""
    for col, (header, width) in enumerate(LEFT_OUT_HEADERS):
        ws.set_column(col, col, width)
        ws.write_string(0, col, header, fmt.key_header)
    for r, row in enumerate(rows, start=1):
        ws.write_string(r, 0, row.siret, fmt.text)
        for col, value in enumerate((row.name, row.partner, row.reason, row.detail), start=1):
            if value:
                ws.write_string(r, col, xlsx_text(value))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(rows), 1), len(LEFT_OUT_HEADERS) - 1)
    print_setup(ws)
    ws.repeat_rows(0)


def _sheet_title(name: str, used: set[str]) -> str:
    text = " ".join(cell_text(name).split())
    base = "".join("-" if c in "[]:*?/\\" else c for c in text).strip("'") or "Liste"
    base = base[:31]
    title, n = base, 2
    while title.casefold() in used:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title.casefold())
    return title


def _write_meta_head(hidden: Any, meta: CallListMeta) -> int:
    """The hidden sheet's head rows; returns the first row of the firm rows (0-based).

    Every value is a string, so that a spreadsheet re-saving the file cannot
    turn an id or the export date into a number or a date.
    """
    exported_at = meta.exported_at.replace(microsecond=0).isoformat()
    identity = meta.identity()
    head: list[list[Any]]
    if meta.signing is None or identity is None:
        head = [
            ["marker", MARKER, "version", FORMAT_VERSION],
            ["campaign", meta.campaign, "partner", meta.partner],
            ["batch", meta.batch, "exported_at", exported_at],
            ["key", "siret", "checksum", "sheet"],
        ]
    else:
        signing = meta.signing
        signature = head_signature(signing.secret, identity, meta.campaign, meta.partner)
        head = [
            ["marker", MARKER, "version", SIGNED_FORMAT_VERSION],
            ["campaign", meta.campaign, "partner", meta.partner],
            ["batch", meta.batch, "exported_at", exported_at],
            ["campaign_id", signing.campaign_id, "partner_id", signing.partner_id],
            ["export_id", signing.export_id, "signature", signature],
            ["key", "siret", "signature", "sheet", "adviser_id", "name_signature"],
        ]
    for r, head_values in enumerate(head):
        values = head_values
        if r < len(meta.services):
            values = [*values, *[""] * (LIST_COLUMN - len(values)), meta.services[r][0]]
        for col, value in enumerate(values):
            if isinstance(value, str):
                if value:
                    hidden.write_string(r, col, xlsx_text(value))
            else:
                hidden.write_number(r, col, value)
    return len(head)


def write_call_list(
    path: Path,
    meta: CallListMeta,
    sheets: dict[str, Sequence[CallListRow]],
    left_out: Sequence[LeftOutRow] | None = None,
) -> int:
    """Write the workbook; ``sheets`` maps a sheet name to its rows in rank order.

    ``left_out`` (the coordinator's workbook): the firms left out of the call lists,
    on a sheet of their own after the lists.

    Returns the number of firm rows written.
    """
    with atomic_path(path, make_folder=True) as temp:
        return _write_workbook(temp, meta, sheets, left_out)


def _write_workbook(
    path: Path,
    meta: CallListMeta,
    sheets: dict[str, Sequence[CallListRow]],
    left_out: Sequence[LeftOutRow] | None,
) -> int:
    import xlsxwriter  # type: ignore[import-untyped]  # (kept off the app's start-up)

    wb = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    try:
        fmt = Formats(wb)
        # "History" is reserved by Excel (xlsxwriter refuses it).
        reserved = (GUIDE_SHEET, META_SHEET, LEFT_OUT_SHEET, "history")
        used = {name.casefold() for name in reserved}
        titles = [_sheet_title(name, used) for name in sheets]
        guide = wb.add_worksheet(GUIDE_SHEET)
        data = [wb.add_worksheet(title) for title in titles]
        if left_out is not None:
            _write_left_out(wb.add_worksheet(LEFT_OUT_SHEET), fmt, left_out)
        hidden = wb.add_worksheet(META_SHEET)
        write_guide(guide, fmt, meta, titles)
        meta_row = _write_meta_head(hidden, meta)
        codes = [xlsx_text(code) for code, _name in meta.services]
        identity = meta.identity()
        count = 0
        write_meta = hidden._write_string
        text_fmt = fmt.text
        for ws, title, rows in zip(data, titles, sheets.values(), strict=True):
            keys = [f"{meta.batch}-{count + i:06d}" for i in range(1, len(rows) + 1)]
            sheet_name = xlsx_text(title)
            for rank, (key, row) in enumerate(zip(keys, rows, strict=True), start=1):
                write_meta(meta_row, 0, key)
                write_meta(meta_row, 1, row.siret, text_fmt)
                write_meta(meta_row, 3, sheet_name)
                if meta.signing is None or identity is None:
                    write_meta(meta_row, 2, row_checksum(row.siret, cell_text(row.name)))
                else:
                    secret = meta.signing.secret
                    adviser = "" if row.adviser_id is None else str(row.adviser_id)
                    values = row.key_values(rank)
                    sig = row_signature(secret, identity, key, row.siret, adviser, values)
                    write_meta(meta_row, 2, sig)
                    if adviser:
                        write_meta(meta_row, 4, adviser, text_fmt)
                    sig = name_signature(secret, identity, key, row.siret, adviser, row.name)
                    write_meta(meta_row, 5, sig)
                if meta_row < len(codes):
                    write_meta(meta_row, LIST_COLUMN, codes[meta_row])
                meta_row += 1
            _prepare_sheet(ws, fmt, meta, len(rows))
            _write_rows(ws, fmt, rows, keys)
            count += len(rows)
        for r in range(meta_row, len(codes)):  # fewer firms than services
            write_meta(r, LIST_COLUMN, codes[r])
        hidden.hide()
        hidden.protect()
    except BaseException:
        # No temporary row files left behind; atomic_path removes the file.
        with contextlib.suppress(Exception):
            wb.close()
        raise
    wb.close()
    return count
