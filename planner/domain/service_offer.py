"""The shared service offer of a task force: the seeded catalogue and the statuses
a service goes through for a firm (proposé → accepté → réalisé, or refusé)."""

from __future__ import annotations

from dataclasses import dataclass

from planner.domain.text_fold import fold

SERVICE_STATUSES: dict[str, str] = {
    "proposed": "Proposé",
    "accepted": "Accepté",
    "done": "Réalisé",
    "refused": "Refusé",
}
"""Status code → French label, in the order a service goes through them."""

DONE = "done"
"""The status that makes a service count (a firm is *accompagnée* by a realised service
that counts as accompaniment)."""


@dataclass(frozen=True, slots=True)
class SeedService:
    """A service of the common offer that every new campaign's catalogue starts with.

    Attributes:
        code: short stable code (also what the call-list workbooks show).
        name: French name.
        counts_as_accompaniment: whether realising it makes the firm *accompagnée*.
        quantity_label: what its number counts (« postes », « personnes »), or None
            when no number applies.
    """

    code: str
    name: str
    counts_as_accompaniment: bool
    quantity_label: str | None


SEED_SERVICES: tuple[SeedService, ...] = (
    SeedService("OFFRE", "Offre d'emploi déposée", True, "postes"),
    SeedService(
        "POEI", "Préparation opérationnelle à l'emploi individuelle (POEI)", True, "personnes"
    ),
    SeedService("AFPR", "Action de formation préalable au recrutement (AFPR)", True, "personnes"),
    SeedService("PMSMP", "Immersion professionnelle (PMSMP)", True, "personnes"),
    SeedService("MRS", "Recrutement par simulation (MRS)", True, "postes"),
    SeedService("JOB_DATING", "Job dating", True, "personnes"),
    SeedService("SESSION_DECOUVERTE", "Session de découverte des métiers", True, "personnes"),
    SeedService("ALTERNANCE", "Contrat d'apprentissage / alternance", True, "postes"),
    SeedService("AIDE_EMBAUCHE", "Aide à l'embauche", True, "postes"),
    SeedService("CONSEIL_RH", "Accompagnement RH / conseil en recrutement", True, None),
    SeedService("PRESENTATION", "Présentation de candidats", True, "personnes"),
)
"""The common services (issue 14), seeded in every campaign by migration 0011."""

SESSION_KIND_SERVICES: dict[str, str] = {
    "discovery": "SESSION_DECOUVERTE",
    "company_visit": "SESSION_DECOUVERTE",
    "job_dating": "JOB_DATING",
}
"""Session kind → the catalogue code of the service a held session realises for its host
firms and the invited firms that came."""


_STATUS_BY_FOLDED: dict[str, str] = {
    **{fold(label): code for code, label in SERVICE_STATUSES.items()},
    **{fold(label[:-1] + "ée"): code for code, label in SERVICE_STATUSES.items()},
    **{code: code for code in SERVICE_STATUSES},
}


def normalize_service_status(value: str) -> str | None:
    """The status code for what was typed (« Réalisé », « realise », « réalisée »…), or None."""
    return _STATUS_BY_FOLDED.get(fold(value))
