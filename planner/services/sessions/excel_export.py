"""Excel export: the list of sessions, and per session its invitees and their contact status."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import func, select

from planner.db import models
from planner.db.store import CampaignStore
from planner.domain.session_labels import INVITEE_STATUSES, kind_label, status_label
from planner.io.workbook_out import append_row, save_workbook
from planner.services.sessions.planning import SessionRecord
from planner.services.sessions.themes import theme_text
from planner.services.sirene_import.non_diffusible import firm_label

_SESSION_HEADERS = [
    "N°", "Date", "Début", "Fin", "Titre", "Type", "Statut", "Lieu", "Adresse", "Places",
    "Invités", "Participants", "Partenaires", "Conseillers", "Entreprises d'accueil", "Thème",
    "Entreprises présentes", "Offres d'emploi", "Recrutements", "Bilan",
]  # fmt: skip
_INVITEE_HEADERS = [
    "N° séance", "Séance", "Date", "SIRET", "Entreprise", "Commune", "Invitation",
    "Dernier contact", "Résultat du dernier contact",
]  # fmt: skip


def _widths(sheet: object, widths: list[int]) -> None:
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width  # type: ignore[attr-defined]


def write_sessions_workbook(
    store: CampaignStore, records: Sequence[SessionRecord], path: Path
) -> None:
    """Two sheets: « Séances » and « Invités » (with each firm's last contact)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Séances"
    append_row(sheet, _SESSION_HEADERS)
    for r in records:
        append_row(
            sheet,
            [
                r.id,
                r.starts_at.date(),
                r.starts_at.strftime("%H:%M"),
                r.ends_at.strftime("%H:%M"),
                r.title,
                kind_label(r.kind),
                status_label(r.status),
                r.venue.name if r.venue else None,
                r.venue.address if r.venue else None,
                r.capacity,
                r.invitees,
                r.attendance,
                ", ".join(r.partners.values()),
                ", ".join(r.advisers.values()),
                ", ".join(r.hosts.values()),
                theme_text(r.themes),
                r.present,
                r.jobs_offered,
                r.hires,
                r.outcome_notes,
            ],
        )
        sheet.cell(sheet.max_row, 2).number_format = "DD/MM/YYYY"
    _widths(sheet, [6, 12, 7, 7, 45, 22, 11, 30, 40, 7, 7, 8, 40, 30, 40, 30, 11, 9, 9, 50])
    invitees = book.create_sheet("Invités")
    append_row(invitees, _INVITEE_HEADERS)
    ids = [r.id for r in records]
    by_id = {r.id: r for r in records}
    SI, E, C = models.SessionInvitee, models.Establishment, models.Contact  # noqa: N806
    with store.session() as session:
        last = select(C.siret, func.max(C.date).label("last")).group_by(C.siret).subquery()
        rows = session.execute(
            select(
                SI.session_id,
                SI.siret,
                E.name,
                E.non_diffusible,
                E.libelle_commune,
                SI.status,
                last.c.last,
            )
            .join(E, E.siret == SI.siret)
            .outerjoin(last, last.c.siret == SI.siret)
            .where(SI.session_id.in_(ids))
            .order_by(SI.session_id, E.name)
        ).all()
        outcomes = dict(
            session.execute(select(C.siret, C.outcome).order_by(C.date, C.id)).tuples().all()
        )
    for sid, siret, name, withheld, town, status, last_date in rows:
        record = by_id[sid]
        append_row(
            invitees,
            [
                sid,
                record.title,
                record.starts_at.date(),
                siret,
                firm_label(name, siret, withheld),
                town,
                INVITEE_STATUSES.get(status, status),
                last_date,
                outcomes.get(siret) if last_date else None,
            ],
        )
        invitees.cell(invitees.max_row, 3).number_format = "DD/MM/YYYY"
        invitees.cell(invitees.max_row, 8).number_format = "DD/MM/YYYY"
    _widths(invitees, [9, 45, 12, 16, 40, 22, 12, 14, 30])
    for ws in (sheet, invitees):
        ws.freeze_panes = "A2"
        for cell in ws[1]:
            cell.font = Font(bold=True)
    save_workbook(book, path)
