"""A contact and its services recorded from the firm's card (« Enregistrer un contact /
un service »), and what the card's form offers to choose from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from planner.db import models
from planner.db.store import CampaignStore
from planner.domain import clock
from planner.domain.errors import InputError, PlannerError
from planner.domain.outcomes import OUTCOMES, normalize_outcome
from planner.services.followup.outcomes_import import NON_DIFFUSIBLE_REASON
from planner.services.followup.portfolio_input import checked_date, checked_text
from planner.services.followup.solicitation.blocks import FirmBlockView, firm_block
from planner.services.offers.catalogue import OfferView, list_offers
from planner.services.offers.recording import ServiceEntry, contact_partner, record_services
from planner.services.shared_campaign.access import current_access

SOURCE = "Fiche entreprise"
"""``contact.source_file`` of the contacts recorded from the card."""


@dataclass(frozen=True, slots=True)
class ContactFormChoices:
    """What the card's form offers for one firm.

    Attributes:
        advisers: (id, « Nom — Partenaire ») the login sees, by partner then name.
        adviser_id: the firm's adviser, or the login's when it is a *conseiller* (preselected).
        locked: a *conseiller* login records as itself only.
        offers: the active services of the catalogue, in order.
        login_partner: the partner a *partenaire* login stands for (None otherwise).
        block_warning: when the firm is marked *ne pas solliciter* today, a French
            warning saying so (recording stays possible); None otherwise.
    """

    advisers: list[tuple[int, str]]
    adviser_id: int | None
    locked: bool
    offers: list[OfferView]
    login_partner: str | None
    block_warning: str | None = None


@dataclass(frozen=True, slots=True)
class RecordedContact:
    """A contact written from the card."""

    contact_id: int
    date: dt.date
    outcome: str
    services: int


def contact_form_choices(
    store: CampaignStore, siret: str, today: dt.date | None = None
) -> ContactFormChoices:
    """The advisers, the preselected adviser, the services and the *ne pas solliciter*
    warning for ``siret``'s form."""
    try:
        access = current_access(store)
    except PlannerError:
        access = None
    with store.session() as session:
        rows = session.execute(
            select(models.Adviser.id, models.Adviser.name, models.Partner.name)
            .join(models.Team, models.Team.id == models.Adviser.team_id)
            .join(models.Partner, models.Partner.id == models.Team.partner_id)
            .order_by(models.Partner.name, models.Adviser.name, models.Adviser.id)
        ).all()
        assigned = session.scalar(
            select(models.Assignment.adviser_id).where(models.Assignment.siret == siret)
        )
        offers = list_offers(session, include_archived=False)
        block = firm_block(session, siret)
    locked = access is not None and access.role == "conseiller"
    adviser_id = access.adviser_id if locked and access is not None else assigned
    return ContactFormChoices(
        advisers=[(int(i), f"{name} — {partner}") for i, name, partner in rows],
        adviser_id=adviser_id,
        locked=locked,
        offers=offers,
        login_partner=access.partner_name if access and access.role == "partenaire" else None,
        block_warning=block_warning(block, today or clock.today()),
    )


def block_warning(block: FirmBlockView | None, today: dt.date) -> str | None:
    """« Attention : … ne pas solliciter » for a mark in force on ``today``, else None."""
    if block is None or not block.holds_on(today):
        return None
    until = f" jusqu'au {block.until:%d/%m/%Y}" if block.until else " sans date de fin"
    note = f" — {block.note}" if block.note else ""
    return (
        "Attention : cette entreprise est marquée « ne pas solliciter » "
        f"({block.reason_label}{until}{note}). Le contact peut tout de même être enregistré."
    )


def record_firm_contact(
    store: CampaignStore,
    siret: str,
    outcome: str,
    *,
    date: dt.date | str | None = None,
    adviser_id: int | None = None,
    services: Sequence[ServiceEntry] = (),
    note: str | None = None,
    today: dt.date | None = None,
) -> RecordedContact:
    """Record a contact with ``siret`` and its services, in one transaction.

    Args:
        store: the campaign.
        siret: the firm.
        outcome: one of the eight outcomes (case and accents ignored).
        date: the contact's date (a date or « jj/mm/aaaa »), today if None.
        adviser_id: who made the contact (None: coordination, or the partner login).
        services: the services to record with it (see
            :mod:`planner.services.offers.recording` for the checks).
        note: a free comment.
        today: for tests.

    Raises:
        InputError: unknown outcome, firm or adviser, a bad date, a bad service; in
            French; nothing is written.
    """
    today = today or clock.today()
    canonical = normalize_outcome(outcome or "")
    if canonical is None:
        raise InputError(
            f"résultat inconnu « {outcome} » (résultats possibles : {', '.join(OUTCOMES)})"
        )
    day = checked_date(date, today)
    comment = checked_text(note, "note")
    try:
        access = current_access(store)
    except PlannerError:
        access = None
    with store.session() as session:
        firm = session.get(models.Establishment, siret)
        if firm is None:
            raise InputError(f"établissement {siret} absent de la campagne (ou hors de votre vue)")
        if firm.non_diffusible:
            raise InputError(NON_DIFFUSIBLE_REASON)
        adviser = session.get(models.Adviser, adviser_id) if adviser_id is not None else None
        if adviser_id is not None and adviser is None:
            raise InputError(f"conseiller inconnu (n° {adviser_id})")
        contact = models.Contact(
            siret=siret,
            date=day,
            adviser_id=adviser_id,
            adviser_name=adviser.name if adviser is not None else None,
            outcome=canonical,
            comment=comment,
            source_file=SOURCE,
        )
        partner_id = contact_partner(
            session, adviser_id, access.partner_id if access is not None else None
        )
        session.add(contact)
        session.flush()
        rows = record_services(session, contact, services, partner_id=partner_id, today=today)
        return RecordedContact(contact.id, day, canonical, len(rows))
