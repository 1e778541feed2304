"""What the session editor offers to pick, read through the sessions service."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from planner.db import models
from planner.services.campaign.campaign_store import open_campaign
from planner.services.sessions.choices import (
    NamedChoice,
    adviser_choices,
    firm_name,
    partner_choices,
)


def test_partners_and_advisers_by_name_and_a_firm_by_siret(demo_file: Path) -> None:
    store = open_campaign(demo_file)
    try:
        with store.session() as session:
            partners = [
                NamedChoice(p.id, p.name)
                for p in session.scalars(select(models.Partner).order_by(models.Partner.name))
            ]
            advisers = [
                NamedChoice(a.id, a.name)
                for a in session.scalars(select(models.Adviser).order_by(models.Adviser.name))
            ]
            firm = session.scalars(select(models.Establishment).limit(1)).one()
            siret, name = firm.siret, firm.name
        assert len(partners) >= 2 and len(advisers) >= 2
        assert partner_choices(store) == partners
        assert adviser_choices(store) == advisers
        assert [c.name for c in adviser_choices(store)] == sorted(c.name for c in advisers)
        assert firm_name(store, siret) == name
        assert firm_name(store, "00000000000000") is None
    finally:
        store.close()
