"""Sessions by status for ``planner info --json``."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from planner.db import models
from planner.db.store import CampaignStore
from planner.domain.session_labels import SESSION_STATUSES


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """Sessions by status, first and last day (``sessions`` in ``planner info --json``).

    Attributes:
        total: every session.
        by_status: sessions per status code, every known status present.
        first: the first session's day (ISO), None without sessions.
        last: the last session's day (ISO), None without sessions.
        venues: the venues recorded.
    """

    total: int
    by_status: dict[str, int]
    first: str | None
    last: str | None
    venues: int


def session_summary(store: CampaignStore) -> SessionSummary:
    """What this area adds to ``campaign_info``: sessions by status, first and last day."""
    S = models.DiscoverySession  # noqa: N806
    with store.session() as session:
        counts = dict(
            session.execute(select(S.status, func.count()).group_by(S.status)).tuples().all()
        )
        first, last = session.execute(select(func.min(S.starts_at), func.max(S.starts_at))).one()
        venues = session.scalar(select(func.count()).select_from(models.Venue)) or 0
    return SessionSummary(
        total=sum(counts.values()),
        by_status={status: counts.get(status, 0) for status in SESSION_STATUSES},
        first=first.date().isoformat() if first else None,
        last=last.date().isoformat() if last else None,
        venues=venues,
    )
