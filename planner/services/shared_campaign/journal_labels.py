"""French names of the journaled tables, their fields and the journal's actions."""

from __future__ import annotations

from planner.domain.service_offer import SERVICE_STATUSES
from planner.domain.session_labels import INVITEE_STATUSES, SESSION_KINDS, SESSION_STATUSES
from planner.domain.solicitation import BLOCK_REASONS
from planner.services.task_force.partner_portfolios.claim_states import STATE_LABELS

TABLE_LABELS: dict[str, str] = {
    "assignment": "Attribution",
    "contact": "Contact",
    "contact_need": "Besoin de recrutement",
    "discovery_session": "Séance",
    "session_invitee": "Invitation à une séance",
    "session_host": "Entreprise d'accueil d'une séance",
    "session_theme": "Thème d'une séance",
    "session_partner": "Partenaire d'une séance",
    "session_adviser": "Conseiller d'une séance",
    "venue": "Lieu",
    "partner": "Partenaire",
    "team": "Équipe",
    "adviser": "Conseiller",
    "remit_rule": "Règle de compétence",
    "setting": "Paramètre",
    "access_grant": "Accès",
    "supported_firm": "Entreprise déjà accompagnée",
    "service_offer": "Service de l'offre",
    "service_offer_partner": "Partenaire qui rend un service",
    "contact_service": "Service proposé ou réalisé",
    "firm_block": "Ne pas solliciter",
    "portfolio_claim": "Portefeuille d'un partenaire",
}
"""French name of each journaled table."""

ACTION_LABELS: dict[str, str] = {
    "insert": "création",
    "update": "modification",
    "delete": "suppression",
}

HIDDEN_FIELDS = frozenset({"version"})
"""Fields the journal keeps but does not show (the row version changes with every write)."""

NAMED_IDS: dict[str, str] = {
    "team_id": "team",
    "adviser_id": "adviser",
    "partner_id": "partner",
    "venue_id": "venue",
    "session_id": "discovery_session",
    "offer_id": "service_offer",
}
"""Id fields shown by the name of the row they point to (its table)."""

BOOLEAN_FIELDS = frozenset(
    {
        "locked",
        "offer_deposited",
        "exclusive",
        "non_diffusible",
        "siege",
        "counts_as_accompaniment",
        "active",
    }
)
"""Fields SQLite stores as 0/1 that read « oui »/« non »."""

FIELD_LABELS: dict[str, str] = {
    "id": "Numéro",
    "siret": "SIRET",
    "team_id": "Équipe",
    "adviser_id": "Conseiller",
    "partner_id": "Partenaire",
    "venue_id": "Lieu",
    "session_id": "Séance",
    "contact_id": "Contact n°",
    "locked": "Verrouillée",
    "source": "Origine",
    "assigned_at": "Attribuée le",
    "date": "Date",
    "adviser_name": "Nom du conseiller",
    "channel": "Canal",
    "outcome": "Résultat",
    "contact_person": "Interlocuteur",
    "phone": "Téléphone",
    "email": "Courriel",
    "session_interest": "Intérêt pour une séance",
    "next_step": "Suite à donner",
    "comment": "Commentaire",
    "source_file": "Fichier d'origine",
    "source_row": "Ligne d'origine",
    "recorded_at": "Enregistré le",
    "rome_code": "Métier (ROME)",
    "posts": "Postes",
    "offer_deposited": "Offre déposée",
    "name": "Nom",
    "kind": "Type",
    "exclusive": "Exclusif",
    "address": "Adresse",
    "lon": "Longitude",
    "lat": "Latitude",
    "base_lon": "Longitude de rattachement",
    "base_lat": "Latitude de rattachement",
    "capacity": "Capacité",
    "color": "Couleur",
    "value": "Valeur",
    "key": "Paramètre",
    "title": "Titre",
    "starts_at": "Début",
    "ends_at": "Fin",
    "series_id": "Série",
    "recurrence": "Récurrence",
    "status": "Statut",
    "attendance": "Participants",
    "outcome_notes": "Bilan",
    "clash_override": "Motif de dérogation",
    "jobs_offered": "Offres d'emploi",
    "hires": "Recrutements",
    "code": "Code",
    "commune_code": "Commune",
    "non_diffusible": "Non diffusible",
    "login": "Identifiant",
    "role": "Rôle",
    "granted_at": "Accordé le",
    "imported_at": "Importée le",
    "offer_id": "Service",
    "quantity": "Nombre",
    "counts_as_accompaniment": "Compte comme accompagnement",
    "quantity_label": "Nombre compté",
    "position": "Rang",
    "active": "Proposé",
    "reason": "Motif",
    "note": "Note",
    "until": "Jusqu'au",
    "blocked_at": "Marquée le",
    "blocked_by": "Par",
    "adviser_email": "Courriel du conseiller",
    "since": "Suivie depuis",
    "state": "État",
    "source_line": "Ligne d'origine",
}
"""French name of each journaled field (unknown fields keep their column name)."""


def field_label(field: str) -> str:
    """The French name of a journaled field."""
    return FIELD_LABELS.get(field, field)


VALUE_LABELS: dict[tuple[str, str], dict[str, str]] = {
    ("discovery_session", "status"): SESSION_STATUSES,
    ("discovery_session", "kind"): SESSION_KINDS,
    ("session_invitee", "status"): INVITEE_STATUSES,
    ("assignment", "source"): {
        "auto": "répartition automatique",
        "manual": "manuelle",
        "portfolio": "portefeuille du partenaire",
    },
    ("contact_service", "status"): SERVICE_STATUSES,
    ("firm_block", "reason"): BLOCK_REASONS,
    ("firm_block", "source"): {
        "manual": "saisie",
        "workbook": "classeur de suivi",
        "import": "import",
    },
    ("portfolio_claim", "state"): STATE_LABELS,
}
"""French words for coded values, by (table, field)."""


def value_label(table: str, field: str, text: str) -> str:
    """A coded value's French word (the value itself when it has none)."""
    return VALUE_LABELS.get((table, field), {}).get(text, text)
