"""Campaign follow-up figures by partner, team, adviser, commune or NAF section.

:func:`load_followup` reads the campaign once; the tables of the dashboard
(:func:`axis_table` here, the weekly progress in ``dashboard_progress`` and
the needs by ROME métier in ``dashboard_needs``) are computed from it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import polars as pl
from sqlalchemy import select

from planner.db import models
from planner.db.store import CampaignStore
from planner.domain.nomenclature import NOMENCLATURES, absent_label
from planner.domain.outcomes import REACHED
from planner.io.nomenclatures import load_nomenclature
from planner.services.campaign.naf_reference import reference_nomenclature
from planner.services.firms.firm_query import load_firms
from planner.services.followup.dashboard.journey import JourneyData, Period, load_journey

Axis = Literal["partner", "team", "adviser", "commune", "section"]
AXES: tuple[Axis, ...] = ("partner", "team", "adviser", "commune", "section")
AXIS_LABELS: dict[str, str] = {
    "partner": "Partenaire",
    "team": "Équipe",
    "adviser": "Conseiller",
    "commune": "Commune",
    "section": "Section NAF",
}
AXIS_TITLES: dict[str, str] = {
    "partner": "Par partenaire",
    "team": "Par équipe",
    "adviser": "Par conseiller",
    "commune": "Par commune",
    "section": "Par section NAF",
}
COLUMN_LABELS: dict[str, str] = {
    "assigned": "Entreprises attribuées",
    "contacted": "Contactées",
    "reached": "Jointes",
    "posts": "Postes recueillis",
    "offers": "Offres déposées",
    "capacity": "Capacité",
}
UNKNOWN = "(inconnu)"
_ABSENT_LABELS = [absent_label(key) for key in NOMENCLATURES]


FIRMS_SCHEMA: dict[str, pl.DataType] = {
    "siret": pl.String(),
    "team_id": pl.Int64(),
    "team_capacity": pl.Int64(),
    **{axis: pl.String() for axis in AXES},
}
CONTACTS_SCHEMA: dict[str, pl.DataType] = {
    "siret": pl.String(),
    "date": pl.Date(),
    "outcome": pl.String(),
}
NEED_ROWS_SCHEMA: dict[str, pl.DataType] = {
    "siret": pl.String(),
    "date": pl.Date(),
    "rome_code": pl.String(),
    "posts": pl.Int64(),
    "offer": pl.Boolean(),
}


@dataclass(frozen=True)
class FollowupData:
    """What the dashboard is computed from, read in one go.

    Attributes:
        campaign: the campaign's name, for titles.
        firms: one row per assigned firm: ``siret``, ``team_id``,
            ``team_capacity`` and one text column per axis (``partner``,
            ``team``, ``adviser``, ``commune``, ``section``).
        contacts: one row per contact of an assigned firm: ``siret``,
            ``date``, ``outcome``.
        needs: one row per need of an assigned firm: ``siret``, ``date``,
            ``rome_code``, ``posts``, ``offer``.
        journey: the firms' journey (targeted → *accompagnées*) over a period,
            the weekly progress of *accompagnées* and the services realised;
            None until read.
    """

    campaign: str
    firms: pl.DataFrame
    contacts: pl.DataFrame
    needs: pl.DataFrame
    journey: JourneyData | None = None

    @classmethod
    def empty(cls) -> FollowupData:
        """No firm, no contact: what a window shows until the campaign is read."""
        return cls(
            campaign="",
            firms=pl.DataFrame(schema=FIRMS_SCHEMA),
            contacts=pl.DataFrame(schema=CONTACTS_SCHEMA),
            needs=pl.DataFrame(schema=NEED_ROWS_SCHEMA),
        )


def _partners(store: CampaignStore) -> pl.DataFrame:
    with store.session() as session:
        rows = session.execute(
            select(models.Team.id, models.Partner.name).join(
                models.Partner, models.Partner.id == models.Team.partner_id
            )
        ).all()
    return pl.DataFrame(rows, schema={"team_id": pl.Int64(), "partner": pl.String()}, orient="row")


def _section_titles(nomenclature: str) -> dict[str, str]:
    """``{"K": "K — Télécommunications…"}`` in the campaign's reference nomenclature."""
    sections = load_nomenclature(nomenclature).sections
    return {code: f"{code} — {label}" for code, label in sections.items()}


def load_followup(
    store: CampaignStore, period: Period | None = None, *, today: dt.date | None = None
) -> FollowupData:
    """Read the assigned firms, their contacts and their needs, and the journey over
    ``period`` (default: from the campaign's start to ``today``).

    Sections are those of the campaign's reference nomenclature; firms without
    a code in it are under « Code NAF 2025 absent » (or rév. 2).
    """
    reference = reference_nomenclature(store)
    firms = load_firms(store, reference).filter(pl.col("team_id").is_not_null())
    firms = (
        firms.join(_partners(store), on="team_id", how="left")
        .select(
            "siret",
            "team_id",
            "team_capacity",
            *(
                pl.col(source).fill_null(UNKNOWN).alias(axis)
                for axis, source in (
                    ("partner", "partner"),
                    ("team", "team"),
                    ("adviser", "adviser"),
                    ("commune", "commune_name"),
                )
            ),
            pl.col("section")
            .replace_strict(
                _section_titles(reference), default=pl.col("section"), return_dtype=pl.String()
            )
            .fill_null(absent_label(reference))
            .alias("section"),
        )
        .cast(FIRMS_SCHEMA)  # type: ignore[arg-type]
    )
    with store.session() as session:
        name = session.scalar(select(models.Campaign.name).limit(1)) or ""
        contact_rows = session.execute(
            select(models.Contact.siret, models.Contact.date, models.Contact.outcome)
        ).all()
        need_rows = session.execute(
            select(
                models.Contact.siret,
                models.Contact.date,
                models.ContactNeed.rome_code,
                models.ContactNeed.posts,
                models.ContactNeed.offer_deposited,
            ).join(models.Contact, models.Contact.id == models.ContactNeed.contact_id)
        ).all()
    assigned = firms.select("siret")
    contacts = pl.DataFrame(contact_rows, schema=CONTACTS_SCHEMA, orient="row")
    needs = pl.DataFrame(need_rows, schema=NEED_ROWS_SCHEMA, orient="row")
    contacts = contacts.join(assigned, on="siret", how="semi")
    needs = needs.join(assigned, on="siret", how="semi")
    journey = load_journey(store, period, today=today)
    return FollowupData(campaign=name, firms=firms, contacts=contacts, needs=needs, journey=journey)


def axis_table(data: FollowupData, axis: Axis) -> pl.DataFrame:
    """One row per value of ``axis``: firms assigned, contacted, reached, posts, offers.

    The team axis also carries the team's ``capacity``.
    """
    contacted = data.contacts.group_by("siret").agg(
        pl.col("outcome").is_in(list(REACHED)).any().alias("reached")
    )
    needs = data.needs.group_by("siret").agg(
        pl.col("posts").fill_null(0).sum().alias("posts"),
        pl.col("offer").fill_null(False).sum().alias("offers"),
    )
    joined = (
        data.firms.join(contacted, on="siret", how="left")
        .join(needs, on="siret", how="left")
        .rename({axis: "group"})
    )
    table = (
        joined.group_by("group")
        .agg(
            pl.len().alias("assigned"),
            pl.col("reached").is_not_null().sum().alias("contacted"),
            pl.col("reached").fill_null(False).sum().alias("reached"),
            pl.col("posts").fill_null(0).sum().alias("posts"),
            pl.col("offers").fill_null(0).sum().alias("offers"),
        )
        # « Code NAF 2025 absent » after the sections, not between C and D.
        .sort(pl.col("group").is_in(_ABSENT_LABELS), "group")
    )
    if axis == "team":
        capacity = joined.group_by("group").agg(pl.col("team_capacity").first().alias("capacity"))
        table = table.join(capacity, on="group", how="left")
    return table.rename({"group": axis}).cast({pl.UInt32: pl.Int64, pl.Int32: pl.Int64})


def dashboard(store: CampaignStore, axis: Axis) -> pl.DataFrame:
    """One row per value of ``axis`` over the assigned firms, with the follow-up counts."""
    return axis_table(load_followup(store), axis)
