"""Excel export: the list of sessions, and per session its invitees and their contact status
(the workbook's layout is :mod:`planner.io.sessions_workbook`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import func, select

from planner.db import models
from planner.db.store import CampaignStore
from planner.domain.session_labels import INVITEE_STATUSES, kind_label, status_label
from planner.io.sessions_workbook import InviteeRow, SessionRow, write_sessions_book
from planner.services.sessions.planning import SessionRecord
from planner.services.sessions.themes import theme_text
from planner.services.sirene_import.non_diffusible import firm_label


def _session_row(r: SessionRecord) -> SessionRow:
    return SessionRow(
        id=r.id,
        date=r.starts_at.date(),
        start=r.starts_at.strftime("%H:%M"),
        end=r.ends_at.strftime("%H:%M"),
        title=r.title,
        kind=kind_label(r.kind),
        status=status_label(r.status),
        venue=r.venue.name if r.venue else None,
        address=r.venue.address if r.venue else None,
        capacity=r.capacity,
        invitees=r.invitees,
        attendance=r.attendance,
        partners=", ".join(r.partners.values()),
        advisers=", ".join(r.advisers.values()),
        hosts=", ".join(r.hosts.values()),
        theme=theme_text(r.themes),
        present=r.present,
        jobs_offered=r.jobs_offered,
        hires=r.hires,
        outcome_notes=r.outcome_notes,
    )


def _invitee_rows(store: CampaignStore, records: Sequence[SessionRecord]) -> list[InviteeRow]:
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
    return [
        InviteeRow(
            session_id=sid,
            session_title=by_id[sid].title,
            session_date=by_id[sid].starts_at.date(),
            siret=siret,
            firm=firm_label(name, siret, withheld),
            town=town,
            invitation=INVITEE_STATUSES.get(status, status),
            last_contact=last_date,
            last_outcome=outcomes.get(siret) if last_date else None,
        )
        for sid, siret, name, withheld, town, status, last_date in rows
    ]


def write_sessions_workbook(
    store: CampaignStore, records: Sequence[SessionRecord], path: Path
) -> None:
    """Two sheets: « Séances » and « Invités » (with each firm's last contact)."""
    write_sessions_book([_session_row(r) for r in records], _invitee_rows(store, records), path)
