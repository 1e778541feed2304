"""What the session editor offers to pick: partners, advisers and host firms by name."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from planner.db import models
from planner.db.store import CampaignStore


@dataclass(frozen=True, slots=True)
class NamedChoice:
    """A partner or an adviser as a check list shows it."""

    id: int
    name: str


def partner_choices(store: CampaignStore) -> list[NamedChoice]:
    """The campaign's partners, by name."""
    with store.session() as session:
        rows = session.execute(
            select(models.Partner.id, models.Partner.name).order_by(models.Partner.name)
        )
        return [NamedChoice(id=row_id, name=name) for row_id, name in rows]


def adviser_choices(store: CampaignStore) -> list[NamedChoice]:
    """The campaign's advisers, by name."""
    with store.session() as session:
        rows = session.execute(
            select(models.Adviser.id, models.Adviser.name).order_by(models.Adviser.name)
        )
        return [NamedChoice(id=row_id, name=name) for row_id, name in rows]


def firm_name(store: CampaignStore, siret: str) -> str | None:
    """The name of a campaign firm; None when the SIRET is not in the campaign."""
    with store.session() as session:
        firm = session.get(models.Establishment, siret)
        return None if firm is None else firm.name
