"""After a session: how many took part, job offers, hires, comment, and which invitees came."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select

from planner.db import models
from planner.db.store import CampaignStore
from planner.domain.errors import PlannerError
from planner.domain.session_labels import INVITEE_STATUSES


def validate_outcome(
    attendance: int | None,
    jobs_offered: int | None,
    hires: int | None,
    invitee_statuses: Mapping[str, str] | None = None,
) -> None:
    """Check a session's outcome before anything is written.

    Raises:
        PlannerError: a negative count, more hires than job offers, or an
            unknown invitation status.
    """
    for value, label in (
        (attendance, "Participants"),
        (jobs_offered, "Offres d'emploi"),
        (hires, "Recrutements"),
    ):
        if value is not None and value < 0:
            raise PlannerError(f"{label} : un nombre positif ou nul est attendu ({value}).")
    if hires is not None and jobs_offered is not None and hires > jobs_offered:
        raise PlannerError(
            f"Plus de recrutements ({hires}) que d'offres d'emploi présentées ({jobs_offered})."
        )
    unknown = sorted(set((invitee_statuses or {}).values()) - INVITEE_STATUSES.keys())
    if unknown:
        raise PlannerError(f"Statut d'invitation inconnu : {', '.join(unknown)}.")


def record_outcome(
    store: CampaignStore,
    session_id: int,
    *,
    attendance: int | None,
    jobs_offered: int | None,
    hires: int | None,
    notes: str | None,
    invitee_statuses: Mapping[str, str] | None = None,
) -> None:
    """Write the session's outcome after the event, in one transaction.

    Args:
        attendance: how many people took part.
        jobs_offered: job offers presented by the firms.
        hires: hires that followed.
        notes: the coordinator's comment.
        invitee_statuses: SIRET -> invitation status (``attended``, ``absent``...)
            of the invitees whose status changes; other invitees are kept.

    Raises:
        PlannerError: see :func:`validate_outcome`, or a firm that is not
            invited; nothing is written then.
    """
    validate_outcome(attendance, jobs_offered, hires, invitee_statuses)
    with store.session() as session:
        row = session.get(models.DiscoverySession, session_id)
        if row is None:
            raise PlannerError(f"Séance introuvable : {session_id}.")
        row.attendance, row.jobs_offered, row.hires = attendance, jobs_offered, hires
        row.outcome_notes = notes.strip() if notes and notes.strip() else None
        invitees = {
            i.siret: i
            for i in session.scalars(
                select(models.SessionInvitee).where(models.SessionInvitee.session_id == session_id)
            )
        }
        for siret, status in (invitee_statuses or {}).items():
            if siret not in invitees:
                raise PlannerError(f"L'établissement {siret} n'est pas invité à cette séance.")
            invitees[siret].status = status
