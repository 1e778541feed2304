"""« Mon portefeuille » records services with a call, checked as the card's are."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from planner.db import models
from planner.db.store import open_store
from planner.domain import clock
from planner.domain.errors import InputError
from planner.services.followup.portfolio import record_call, service_choices
from planner.services.offers.realised import accompanied_firms
from planner.services.offers.service_input import parse_services


def test_a_call_with_services_from_the_portfolio(offers_campaign: str) -> None:
    store = open_store(offers_campaign)
    try:
        with store.session() as session:
            siret, adviser = session.execute(
                select(models.Assignment.siret, models.Assignment.adviser_id)
                .join(models.Establishment, models.Establishment.siret == models.Assignment.siret)
                .where(
                    models.Assignment.adviser_id.is_not(None),
                    models.Establishment.non_diffusible.is_(False),
                )
                .order_by(models.Assignment.siret.desc())
            ).first() or (None, None)
        assert siret is not None and adviser is not None
        offers = service_choices(store)
        with pytest.raises(InputError, match="service 1 \\(PMSMP\\) : statut inconnu « fait »"):
            parse_services("PMSMP fait", offers)
        with pytest.raises(InputError, match="« trois » n'est ni un nombre ni une date"):
            parse_services("PMSMP réalisé trois", offers)
        with pytest.raises(InputError, match=r"service 1 \(CONSEIL_RH\)"):
            record_call(
                store,
                siret,
                "Besoin recueilli",
                adviser_id=adviser,
                services=parse_services("CONSEIL_RH réalisé 2", offers),
            )
        call = record_call(
            store,
            siret,
            "Besoin recueilli",
            adviser_id=adviser,
            services=parse_services(
                f"PMSMP réalisé 2 {clock.today():%d/%m/%Y}; MRS refusé", offers
            ),
        )
        with store.session() as session:
            rows = session.execute(
                select(models.ContactService.status, models.ContactService.quantity)
                .where(models.ContactService.contact_id == call.contact_id)
                .order_by(models.ContactService.id)
            ).all()
            assert [tuple(r) for r in rows] == [("done", 2), ("refused", None)]
            assert siret in accompanied_firms(session, clock.today())
    finally:
        store.close()
