"""The firm card shows the firm's team and adviser, its contacts and its sessions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from planner.db import models
from planner.db.store import open_store
from planner.services.firms.firm_query import firm_detail_sections


def _card(store_path: Path, siret: str) -> dict[str, dict[str, str]]:
    store = open_store(store_path)
    try:
        return dict(firm_detail_sections(store, siret))
    finally:
        store.close()


def test_card_holds_assignment_contacts_and_sessions(followup_campaign: Path) -> None:
    store = open_store(followup_campaign)
    try:
        with store.session() as session:
            assignment = session.scalars(select(models.Assignment).limit(1)).one()
            siret = assignment.siret
            team = session.get(models.Team, assignment.team_id)
            assert team is not None
            team_name = team.name
            assignment.locked = True
            session.execute(models.Contact.__table__.delete().where(models.Contact.siret == siret))
            for day, outcome in ((3, "Non joint"), (10, "Besoin recueilli"), (10, "Offre déposée")):
                contact = models.Contact(
                    siret=siret,
                    date=dt.date(2026, 11, day),
                    outcome=outcome,
                    adviser_name="Lucas Roux",
                    next_step="rappeler en janvier" if outcome == "Besoin recueilli" else None,
                )
                if outcome == "Besoin recueilli":
                    contact.needs = [models.ContactNeed(rome_code="N1103", posts=2)]
                session.add(contact)
            hosted = session.scalars(select(models.DiscoverySession).limit(1)).first()
            if hosted is not None:
                session.add(models.SessionHost(session_id=hosted.id, siret=siret))
    finally:
        store.close()

    card = _card(followup_campaign, siret)
    assert card["Task force"]["Équipe"] == team_name
    assert "verrouillée" in card["Task force"]["Attribution"]
    contacts = card["Prospection"]
    assert contacts["Contacts"].startswith("3 ")
    labels = list(contacts)[1:]
    assert labels == ["Contact du 10/11/2026", "Contact du 10/11/2026 (2)", "Contact du 03/11/2026"]
    texts = " ".join(contacts.values())
    assert "2 poste(s) N1103" in texts and "suite : rappeler en janvier" in texts
    if hosted is not None:
        assert "entreprise d'accueil" in " ".join(card["Séances de découverte"].values())

    other = _card(followup_campaign, "00000000000000")
    assert other == {}
