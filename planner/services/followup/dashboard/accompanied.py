"""Firms *accompagnées* week by week against the weekly target, services realised by type,
and the ``followup.accompanied`` summary of ``planner info --json``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
from sqlalchemy import select

from planner.db import models
from planner.db.store import CampaignStore
from planner.domain import clock
from planner.services.followup.dashboard.accompanied_target import read_target
from planner.services.followup.dashboard.journey import UNASSIGNED, JourneyData
from planner.services.followup.dashboard.progress import week_start
from planner.services.offers.realised import accompanied_firms

WEEKLY_LABELS: dict[str, str] = {
    "week": "Semaine du",
    "accompanied": "Accompagnées dans la semaine",
    "new": "Nouvelles accompagnées",
    "cumulative": "Accompagnées depuis le début de la période",
    "target": "Objectif hebdomadaire",
    "share": "Accompagnées / objectif",
}
WEEKLY_SCHEMA: dict[str, pl.DataType] = {
    "week": pl.Date(),
    "accompanied": pl.Int64(),
    "new": pl.Int64(),
    "cumulative": pl.Int64(),
    "target": pl.Int64(),
    "share": pl.Float64(),
}
SERVICE_LABELS: dict[str, str] = {
    "service": "Service",
    "counts": "Compte comme accompagnement",
    "firms": "Entreprises",
    "services": "Services réalisés",
    "quantity": "Quantité",
    "unit": "Unité",
}
SERVICE_SCHEMA: dict[str, pl.DataType] = {
    "service": pl.String(),
    "counts": pl.Boolean(),
    "firms": pl.Int64(),
    "services": pl.Int64(),
    "quantity": pl.Int64(),
    "unit": pl.String(),
}
_CHUNK = 900  # SIRETs per IN list, well under SQLite's parameter limit


def weekly_table(data: JourneyData) -> pl.DataFrame:
    """Firms *accompagnées* each week of the period, Monday to Sunday.

    ``accompanied``: distinct firms with a realised service that counts in the
    week; ``new``: those accompanied for the first time in the period;
    ``cumulative``: distinct firms since the period's start; ``target``: the
    weekly target (null when none is set); ``share``: accompanied / target.
    """
    first = week_start(data.period.start)
    last = week_start(data.period.end)
    weeks = pl.DataFrame(
        {"week": pl.date_range(first, last, "1w", eager=True)}, schema={"week": pl.Date()}
    )
    counted = data.services.filter(pl.col("counts")).with_columns(
        pl.col("date").dt.truncate("1w").alias("week")
    )
    per_week = counted.group_by("week").agg(pl.col("siret").n_unique().alias("accompanied"))
    new = (
        counted.group_by("siret")
        .agg(pl.col("week").min())
        .group_by("week")
        .agg(pl.len().alias("new"))
    )
    table = (
        weeks.join(per_week, on="week", how="left")
        .join(new, on="week", how="left")
        .with_columns(pl.col("accompanied", "new").fill_null(0).cast(pl.Int64))
        .sort("week")
        .with_columns(
            pl.col("new").cum_sum().alias("cumulative"),
            pl.lit(data.target, dtype=pl.Int64()).alias("target"),
        )
        .with_columns(
            pl.when(pl.col("target") > 0)
            .then(pl.col("accompanied") / pl.col("target"))
            .otherwise(None)
            .alias("share")
        )
    )
    return table.select(list(WEEKLY_SCHEMA)).cast(WEEKLY_SCHEMA)  # type: ignore[arg-type]


def services_table(data: JourneyData) -> pl.DataFrame:
    """The services realised in the period by type, in the catalogue's order.

    Every service offered is listed (0 when none was realised); an archived
    service only when it was realised. ``quantity`` sums the posts or people
    recorded (null for a service that counts none).
    """
    grouped = data.services.group_by("offer_id").agg(
        pl.col("siret").n_unique().alias("firms"),
        pl.len().alias("services"),
        pl.col("quantity").sum().alias("quantity"),
    )
    found = {row[0]: row[1:] for row in grouped.iter_rows()}
    rows = []
    for offer in data.offers:
        if not offer.active and offer.id not in found:
            continue
        firms, services, quantity = found.get(offer.id, (0, 0, 0))
        rows.append(
            (
                offer.name,
                offer.counts_as_accompaniment,
                firms,
                services,
                quantity if offer.quantity_label else None,
                offer.quantity_label or "",
            )
        )
    return pl.DataFrame(rows, schema=SERVICE_SCHEMA, orient="row")


@dataclass(frozen=True, slots=True)
class AccompaniedSummary:
    """``followup.accompanied`` in ``planner info --json``.

    Attributes:
        total: firms *accompagnées* in the campaign up to today.
        this_week: firms *accompagnées* since this week's Monday.
        week: that Monday (ISO date).
        by_partner: ``total`` by the partner the firm is assigned to
            (« (non attribuée) » for the others), most first.
        target: the weekly target set by the coordinator, or None.
    """

    total: int
    this_week: int
    week: str
    by_partner: dict[str, int]
    target: int | None


@dataclass(frozen=True, slots=True)
class FollowupInfo:
    """``followup`` in ``planner info --json``."""

    accompanied: AccompaniedSummary


def followup_info(store: CampaignStore, today: dt.date | None = None) -> FollowupInfo:
    """What the follow-up adds to ``planner info --json``.

    On a shared campaign the login's row-level security decides which firms
    it counts: a partner counts its own.
    """
    today = today or clock.today()
    monday = week_start(today)
    with store.session() as session:
        firms = accompanied_firms(session, None, today)
        this_week = len(accompanied_firms(session, monday, today))
        sirets = sorted(firms)
        partner_of: dict[str, str] = {}
        for index in range(0, len(sirets), _CHUNK):
            chunk = sirets[index : index + _CHUNK]
            partner_of.update(
                session.execute(
                    select(models.Assignment.siret, models.Partner.name)
                    .join(models.Team, models.Team.id == models.Assignment.team_id)
                    .join(models.Partner, models.Partner.id == models.Team.partner_id)
                    .where(models.Assignment.siret.in_(chunk))
                )
                .tuples()
                .all()
            )
        target = read_target(session)
    counts: dict[str, int] = {}
    for siret in sirets:
        name = partner_of.get(siret, UNASSIGNED)
        counts[name] = counts.get(name, 0) + 1
    by_partner = dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
    return FollowupInfo(
        AccompaniedSummary(
            total=len(firms),
            this_week=this_week,
            week=monday.isoformat(),
            by_partner=by_partner,
            target=target,
        )
    )
