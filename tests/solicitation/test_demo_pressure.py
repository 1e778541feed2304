"""The demo shows contact pressure: two firms marked *ne pas solliciter* (a refusal until
a date, a closed firm) and a few firms over the cap, all among the assigned firms."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from planner.db import models
from planner.db.store import open_store
from planner.domain import clock
from planner.services.followup.call_lists import left_out_counts
from planner.services.followup.solicitation.blocks import list_blocks


def test_demo_has_two_marks_and_firms_over_the_cap(demo_file: Path) -> None:
    store = open_store(demo_file)
    try:
        with store.session() as session:
            blocks = list_blocks(session, clock.today())
            assigned = set(session.scalars(select(models.Assignment.siret)))
        counts = left_out_counts(store)
    finally:
        store.close()
    assert sorted(b.reason for b in blocks) == ["closed", "refusal"]
    refusal = next(b for b in blocks if b.reason == "refusal")
    assert refusal.until is not None and refusal.until > clock.today()
    assert all(b.siret in assigned for b in blocks)
    assert counts["blocked"] == 2
    assert counts["over_cap"] >= 3
