"""Recording services with a contact: which service, its status, its date and, where the
service counts one, the number of posts or people.

The checks (decided for issue 14):

- the service must be in the catalogue and not archived;
- a service restricted to some partners may be recorded only by them: the
  contact's partner is the adviser's partner, else the partner a *partenaire*
  login stands for; coordination recording without an adviser is not restricted
  (it records for the whole task force);
- the status is one of « Proposé », « Accepté », « Réalisé », « Refusé » (case and
  accents ignored);
- the date defaults to the contact's; it may be earlier or later than the contact
  (a service realised weeks after the call it was agreed in), but not before
  01/01/2000 nor after today: a service is recorded once it happened;
- a number only for a service that counts one (« postes », « personnes »), a whole
  number from 1 to 10 000; none is required;
- one service at most once per status in one contact.

On PostgreSQL a partner's or adviser's login inserts ``contact_service`` rows
on the firms it sees (row-level security); the checks here run first, so the
database's refusal is a last line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from planner.db import models
from planner.domain import clock
from planner.domain.errors import InputError
from planner.domain.french_numbers import integer
from planner.domain.outcomes import EARLIEST_CALL
from planner.domain.service_offer import SERVICE_STATUSES, normalize_service_status
from planner.domain.typed_dates import parse_typed_count, parse_typed_date

MAX_QUANTITY = 10_000
MAX_COMMENT = 2000


@dataclass(frozen=True, slots=True)
class ServiceEntry:
    """A service to record with a contact, as typed.

    Attributes:
        offer_id: the catalogue's service.
        status: a status code or its French label (« Réalisé »…).
        date: a date or « jj/mm/aaaa »; None: the contact's date.
        quantity: posts or people (a number or its text); None: not given.
        comment: a free comment.
    """

    offer_id: int
    status: str
    date: dt.date | str | None = None
    quantity: int | str | None = None
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class CheckedService:
    """A service entry that passed the checks, ready to write."""

    offer_id: int
    status: str
    date: dt.date
    quantity: int | None
    comment: str | None


def contact_partner(
    session: Session, adviser_id: int | None, login_partner: int | None
) -> int | None:
    """The partner a contact is recorded for: the adviser's, else the login's (None:
    coordination, for the whole task force)."""
    if adviser_id is not None:
        partner = session.scalar(
            select(models.Team.partner_id)
            .join(models.Adviser, models.Adviser.team_id == models.Team.id)
            .where(models.Adviser.id == adviser_id)
        )
        if partner is not None:
            return int(partner)
    return login_partner


def _date(value: dt.date | str | None, default: dt.date, today: dt.date, where: str) -> dt.date:
    if value is None or (isinstance(value, str) and not value.strip()):
        day = default
    elif isinstance(value, dt.date):
        day = value
    else:
        try:
            parsed = parse_typed_date(value)
        except ValueError as exc:
            raise InputError(f"{where} : {exc}") from None
        day = parsed or default
    if day < EARLIEST_CALL:
        raise InputError(f"{where} : date invraisemblable ({day:%d/%m/%Y}, avant le 01/01/2000)")
    if day > today:
        raise InputError(
            f"{where} : date dans le futur ({day:%d/%m/%Y}) ; un service s'enregistre une "
            "fois proposé, accepté, réalisé ou refusé"
        )
    return day


def _quantity(value: int | str | None, offer: models.ServiceOffer, where: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if offer.quantity_label is None:
        raise InputError(
            f"{where} : ce service ne compte ni postes ni personnes ; laissez le nombre vide"
        )
    read: int | None = value if isinstance(value, int) else None
    if not isinstance(value, int):
        try:
            read = parse_typed_count(value)
        except ValueError:
            read = None
    if read is None:
        raise InputError(f"{where} : nombre de {offer.quantity_label} illisible « {value} »")
    number = read
    if not 1 <= number <= MAX_QUANTITY:
        raise InputError(
            f"{where} : nombre de {offer.quantity_label} hors limites ({integer(number)} ; "
            f"de 1 à {integer(MAX_QUANTITY)})"
        )
    return number


def check_services(
    session: Session,
    entries: Sequence[ServiceEntry],
    *,
    contact_date: dt.date,
    partner_id: int | None,
    today: dt.date,
) -> list[CheckedService]:
    """The entries checked (see the module's rules), in order.

    Raises:
        InputError: the first problem, in French, naming the service (« service 2
            (POEI) : … »).
    """
    if not entries:
        return []
    offers = {
        o.id: o
        for o in session.scalars(
            select(models.ServiceOffer).where(
                models.ServiceOffer.id.in_({e.offer_id for e in entries})
            )
        )
    }
    deliverers: dict[int, set[int]] = {}
    for offer_id, pid in session.execute(
        select(models.ServiceOfferPartner.offer_id, models.ServiceOfferPartner.partner_id).where(
            models.ServiceOfferPartner.offer_id.in_(offers)
        )
    ):
        deliverers.setdefault(offer_id, set()).add(pid)
    partner_name = (
        session.scalar(select(models.Partner.name).where(models.Partner.id == partner_id))
        if partner_id is not None
        else None
    )
    checked: list[CheckedService] = []
    seen: set[tuple[int, str]] = set()
    for index, entry in enumerate(entries, start=1):
        offer = offers.get(entry.offer_id)
        if offer is None:
            raise InputError(
                f"service {index} : service inconnu du catalogue (n° {entry.offer_id})"
            )
        where = f"service {index} ({offer.code})"
        if not offer.active:
            raise InputError(f"{where} : « {offer.name} » est archivé ; il n'est plus proposé")
        allowed = deliverers.get(offer.id)
        if allowed and partner_id is not None and partner_id not in allowed:
            raise InputError(
                f"{where} : « {offer.name} » n'est pas délivré par "
                + (partner_name or "ce partenaire")
            )
        status = normalize_service_status(entry.status or "")
        if status is None:
            raise InputError(
                f"{where} : statut inconnu « {entry.status} » (statuts possibles : "
                + ", ".join(SERVICE_STATUSES.values())
                + ")"
            )
        if (offer.id, status) in seen:
            raise InputError(
                f"{where} : « {offer.name} » est déjà « {SERVICE_STATUSES[status]} » "
                "dans ce contact"
            )
        seen.add((offer.id, status))
        comment = " ".join((entry.comment or "").split()) or None
        if comment is not None and len(comment) > MAX_COMMENT:
            raise InputError(f"{where} : le commentaire dépasse {MAX_COMMENT} caractères")
        checked.append(
            CheckedService(
                offer_id=offer.id,
                status=status,
                date=_date(entry.date, contact_date, today, where),
                quantity=_quantity(entry.quantity, offer, where),
                comment=comment,
            )
        )
    return checked


def record_services(
    session: Session,
    contact: models.Contact,
    entries: Sequence[ServiceEntry],
    *,
    partner_id: int | None,
    today: dt.date | None = None,
) -> list[models.ContactService]:
    """Check ``entries`` and add them to ``contact`` (flushed: it gets an id if new);
    the caller commits.

    Raises:
        InputError: a problem with one of the entries; nothing is added.
    """
    checked = check_services(
        session,
        entries,
        contact_date=contact.date,
        partner_id=partner_id,
        today=today or clock.today(),
    )
    if not checked:
        return []
    if contact.id is None:
        session.add(contact)
        session.flush()
    rows = [
        models.ContactService(
            contact_id=contact.id,
            siret=contact.siret,
            offer_id=c.offer_id,
            status=c.status,
            date=c.date,
            quantity=c.quantity,
            comment=c.comment,
        )
        for c in checked
    ]
    session.add_all(rows)
    session.flush()
    return rows
