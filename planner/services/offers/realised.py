"""Services realised for firms: those recorded with a contact, and the held sessions.

A firm is *accompagnée* in a period when at least one service that counts as
accompaniment was realised for it in that period. Services come from two
places: ``contact_service`` rows with the status « réalisé », and the
job-discovery sessions: a session held (status « Tenue ») realises the
catalogue's matching service (``SESSION_KIND_SERVICES``, found by its code) for
each host firm and each invited firm that came. A session's service counts only
while the catalogue holds a service with that code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, select, true
from sqlalchemy.orm import Session

from planner.db.models import (
    ContactService,
    DiscoverySession,
    ServiceOffer,
    SessionHost,
    SessionInvitee,
)
from planner.domain.service_offer import DONE, SESSION_KIND_SERVICES


@dataclass(frozen=True, slots=True)
class RealisedService:
    """One service realised for one firm.

    Attributes:
        siret: the firm.
        offer_id: the catalogue's service.
        code: its code.
        date: when it was realised.
        quantity: posts or people, where the service counts them (a session: None).
        counts_as_accompaniment: whether it makes the firm *accompagnée*.
        source: ``"contact"`` (recorded with a contact) or ``"session"`` (a held session).
        record_id: the ``contact_service`` id or the ``discovery_session`` id.
    """

    siret: str
    offer_id: int
    code: str
    date: dt.date
    quantity: int | None
    counts_as_accompaniment: bool
    source: str
    record_id: int


def realised_services(
    session: Session,
    start: dt.date | None = None,
    end: dt.date | None = None,
    *,
    siret: str | None = None,
) -> list[RealisedService]:
    """Every service realised between ``start`` and ``end`` (both included; None: open),
    by date then SIRET; only ``siret``'s when given (the firm card)."""
    found: list[RealisedService] = []
    recorded = (
        select(
            ContactService.siret,
            ContactService.offer_id,
            ServiceOffer.code,
            ContactService.date,
            ContactService.quantity,
            ServiceOffer.counts_as_accompaniment,
            ContactService.id,
        )
        .join(ServiceOffer, ServiceOffer.id == ContactService.offer_id)
        .where(ContactService.status == DONE)
    )
    if start is not None:
        recorded = recorded.where(ContactService.date >= start)
    if end is not None:
        recorded = recorded.where(ContactService.date <= end)
    if siret is not None:
        recorded = recorded.where(ContactService.siret == siret)
    for firm, offer_id, code, date, quantity, counts, record_id in session.execute(recorded):
        found.append(
            RealisedService(
                firm, offer_id, code, date, quantity, bool(counts), "contact", record_id
            )
        )
    found.extend(_session_services(session, start, end, siret))
    found.sort(key=lambda s: (s.date, s.siret, s.source, s.record_id))
    return found


def _session_services(
    session: Session, start: dt.date | None, end: dt.date | None, siret: str | None = None
) -> list[RealisedService]:
    offers = {
        code: (offer_id, bool(counts))
        for offer_id, code, counts in session.execute(
            select(ServiceOffer.id, ServiceOffer.code, ServiceOffer.counts_as_accompaniment).where(
                ServiceOffer.code.in_(set(SESSION_KIND_SERVICES.values()))
            )
        )
    }
    kinds = [kind for kind, code in SESSION_KIND_SERVICES.items() if code in offers]
    if not kinds:
        return []
    held = select(DiscoverySession.id, DiscoverySession.kind, DiscoverySession.starts_at).where(
        DiscoverySession.status == "held", DiscoverySession.kind.in_(kinds)
    )
    # Compared as datetimes: SQLite's CAST(... AS DATE) makes a number of the year.
    if start is not None:
        held = held.where(DiscoverySession.starts_at >= dt.datetime.combine(start, dt.time()))
    if end is not None:
        next_day = dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
        held = held.where(DiscoverySession.starts_at < next_day)
    sessions = {sid: (kind, starts_at) for sid, kind, starts_at in session.execute(held)}
    if not sessions:
        return []
    firms: set[tuple[int, str]] = set()
    firms.update(
        session.execute(
            select(SessionHost.session_id, SessionHost.siret).where(
                SessionHost.session_id.in_(sessions),
                SessionHost.siret == siret if siret is not None else true(),
            )
        ).tuples()
    )
    firms.update(
        session.execute(
            select(SessionInvitee.session_id, SessionInvitee.siret).where(
                and_(
                    SessionInvitee.session_id.in_(sessions),
                    SessionInvitee.status == "attended",
                    SessionInvitee.siret == siret if siret is not None else true(),
                )
            )
        ).tuples()
    )
    found = []
    for sid, firm in firms:
        kind, starts_at = sessions[sid]
        code = SESSION_KIND_SERVICES[kind]
        offer_id, counts = offers[code]
        found.append(
            RealisedService(firm, offer_id, code, starts_at.date(), None, counts, "session", sid)
        )
    return found


def accompanied_firms(
    session: Session, start: dt.date | None = None, end: dt.date | None = None
) -> dict[str, dt.date]:
    """The firms *accompagnées* between ``start`` and ``end``: SIRET → the date of the first
    realised service that counts as accompaniment in that period."""
    first: dict[str, dt.date] = {}
    for service in realised_services(session, start, end):
        if service.counts_as_accompaniment and service.siret not in first:
            first[service.siret] = service.date
    return first
