from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from planner.db import models
from planner.db.store import open_store
from planner.services.dashboard import dashboard


def test_dashboard_counts_by_partner_and_team(
    followup_campaign: Path, partners: tuple[str, ...]
) -> None:
    store = open_store(followup_campaign)
    try:
        with store.session() as session:
            sirets = session.scalars(
                select(models.Assignment.siret).order_by(models.Assignment.siret).limit(3)
            ).all()
            need = models.Contact(
                siret=sirets[0], date=dt.date(2025, 3, 3), outcome="Offre déposée"
            )
            need.needs.append(models.ContactNeed(rome_code="N1103", posts=3, offer_deposited=True))
            session.add_all(
                [
                    models.Contact(siret=sirets[0], date=dt.date(2025, 3, 1), outcome="Non joint"),
                    need,
                    models.Contact(siret=sirets[2], date=dt.date(2025, 3, 1), outcome="Non joint"),
                ]
            )
        by_partner = dashboard(store, "partner")
        by_team = dashboard(store, "team")
    finally:
        store.close()
    assert sorted(by_partner["partner"].to_list()) == sorted(partners)
    assert by_partner["assigned"].sum() == 400
    assert by_partner["contacted"].sum() == 2  # two firms, three contacts
    assert by_partner["reached"].sum() == 1
    assert by_partner["posts"].sum() == 3
    assert by_partner["offers"].sum() == 1
    assert by_team["capacity"].to_list() == [400, 400]
