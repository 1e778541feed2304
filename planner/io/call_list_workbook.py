"""Write a partner's call list workbook (openpyxl), ready for the round trip.

Layout: a first sheet explaining the campaign and the columns; one data sheet
per adviser or team, header on row 1, key columns locked and the columns to
fill unlocked; a hidden sheet ``_planner`` holding the marker, the export
batch, and for every row its key, SIRET, and a checksum of the exported values.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from planner.domain.cell_text import starts_formula
from planner.domain.outcomes import OUTCOMES

MARKER = "planner-liste-appels"
FORMAT_VERSION = 1
META_SHEET = "_planner"
GUIDE_SHEET = "Mode d'emploi"
KEY_HEADER = "Clé (ne pas modifier)"

# (header, width, explanation)
KEY_COLUMNS: tuple[tuple[str, int, str], ...] = (
    ("Rang", 7, "Ordre de priorité dans la liste (1 = à appeler en premier)."),
    ("SIRET", 17, "Identifiant de l'établissement (14 chiffres)."),
    ("Nom", 34, "Enseigne ou nom usuel de l'établissement."),
    ("Raison sociale", 30, "Dénomination de l'unité légale."),
    ("Adresse", 36, "Adresse de l'établissement."),
    ("Commune", 20, "Commune de l'établissement."),
    ("Code NAF", 9, "Activité principale (NAF rév. 2)."),
    ("Libellé NAF", 34, "Libellé de l'activité principale."),
    ("Effectif", 22, "Tranche d'effectif salarié (SIRENE)."),
    ("Date de création", 12, "Date de création de l'établissement."),
    ("Conseiller", 20, "Conseiller attitré."),
)
FILL_COLUMNS: tuple[tuple[str, int, str], ...] = (
    ("Interlocuteur", 22, "Personne jointe dans l'entreprise."),
    ("Téléphone", 15, "Téléphone de l'interlocuteur."),
    ("Courriel", 26, "Courriel de l'interlocuteur."),
    ("Date de l'appel", 13, "Date de l'appel, jj/mm/aaaa (obligatoire si un résultat est saisi)."),
    ("Résultat", 26, "Choisir dans la liste : " + ", ".join(OUTCOMES) + "."),
    ("Nombre de postes", 10, "Nombre de postes à pourvoir (nombre entier)."),
    ("Métier ROME", 14, "Code ROME du métier recherché (ex. : N1103)."),
    ("Intérêt session découverte", 14, "Oui / Non / Peut-être."),
    ("Prochaine étape", 26, "Ce qui est convenu pour la suite."),
    ("Commentaire", 34, "Toute information utile."),
)
HEADERS: tuple[str, ...] = (*tuple(c[0] for c in KEY_COLUMNS + FILL_COLUMNS), KEY_HEADER)
FIRST_FILL = len(KEY_COLUMNS) + 1  # 1-based column of the first column to fill
KEY_COLUMN = len(HEADERS)

_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_FILL_HEADER_FILL = PatternFill("solid", fgColor="548235")
_TO_FILL = PatternFill("solid", fgColor="F2F8EE")
_UNLOCKED = Protection(locked=False)


@dataclass(frozen=True)
class CallListRow:
    """One firm of a call list: the exported (key) values."""

    siret: str
    name: str
    legal_name: str
    address: str
    commune: str
    naf_code: str
    naf_label: str
    band_label: str
    created: dt.date | None
    adviser: str

    def key_values(self, rank: int) -> list[object]:
        return [
            rank,
            self.siret,
            self.name,
            self.legal_name,
            self.address,
            self.commune,
            self.naf_code,
            self.naf_label,
            self.band_label,
            self.created,
            self.adviser,
        ]


@dataclass(frozen=True)
class CallListMeta:
    """What the hidden sheet records about the export."""

    campaign: str
    partner: str
    batch: str
    exported_at: dt.datetime


def row_checksum(siret: str, name: str) -> str:
    """A short digest of a row's identifying exported values."""
    digest: str = hashlib.sha256(f"{siret}\x1f{name}".encode()).hexdigest()
    return digest[:16]


def _put(cell: Cell, value: object) -> None:
    if isinstance(value, str):
        cell.value = value
        if starts_formula(value):
            cell.data_type = "s"  # a typed string: never evaluated
            cell.number_format = "@"
    else:
        cell.value = value  # type: ignore[assignment]


def _write_guide(ws: Worksheet, meta: CallListMeta, sheets: Sequence[str]) -> None:
    ws["A1"] = f"Liste d'appels — {meta.partner}"
    ws["A1"].font = Font(bold=True, size=14)
    lines: list[tuple[str, str]] = [
        ("Campagne", meta.campaign),
        ("Partenaire", meta.partner),
        ("Exportée le", meta.exported_at.strftime("%d/%m/%Y à %H:%M")),
        ("Onglets", ", ".join(sheets)),
        ("", ""),
        (
            "Consignes",
            "Remplissez uniquement les colonnes vertes ; ne modifiez pas les colonnes bleues.",
        ),
        ("", "Vous pouvez trier et filtrer les lignes ; ne supprimez pas la colonne « Clé »."),
        ("", "Renvoyez ce fichier au coordinateur une fois complété."),
        ("", ""),
        ("Colonne", "Signification"),
    ]
    lines += [(h, text) for h, _w, text in KEY_COLUMNS + FILL_COLUMNS]
    for index, (label, text) in enumerate(lines, start=3):
        _put(ws.cell(index, 1), label)
        _put(ws.cell(index, 2), text)
        ws.cell(index, 1).font = Font(bold=True)
        ws.cell(index, 2).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 90
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _validations(ws: Worksheet, last_row: int) -> None:
    def col(index: int) -> str:
        return str(get_column_letter(index))

    last = max(last_row, 2) + 500  # room for rows the partner adds
    headers = list(HEADERS)
    outcome = DataValidation(type="list", formula1='"' + ",".join(OUTCOMES) + '"', allow_blank=True)
    outcome.error = "Choisissez un résultat dans la liste."
    outcome.errorTitle = "Résultat"
    date = DataValidation(
        type="date", operator="between", formula1="36526", formula2="73051", allow_blank=True
    )
    date.error = "Saisissez une date jj/mm/aaaa."
    posts = DataValidation(
        type="whole", operator="between", formula1="0", formula2="10000", allow_blank=True
    )
    posts.error = "Saisissez un nombre entier de postes."
    for validation, header in (
        (outcome, "Résultat"),
        (date, "Date de l'appel"),
        (posts, "Nombre de postes"),
    ):
        letter = col(headers.index(header) + 1)
        validation.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(validation)


def _write_sheet(
    ws: Worksheet, rows: Sequence[CallListRow], meta: CallListMeta, keys: list[str]
) -> None:
    for index, header in enumerate(HEADERS, start=1):
        cell = ws.cell(1, index, header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _FILL_HEADER_FILL if FIRST_FILL <= index < KEY_COLUMN else _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for rank, (row, key) in enumerate(zip(rows, keys, strict=True), start=1):
        r = rank + 1
        for index, value in enumerate(row.key_values(rank), start=1):
            _put(ws.cell(r, index), value)
        ws.cell(r, 2).number_format = "@"
        ws.cell(r, 10).number_format = "DD/MM/YYYY"
        for index in range(FIRST_FILL, KEY_COLUMN):
            cell = ws.cell(r, index)
            cell.protection = _UNLOCKED
            cell.fill = _TO_FILL
        ws.cell(r, FIRST_FILL + 3).number_format = "DD/MM/YYYY"
        ws.cell(r, KEY_COLUMN, key)
    # Rows the partner may add below stay editable.
    for r in range(len(rows) + 2, len(rows) + 202):
        for index in range(1, KEY_COLUMN):
            ws.cell(r, index).protection = _UNLOCKED
    for index, (_h, width, _t) in enumerate(KEY_COLUMNS + FILL_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.column_dimensions[get_column_letter(KEY_COLUMN)].width = 14
    ws.column_dimensions[get_column_letter(KEY_COLUMN)].hidden = True
    ws.row_dimensions[1].height = 32
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{get_column_letter(KEY_COLUMN)}{len(rows) + 1}"
    _validations(ws, len(rows) + 1)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.print_area = f"A1:{get_column_letter(KEY_COLUMN - 1)}{len(rows) + 1}"
    ws.oddFooter.left.text = meta.partner
    ws.oddFooter.center.text = "Page &P / &N"
    ws.oddFooter.right.text = f"Exportée le {meta.exported_at:%d/%m/%Y}"
    ws.protection.sheet = True
    ws.protection.autoFilter = False
    ws.protection.sort = False
    ws.protection.formatColumns = False
    ws.protection.insertRows = False


def _sheet_title(name: str, used: set[str]) -> str:
    base = "".join("-" if c in "[]:*?/\\" else c for c in name).strip("'") or "Liste"
    base = base[:31]
    title, n = base, 2
    while title.casefold() in used:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title.casefold())
    return title


def write_call_list(
    path: Path, meta: CallListMeta, sheets: dict[str, Sequence[CallListRow]]
) -> int:
    """Write the workbook; ``sheets`` maps a sheet name to its rows in rank order.

    Returns the number of firm rows written.
    """
    wb = Workbook()
    guide = wb.active
    assert guide is not None
    guide.title = GUIDE_SHEET
    used = {GUIDE_SHEET.casefold(), META_SHEET.casefold()}
    titles = [_sheet_title(name, used) for name in sheets]
    _write_guide(guide, meta, titles)
    hidden = wb.create_sheet(META_SHEET)
    hidden.append(["marker", MARKER, "version", FORMAT_VERSION])
    hidden.append(["campaign", meta.campaign, "partner", meta.partner])
    hidden.append(["batch", meta.batch, "exported_at", meta.exported_at.isoformat()])
    hidden.append(["key", "siret", "checksum", "sheet"])
    meta_row = 4
    count = 0
    for title, rows in zip(titles, sheets.values(), strict=True):
        ws = wb.create_sheet(title)
        keys = [f"{meta.batch}-{count + i:06d}" for i in range(1, len(rows) + 1)]
        for key, row in zip(keys, rows, strict=True):
            hidden.append([key, row.siret, row_checksum(row.siret, row.name), title])
            meta_row += 1
            hidden.cell(meta_row, 2).number_format = "@"
        _write_sheet(ws, rows, meta, keys)
        count += len(rows)
    hidden.sheet_state = "hidden"
    hidden.protection.sheet = True
    wb.move_sheet(hidden, offset=len(wb.sheetnames))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return count
