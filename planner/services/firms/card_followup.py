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
from planner.domain.session_labels import INVITEE_STATUSES, status_label
from planner.services.shared_campaign.journal import (
    JOURNAL_NOT_READABLE,
    journal_lines,
    journal_readable,
)

Fields = list[tuple[str, str]]
SHOWN_CONTACTS = 8
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
    """Team, partner, named adviser, and whether the assignment is locked."""
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


def contact_fields(session: Session, firm: models.Establishment) -> Fields:
    """The latest contacts, newest first: outcome, who, person reached, needs, next step."""
    contacts = list(
        session.scalars(
            select(models.Contact)
            .where(models.Contact.siret == firm.siret)
            .order_by(models.Contact.date.desc(), models.Contact.id.desc())
        )
    )
    if not contacts:
        return [("Contacts", "aucun contact enregistré")]
    fields: Fields = [("Contacts", f"{len(contacts)} (le plus récent d'abord)")]
    for contact in contacts[:SHOWN_CONTACTS]:
        parts = [contact.outcome]
        if contact.adviser_name:
            parts.append(f"par {contact.adviser_name}")
        if contact.contact_person:
            parts.append(f"interlocuteur : {contact.contact_person}")
        needs = [
            f"{need.posts or '?'} poste(s) {need.rome_code or ''}".strip()
            + (" (offre déposée)" if need.offer_deposited else "")
            for need in contact.needs
        ]
        if needs:
            parts.append("besoins : " + ", ".join(needs))
        if contact.next_step:
            parts.append(f"suite : {contact.next_step}")
        if contact.comment:
            parts.append(contact.comment)
        _unique(fields, f"Contact du {_date(contact.date)}", " — ".join(parts))
    if len(contacts) > SHOWN_CONTACTS:
        fields.append(("Contacts plus anciens", str(len(contacts) - SHOWN_CONTACTS)))
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
