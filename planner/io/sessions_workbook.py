"""The sessions workbook: « Séances » (one row per session) and « Invités »
(one row per invited firm, with its last contact)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from planner.io.workbook_out import append_row, save_workbook

__all__ = ["INVITEE_HEADERS", "SESSION_HEADERS", "InviteeRow", "SessionRow", "write_sessions_book"]

SESSION_HEADERS = [
    "N°", "Date", "Début", "Fin", "Titre", "Type", "Statut", "Lieu", "Adresse", "Places",
    "Invités", "Participants", "Partenaires", "Conseillers", "Entreprises d'accueil", "Thème",
    "Entreprises présentes", "Offres d'emploi", "Recrutements", "Bilan",
]  # fmt: skip
INVITEE_HEADERS = [
    "N° séance", "Séance", "Date", "SIRET", "Entreprise", "Commune", "Invitation",
    "Dernier contact", "Résultat du dernier contact",
]  # fmt: skip
_SESSION_WIDTHS = [6, 12, 7, 7, 45, 22, 11, 30, 40, 7, 7, 8, 40, 30, 40, 30, 11, 9, 9, 50]
_INVITEE_WIDTHS = [9, 45, 12, 16, 40, 22, 12, 14, 30]
_DATE_FORMAT = "DD/MM/YYYY"


@dataclass(frozen=True)
class SessionRow:
    """One row of « Séances », labels already in French."""

    id: int
    date: dt.date
    start: str
    end: str
    title: str
    kind: str
    status: str
    venue: str | None
    address: str | None
    capacity: int | None
    invitees: int
    attendance: int | None
    partners: str
    advisers: str
    hosts: str
    theme: str
    present: int
    jobs_offered: int | None
    hires: int | None
    outcome_notes: str | None


@dataclass(frozen=True)
class InviteeRow:
    """One row of « Invités », labels already in French."""

    session_id: int
    session_title: str
    session_date: dt.date
    siret: str
    firm: str
    town: str | None
    invitation: str
    last_contact: dt.date | None
    last_outcome: str | None


def _widths(sheet: Worksheet, widths: list[int]) -> None:
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width


def write_sessions_book(
    sessions: Sequence[SessionRow], invitees: Sequence[InviteeRow], path: Path
) -> None:
    """Write both sheets to ``path``, atomically."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Séances"
    append_row(sheet, SESSION_HEADERS)
    for r in sessions:
        append_row(
            sheet,
            [
                r.id, r.date, r.start, r.end, r.title, r.kind, r.status, r.venue, r.address,
                r.capacity, r.invitees, r.attendance, r.partners, r.advisers, r.hosts, r.theme,
                r.present, r.jobs_offered, r.hires, r.outcome_notes,
            ],
        )  # fmt: skip
        sheet.cell(sheet.max_row, 2).number_format = _DATE_FORMAT
    _widths(sheet, _SESSION_WIDTHS)
    invited = book.create_sheet("Invités")
    append_row(invited, INVITEE_HEADERS)
    for i in invitees:
        append_row(
            invited,
            [
                i.session_id, i.session_title, i.session_date, i.siret, i.firm, i.town,
                i.invitation, i.last_contact, i.last_outcome,
            ],
        )  # fmt: skip
        invited.cell(invited.max_row, 3).number_format = _DATE_FORMAT
        invited.cell(invited.max_row, 8).number_format = _DATE_FORMAT
    _widths(invited, _INVITEE_WIDTHS)
    for ws in (sheet, invited):
        ws.freeze_panes = "A2"
        for cell in ws[1]:
            cell.font = Font(bold=True)
    save_workbook(book, path)
