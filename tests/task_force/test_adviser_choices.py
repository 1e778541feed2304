"""The advisers a picker offers: each with its team, by team then by name."""

from __future__ import annotations

from pathlib import Path

from planner.services.campaign.campaign_store import open_campaign
from planner.services.task_force.task_force import adviser_choices, load_task_force


def test_advisers_come_with_their_team_in_team_order(demo_file: Path) -> None:
    store = open_campaign(demo_file)
    try:
        force = load_task_force(store)
        choices = adviser_choices(store)
    finally:
        store.close()
    team_order = {t.name: i for i, t in enumerate(force.teams)}
    assert {c.id for c in choices} == {a for t in force.teams for a in t.adviser_ids}
    keys = [(team_order[c.team_name], c.name) for c in choices]
    assert keys == sorted(keys)
    by_id = {a: t.name for t in force.teams for a in t.adviser_ids}
    assert all(by_id[c.id] == c.team_name for c in choices)
