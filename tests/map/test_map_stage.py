"""The map's « Statut » colouring is the firm table's stage: same labels, same firms."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from planner.db import models
from planner.db.store import open_store
from planner.domain import clock
from planner.services.firms.firm_query import load_firms
from planner.services.firms.prospect_status import (
    STAGE_ACCOMPANIED,
    STAGE_COLORS,
    STAGE_ORDER,
)
from planner.services.map.firm_colors import attribute_title, categories
from planner.services.offers.firm_contact import record_firm_contact
from planner.services.offers.recording import ServiceEntry


def test_the_maps_status_is_the_tables_stage(demo_file: Path) -> None:
    store = open_store(demo_file)
    try:
        with store.session() as session:
            poei = session.scalar(
                select(models.ServiceOffer.id).where(models.ServiceOffer.code == "POEI")
            )
            siret = session.scalars(
                select(models.Establishment.siret)
                .where(models.Establishment.non_diffusible.is_(False))
                .where(~models.Establishment.siret.in_(select(models.Contact.siret)))
                .order_by(models.Establishment.siret)
            ).first()
        assert poei is not None and siret is not None
        # The reviewer's case: the call's outcome is « Besoin recueilli », the POEI realised.
        record_firm_contact(
            store,
            siret,
            "Besoin recueilli",
            date=clock.today() - dt.timedelta(days=2),
            services=[ServiceEntry(int(poei), "réalisé", quantity=3)],
        )
        firms = load_firms(store)
    finally:
        store.close()
    assert attribute_title("stage") == "Statut"
    codes, legend = categories(firms, "stage")
    labels = [label for label, _color in legend]
    # The legend's categories are the table's stages, in the table's order.
    table_stages = set(firms["stage"].to_list())
    assert labels == [s for s in STAGE_ORDER if s in table_stages]
    assert labels == list(STAGE_ORDER)  # the demo has firms at every stage
    assert [color for _label, color in legend] == [STAGE_COLORS[s] for s in labels]
    on_map = [labels[c] for c in codes.tolist()]
    assert on_map == firms["stage"].to_list()
    row = firms["siret"].to_list().index(siret)
    assert firms["status"][row] == "Besoin recueilli"
    assert on_map[row] == STAGE_ACCOMPANIED


def test_the_last_outcome_colouring_is_named_as_such() -> None:
    assert attribute_title("status") == "Dernier résultat d'appel"
