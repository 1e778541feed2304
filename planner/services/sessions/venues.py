"""Venues of sessions: partners' offices, the bassin's town halls, host firms, free addresses."""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import select

from planner.db import models
from planner.db.store import CampaignStore
from planner.domain.errors import PlannerError
from planner.geo.reference import CommuneReference
from planner.services.sessions.planning import VenueInfo, venue_info


def list_venues(store: CampaignStore) -> list[VenueInfo]:
    """Every venue, by name."""
    with store.session() as session:
        return [
            venue_info(v) for v in session.scalars(select(models.Venue).order_by(models.Venue.name))
        ]


def add_free_venue(
    store: CampaignStore,
    name: str,
    address: str | None,
    lon: float | None = None,
    lat: float | None = None,
    *,
    kind: str = "free",
    commune_code: str | None = None,
    siret: str | None = None,
) -> int:
    """A venue at a free address, optionally placed by hand on the map; return its id."""
    if not name.strip():
        raise PlannerError("Un lieu doit avoir un nom.")
    if (lon is None) != (lat is None) or (
        lon is not None and lat is not None and not (-180 <= lon <= 180 and -90 <= lat <= 90)
    ):
        raise PlannerError("Position du lieu invalide.")
    with store.session() as session:
        venue = models.Venue(
            name=name.strip(),
            kind=kind,
            address=address,
            lon=lon,
            lat=lat,
            commune_code=commune_code,
            siret=siret,
        )
        session.add(venue)
        session.flush()
        return venue.id


def _existing(store: CampaignStore, kind: str, name: str) -> int | None:
    with store.session() as session:
        return session.scalar(
            select(models.Venue.id).where(models.Venue.kind == kind, models.Venue.name == name)
        )


def venue_from_partner(store: CampaignStore, partner_id: int) -> int:
    """The venue at a partner's office (created once)."""
    with store.session() as session:
        partner = session.get(models.Partner, partner_id)
        if partner is None:
            raise PlannerError(f"Partenaire introuvable : {partner_id}.")
        name, address, lon, lat = partner.name, partner.address, partner.lon, partner.lat
    found = _existing(store, "partner", name)
    return (
        found
        if found is not None
        else add_free_venue(store, name, address, lon, lat, kind="partner")
    )


def venue_from_town_hall(store: CampaignStore, reference: CommuneReference, code: str) -> int:
    """The venue at a commune's town hall, from the commune reference (created once)."""
    if code not in reference:
        raise PlannerError(f"Commune inconnue : {code}.")
    row = reference.attributes.loc[code]
    town = str(row["nom"])
    name = f"Mairie d'{town}" if town[:1] in "AEIOUÉÈÎH" else f"Mairie de {town}"
    found = _existing(store, "mairie", name)
    if found is not None:
        return found
    lon: Any = row["mairie_lon"]
    lat: Any = row["mairie_lat"]
    placed = lon is not None and lat is not None and not (math.isnan(lon) or math.isnan(lat))
    return add_free_venue(
        store,
        name,
        row["mairie_adresse"] or None,
        float(lon) if placed else None,
        float(lat) if placed else None,
        kind="mairie",
        commune_code=code,
    )


def venue_from_firm(store: CampaignStore, siret: str) -> int:
    """The venue at a host firm's site (created once)."""
    with store.session() as session:
        firm = session.get(models.Establishment, siret)
        if firm is None:
            raise PlannerError(f"Établissement introuvable : {siret}.")
        if firm.non_diffusible:
            raise PlannerError(
                "Cet établissement est devenu non diffusible : son adresse ne peut pas "
                "servir de lieu de séance."
            )
        street = " ".join(
            p
            for p in (firm.numero_voie, firm.indice_repetition, firm.type_voie, firm.libelle_voie)
            if p
        )
        town = " ".join(p for p in (firm.code_postal, firm.libelle_commune) if p)
        address = ", ".join(p for p in (street, town) if p) or None
        name, lon, lat, commune = firm.name or siret, firm.lon, firm.lat, firm.commune_code
        found = session.scalar(
            select(models.Venue.id).where(models.Venue.kind == "host", models.Venue.siret == siret)
        )
    if found is not None:
        return found
    return add_free_venue(
        store, name, address, lon, lat, kind="host", commune_code=commune, siret=siret
    )


def set_venue_position(store: CampaignStore, venue_id: int, lon: float, lat: float) -> None:
    """Place a venue by hand (a click on the map): WGS84 longitude and latitude."""
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise PlannerError("Position du lieu invalide.")
    with store.session() as session:
        venue = session.get(models.Venue, venue_id)
        if venue is None:
            raise PlannerError(f"Lieu introuvable : {venue_id}.")
        if venue.non_diffusible:
            # Placing it again would locate the firm that objected to publication.
            raise PlannerError(
                "Ce lieu venait d'une entreprise devenue non diffusible : "
                "choisissez ou créez un autre lieu."
            )
        venue.lon, venue.lat = float(lon), float(lat)
