"""Models of the shared campaign: the journal and the access grants (0010)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Integer, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from planner.db.base import Base, now
from planner.domain.json_types import JsonObject


class JournalEntry(Base):
    """One change of a followed row: who, when, which row, before and after.

    Append-only: written by triggers (PostgreSQL) or by the application's
    connections (SQLite), never updated nor deleted (``planner/db/journal_tables.py``).
    """

    __tablename__ = "journal"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    login: Mapped[str] = mapped_column(String(200))
    table_name: Mapped[str] = mapped_column(String(50))
    row_key: Mapped[str | None] = mapped_column(String(200))
    siret: Mapped[str | None] = mapped_column(String(14), index=True)
    action: Mapped[str] = mapped_column(String(6))  # insert | update | delete
    before: Mapped[JsonObject | None] = mapped_column(JSON().with_variant(JSONB(), "postgresql"))
    after: Mapped[JsonObject | None] = mapped_column(JSON().with_variant(JSONB(), "postgresql"))


class AccessGrant(Base):
    """A PostgreSQL login's role in the shared campaign (``planner access grant``)."""

    __tablename__ = "access_grant"

    login: Mapped[str] = mapped_column(String(63), primary_key=True)
    role: Mapped[str] = mapped_column(String(20))  # coordination | partenaire | conseiller
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"))
    adviser_id: Mapped[int | None] = mapped_column(ForeignKey("adviser.id", ondelete="CASCADE"))
    granted_at: Mapped[dt.datetime] = mapped_column(default=now)
