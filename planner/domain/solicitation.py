"""Contact pressure: how many solicitations a firm may receive, and why a firm is not
to be solicited at all (*ne pas solliciter*)."""

from __future__ import annotations

from dataclasses import dataclass

BLOCK_REASONS: dict[str, str] = {
    "refusal": "Refus exprimé",
    "closed": "Entreprise fermée",
    "followed_elsewhere": "Déjà suivie hors task force",
    "other": "Autre",
}
"""Reason code → French label of a *ne pas solliciter* mark."""


@dataclass(frozen=True, slots=True)
class SolicitationCap:
    """At most ``count`` contacts, all partners together, in ``days`` days (a firm that has
    had ``count`` contacts in the last ``days`` days is left out of call lists)."""

    count: int = 2
    days: int = 30

    def __post_init__(self) -> None:
        if not 1 <= self.count <= 100:
            raise ValueError("Le plafond de sollicitations doit être compris entre 1 et 100.")
        if not 1 <= self.days <= 366:
            raise ValueError("La période du plafond doit être comprise entre 1 et 366 jours.")


EXCLUSION_LABELS: dict[str, str] = {
    "blocked": "marquée « ne pas solliciter »",
    "over_cap": "plafond de sollicitations atteint",
}
"""Why a firm is left out of a call list or an invitee suggestion."""
