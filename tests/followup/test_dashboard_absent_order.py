"""The dashboard lists firms without a code in the reference after the sections."""

from __future__ import annotations

import polars as pl

from planner.services.followup.dashboard.data import (
    CONTACTS_SCHEMA,
    FIRMS_SCHEMA,
    NEED_ROWS_SCHEMA,
    FollowupData,
    axis_table,
)


def test_absent_code_sorts_after_the_sections() -> None:
    sections = ["D — Production d'électricité", "Code NAF 2025 absent", "C — Industrie"]
    columns = {axis: ["x"] * 3 for axis in FIRMS_SCHEMA}
    columns |= {
        "siret": [f"0000000000000{i}" for i in range(3)],
        "team_id": [1] * 3,
        "team_capacity": [10] * 3,
        "section": sections,
    }
    firms = pl.DataFrame(columns, schema=FIRMS_SCHEMA)
    data = FollowupData(
        "C",
        firms,
        pl.DataFrame(schema=CONTACTS_SCHEMA),
        pl.DataFrame(schema=NEED_ROWS_SCHEMA),
    )
    assert axis_table(data, "section")["section"].to_list() == [
        "C — Industrie",
        "D — Production d'électricité",
        "Code NAF 2025 absent",
    ]
