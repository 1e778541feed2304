"""SQLAlchemy models of a campaign: the whole product's schema.

One database (a ``.planner`` SQLite file, or a PostgreSQL database) holds one
campaign. Establishments are keyed by SIRET; everything a coordinator records
(assignments, contacts, sessions) hangs off the SIRET so that a re-import of a
newer SIRENE stock never loses it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.db.base import NAMING_CONVENTION, Base, Versioned, now
from planner.db.journal_models import AccessGrant, JournalEntry
from planner.db.journey_models import (
    ContactService,
    FirmBlock,
    PortfolioClaim,
    ServiceOffer,
    ServiceOfferPartner,
)
from planner.domain.json_types import JsonObject

__all__ = [
    "NAMING_CONVENTION",
    "AccessGrant",
    "Base",
    "ContactService",
    "FirmBlock",
    "JournalEntry",
    "PortfolioClaim",
    "ServiceOffer",
    "ServiceOfferPartner",
    "Versioned",
]

# --- campaign and geography -------------------------------------------------


class Campaign(Base):
    """The campaign this database holds (exactly one row)."""

    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    bassin_kind: Mapped[str] = mapped_column(String(20))
    bassin_code: Mapped[str] = mapped_column(String(50))
    bassin_label: Mapped[str] = mapped_column(String(200))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)


class BassinCommune(Base):
    """A current commune of the bassin, with its boundary (WKB, WGS84)."""

    __tablename__ = "bassin_commune"

    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    population: Mapped[int | None]
    departement: Mapped[str] = mapped_column(String(3))
    epci: Mapped[str | None] = mapped_column(String(9))
    ept: Mapped[str | None] = mapped_column(String(9))
    geometry_wkb: Mapped[bytes | None]
    source_codes: Mapped[str | None] = mapped_column(String(200))


class ImportRun(Base):
    """One import of SIRENE files (or of another source), with its summary."""

    __tablename__ = "import_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    started_at: Mapped[dt.datetime] = mapped_column(default=now)
    finished_at: Mapped[dt.datetime | None]
    files: Mapped[JsonObject] = mapped_column(default=dict)
    options: Mapped[JsonObject] = mapped_column(default=dict)
    summary: Mapped[JsonObject] = mapped_column(default=dict)


class NonDiffusibleCount(Base):
    """Establishments withheld from publication: only their count is kept."""

    __tablename__ = "non_diffusible_count"

    import_id: Mapped[int] = mapped_column(
        ForeignKey("import_run.id", ondelete="CASCADE"), primary_key=True
    )
    commune_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    active: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)


class Setting(Versioned, Base):
    """Campaign-wide settings (priority weights, last export, ...)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[JsonObject] = mapped_column(default=dict)


# --- firms -------------------------------------------------------------------


class LegalUnit(Base):
    """A SIRENE legal unit (unité légale), for legal names and categories."""

    __tablename__ = "legal_unit"

    siren: Mapped[str] = mapped_column(String(9), primary_key=True)
    denomination: Mapped[str | None] = mapped_column(String(200))
    sigle: Mapped[str | None] = mapped_column(String(50))
    nom: Mapped[str | None] = mapped_column(String(100))
    nom_usage: Mapped[str | None] = mapped_column(String(100))
    prenom: Mapped[str | None] = mapped_column(String(100))
    categorie_juridique: Mapped[str | None] = mapped_column(String(4))
    categorie_entreprise: Mapped[str | None] = mapped_column(String(3))
    tranche_effectifs: Mapped[str | None] = mapped_column(String(2))
    date_creation: Mapped[dt.date | None]
    etat: Mapped[str | None] = mapped_column(String(1))


class Establishment(Base):
    """A SIRENE establishment of the bassin, keyed by SIRET.

    ``in_target`` says whether it passed the import filters the last time it
    was seen; establishments are never deleted, so that prospecting history
    and assignments survive any re-import.
    """

    __tablename__ = "establishment"

    siret: Mapped[str] = mapped_column(String(14), primary_key=True)
    siren: Mapped[str] = mapped_column(String(9), index=True)
    nic: Mapped[str] = mapped_column(String(5))
    name: Mapped[str] = mapped_column(String(300), default="")
    enseigne: Mapped[str | None] = mapped_column(String(200))
    denomination_usuelle: Mapped[str | None] = mapped_column(String(200))
    etat: Mapped[str] = mapped_column(String(1))
    date_creation: Mapped[dt.date | None]
    tranche_effectifs: Mapped[str | None] = mapped_column(String(2))
    annee_effectifs: Mapped[int | None]
    caractere_employeur: Mapped[str | None] = mapped_column(String(1))
    siege: Mapped[bool] = mapped_column(Boolean, default=False)
    naf_code: Mapped[str | None] = mapped_column(String(8))
    naf_nomenclature: Mapped[str | None] = mapped_column(String(10))
    naf25_code: Mapped[str | None] = mapped_column(String(8))
    registre_metiers: Mapped[str | None] = mapped_column(String(8))
    numero_voie: Mapped[str | None] = mapped_column(String(10))
    indice_repetition: Mapped[str | None] = mapped_column(String(5))
    type_voie: Mapped[str | None] = mapped_column(String(10))
    libelle_voie: Mapped[str | None] = mapped_column(String(200))
    complement_adresse: Mapped[str | None] = mapped_column(String(200))
    code_postal: Mapped[str | None] = mapped_column(String(5))
    commune_code: Mapped[str] = mapped_column(String(5), index=True)
    commune_code_source: Mapped[str | None] = mapped_column(String(5))
    libelle_commune: Mapped[str | None] = mapped_column(String(100))
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    geo_source: Mapped[str | None] = mapped_column(String(20))
    date_dernier_traitement: Mapped[str | None] = mapped_column(String(19))
    in_target: Mapped[bool] = mapped_column(Boolean, default=True)
    source_hash: Mapped[str] = mapped_column(String(16))
    first_import_id: Mapped[int | None] = mapped_column(ForeignKey("import_run.id"))
    last_import_id: Mapped[int | None] = mapped_column(ForeignKey("import_run.id"))
    # Became non-diffusible (statut P) in a later stock (0008): only the SIRET,
    # the commune and the non-identifying SIRENE fields are kept.
    non_diffusible: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The position lies more than 200 m outside the commune's boundary (0009), as
    # the last import's spatial join found: a geocoding to check.
    position_outside_commune: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )


class SupportedFirm(Base):
    """A firm already supported, from another tool's export (flag or leave out)."""

    __tablename__ = "supported_firm"

    siret: Mapped[str] = mapped_column(String(14), primary_key=True)
    source: Mapped[str] = mapped_column(String(200))
    imported_at: Mapped[dt.datetime] = mapped_column(default=now)


# --- task force: partners, teams, advisers, assignments ----------------------


class Partner(Versioned, Base):
    """A partner organisation of the task force (France Travail, CCI, CMA...)."""

    __tablename__ = "partner"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    exclusive: Mapped[bool] = mapped_column(Boolean, default=False)
    address: Mapped[str | None] = mapped_column(String(300))
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)

    teams: Mapped[list[Team]] = relationship(back_populates="partner", cascade="all, delete-orphan")
    rules: Mapped[list[RemitRule]] = relationship(cascade="all, delete-orphan")


class RemitRule(Versioned, Base):
    """One remit rule of a partner: which firms it may be given."""

    __tablename__ = "remit_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # naf | band | commune | craft | created_since
    value: Mapped[str] = mapped_column(String(200))


class Team(Versioned, Base):
    """A prospecting team of a partner, with its capacity for the campaign."""

    __tablename__ = "team"
    __table_args__ = (UniqueConstraint("partner_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int | None]
    color: Mapped[str | None] = mapped_column(String(7))

    partner: Mapped[Partner] = relationship(back_populates="teams")
    advisers: Mapped[list[Adviser]] = relationship(
        back_populates="team", cascade="all, delete-orphan"
    )


class Adviser(Versioned, Base):
    """An adviser (conseiller) of a team."""

    __tablename__ = "adviser"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(30))
    capacity: Mapped[int | None]
    base_lon: Mapped[float | None] = mapped_column(Float)
    base_lat: Mapped[float | None] = mapped_column(Float)

    team: Mapped[Team] = relationship(back_populates="advisers")


class Assignment(Versioned, Base):
    """Who prospects a firm: its team and its named adviser (conseiller attitré)."""

    __tablename__ = "assignment"

    siret: Mapped[str] = mapped_column(
        ForeignKey("establishment.siret", ondelete="CASCADE"), primary_key=True
    )
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    adviser_id: Mapped[int | None] = mapped_column(
        ForeignKey("adviser.id", ondelete="SET NULL"), index=True
    )
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(10), default="auto")  # auto | manual
    assigned_at: Mapped[dt.datetime] = mapped_column(default=now)


# --- prospecting history -------------------------------------------------------


class Contact(Versioned, Base):
    """One dated prospecting contact with a firm, and its outcome."""

    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    siret: Mapped[str] = mapped_column(
        ForeignKey("establishment.siret", ondelete="CASCADE"), index=True
    )
    date: Mapped[dt.date]
    adviser_id: Mapped[int | None] = mapped_column(ForeignKey("adviser.id", ondelete="SET NULL"))
    adviser_name: Mapped[str | None] = mapped_column(String(200))
    channel: Mapped[str | None] = mapped_column(String(30))
    outcome: Mapped[str] = mapped_column(String(50))
    contact_person: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(200))
    session_interest: Mapped[str | None] = mapped_column(String(20))
    next_step: Mapped[str | None] = mapped_column(Text)
    comment: Mapped[str | None] = mapped_column(Text)
    source_file: Mapped[str | None] = mapped_column(String(300))
    source_row: Mapped[str | None] = mapped_column(String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=now)

    needs: Mapped[list[ContactNeed]] = relationship(cascade="all, delete-orphan")


class ContactNeed(Versioned, Base):
    """A recruitment need collected during a contact: a ROME métier and posts."""

    __tablename__ = "contact_need"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    rome_code: Mapped[str | None] = mapped_column(String(5))
    posts: Mapped[int | None]
    offer_deposited: Mapped[bool] = mapped_column(Boolean, default=False)


# --- job-discovery sessions ----------------------------------------------------


class Venue(Versioned, Base):
    """Where a session takes place."""

    __tablename__ = "venue"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # partner | mairie | host | free
    address: Mapped[str | None] = mapped_column(String(300))
    commune_code: Mapped[str | None] = mapped_column(String(5))
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    siret: Mapped[str | None] = mapped_column(String(14))
    # Made from the site of a firm that became non-diffusible (0008): its name,
    # address and position are wiped and the coordinator must replace it.
    non_diffusible: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class DiscoverySession(Versioned, Base):
    """A job-discovery session, job dating, company visit or information meeting."""

    __tablename__ = "discovery_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[dt.datetime] = mapped_column(index=True)
    ends_at: Mapped[dt.datetime]
    series_id: Mapped[str | None] = mapped_column(String(36), index=True)
    recurrence: Mapped[str | None] = mapped_column(String(200))
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venue.id", ondelete="SET NULL"))
    capacity: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(12), default="planned")
    attendance: Mapped[int | None]
    outcome_notes: Mapped[str | None] = mapped_column(Text)
    clash_override: Mapped[str | None] = mapped_column(Text)
    # After the event (0007): job offers presented and hires that followed.
    jobs_offered: Mapped[int | None]
    hires: Mapped[int | None]


class SessionTheme(Base):
    """A theme of a session: a ROME métier or a NAF sector."""

    __tablename__ = "session_theme"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("discovery_session.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(4), primary_key=True)  # rome | naf
    code: Mapped[str] = mapped_column(String(8), primary_key=True)


class SessionPartner(Base):
    """A co-organising partner of a session."""

    __tablename__ = "session_partner"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("discovery_session.id", ondelete="CASCADE"), primary_key=True
    )
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partner.id", ondelete="CASCADE"), primary_key=True
    )


class SessionAdviser(Base):
    """A responsible adviser of a session."""

    __tablename__ = "session_adviser"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("discovery_session.id", ondelete="CASCADE"), primary_key=True
    )
    adviser_id: Mapped[int] = mapped_column(
        ForeignKey("adviser.id", ondelete="CASCADE"), primary_key=True
    )


class SessionHost(Base):
    """A host firm of a session."""

    __tablename__ = "session_host"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("discovery_session.id", ondelete="CASCADE"), primary_key=True
    )
    siret: Mapped[str] = mapped_column(
        ForeignKey("establishment.siret", ondelete="CASCADE"), primary_key=True
    )


class SessionInvitee(Versioned, Base):
    """A firm invited to a session, and whether it came."""

    __tablename__ = "session_invitee"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("discovery_session.id", ondelete="CASCADE"), primary_key=True
    )
    siret: Mapped[str] = mapped_column(
        ForeignKey("establishment.siret", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(12), default="invited")


# --- labour market -------------------------------------------------------------


class BmoProject(Base):
    """France Travail's BMO survey for a bassin: recruitment projects of one métier.

    A figure is ``None`` with its ``*_withheld`` flag set when the survey
    withholds it (``*`` in the open data): it is never stored as zero.
    """

    __tablename__ = "bmo_project"
    __table_args__ = (UniqueConstraint("year", "bassin_code", "departement", "metier_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    bassin_code: Mapped[str] = mapped_column(String(10))
    bassin_label: Mapped[str] = mapped_column(String(200))
    departement: Mapped[str] = mapped_column(String(3), default="")
    metier_code: Mapped[str] = mapped_column(String(10))
    metier_label: Mapped[str] = mapped_column(String(200))
    family_label: Mapped[str | None] = mapped_column(String(200))
    projects: Mapped[int | None]
    difficult: Mapped[int | None]
    seasonal: Mapped[int | None]
    projects_withheld: Mapped[bool] = mapped_column(Boolean, default=False)
    difficult_withheld: Mapped[bool] = mapped_column(Boolean, default=False)
    seasonal_withheld: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(300))
