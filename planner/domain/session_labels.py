"""Kinds and statuses of job-discovery sessions, with their French labels."""

from __future__ import annotations

SESSION_KINDS: dict[str, str] = {
    "discovery": "Découverte des métiers",
    "job_dating": "Job dating",
    "company_visit": "Visite d'entreprise",
    "information": "Réunion d'information",
    "other": "Autre",
}

SESSION_STATUSES: dict[str, str] = {
    "planned": "Prévue",
    "confirmed": "Confirmée",
    "held": "Tenue",
    "cancelled": "Annulée",
}

INVITEE_STATUSES: dict[str, str] = {
    "invited": "Invitée",
    "accepted": "Inscrite",
    "declined": "Excusée",
    "attended": "Présente",
    "absent": "Absente",
}


def kind_label(kind: str) -> str:
    """The French label of a session kind (the code itself when unknown)."""
    return SESSION_KINDS.get(kind, kind)


def status_label(status: str) -> str:
    """The French label of a session status (the code itself when unknown)."""
    return SESSION_STATUSES.get(status, status)
