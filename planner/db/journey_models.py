"""Models of the firm's journey (0011): the shared service offer and the services
recorded for each firm, the *ne pas solliciter* marks, and partners' portfolio claims.

Re-exported by ``planner.db.models`` (one schema, one import for its users).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from planner.db.base import Base, Versioned, now


class ServiceOffer(Versioned, Base):
    """A service of the task force's shared offer (POEI, immersion, job dating…)."""

    __tablename__ = "service_offer"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    counts_as_accompaniment: Mapped[bool] = mapped_column(Boolean, default=True)
    # What its number counts (« postes », « personnes »); None: no number applies.
    quantity_label: Mapped[str | None] = mapped_column(String(30))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # An archived service keeps its history but is no longer offered.
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ServiceOfferPartner(Base):
    """A partner that delivers a service (no row for a service: every partner does)."""

    __tablename__ = "service_offer_partner"

    offer_id: Mapped[int] = mapped_column(
        ForeignKey("service_offer.id", ondelete="CASCADE"), primary_key=True
    )
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partner.id", ondelete="CASCADE"), primary_key=True
    )


class ContactService(Versioned, Base):
    """A service proposed, accepted, realised or refused for a firm, recorded with a contact.

    ``status`` is a code of ``planner.domain.service_offer.SERVICE_STATUSES``;
    ``quantity`` the number of posts or people where the service counts one. A
    service that moves on (proposé, then réalisé) is a new row with its own date:
    the history stays.
    """

    __tablename__ = "contact_service"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), index=True
    )
    siret: Mapped[str] = mapped_column(
        ForeignKey("establishment.siret", ondelete="CASCADE"), index=True
    )
    offer_id: Mapped[int] = mapped_column(
        ForeignKey("service_offer.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[str] = mapped_column(String(10))
    date: Mapped[dt.date] = mapped_column(index=True)
    quantity: Mapped[int | None]
    comment: Mapped[str | None] = mapped_column(Text)


class FirmBlock(Versioned, Base):
    """A firm marked *ne pas solliciter*: in no call list and no invitee suggestion.

    ``reason`` is a code of ``planner.domain.solicitation.BLOCK_REASONS``;
    ``until`` the last day it holds (None: until lifted). Lifting the mark deletes
    the row (the journal keeps it).
    """

    __tablename__ = "firm_block"

    siret: Mapped[str] = mapped_column(
        ForeignKey("establishment.siret", ondelete="CASCADE"), primary_key=True
    )
    reason: Mapped[str] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text)
    until: Mapped[dt.date | None]
    blocked_at: Mapped[dt.datetime] = mapped_column(default=now)
    # Who set it (a login, an adviser's name, or the workbook it came from).
    blocked_by: Mapped[str | None] = mapped_column(String(200))
    # manual | workbook | import
    source: Mapped[str] = mapped_column(String(20), default="manual")


class PortfolioClaim(Versioned, Base):
    """A firm a partner already follows, read from that partner's portfolio file.

    The SIRET is not a foreign key: a claim on a firm the campaign does not hold
    (outside the bassin, or not imported yet) is kept and reported. ``state``
    says what became of the claim (``planner/services/task_force/partner_portfolios``).
    """

    __tablename__ = "portfolio_claim"
    __table_args__ = (UniqueConstraint("partner_id", "siret"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partner.id", ondelete="CASCADE"), index=True
    )
    siret: Mapped[str] = mapped_column(String(14), index=True)
    adviser_email: Mapped[str | None] = mapped_column(String(200))
    adviser_id: Mapped[int | None] = mapped_column(ForeignKey("adviser.id", ondelete="SET NULL"))
    since: Mapped[dt.date | None]
    state: Mapped[str] = mapped_column(String(12), default="pending")
    note: Mapped[str | None] = mapped_column(Text)
    source_file: Mapped[str | None] = mapped_column(String(300))
    source_line: Mapped[int | None]
    imported_at: Mapped[dt.datetime] = mapped_column(default=now)
