"""The demo's weekly target of firms *accompagnées*, so that the dashboard draws its line."""

from __future__ import annotations

from planner.db.store import CampaignStore
from planner.services.followup.dashboard.accompanied_target import write_target

# The demo's services and held sessions give ~10 to ~40 firms a week.
DEMO_WEEKLY_TARGET = 25


def add_demo_target(store: CampaignStore) -> None:
    """Set the coordinator's weekly target (a few firms each week, as the demo's services)."""
    with store.session() as session:
        write_target(session, DEMO_WEEKLY_TARGET)
