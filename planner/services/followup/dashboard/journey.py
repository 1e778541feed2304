"""The firm's journey over a period: targeted, contacted, reached, with a need, *accompagnée*.

:func:`load_journey` reads, for one period, the campaign's firms with their
axes (partner, team, adviser, commune, NAF section, headcount band), the
contacts and needs of the period and the services realised in it
(``planner.services.offers.realised``). :func:`journey_table` groups them by
one axis with polars, so that 500,000 firms take no Python loop.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import polars as pl
from sqlalchemy import func, select

from planner.db import models
from planner.db.store import CampaignStore
from planner.domain import clock
from planner.domain.errors import PlannerError
from planner.domain.headcount_bands import BAND_ORDER, band_label
from planner.domain.nomenclature import NOMENCLATURES, absent_label
from planner.domain.outcomes import REACHED
from planner.services.campaign.naf_reference import reference_nomenclature
from planner.services.firms.firm_query import load_firms
from planner.services.followup.dashboard.accompanied_target import read_target
from planner.services.offers.catalogue import OfferView, list_offers
from planner.services.offers.realised import realised_services

JourneyAxis = Literal["partner", "team", "adviser", "commune", "section", "band"]
JOURNEY_AXES: tuple[JourneyAxis, ...] = (
    "partner",
    "team",
    "adviser",
    "commune",
    "section",
    "band",
)
JOURNEY_AXIS_LABELS: dict[str, str] = {
    "partner": "Partenaire",
    "team": "Équipe",
    "adviser": "Conseiller",
    "commune": "Commune",
    "section": "Section NAF",
    "band": "Tranche d'effectifs",
}
JOURNEY_AXIS_TITLES: dict[str, str] = {
    "partner": "Par partenaire",
    "team": "Par équipe",
    "adviser": "Par conseiller",
    "commune": "Par commune",
    "section": "Par section NAF",
    "band": "Par tranche d'effectifs",
}
STAGES: tuple[str, ...] = ("targeted", "contacted", "reached", "with_need", "accompanied")
STAGE_LABELS: dict[str, str] = {
    "targeted": "Entreprises ciblées",
    "contacted": "Contactées",
    "reached": "Jointes",
    "with_need": "Avec un besoin",
    "accompanied": "Accompagnées",
}
RATE_LABELS: dict[str, str] = {
    "contacted_rate": "Contactées / ciblées",
    "reached_rate": "Jointes / contactées",
    "with_need_rate": "Avec besoin / jointes",
    "accompanied_rate": "Accompagnées / avec besoin",
}
RATES: tuple[str, ...] = tuple(RATE_LABELS)
JOURNEY_LABELS: dict[str, str] = {**STAGE_LABELS, **RATE_LABELS}
TOTAL_ROW = "Total"
UNASSIGNED = "(non attribuée)"
UNKNOWN = "(inconnu)"
_ABSENT_LABELS = [absent_label(key) for key in NOMENCLATURES]

JOURNEY_FIRMS_SCHEMA: dict[str, pl.DataType] = {
    "siret": pl.String(),
    "targeted": pl.Boolean(),
    **{axis: pl.String() for axis in JOURNEY_AXES},
}
SERVICES_SCHEMA: dict[str, pl.DataType] = {
    "siret": pl.String(),
    "offer_id": pl.Int64(),
    "date": pl.Date(),
    "quantity": pl.Int64(),
    "counts": pl.Boolean(),
}
_CONTACTS_SCHEMA: dict[str, pl.DataType] = {
    "siret": pl.String(),
    "date": pl.Date(),
    "outcome": pl.String(),
}


EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2100, 12, 31)
MAX_DAYS = 3653
"""A period counts week by week: at most ten years (a far date would take minutes)."""


@dataclass(frozen=True, slots=True)
class Period:
    """The days the journey counts, both included."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise PlannerError(
                f"Période vide : le {self.start:%d/%m/%Y} vient après le {self.end:%d/%m/%Y}."
            )
        if self.start < EARLIEST or self.end > LATEST:
            raise PlannerError(
                f"Période {self.label()} hors des dates possibles (du {EARLIEST:%d/%m/%Y} "
                f"au {LATEST:%d/%m/%Y})."
            )
        if (self.end - self.start).days > MAX_DAYS:
            raise PlannerError(
                f"Période {self.label()} trop longue : dix ans au plus, semaine par semaine."
            )

    def label(self) -> str:
        """« du 02/03/2026 au 06/12/2026 »."""
        return f"du {self.start:%d/%m/%Y} au {self.end:%d/%m/%Y}"


@dataclass(frozen=True)
class JourneyData:
    """What the journey views are computed from, for one period.

    Attributes:
        period: the days counted.
        firms: the assigned firms, and those not assigned that had a contact or a
            realised service in the period: ``siret``, ``targeted`` (assigned),
            and one text column per axis of :data:`JOURNEY_AXES`.
        contacted: per firm contacted in the period: ``siret``, ``reached``,
            ``with_need``.
        services: the services realised in the period (``SERVICES_SCHEMA``).
        offers: the catalogue, in its order.
        target: the weekly target of firms *accompagnées*, or None.
    """

    period: Period
    firms: pl.DataFrame
    contacted: pl.DataFrame
    services: pl.DataFrame
    offers: tuple[OfferView, ...]
    target: int | None

    @classmethod
    def empty(cls, period: Period) -> JourneyData:
        """Nothing read yet."""
        return cls(
            period=period,
            firms=pl.DataFrame(schema=JOURNEY_FIRMS_SCHEMA),
            contacted=pl.DataFrame(
                schema={"siret": pl.String(), "reached": pl.Boolean(), "with_need": pl.Boolean()}
            ),
            services=pl.DataFrame(schema=SERVICES_SCHEMA),
            offers=(),
            target=None,
        )


def default_period(store: CampaignStore, today: dt.date | None = None) -> Period:
    """From the campaign's start to ``today``.

    The start is the campaign's creation, or its first contact or realised
    service when one is dated earlier (contacts read back from before the file
    was made).
    """
    today = today or clock.today()
    with store.session() as session:
        created = session.scalar(select(func.min(models.Campaign.created_at)))
        first_contact = session.scalar(select(func.min(models.Contact.date)))
        first_service = session.scalar(select(func.min(models.ContactService.date)))
    days = [d for d in (first_contact, first_service) if d is not None]
    if created is not None:
        days.append(created.date())
    start = min(days, default=today)
    return Period(min(start, today), today)


def _section_titles(nomenclature: str) -> dict[str, str]:
    from planner.io.nomenclatures import load_nomenclature

    sections = load_nomenclature(nomenclature).sections
    return {code: f"{code} — {label}" for code, label in sections.items()}


def _partners(store: CampaignStore) -> pl.DataFrame:
    with store.session() as session:
        rows = session.execute(
            select(models.Team.id, models.Partner.name).join(
                models.Partner, models.Partner.id == models.Team.partner_id
            )
        ).all()
    return pl.DataFrame(rows, schema={"team_id": pl.Int64(), "partner": pl.String()}, orient="row")


def _contacted(store: CampaignStore, period: Period) -> pl.DataFrame:
    """Per firm contacted in the period: whether reached, whether a need was recorded."""
    with store.session() as session:
        in_period = (models.Contact.date >= period.start, models.Contact.date <= period.end)
        contacts = session.execute(
            select(models.Contact.siret, models.Contact.date, models.Contact.outcome).where(
                *in_period
            )
        ).all()
        with_need = session.scalars(
            select(models.Contact.siret)
            .join(models.ContactNeed, models.ContactNeed.contact_id == models.Contact.id)
            .where(*in_period)
            .distinct()
        ).all()
    frame = pl.DataFrame(contacts, schema=_CONTACTS_SCHEMA, orient="row")
    needs = pl.DataFrame({"siret": list(with_need)}, schema={"siret": pl.String()})
    return (
        frame.group_by("siret")
        .agg(pl.col("outcome").is_in(list(REACHED)).any().alias("reached"))
        .join(needs.with_columns(pl.lit(True).alias("with_need")), on="siret", how="left")
        .with_columns(pl.col("with_need").fill_null(False))
    )


def _services(store: CampaignStore, period: Period) -> pl.DataFrame:
    with store.session() as session:
        found = realised_services(session, period.start, period.end)
    return pl.DataFrame(
        [(s.siret, s.offer_id, s.date, s.quantity, s.counts_as_accompaniment) for s in found],
        schema=SERVICES_SCHEMA,
        orient="row",
    )


def load_journey(
    store: CampaignStore, period: Period | None = None, *, today: dt.date | None = None
) -> JourneyData:
    """Read the campaign's journey over ``period`` (default: :func:`default_period`)."""
    period = period or default_period(store, today)
    reference = reference_nomenclature(store)
    contacted = _contacted(store, period)
    services = _services(store, period)
    active = pl.concat([contacted.select("siret"), services.select("siret")]).unique()
    firms = load_firms(store, reference)
    firms = firms.filter(
        pl.col("team_id").is_not_null() | pl.col("siret").is_in(active["siret"].implode())
    )
    unassigned = pl.col("team_id").is_null()
    firms = firms.join(_partners(store), on="team_id", how="left").select(
        "siret",
        pl.col("team_id").is_not_null().alias("targeted"),
        *(
            pl.when(unassigned)
            .then(pl.lit(UNASSIGNED))
            .otherwise(pl.col(source).fill_null(UNKNOWN))
            .alias(axis)
            for axis, source in (("partner", "partner"), ("team", "team"), ("adviser", "adviser"))
        ),
        pl.col("commune_name").fill_null(UNKNOWN).alias("commune"),
        pl.col("section")
        .replace_strict(
            _section_titles(reference), default=pl.col("section"), return_dtype=pl.String()
        )
        .fill_null(absent_label(reference))
        .alias("section"),
        pl.col("band").fill_null("NN").alias("band"),
    )
    with store.session() as session:
        offers = tuple(list_offers(session))
        target = read_target(session)
    return JourneyData(
        period=period,
        firms=firms.cast(JOURNEY_FIRMS_SCHEMA),  # type: ignore[arg-type]
        contacted=contacted,
        services=services,
        offers=offers,
        target=target,
    )


def _rate(numerator: str, denominator: str) -> pl.Expr:
    return (
        pl.when(pl.col(denominator) > 0)
        .then(pl.col(numerator) / pl.col(denominator))
        .otherwise(None)
    )


def journey_table(data: JourneyData, axis: JourneyAxis, *, total: bool = True) -> pl.DataFrame:
    """One row per value of ``axis``: the five stages and the conversion between them.

    A firm counts at a stage when, in the period: it is assigned (ciblée), it
    had a contact (contactée), a contact where someone was spoken to
    (jointe), a contact that recorded a need (avec un besoin), a realised
    service that counts as accompaniment (accompagnée). Firms not assigned
    count from their first contact or service, under « (non attribuée) » for
    the partner, team and adviser. Each rate is a stage over the previous
    one (null when the previous one is 0); a firm accompanied without a
    recorded need (a session host) can take the last rate over 100 %.
    With ``total``, a last row « Total » sums the campaign.
    """
    accompanied = (
        data.services.filter(pl.col("counts"))
        .select("siret")
        .unique()
        .with_columns(pl.lit(True).alias("accompanied"))
    )
    joined = (
        data.firms.join(data.contacted, on="siret", how="left")
        .join(accompanied, on="siret", how="left")
        .rename({axis: "group"})
    )
    counts = [
        pl.col("targeted").sum().alias("targeted"),
        pl.col("reached").is_not_null().sum().alias("contacted"),
        pl.col("reached").fill_null(False).sum().alias("reached"),
        pl.col("with_need").fill_null(False).sum().alias("with_need"),
        pl.col("accompanied").fill_null(False).sum().alias("accompanied"),
    ]
    table = joined.group_by("group").agg(counts)
    if axis == "band":
        order = {code: index for index, code in enumerate(BAND_ORDER)}
        table = (
            table.with_columns(
                pl.col("group").replace_strict(order, default=len(order)).alias("_order")
            )
            .sort("_order", "group")
            .drop("_order")
            .with_columns(
                pl.col("group").replace_strict(
                    {code: band_label(code) for code in table["group"].to_list()},
                    return_dtype=pl.String(),
                )
            )
        )
    else:
        table = table.sort(pl.col("group").is_in([*_ABSENT_LABELS, UNASSIGNED, UNKNOWN]), "group")
    if total:
        table = pl.concat(
            [
                table.cast(dict.fromkeys(STAGES, pl.Int64)),
                joined.select(pl.lit(TOTAL_ROW).alias("group"), *counts).cast(
                    dict.fromkeys(STAGES, pl.Int64)
                ),
            ]
        )
    previous = STAGES[:-1]
    return (
        table.cast(dict.fromkeys(STAGES, pl.Int64))
        .with_columns(
            _rate(stage, before).alias(f"{stage}_rate")
            for stage, before in zip(STAGES[1:], previous, strict=True)
        )
        .rename({"group": axis})
    )
