"""A firm's card: its SIRENE fields and its follow-up, in titled parts with French labels.

``DETAIL_SECTIONS`` is the extension point: each part is a function that reads
what it needs from an open session. ``firm_detail_sections`` gives the detail
panel the card as :class:`CardSection` values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import NamedTuple

from sqlalchemy.orm import Session

from planner.db import models
from planner.db.store import CampaignStore
from planner.domain.headcount_bands import band_label
from planner.domain.nomenclature import (
    NAF2025,
    NAF2025_SIRENE_NAMES,
    REV2,
    REV2_SIRENE_NAMES,
    absent_label,
    nomenclature_name,
)
from planner.io.legal_categories import load_legal_categories
from planner.io.nomenclatures import load_nomenclature
from planner.services.campaign.naf_reference import reference_in_session
from planner.services.firms.card_followup import (
    assignment_fields,
    contact_fields,
    journal_fields,
    session_fields,
)
from planner.services.firms.firm_labels import (
    GEO_SOURCE_LABELS,
    NOMENCLATURE_LABELS,
    POSITION_OUTSIDE_COMMUNE,
    STATE_LABELS,
    format_date,
    format_siret,
)
from planner.services.sirene_import.non_diffusible import NON_DIFFUSIBLE_FIRM


def _yes_no(value: bool | str | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return {"O": "Oui", "N": "Non"}.get(value, value)
    return "Oui" if value else "Non"


def _street(firm: models.Establishment) -> str:
    parts = (firm.numero_voie, firm.indice_repetition, firm.type_voie, firm.libelle_voie)
    return " ".join(p.strip() for p in parts if p and p.strip())


def _decimal(value: float | None) -> str:
    return "" if value is None else f"{value:.6f}".replace(".", ",")


def _processed_at(value: str | None) -> str:
    if not value:
        return ""
    try:
        stamp = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    return f"{format_date(stamp.date())} à {stamp:%H:%M}"


# INSEE's « catégorie d'entreprise » (LME 2008), as SIRENE writes it.
FIRM_CATEGORY_LABELS: dict[str, str] = {
    "PME": "Petite ou moyenne entreprise (PME)",
    "ETI": "Entreprise de taille intermédiaire (ETI)",
    "GE": "Grande entreprise (GE)",
}


def legal_category_label(code: str | None) -> str:
    """``"5499"`` → « Société à responsabilité limitée (sans autre indication) (5499) ».

    A code missing from INSEE's niveau III list stays visible, said unknown.
    """
    if not code:
        return ""
    label = load_legal_categories().get(code.strip())
    if label is None:
        return f"{code} (code absent de la liste INSEE des catégories juridiques)"
    return f"{label} ({code})"


def firm_category_label(code: str | None) -> str:
    """``"PME"`` → « Petite ou moyenne entreprise (PME) »; other values as they are."""
    if not code:
        return ""
    return FIRM_CATEGORY_LABELS.get(code, code)


Fields = list[tuple[str, str]]
DetailSection = Callable[[Session, models.Establishment], Fields]
"""Fields of one part of a firm's card, in display order, from an open session."""


def _identity(session: Session, firm: models.Establishment) -> Fields:
    # A non-diffusible firm is not named, not even through its legal unit's name.
    unit = None if firm.non_diffusible else session.get(models.LegalUnit, firm.siren)
    fields: Fields = [
        ("Nom", NON_DIFFUSIBLE_FIRM if firm.non_diffusible else firm.name),
        ("Enseigne", firm.enseigne or ""),
        ("Dénomination usuelle", firm.denomination_usuelle or ""),
    ]
    if unit is not None:
        person = " ".join(p for p in (unit.prenom, unit.nom_usage or unit.nom) if p)
        fields += [
            ("Dénomination de l'entreprise", unit.denomination or ""),
            ("Sigle", unit.sigle or ""),
            ("Entrepreneur individuel", person if not unit.denomination else ""),
            ("Catégorie juridique", legal_category_label(unit.categorie_juridique)),
            ("Catégorie d'entreprise", firm_category_label(unit.categorie_entreprise)),
        ]
    fields += [
        ("SIRET", format_siret(firm.siret)),
        ("SIREN", format_siret(firm.siren)),
        ("NIC", firm.nic),
        ("Siège de l'entreprise", _yes_no(firm.siege)),
        ("État administratif", STATE_LABELS.get(firm.etat, firm.etat)),
        ("Date de création", format_date(firm.date_creation)),
    ]
    return fields


def _activity(session: Session, firm: models.Establishment) -> Fields:
    reference = reference_in_session(session)
    code = firm.naf_code or ""
    nomenclature = firm.naf_nomenclature or ("NAFRev2" if code else "")
    rev2 = load_nomenclature(REV2)
    naf25 = load_nomenclature(NAF2025)
    rev2_code = code if nomenclature in REV2_SIRENE_NAMES else ""
    naf25_code = (firm.naf25_code or "").strip() or (
        code if nomenclature in NAF2025_SIRENE_NAMES else ""
    )
    main_label = (rev2 if rev2_code else naf25).labels.get(code, "")
    naf = load_nomenclature(reference)
    # A code that is not a sous-classe of the reference (47.11, G…) has no section.
    ref_code = naf.known_subclass(rev2_code if reference == REV2 else naf25_code) or ""
    section = naf.section_of(ref_code)
    division = naf.division_of(ref_code)
    name = nomenclature_name(reference)
    other, other_code = (naf25, naf25_code) if reference == REV2 else (rev2, rev2_code)
    # The reference nomenclature first (what filters, remits and lists read), the
    # other one below, each labelled; then the code as SIRENE gives it.
    return [
        (
            f"Activité principale ({name})",
            f"{ref_code} – {naf.labels.get(ref_code, '')}" if ref_code else absent_label(reference),
        ),
        (
            f"Section {name}",
            f"{section} – {naf.sections[section]}" if section else absent_label(reference),
        ),
        (f"Division {name}", f"{division} – {naf.labels.get(division, '')}" if division else ""),
        (
            f"Activité principale ({other.name})",
            f"{other_code} – {other.labels.get(other_code, '')}" if other_code else "",
        ),
        ("Activité principale (SIRENE)", f"{code} – {main_label}" if main_label else code),
        ("Nomenclature de l'activité", NOMENCLATURE_LABELS.get(nomenclature, nomenclature)),
        ("Nomenclature de référence de la campagne", name),
        ("Activité au répertoire des métiers", firm.registre_metiers or ""),
        ("Tranche d'effectifs", band_label(firm.tranche_effectifs)),
        (
            "Année de la tranche d'effectifs",
            str(firm.annee_effectifs) if firm.annee_effectifs else "",
        ),
        ("Employeur", _yes_no(firm.caractere_employeur)),
    ]


def _location(session: Session, firm: models.Establishment) -> Fields:
    commune = session.get(models.BassinCommune, firm.commune_code)
    name = commune.name if commune is not None else (firm.libelle_commune or "")
    source = firm.commune_code_source
    return [
        ("Adresse", _street(firm)),
        ("Complément d'adresse", firm.complement_adresse or ""),
        ("Code postal", firm.code_postal or ""),
        ("Libellé de la commune (SIRENE)", firm.libelle_commune or ""),
        ("Commune", f"{name} ({firm.commune_code})" if name else firm.commune_code),
        (
            "Code commune dans le fichier SIRENE",
            source if source and source != firm.commune_code else "",
        ),
        ("Latitude", _decimal(firm.lat)),
        ("Longitude", _decimal(firm.lon)),
        (
            "Origine de la position",
            GEO_SOURCE_LABELS.get(firm.geo_source or "", firm.geo_source or ""),
        ),
        (
            "Contrôle de la position",
            POSITION_OUTSIDE_COMMUNE if firm.position_outside_commune else "",
        ),
    ]


def _record(_session: Session, firm: models.Establishment) -> Fields:
    return [
        ("Dans la cible de la campagne", _yes_no(firm.in_target)),
        ("Dernier traitement par l'INSEE", _processed_at(firm.date_dernier_traitement)),
    ]


DETAIL_SECTIONS: list[tuple[str, DetailSection]] = [
    ("Identification", _identity),
    ("Task force", assignment_fields),
    ("Prospection", contact_fields),
    ("Séances de découverte", session_fields),
    ("Journal des modifications", journal_fields),
    ("Activité et effectifs", _activity),
    ("Adresse", _location),
    ("Fiche SIRENE", _record),
]
"""The parts of a firm's card, in order: the extension point of the detail panel.

Later features (team and adviser, prospecting history, sessions) append a
``(title, function)`` here; each function reads what it needs from the
session it is given. Field labels must be unique across all sections.
"""


class CardSection(NamedTuple):
    """One titled part of a firm's card.

    A tuple, so that ``dict(firm_detail_sections(...))`` maps titles to fields.

    Attributes:
        title: the part's title (« Identification », « Adresse »…).
        fields: French label → text, in display order; empty values kept as ``""``.
    """

    title: str
    fields: dict[str, str]


def firm_detail_sections(store: CampaignStore, siret: str) -> list[CardSection]:
    """The firm's card as titled parts (see :data:`DETAIL_SECTIONS`); empty if unknown."""
    with store.session() as session:
        firm = session.get(models.Establishment, siret)
        if firm is None:
            return []
        return [
            CardSection(title, dict(section(session, firm))) for title, section in DETAIL_SECTIONS
        ]


def firm_details(store: CampaignStore, siret: str) -> dict[str, str]:
    """Every field of the firm's card, French label → text, in display order.

    Empty values are kept (as ``""``) so that the card always has the same
    shape; an unknown SIRET gives an empty dict.
    """
    details: dict[str, str] = {}
    for _title, fields in firm_detail_sections(store, siret):
        details.update(fields)
    return details
