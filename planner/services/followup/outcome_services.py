"""The service columns of the call lists: which services a partner's workbook offers,
the service typed on a row checked against the campaign's catalogue, and the
``contact_service`` rows and *ne pas solliciter* marks a read-back writes."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from planner.db import models
from planner.domain.text_fold import fold
from planner.io.call_list_layout import SERVICE_HEADER
from planner.io.outcome_records import FilledRow, ReadBack, Rejection
from planner.services.followup.solicitation.blocks import firm_block


def _fold(text: str) -> str:
    return fold(text.replace("_", " "))


@dataclass(frozen=True)
class _Offer:
    id: int
    code: str
    name: str
    active: bool
    partners: frozenset[int]  # empty: every partner delivers it


@dataclass(frozen=True)
class ServiceCatalogue:
    """The campaign's services, found by code or name (case and accents ignored)."""

    offers: tuple[_Offer, ...]

    def find(self, text: str) -> _Offer | None:
        """The service ``text`` names: its code, its name, or « CODE — name »."""
        wanted = _fold(text)
        candidates = {wanted}
        for dash in ("—", "–", " - "):
            if dash in text:
                candidates.add(_fold(text.split(dash, 1)[0]))
        for offer in self.offers:
            if _fold(offer.code) in candidates or _fold(offer.name) in candidates:
                return offer
        return None

    def offered_by(self, partner_id: int | None) -> list[tuple[str, str]]:
        """(code, name) of the active services ``partner_id`` delivers (None: all active)."""
        return [
            (o.code, o.name)
            for o in self.offers
            if o.active and (partner_id is None or not o.partners or partner_id in o.partners)
        ]


def load_catalogue(session: Session) -> ServiceCatalogue:
    """The catalogue in its order, with who delivers each service."""
    partners: dict[int, set[int]] = {}
    for offer_id, partner_id in session.execute(
        select(models.ServiceOfferPartner.offer_id, models.ServiceOfferPartner.partner_id)
    ):
        partners.setdefault(offer_id, set()).add(partner_id)
    offers = session.scalars(
        select(models.ServiceOffer).order_by(models.ServiceOffer.position, models.ServiceOffer.id)
    )
    return ServiceCatalogue(
        tuple(
            _Offer(o.id, o.code, o.name, o.active, frozenset(partners.get(o.id, ())))
            for o in offers
        )
    )


def check_services(
    catalogue: ServiceCatalogue, back: ReadBack, partner_id: int | None
) -> list[Rejection]:
    """Check the service typed on each row of ``back`` against the catalogue.

    A row whose service is unknown, archived, or not delivered by the workbook's
    partner leaves ``back.filled`` and comes back as a rejection on the « Service »
    column; a known one is rewritten with the service's code.
    """
    kept: list[FilledRow] = []
    rejected: list[Rejection] = []
    for row in back.filled:
        if row.service is None:
            kept.append(row)
            continue
        offer = catalogue.find(row.service)
        problem = None
        if offer is None:
            problem = f"service inconnu du catalogue de la campagne « {row.service[:60]} »"
        elif not offer.active:
            problem = f"service « {offer.code} » retiré du catalogue"
        elif partner_id is not None and offer.partners and partner_id not in offer.partners:
            problem = f"service « {offer.code} » non proposé par le partenaire « {back.partner} »"
        if problem is not None:
            rejected.append(
                Rejection(row.file, row.sheet, row.row, SERVICE_HEADER, row.siret, problem)
            )
            continue
        assert offer is not None
        kept.append(dataclasses.replace(row, service=offer.code))
    back.filled = kept
    return rejected


def add_services_and_blocks(
    session: Session,
    written: Sequence[tuple[FilledRow, models.Contact, str]],
) -> int:
    """After the contacts are flushed: their services, and the *ne pas solliciter*
    marks asked with a « Refus ». ``written``: (row, its contact, the workbook's partner).

    A firm already marked keeps its mark (a closed firm stays « fermée »). Returns the
    number of marks set. The caller's transaction holds everything.
    """
    from planner.services.followup.solicitation.blocks import block_firm

    ids = {o.code: o.id for o in load_catalogue(session).offers}
    marked = 0
    for row, contact, partner in written:
        if row.service is not None and row.service_status is not None:
            session.add(
                models.ContactService(
                    contact_id=contact.id,
                    siret=row.siret,
                    offer_id=ids[row.service],
                    status=row.service_status,
                    date=row.service_date or row.date,
                    quantity=row.service_quantity,
                )
            )
        if row.no_more and row.outcome == "Refus":
            current = firm_block(session, row.siret)
            if current is not None and current.holds_on(row.date):
                continue
            who = row.adviser or partner or None
            block_firm(
                session,
                row.siret,
                "refusal",
                note=f"Refus noté le {row.date:%d/%m/%Y} ({row.file}, ligne {row.row})"[:2000],
                by=who[:200] if who else None,
                source="workbook",
                today=row.date,
            )
            marked += 1
    return marked
