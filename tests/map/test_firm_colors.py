"""Colours by team and adviser: never twice in a team, distinct across neighbouring teams."""

from __future__ import annotations

import itertools
from pathlib import Path

import polars as pl

from planner.db.store import open_store
from planner.services.firms.firm_query import load_firms
from planner.services.map.firm_colors import (
    ASSIGNMENT_PALETTE,
    UNASSIGNED_COLOR,
    categories,
    distinct_colors,
)


def _adviser_colors(firms: pl.DataFrame) -> pl.DataFrame:
    """One row per adviser: team_id, adviser_id and the colour the map gives them."""
    codes, legend = categories(firms, "adviser")
    coloured = firms.with_columns(pl.Series("color", [legend[c][1] for c in codes]))
    return (
        coloured.filter(pl.col("adviser_id").is_not_null())
        .group_by("team_id", "adviser_id")
        .agg(pl.col("color").unique())
        .sort("team_id", "adviser_id")
    )


def test_palette_has_no_duplicate_and_no_grey() -> None:
    assert len(set(ASSIGNMENT_PALETTE)) == len(ASSIGNMENT_PALETTE) >= 36
    assert UNASSIGNED_COLOR not in ASSIGNMENT_PALETTE
    many = distinct_colors(120)
    assert len(set(many)) == 120 and UNASSIGNED_COLOR not in many


def test_advisers_of_a_team_and_of_neighbouring_teams_never_share_a_colour(
    demo_file: Path,
) -> None:
    store = open_store(demo_file)
    try:
        firms = load_firms(store)
    finally:
        store.close()
    advisers = _adviser_colors(firms)
    assert advisers.height >= 10
    # Each adviser has one colour, and it is nobody else's on the map.
    assert all(len(colors) == 1 for colors in advisers["color"].to_list())
    color_of = {row["adviser_id"]: row["color"][0] for row in advisers.iter_rows(named=True)}
    teams: dict[int, list[str]] = {}
    for row in advisers.iter_rows(named=True):
        teams.setdefault(row["team_id"], []).append(color_of[row["adviser_id"]])
    assert len(teams) >= 3
    for colors in teams.values():
        assert len(set(colors)) == len(colors)
        assert UNASSIGNED_COLOR not in colors
    ordered = [teams[t] for t in sorted(teams)]
    for left, right in itertools.pairwise(ordered):
        assert not set(left) & set(right)
    # Teams coloured by team: one colour each, all different.
    _codes, legend = categories(firms, "team")
    team_colors = [color for label, color in legend if label != "Non attribuées"]
    # Counts are the legend's own column: labels carry names (and a team's capacity).
    assert all("(capacité " in label for label, _ in legend[:-1])
    _codes, adviser_legend = categories(firms, "adviser")
    names = set(firms["adviser"].drop_nulls().to_list())
    assert {label for label, _ in adviser_legend[:-1]} == names
    assert len(set(team_colors)) == len(team_colors) == len(teams)


def test_a_team_larger_than_the_palette_still_has_distinct_colours() -> None:
    count = len(ASSIGNMENT_PALETTE) + 12
    firms = pl.DataFrame(
        {
            "team_id": [1] * count + [2, 2],
            "team": ["Grande"] * count + ["Petite", "Petite"],
            "adviser_id": [*list(range(count)), 500, 501],
            "adviser": [f"C{i}" for i in range(count)] + ["P1", "P2"],
            "team_capacity": [None] * (count + 2),
        },
        schema_overrides={"team_capacity": pl.Int64},
    )
    advisers = _adviser_colors(firms)
    big = [c[0] for t, c in zip(advisers["team_id"], advisers["color"], strict=True) if t == 1]
    assert len(set(big)) == count
