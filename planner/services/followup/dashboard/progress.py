"""Progress of the campaign over time: firms contacted and reached, week by week, per team."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import polars as pl

from planner.db.store import CampaignStore
from planner.domain.outcomes import REACHED
from planner.services.followup.dashboard.data import FollowupData, load_followup

TOTAL = "Toutes les équipes"
PROGRESS_LABELS: dict[str, str] = {
    "week": "Semaine du",
    "team": "Équipe",
    "capacity": "Capacité",
    "contacted": "Contactées (cumul)",
    "reached": "Jointes (cumul)",
    "share": "Contactées / capacité",
}
PROGRESS_SCHEMA: dict[str, pl.DataType] = {
    "week": pl.Date(),
    "team": pl.String(),
    "capacity": pl.Int64(),
    "contacted": pl.Int64(),
    "reached": pl.Int64(),
    "share": pl.Float64(),
}


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week."""
    return day - dt.timedelta(days=day.weekday())


def _teams(firms: pl.DataFrame) -> pl.DataFrame:
    teams = (
        firms.group_by("team_id")
        .agg(
            pl.col("team").first(),
            pl.col("partner").first(),
            pl.col("team_capacity").first().alias("capacity"),
        )
        .sort("team", "team_id")
    )
    # Two partners may both call a team "Équipe entreprises": name the partner then.
    counts = Counter(teams["team"].to_list())
    labels = [
        f"{team} ({partner})" if counts[team] > 1 else team
        for team, partner in zip(teams["team"], teams["partner"], strict=True)
    ]
    return teams.with_columns(pl.Series("team", labels, dtype=pl.String())).select(
        "team_id", "team", "capacity"
    )


def progress_table(data: FollowupData) -> pl.DataFrame:
    """Firms contacted and reached by the end of each week, cumulated, per team and in total.

    A firm counts as contacted from the week of its first contact and as
    reached from the week of its first contact where someone was spoken to.
    Weeks run from the week of the first contact to that of the last one,
    Monday to Sunday; ``week`` is the Monday. Rows come team by team (by
    name), each over every week, then the campaign's total (``team`` =
    :data:`TOTAL`, capacity summed). ``share`` is contacted / capacity, null
    without a capacity. Empty when nobody has been contacted yet.
    """
    if data.contacts.is_empty():
        return pl.DataFrame(schema=PROGRESS_SCHEMA)
    firsts = (
        data.contacts.group_by("siret")
        .agg(
            pl.col("date").min().alias("contacted_on"),
            pl.col("date").filter(pl.col("outcome").is_in(list(REACHED))).min().alias("reached_on"),
        )
        .join(data.firms.select("siret", "team_id"), on="siret")
    )
    first_week = week_start(data.contacts["date"].min())  # type: ignore[arg-type]
    last_week = week_start(data.contacts["date"].max())  # type: ignore[arg-type]
    weeks = pl.DataFrame(
        {"week": pl.date_range(first_week, last_week, "1w", eager=True)},
        schema={"week": pl.Date()},
    )

    def new_per_week(column: str, name: str) -> pl.DataFrame:
        return (
            firsts.filter(pl.col(column).is_not_null())
            .with_columns(pl.col(column).dt.truncate("1w").alias("week"))
            .group_by("team_id", "week")
            .agg(pl.len().cast(pl.Int64).alias(name))
        )

    grid = (
        _teams(data.firms)
        .join(weeks, how="cross")
        .join(new_per_week("contacted_on", "contacted"), on=["team_id", "week"], how="left")
        .join(new_per_week("reached_on", "reached"), on=["team_id", "week"], how="left")
        .with_columns(pl.col("contacted", "reached").fill_null(0))
        .sort("team", "team_id", "week")
        .with_columns(pl.col("contacted", "reached").cum_sum().over("team_id"))
    )
    total = (
        grid.group_by("week")
        .agg(
            pl.when(pl.col("capacity").is_null().all())
            .then(None)
            .otherwise(pl.col("capacity").sum())
            .alias("capacity"),
            pl.col("contacted").sum(),
            pl.col("reached").sum(),
        )
        .sort("week")
        .with_columns(pl.lit(TOTAL).alias("team"))
    )
    columns = ["week", "team", "capacity", "contacted", "reached"]
    table = pl.concat([grid.select(columns), total.select(columns)], how="vertical_relaxed")
    return table.with_columns(
        pl.when(pl.col("capacity") > 0)
        .then(pl.col("contacted") / pl.col("capacity"))
        .otherwise(None)
        .alias("share")
    ).cast(PROGRESS_SCHEMA)  # type: ignore[arg-type]


def progress_over_time(store: CampaignStore) -> pl.DataFrame:
    """The weekly progress of ``store``'s campaign (see :func:`progress_table`)."""
    return progress_table(load_followup(store))
