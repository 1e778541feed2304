"""Campaign follow-up figures by partner, team, adviser, commune or NAF section."""

from __future__ import annotations

from typing import Literal

import polars as pl
from sqlalchemy import select

from planner.db import models
from planner.db.store import CampaignStore
from planner.domain.outcomes import REACHED
from planner.services.firm_query import load_firms

Axis = Literal["partner", "team", "adviser", "commune", "section"]
AXIS_LABELS: dict[str, str] = {
    "partner": "Partenaire",
    "team": "Équipe",
    "adviser": "Conseiller",
    "commune": "Commune",
    "section": "Section NAF",
}
COLUMN_LABELS: dict[str, str] = {
    "assigned": "Entreprises attribuées",
    "contacted": "Contactées",
    "reached": "Jointes",
    "posts": "Postes recueillis",
    "offers": "Offres déposées",
    "capacity": "Capacité",
}


def _contacts(store: CampaignStore) -> pl.DataFrame:
    with store.session() as session:
        rows = session.execute(
            select(
                models.Contact.siret,
                models.Contact.outcome,
                models.ContactNeed.posts,
                models.ContactNeed.offer_deposited,
            ).outerjoin(models.ContactNeed, models.ContactNeed.contact_id == models.Contact.id)
        ).all()
    return pl.DataFrame(
        rows,
        schema={
            "siret": pl.String(),
            "outcome": pl.String(),
            "posts": pl.Int64(),
            "offer": pl.Boolean(),
        },
        orient="row",
    )


def _partners(store: CampaignStore) -> pl.DataFrame:
    with store.session() as session:
        rows = session.execute(
            select(models.Team.id, models.Partner.name).join(
                models.Partner, models.Partner.id == models.Team.partner_id
            )
        ).all()
    return pl.DataFrame(rows, schema={"team_id": pl.Int64(), "partner": pl.String()}, orient="row")


def dashboard(store: CampaignStore, axis: Axis) -> pl.DataFrame:
    """One row per value of ``axis`` over the assigned firms, with the follow-up counts."""
    firms = load_firms(store).filter(pl.col("team_id").is_not_null())
    firms = firms.join(_partners(store), on="team_id", how="left")
    contacts = _contacts(store)
    per_firm = contacts.group_by("siret").agg(
        pl.len().alias("n"),
        pl.col("outcome").is_in(list(REACHED)).any().alias("reached"),
        pl.col("posts").sum().alias("posts"),
        pl.col("offer").fill_null(False).sum().alias("offers"),
    )
    key = {"commune": "commune_name", "section": "section"}.get(axis, axis)
    joined = firms.join(per_firm, on="siret", how="left").with_columns(
        pl.col(key).fill_null("(inconnu)").alias("group")
    )
    table = (
        joined.group_by("group")
        .agg(
            pl.len().alias("assigned"),
            pl.col("n").is_not_null().sum().alias("contacted"),
            pl.col("reached").fill_null(False).sum().alias("reached"),
            pl.col("posts").fill_null(0).sum().alias("posts"),
            pl.col("offers").fill_null(0).sum().alias("offers"),
        )
        .sort("group")
    )
    if axis == "team":
        capacity = joined.group_by("group").agg(pl.col("team_capacity").first().alias("capacity"))
        table = table.join(capacity, on="group", how="left")
    return table.rename({"group": axis}).cast({pl.UInt32: pl.Int64})


def export_dashboard_xlsx(store: CampaignStore, path: str) -> None:
    """Every axis of the dashboard as one sheet each, French headers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for axis, label in AXIS_LABELS.items():
        table = dashboard(store, axis)  # type: ignore[arg-type]
        ws = wb.create_sheet(label)
        ws.append([label, *(COLUMN_LABELS[c] for c in table.columns[1:])])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in table.iter_rows():
            ws.append(list(row))
        ws.freeze_panes = "B2"
        ws.column_dimensions["A"].width = 36
    wb.save(path)
