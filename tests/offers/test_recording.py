"""Services recorded with a contact: the firm becomes *accompagnée*, partners' logins write
through row-level security, and bad input is refused in French with nothing written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from planner.db import models
from planner.db.store import CampaignStore, open_store
from planner.domain import clock
from planner.domain.errors import InputError
from planner.services.offers.firm_contact import contact_form_choices, record_firm_contact
from planner.services.offers.realised import accompanied_firms
from planner.services.offers.recording import ServiceEntry

TODAY = clock.today()
PARTNER = "Cap emploi 93"
OTHER = "CCI Seine-Saint-Denis"


def _offer_id(store: CampaignStore, code: str) -> int:
    with store.session() as session:
        found = session.scalar(
            select(models.ServiceOffer.id).where(models.ServiceOffer.code == code)
        )
    assert found is not None
    return int(found)


def _partner_firm(store: CampaignStore, partner: str) -> tuple[str, int]:
    """A firm of ``partner`` not accompanied yet, and one of its advisers."""
    with store.session() as session:
        done = accompanied_firms(session)
        rows = session.execute(
            select(models.Assignment.siret, models.Adviser.id)
            .join(models.Team, models.Team.id == models.Assignment.team_id)
            .join(models.Partner, models.Partner.id == models.Team.partner_id)
            .join(models.Adviser, models.Adviser.team_id == models.Team.id)
            .join(models.Establishment, models.Establishment.siret == models.Assignment.siret)
            .where(models.Partner.name == partner, models.Establishment.non_diffusible.is_(False))
            .order_by(models.Assignment.siret, models.Adviser.id)
        ).all()
    siret, adviser = next((s, a) for s, a in rows if s not in done)
    return siret, int(adviser)


def _services_count(store: CampaignStore) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count(models.ContactService.id))) or 0)


def test_a_poei_realised_makes_the_firm_accompanied(offers_campaign: str) -> None:
    store = open_store(offers_campaign)
    try:
        siret, adviser = _partner_firm(store, PARTNER)
        poei = _offer_id(store, "POEI")
        recorded = record_firm_contact(
            store,
            siret,
            "besoin recueilli",
            date=TODAY,
            adviser_id=adviser,
            services=[
                ServiceEntry(poei, "Réalisé", quantity="3"),
                ServiceEntry(_offer_id(store, "PMSMP"), "proposé"),
            ],
        )
        assert recorded.outcome == "Besoin recueilli" and recorded.services == 2
        with store.session() as session:
            accompanied = accompanied_firms(session, TODAY, TODAY)
            row = session.scalars(
                select(models.ContactService).where(
                    models.ContactService.contact_id == recorded.contact_id,
                    models.ContactService.offer_id == poei,
                )
            ).one()
        assert accompanied.get(siret) == TODAY
        assert (row.status, row.quantity, row.date) == ("done", 3, TODAY)
    finally:
        store.close()


@pytest.mark.postgres
def test_a_partner_login_records_a_poei_realised_through_row_level_security(
    pg_offers_campaign: str, partner_login: Callable[[str, str], str]
) -> None:
    offers_campaign = pg_offers_campaign
    owner = open_store(offers_campaign)
    try:
        siret, adviser = _partner_firm(owner, PARTNER)
        theirs, _ = _partner_firm(owner, OTHER)
        poei = _offer_id(owner, "POEI")
    finally:
        owner.close()
    store = open_store(partner_login(offers_campaign, PARTNER))
    try:
        choices = contact_form_choices(store, siret)
        assert choices.login_partner == PARTNER and any(o.code == "POEI" for o in choices.offers)
        record_firm_contact(
            store, siret, "Offre déposée", adviser_id=adviser, services=[ServiceEntry(poei, "done")]
        )
        # A firm of another partner is out of this login's sight: nothing written.
        with pytest.raises(InputError, match="absent de la campagne"):
            record_firm_contact(store, theirs, "Refus", services=[ServiceEntry(poei, "refusé")])
    finally:
        store.close()
    owner = open_store(offers_campaign)
    try:
        with owner.session() as session:
            assert siret in accompanied_firms(session, TODAY, TODAY)
            assert theirs not in accompanied_firms(session, TODAY, TODAY)
            logins = session.scalars(
                select(models.JournalEntry.login).where(
                    models.JournalEntry.table_name == "contact_service",
                    models.JournalEntry.siret == siret,
                )
            ).all()
        assert logins and all(login.startswith("off_") for login in logins)
    finally:
        owner.close()


def test_bad_services_are_refused_in_french_and_nothing_is_written(offers_campaign: str) -> None:
    store = open_store(offers_campaign)
    try:
        siret, adviser = _partner_firm(store, PARTNER)
        poei = _offer_id(store, "POEI")
        conseil = _offer_id(store, "CONSEIL_RH")
        before = _services_count(store)
        tomorrow = (TODAY + dt.timedelta(days=1)).strftime("%d/%m/%Y")
        cases = [
            (ServiceEntry(poei, "fini"), "service 1 (POEI) : statut inconnu « fini »"),
            (ServiceEntry(poei, "réalisé", quantity="0"), "hors limites"),
            (ServiceEntry(poei, "réalisé", quantity="10001"), "de 1 à 10"),
            (ServiceEntry(poei, "réalisé", quantity="trois"), "illisible « trois »"),
            (ServiceEntry(conseil, "réalisé", quantity="2"), "laissez le nombre vide"),
            (ServiceEntry(poei, "réalisé", date=tomorrow), "date dans le futur"),
            (ServiceEntry(poei, "réalisé", date="31/02/2025"), "service 1 (POEI)"),
            (ServiceEntry(999_999, "réalisé"), "service inconnu du catalogue"),
        ]
        for entry, message in cases:
            with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
                record_firm_contact(
                    store, siret, "Besoin recueilli", adviser_id=adviser, services=[entry]
                )
        with pytest.raises(InputError, match="déjà « Réalisé » dans ce contact"):
            record_firm_contact(
                store,
                siret,
                "Besoin recueilli",
                adviser_id=adviser,
                services=[ServiceEntry(poei, "done"), ServiceEntry(poei, "Réalisée")],
            )
        with pytest.raises(InputError, match="résultat inconnu"):
            record_firm_contact(store, siret, "Peut-être", adviser_id=adviser)
        # Restricted to the other partner, then archived: refused to this partner's adviser.
        with store.session() as session:
            other_id = session.scalar(select(models.Partner.id).where(models.Partner.name == OTHER))
            session.add(models.ServiceOfferPartner(offer_id=poei, partner_id=other_id))
        with pytest.raises(InputError, match=f"n'est pas délivré par {PARTNER}"):
            record_firm_contact(
                store,
                siret,
                "Besoin recueilli",
                adviser_id=adviser,
                services=[ServiceEntry(poei, "proposé")],
            )
        with store.session() as session:
            offer = session.get(models.ServiceOffer, conseil)
            assert offer is not None
            offer.active = False
        with pytest.raises(InputError, match="est archivé"):
            record_firm_contact(
                store,
                siret,
                "Besoin recueilli",
                adviser_id=adviser,
                services=[ServiceEntry(conseil, "proposé")],
            )
        assert _services_count(store) == before
        with store.session() as session:
            assert not session.scalars(
                select(models.Contact).where(
                    models.Contact.siret == siret, models.Contact.source_file == "Fiche entreprise"
                )
            ).all()
    finally:
        store.close()


@pytest.mark.postgres
def test_a_partner_login_marks_its_firm_but_only_coordination_lifts(
    pg_offers_campaign: str, partner_login: Callable[[str, str], str]
) -> None:
    from planner.services.followup.solicitation.block_writes import (
        lift_firm_block,
        may_lift,
        set_firm_block,
    )
    from planner.services.followup.solicitation.blocks import BlockError

    owner = open_store(pg_offers_campaign)
    try:
        siret, _ = _partner_firm(owner, PARTNER)
        theirs, _ = _partner_firm(owner, OTHER)
    finally:
        owner.close()
    store = open_store(partner_login(pg_offers_campaign, PARTNER))
    try:
        mark = set_firm_block(store, siret, "refusal", note="ne souhaite plus être appelée")
        assert mark.blocked_by is not None and mark.blocked_by.startswith("off_")
        renewed = set_firm_block(store, siret, "closed", until=f"{TODAY:%d/%m/%Y}")
        assert (renewed.reason, renewed.until) == ("closed", TODAY)
        with pytest.raises(BlockError, match="n'est pas dans la campagne"):
            set_firm_block(store, theirs, "refusal")
        assert not may_lift(store)
        with pytest.raises(BlockError, match="Seule la coordination"):
            lift_firm_block(store, siret)
    finally:
        store.close()
    owner = open_store(pg_offers_campaign)
    try:
        assert may_lift(owner) and lift_firm_block(owner, siret)
        with owner.session() as session:
            assert session.get(models.FirmBlock, siret) is None
    finally:
        owner.close()
