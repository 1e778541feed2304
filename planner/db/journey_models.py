"""Models of the firm's journey (0011): the shared service offer and the services
recorded for each firm, the *ne pas solliciter* marks, and partners' portfolio claims.

Re-exported by ``planner.db.models`` (one schema, one import for its users).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from planner.db.base import Base, Versioned, now

# The CHECK constraints of migration 0011, in SQL both backends read (the codes of
# ``planner.domain.service_offer.SERVICE_STATUSES`` and ``planner.domain.solicitation.
# BLOCK_REASONS``; ``tests/db/test_firm_journey_schema.py`` keeps them in step).
SERVICE_STATUS_CHECK = "status IN ('proposed', 'accepted', 'done', 'refused')"
SERVICE_QUANTITY_CHECK = "quantity IS NULL OR quantity BETWEEN 1 AND 10000"
SERVICE_DATE_CHECK = "date BETWEEN '2000-01-01' AND '2100-12-31'"
BLOCK_REASON_CHECK = "reason IN ('refusal', 'closed', 'followed_elsewhere', 'other')"
BLOCK_NOTE_CHECK = "note IS NULL OR length(note) <= 2000"


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
    # Checked by the database too: a login writing by direct SQL (« psql ») gets no
    # other status, no absurd date or number (``planner/services/offers/recording.py``
    # says the same in French). On PostgreSQL a trigger also ties the SIRET to the
    # contact's (``planner/db/pg_triggers.py``).
    __table_args__ = (
        CheckConstraint(SERVICE_STATUS_CHECK, name="status"),
        CheckConstraint(SERVICE_QUANTITY_CHECK, name="quantity"),
        CheckConstraint(SERVICE_DATE_CHECK, name="date"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
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
    __table_args__ = (
        CheckConstraint(BLOCK_REASON_CHECK, name="reason"),
        CheckConstraint(BLOCK_NOTE_CHECK, name="note"),
    )

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
    # The login that wrote the mark last: on PostgreSQL a trigger sets it to
    # ``session_user`` whatever the client sends, and a partner's or adviser's
    # login may change only its own marks (row-level security); on SQLite, the
    # user of the computer.
    login: Mapped[str | None] = mapped_column(String(63))


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
