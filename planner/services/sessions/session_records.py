"""Sessions as the views, exports and clash rules read them: one record per session."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from planner.db import models
from planner.db.store import CampaignStore
from planner.domain.errors import PlannerError
from planner.domain.session_clashes import SessionFacts
from planner.services.sirene_import.non_diffusible import firm_label


@dataclass(frozen=True)
class VenueInfo:
    """A venue as the views and exports show it."""

    id: int
    name: str
    kind: str
    address: str | None
    lon: float | None
    lat: float | None
    non_diffusible: bool = False  # made from a firm that became non-diffusible: to replace


@dataclass
class SessionRecord:
    """A session with everything the views, exports and clash rules need."""

    id: int
    kind: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str
    capacity: int | None
    attendance: int | None
    outcome_notes: str | None
    series_id: str | None
    recurrence: str | None
    clash_override: str | None
    venue: VenueInfo | None
    partners: dict[int, str] = field(default_factory=dict)
    advisers: dict[int, str] = field(default_factory=dict)
    hosts: dict[str, str] = field(default_factory=dict)
    themes: list[tuple[str, str]] = field(default_factory=list)
    invitees: int = 0
    jobs_offered: int | None = None
    hires: int | None = None
    present: int = 0
    version: int = 0  # what a save based on this record expects (no lost update)

    def facts(self) -> SessionFacts:
        """The session as the clash rules see it."""
        return SessionFacts(
            id=self.id,
            title=self.title,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            venue_id=self.venue.id if self.venue else None,
            venue_name=self.venue.name if self.venue else "",
            venue_placed=bool(self.venue and self.venue.lon is not None),
            venue_non_diffusible=bool(self.venue and self.venue.non_diffusible),
            capacity=self.capacity,
            invitees=self.invitees,
            advisers=dict(self.advisers),
            hosts=dict(self.hosts),
            status=self.status,
        )


def _firm_label(establishment: models.Establishment) -> str:
    return firm_label(establishment.name, establishment.siret, establishment.non_diffusible)


def venue_info(venue: models.Venue) -> VenueInfo:
    """A stored venue as the views and exports show it."""
    return VenueInfo(
        venue.id,
        venue.name,
        venue.kind,
        venue.address,
        venue.lon,
        venue.lat,
        bool(venue.non_diffusible),
    )


def list_sessions(
    store: CampaignStore,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    partner: str | None = None,
) -> list[SessionRecord]:
    """The sessions, ordered by start; ``start``/``end`` are inclusive days."""
    with store.session() as session:
        query = select(models.DiscoverySession).order_by(
            models.DiscoverySession.starts_at, models.DiscoverySession.id
        )
        if start is not None:
            query = query.where(
                models.DiscoverySession.starts_at >= dt.datetime.combine(start, dt.time())
            )
        if end is not None:
            limit = dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
            query = query.where(models.DiscoverySession.starts_at < limit)
        rows = list(session.scalars(query))
        records = _records(session, rows)
        names = list(session.scalars(select(models.Partner.name).order_by(models.Partner.name)))
    if partner is not None:
        wanted = partner.casefold()
        if not any(wanted in name.casefold() for name in names):
            raise PlannerError(
                f"Aucun partenaire ne correspond à « {partner} » "
                f"(partenaires : {', '.join(names) or 'aucun'})."
            )
        records = [
            r for r in records if any(wanted in name.casefold() for name in r.partners.values())
        ]
    return records


def _records(session: Session, rows: list[models.DiscoverySession]) -> list[SessionRecord]:
    ids = [row.id for row in rows]
    venues = {v.id: venue_info(v) for v in session.scalars(select(models.Venue))}
    records = {
        row.id: SessionRecord(
            id=row.id,
            kind=row.kind,
            title=row.title,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            status=row.status,
            capacity=row.capacity,
            attendance=row.attendance,
            outcome_notes=row.outcome_notes,
            series_id=row.series_id,
            recurrence=row.recurrence,
            clash_override=row.clash_override,
            venue=venues.get(row.venue_id) if row.venue_id is not None else None,
            jobs_offered=row.jobs_offered,
            hires=row.hires,
            version=row.version,
        )
        for row in rows
    }
    if not ids:
        return []
    SP, SA, SH = models.SessionPartner, models.SessionAdviser, models.SessionHost  # noqa: N806
    for sid, pid, name in session.execute(
        select(SP.session_id, models.Partner.id, models.Partner.name)
        .join(models.Partner, models.Partner.id == SP.partner_id)
        .where(SP.session_id.in_(ids))
        .order_by(models.Partner.name)
    ):
        records[sid].partners[pid] = name
    for sid, aid, name in session.execute(
        select(SA.session_id, models.Adviser.id, models.Adviser.name)
        .join(models.Adviser, models.Adviser.id == SA.adviser_id)
        .where(SA.session_id.in_(ids))
        .order_by(models.Adviser.name)
    ):
        records[sid].advisers[aid] = name
    for sid, firm in session.execute(
        select(SH.session_id, models.Establishment)
        .join(models.Establishment, models.Establishment.siret == SH.siret)
        .where(SH.session_id.in_(ids))
        .order_by(models.Establishment.name)
    ):
        records[sid].hosts[firm.siret] = _firm_label(firm)
    for sid, kind, code in session.execute(
        select(models.SessionTheme.session_id, models.SessionTheme.kind, models.SessionTheme.code)
        .where(models.SessionTheme.session_id.in_(ids))
        .order_by(models.SessionTheme.kind, models.SessionTheme.code)
    ):
        records[sid].themes.append((kind, code))
    for sid, status in session.execute(
        select(models.SessionInvitee.session_id, models.SessionInvitee.status).where(
            models.SessionInvitee.session_id.in_(ids)
        )
    ):
        records[sid].invitees += 1
        records[sid].present += status == "attended"
    return [records[i] for i in ids]
