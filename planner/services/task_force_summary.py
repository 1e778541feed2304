"""Teams (capacity and assigned) and assignment counts for ``planner info --json``."""

from __future__ import annotations

from typing import Any

from planner.db.store import CampaignStore


def task_force_summary(store: CampaignStore) -> dict[str, Any]:
    """The keys this area adds to ``campaign_info``."""
    del store
    return {}
