from __future__ import annotations

import datetime as dt
from pathlib import Path

from planner.db import models
from planner.db.store import open_store
from planner.services.firms.firm_query import load_firms
from planner.services.firms.prospect_status import NOT_CONTACTED, STATUS_COLORS
from planner.services.map.firm_colors import categories


def test_map_status_is_the_latest_outcome(followup_campaign: Path) -> None:
    store = open_store(followup_campaign)
    try:
        sirets = load_firms(store)["siret"].head(2).to_list()
        with store.session() as session:
            session.add_all(
                [
                    models.Contact(siret=sirets[0], date=dt.date(2025, 3, 1), outcome="Non joint"),
                    models.Contact(
                        siret=sirets[0], date=dt.date(2025, 3, 8), outcome="Besoin recueilli"
                    ),
                    models.Contact(siret=sirets[1], date=dt.date(2025, 3, 2), outcome="Refus"),
                ]
            )
        firms = load_firms(store)
    finally:
        store.close()
    status = dict(zip(firms["siret"].to_list(), firms["status"].to_list(), strict=True))
    assert status[sirets[0]] == "Besoin recueilli"
    assert status[sirets[1]] == "Refus"
    assert firms["status"].value_counts().height == 3
    codes, legend = categories(firms, "status")
    labels = [label for label, _color in legend]
    assert labels == [NOT_CONTACTED, "Besoin recueilli", "Refus"]
    assert legend[1][1] == STATUS_COLORS["Besoin recueilli"]
    first = firms["siret"].to_list().index(sirets[0])
    assert labels[codes[first]] == "Besoin recueilli"
