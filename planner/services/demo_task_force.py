"""The demo's task force: Plaine Commune's partners, teams, remits and a first division."""

from __future__ import annotations

from planner.db.store import CampaignStore


def add_demo_task_force(store: CampaignStore, *, seed: int) -> None:
    """Add this part of the demo to a freshly imported demo campaign."""
    del store, seed
