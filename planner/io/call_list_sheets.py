"""The call list workbook's shared parts: cell formats, text as xlsxwriter must receive
it, the print setup, the guide sheet and the data sheets' drop-downs and checks (the
writer is :mod:`planner.io.call_list_workbook`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from planner.domain.outcomes import OUTCOMES
from planner.domain.service_offer import SERVICE_STATUSES
from planner.io.call_list_layout import (
    _DATE,
    _FILL_GREEN,
    _GUIDE_LINE,
    _KEY_BLUE,
    _TO_FILL,
    _VALIDATED_ROWS,
    FILL_COLUMNS,
    HEADERS,
    KEY_COLUMNS,
    META_SHEET,
    NO_MORE_HEADER,
    SERVICE_DATE_HEADER,
    SERVICE_HEADER,
    SERVICE_QUANTITY_HEADER,
    SERVICE_STATUS_HEADER,
    CallListMeta,
    cell_text,
)

COLUMN_INDEX = {header: index for index, header in enumerate(HEADERS)}
"""0-based column of each header in a data sheet."""
LIST_COLUMN = 7
"""0-based column (H) of the hidden sheet holding the services' codes: the source of
the « Service » drop-down (too long to be written in the rule itself)."""


def xlsx_text(value: str) -> str:
    """``value`` as xlsxwriter must receive it to store exactly that text.

    In ``constant_memory`` mode xlsxwriter copies a string shaped ``<r>…</r>``
    into the file as rich-text XML, unescaped; such a value is handed over as
    an escaped rich-text run instead, which reads back as the same text.
    """
    value = cell_text(value)
    if value.startswith("<r>") and value.endswith("</r>"):
        return f'<r><t xml:space="preserve">{escape(value)}</t></r>'
    return value


class Formats:
    """The workbook's shared cell formats (one object each, reused by every cell)."""

    def __init__(self, wb: Any) -> None:
        header = {"bold": True, "font_color": "#FFFFFF", "text_wrap": True, "valign": "vcenter"}
        self.key_header = wb.add_format({**header, "bg_color": _KEY_BLUE})
        self.fill_header = wb.add_format({**header, "bg_color": _FILL_GREEN})
        self.text = wb.add_format({"num_format": "@"})
        self.date = wb.add_format({"num_format": _DATE})
        self.to_fill = wb.add_format({"locked": False, "bg_color": _TO_FILL})
        self.to_fill_date = wb.add_format(
            {"locked": False, "bg_color": _TO_FILL, "num_format": _DATE}
        )
        self.unlocked = wb.add_format({"locked": False})
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.bold = wb.add_format({"bold": True, "valign": "top"})
        self.wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        self.top = wb.add_format({"valign": "top"})


def print_setup(ws: Any) -> None:
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)  # one page wide, as many pages tall as needed
    ws.set_margins(left=0.3, right=0.3, top=0.5, bottom=0.6)  # inches: more room for text


def guide_lines(meta: CallListMeta, sheets: Sequence[str]) -> list[tuple[str, str]]:
    """The guide sheet's lines under its title: (label, text)."""
    lines: list[tuple[str, str]] = [
        ("Campagne", meta.campaign),
        ("Partenaire", meta.partner),
        ("Exportée le", meta.exported_at.strftime("%d/%m/%Y à %H:%M")),
        ("Onglets", ", ".join(sheets)),
        ("Nomenclature NAF", meta.nomenclature),
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
    if meta.services:
        lines += [("", ""), ("Codes des services", "Service")]
        lines += [(code, name) for code, name in meta.services]
    lines += [
        ("", ""),
        (
            "Impression",
            "La zone d'impression tient les colonnes utiles à l'appel (paysage A4, une page "
            "de large) ; les autres colonnes suivent, hors de la zone imprimée.",
        ),
    ]
    return lines


def write_guide(ws: Any, fmt: Formats, meta: CallListMeta, sheets: Sequence[str]) -> None:
    ws.write_string(0, 0, xlsx_text(f"Liste d'appels — {meta.partner}"), fmt.title)
    for index, (label, text) in enumerate(guide_lines(meta, sheets), start=2):
        wrapped = -(-len(text) // _GUIDE_LINE)
        if wrapped > 1:  # LibreOffice does not grow a row to fit wrapped text
            ws.set_row(index, 15 * wrapped)
        if label:
            ws.write_string(index, 0, xlsx_text(label), fmt.bold)
        if text:
            ws.write_string(index, 1, xlsx_text(text), fmt.wrap)
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 90)
    print_setup(ws)


def add_validations(ws: Any, last_row: int, services: int) -> None:
    """Drop-downs (outcome, service, its status, « ne plus solliciter »), dates and whole
    numbers checked (0-based ``last_row``; ``services``: length of the service list)."""
    last = max(last_row, 1) + _VALIDATED_ROWS
    date_rule: dict[str, Any] = {
        "validate": "date",
        "criteria": "between",
        "minimum": dt.date(2000, 1, 1),
        "maximum": dt.date(2100, 1, 1),
        "error_message": "Saisissez une date jj/mm/aaaa.",
    }
    count_rule: dict[str, Any] = {
        "validate": "integer",
        "criteria": "between",
        "minimum": 0,
        "maximum": 10000,
    }
    rules: list[tuple[str, dict[str, Any]]] = [
        (
            "Résultat",
            {
                "validate": "list",
                "source": list(OUTCOMES),
                "error_title": "Résultat",
                "error_message": "Choisissez un résultat dans la liste.",
            },
        ),
        ("Date de l'appel", date_rule),
        (
            "Nombre de postes",
            {**count_rule, "error_message": "Saisissez un nombre entier de postes."},
        ),
        (
            SERVICE_STATUS_HEADER,
            {
                "validate": "list",
                "source": list(SERVICE_STATUSES.values()),
                "error_title": "Statut du service",
                "error_message": "Choisissez un statut dans la liste.",
            },
        ),
        (SERVICE_DATE_HEADER, date_rule),
        (
            SERVICE_QUANTITY_HEADER,
            {**count_rule, "error_message": "Saisissez un nombre entier."},
        ),
        (
            NO_MORE_HEADER,
            {
                "validate": "list",
                "source": ["Oui", "Non"],
                "error_title": "Ne plus solliciter",
                "error_message": "Choisissez Oui ou Non.",
            },
        ),
    ]
    if services:
        # The catalogue's codes are too long for a list written in the rule (255
        # characters at most): the rule points at column H of the hidden sheet.
        rules.append(
            (
                SERVICE_HEADER,
                {
                    "validate": "list",
                    "source": f"='{META_SHEET}'!$H$1:$H${services}",
                    "error_title": "Service",
                    "error_message": "Choisissez un service dans la liste.",
                },
            )
        )
    for header, rule in rules:
        col = COLUMN_INDEX[header]
        ws.data_validation(1, col, last, col, {"ignore_blank": True, **rule})
