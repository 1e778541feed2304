"""The firm card's follow-up parts: its team and adviser, its contacts, its sessions,
and the journal of the changes that concern it.

Each function has the shape of a ``DETAIL_SECTIONS`` entry of
:mod:`planner.services.firms.firm_query`: it reads what it needs from the session it
is given and returns ``(French label, text)`` pairs with unique labels.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from planner.db import models
from planner.domain import clock
from planner.domain.service_offer import SERVICE_STATUSES
from planner.domain.session_labels import INVITEE_STATUSES, status_label
from planner.services.followup.solicitation.blocks import firm_block
from planner.services.offers.realised import realised_services
from planner.services.shared_campaign.journal import (
    JOURNAL_NOT_READABLE,
    journal_lines,
    journal_readable,
)

Fields = list[tuple[str, str]]
SHOWN_CONTACTS = 12
SHOWN_SESSIONS = 6
SHOWN_JOURNAL = 10


def _date(value: dt.date | dt.datetime) -> str:
    return value.strftime("%d/%m/%Y")


def _unique(fields: Fields, label: str, text: str) -> None:
    """Append, numbering a label already used (two contacts on one day)."""
    used = {name for name, _ in fields}
    name, n = label, 2
    while name in used:
        name, n = f"{label} ({n})", n + 1
    fields.append((name, text))


def assignment_fields(session: Session, firm: models.Establishment) -> Fields:
    """Team, partner, named adviser, whether the assignment is locked, and the firm's
    *ne pas solliciter* mark."""
    return [*_assignment(session, firm), ("Ne pas solliciter", _block_text(session, firm.siret))]


def _assignment(session: Session, firm: models.Establishment) -> Fields:
    row = session.execute(
        select(models.Team.name, models.Partner.name, models.Adviser.name, models.Assignment)
        .join(models.Team, models.Team.id == models.Assignment.team_id)
        .join(models.Partner, models.Partner.id == models.Team.partner_id)
        .outerjoin(models.Adviser, models.Adviser.id == models.Assignment.adviser_id)
        .where(models.Assignment.siret == firm.siret)
    ).first()
    if row is None:
        return [
            ("Équipe", ""),
            ("Partenaire", ""),
            ("Conseiller attitré", ""),
            ("Attribution", "non attribuée"),
        ]
    team, partner, adviser, assignment = row
    how = "manuelle" if assignment.source == "manual" else "répartition automatique"
    lock = ", verrouillée" if assignment.locked else ""
    return [
        ("Équipe", team),
        ("Partenaire", partner),
        ("Conseiller attitré", adviser or ""),
        ("Attribution", f"{how}{lock}, le {_date(assignment.assigned_at)}"),
    ]


def _contact_partners(session: Session, contacts: list[models.Contact]) -> dict[int, str]:
    """Adviser id → partner name, for the advisers of these contacts."""
    ids = {c.adviser_id for c in contacts if c.adviser_id is not None}
    if not ids:
        return {}
    return {
        int(adviser_id): name
        for adviser_id, name in session.execute(
            select(models.Adviser.id, models.Partner.name)
            .join(models.Team, models.Team.id == models.Adviser.team_id)
            .join(models.Partner, models.Partner.id == models.Team.partner_id)
            .where(models.Adviser.id.in_(ids))
        )
    }


def _contact_services(session: Session, siret: str) -> dict[int, list[str]]:
    """Contact id → its services, « POEI : réalisé le jj/mm/aaaa (3 personnes) »."""
    services: dict[int, list[str]] = {}
    for contact_id, code, label, status, day, quantity in session.execute(
        select(
            models.ContactService.contact_id,
            models.ServiceOffer.code,
            models.ServiceOffer.quantity_label,
            models.ContactService.status,
            models.ContactService.date,
            models.ContactService.quantity,
        )
        .join(models.ServiceOffer, models.ServiceOffer.id == models.ContactService.offer_id)
        .where(models.ContactService.siret == siret)
        .order_by(models.ContactService.date, models.ContactService.id)
    ):
        text = f"{code} : {SERVICE_STATUSES.get(status, status).lower()} le {_date(day)}"
        if quantity is not None:
            text += f" ({quantity} {label or ''})".rstrip()
        services.setdefault(contact_id, []).append(text)
    return services


def _block_text(session: Session, siret: str) -> str:
    block = firm_block(session, siret)
    if block is None:
        return "non"
    until = f" jusqu'au {_date(block.until)}" if block.until else " sans date de fin"
    lapsed = "" if block.holds_on(clock.today()) else " (échue)"
    who = f" par {block.blocked_by}" if block.blocked_by else ""
    note = f" — {block.note}" if block.note else ""
    return (
        f"oui : {block.reason_label}{until}{lapsed}{note} (posée le {_date(block.blocked_at)}{who})"
    )


def contact_fields(session: Session, firm: models.Establishment) -> Fields:
    """Every partner's contacts in one timeline, newest first: who (partner, adviser), the
    outcome, the services recorded with their status, and the held sessions that realised a
    service for the firm."""
    contacts = list(
        session.scalars(
            select(models.Contact)
            .where(models.Contact.siret == firm.siret)
            .order_by(models.Contact.date.desc(), models.Contact.id.desc())
        )
    )
    fields: Fields = []
    held = [s for s in realised_services(session, siret=firm.siret) if s.source == "session"]
    if not contacts and not held:
        return [("Contacts", "aucun contact enregistré")]
    partners = _contact_partners(session, contacts)
    services = _contact_services(session, firm.siret)
    fields.append(("Contacts", f"{len(contacts)} (le plus récent d'abord)"))
    titles = dict(
        session.execute(
            select(models.DiscoverySession.id, models.DiscoverySession.title).where(
                models.DiscoverySession.id.in_({s.record_id for s in held})
            )
        )
        .tuples()
        .all()
    )
    events: list[tuple[dt.date, int, str, str]] = []
    for contact in contacts:
        partner = partners.get(contact.adviser_id or -1)
        parts = [contact.outcome]
        if contact.adviser_name and partner:
            parts.append(f"par {contact.adviser_name} ({partner})")
        elif contact.adviser_name or partner:
            parts.append(f"par {contact.adviser_name or partner}")
        if contact.contact_person:
            parts.append(f"interlocuteur : {contact.contact_person}")
        needs = [
            f"{need.posts or '?'} poste(s) {need.rome_code or ''}".strip()
            + (" (offre déposée)" if need.offer_deposited else "")
            for need in contact.needs
        ]
        if needs:
            parts.append("besoins : " + ", ".join(needs))
        if contact.id in services:
            parts.append("services : " + ", ".join(services[contact.id]))
        if contact.next_step:
            parts.append(f"suite : {contact.next_step}")
        if contact.comment:
            parts.append(contact.comment)
        events.append(
            (contact.date, contact.id, f"Contact du {_date(contact.date)}", " — ".join(parts))
        )
    for service in held:
        title = titles.get(service.record_id, "")
        events.append(
            (
                service.date,
                -1,
                f"Séance tenue le {_date(service.date)}",
                f"{service.code} : réalisé (séance « {title} »)",
            )
        )
    events.sort(key=lambda e: (e[0], e[1]), reverse=True)
    for _day, _id, label, text in events[:SHOWN_CONTACTS]:
        _unique(fields, label, text)
    if len(events) > SHOWN_CONTACTS:
        fields.append(("Contacts plus anciens", str(len(events) - SHOWN_CONTACTS)))
    return fields


def session_fields(session: Session, firm: models.Establishment) -> Fields:
    """Job-discovery sessions the firm hosts or is invited to, by date."""
    hosted = session.execute(
        select(models.DiscoverySession.starts_at, models.DiscoverySession.title)
        .join(models.SessionHost, models.SessionHost.session_id == models.DiscoverySession.id)
        .where(models.SessionHost.siret == firm.siret)
    ).all()
    invited = session.execute(
        select(
            models.DiscoverySession.starts_at,
            models.DiscoverySession.title,
            models.DiscoverySession.status,
            models.SessionInvitee.status,
        )
        .join(models.SessionInvitee, models.SessionInvitee.session_id == models.DiscoverySession.id)
        .where(models.SessionInvitee.siret == firm.siret)
    ).all()
    rows = [(start, f"{title} — entreprise d'accueil") for start, title in hosted]
    rows += [
        (start, f"{title} — {INVITEE_STATUSES.get(invitee, invitee)} ({status_label(state)})")
        for start, title, state, invitee in invited
    ]
    if not rows:
        return [("Séances", "aucune")]
    rows.sort()
    fields: Fields = [("Séances", str(len(rows)))]
    for start, text in rows[:SHOWN_SESSIONS]:
        _unique(fields, f"Séance du {_date(start)}", f"{start:%H:%M} {text}")
    return fields


def journal_fields(session: Session, firm: models.Establishment) -> Fields:
    """The latest changes of the firm's assignment, contacts and invitations: who, when, what."""
    if not journal_readable(session):
        return [("Journal", JOURNAL_NOT_READABLE)]
    lines = journal_lines(session, siret=firm.siret, limit=SHOWN_JOURNAL + 1)
    if not lines:
        return [("Journal", "aucune modification enregistrée")]
    shown = lines[:SHOWN_JOURNAL]
    more = " (les plus récentes)" if len(lines) > SHOWN_JOURNAL else ""
    fields: Fields = [("Journal", f"{len(shown)} modification(s){more}, la plus récente d'abord")]
    for line in shown:
        _unique(fields, f"Le {line.when} par {line.login}", line.description)
    return fields
