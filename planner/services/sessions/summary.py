"""Sessions by status for ``planner info --json``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from planner.db import models
from planner.db.store import CampaignStore
from planner.domain.session_labels import SESSION_STATUSES


def session_summary(store: CampaignStore) -> dict[str, Any]:
    """The keys this area adds to ``campaign_info``: sessions by status, first and last day."""
    S = models.DiscoverySession  # noqa: N806
    with store.session() as session:
        counts = dict(
            session.execute(select(S.status, func.count()).group_by(S.status)).tuples().all()
        )
        first, last = session.execute(select(func.min(S.starts_at), func.max(S.starts_at))).one()
        venues = session.scalar(select(func.count()).select_from(models.Venue)) or 0
    return {
        "sessions": {
            "total": sum(counts.values()),
            "by_status": {status: counts.get(status, 0) for status in SESSION_STATUSES},
            "first": first.date().isoformat() if first else None,
            "last": last.date().isoformat() if last else None,
            "venues": venues,
        }
    }
