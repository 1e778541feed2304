"""The campaign's catalogue of the shared service offer, as the UI and the command line read it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from planner.db.models import Partner, ServiceOffer, ServiceOfferPartner


@dataclass(frozen=True, slots=True)
class OfferView:
    """One service of the catalogue.

    Attributes:
        partners: names of the partners that deliver it (empty: every partner).
    """

    id: int
    code: str
    name: str
    counts_as_accompaniment: bool
    quantity_label: str | None
    position: int
    active: bool
    partners: tuple[str, ...]
    version: int


def list_offers(session: Session, *, include_archived: bool = True) -> list[OfferView]:
    """The catalogue in its order."""
    partners: dict[int, list[str]] = {}
    for offer_id, name in session.execute(
        select(ServiceOfferPartner.offer_id, Partner.name)
        .join(Partner, Partner.id == ServiceOfferPartner.partner_id)
        .order_by(Partner.name)
    ):
        partners.setdefault(offer_id, []).append(name)
    query = select(ServiceOffer).order_by(ServiceOffer.position, ServiceOffer.id)
    if not include_archived:
        query = query.where(ServiceOffer.active.is_(True))
    return [
        OfferView(
            id=o.id,
            code=o.code,
            name=o.name,
            counts_as_accompaniment=o.counts_as_accompaniment,
            quantity_label=o.quantity_label,
            position=o.position,
            active=o.active,
            partners=tuple(partners.get(o.id, ())),
            version=o.version,
        )
        for o in session.scalars(query)
    ]
