"""« Offre de services… » (pytest-qt): edit, add, remove (archived when used), partners;
French errors; a catalogue changed by someone else meanwhile."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from planner.db import models
from planner.db.store import CampaignStore, open_store
from planner.services.offers.catalogue import list_offers
from planner.services.offers.catalogue_edit import catalogue_for_editing, save_catalogue
from planner.services.shared_campaign.conflicts import Conflict
from planner.ui.offers.catalogue_dialog import CatalogueDialog
from planner.ui.offers.catalogue_model import ARCHIVED, CODE, COUNTS, NAME


@pytest.fixture
def store(offers_campaign: str) -> Iterator[CampaignStore]:
    opened = open_store(offers_campaign)
    try:
        yield opened
    finally:
        opened.close()


def test_the_catalogue_edited_in_the_dialog(qtbot: QtBot, store: CampaignStore) -> None:
    conflicts: list[Conflict] = []
    dialog = CatalogueDialog(None, store, lambda c: conflicts.append(c) or "cancel")
    qtbot.addWidget(dialog)
    model = dialog.model
    assert model.rowCount() == 11 and model.headerData(0, Qt.Orientation.Horizontal) == "Nom"
    # A duplicate name: said in French with its line; nothing saved.
    row = model.add()
    model.setData(model.index(row, NAME), "job DATING")
    assert not dialog.save()
    assert "ligne 12 : le nom « job DATING » est déjà celui de la ligne 6." in dialog.errors.text()
    model.setData(model.index(row, NAME), "Visite d'entreprise")
    model.setData(
        model.index(row, COUNTS), Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole
    )
    # POEI restricted to one partner; AFPR archived; the first service moved down.
    poei = next(i for i, d in enumerate(model.drafts) if d.code == "POEI")
    model.set_partners(poei, (dialog.partners[0],))
    afpr = next(i for i, d in enumerate(model.drafts) if d.code == "AFPR")
    model.setData(
        model.index(afpr, ARCHIVED), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole
    )
    assert model.move(0, 1) == 1
    # A service contacts recorded, taken out of the list: archived, not deleted.
    with store.session() as session:
        used = set(session.scalars(select(models.ContactService.offer_id)))
    out = next(
        i for i, d in enumerate(model.drafts) if d.id in used and d.code not in ("POEI", "OFFRE")
    )
    out_id = model.drafts[out].id
    model.remove(out)
    assert dialog.save()
    saved = dialog.saved
    assert saved is not None and len(saved.archived) == 1
    with store.session() as session:
        offers = {o.code: o for o in list_offers(session)}
    assert offers["VISITE_D_ENTREPRISE"].counts_as_accompaniment is False
    assert offers["POEI"].partners == (dialog.partners[0],)
    assert offers["AFPR"].active is False
    assert next(o for o in offers.values() if o.id == out_id).active is False
    assert [o.code for o in sorted(offers.values(), key=lambda o: o.position)][:2] == [
        "POEI",
        "OFFRE",
    ]
    assert conflicts == []


def test_a_catalogue_changed_meanwhile_asks_and_cancels(qtbot: QtBot, store: CampaignStore) -> None:
    conflicts: list[Conflict] = []
    dialog = CatalogueDialog(None, store, lambda c: conflicts.append(c) or "cancel")
    qtbot.addWidget(dialog)
    # Someone else renames the first service after the dialog read it.
    other = catalogue_for_editing(store).drafts
    other[0].name = "Offre d'emploi (renommée)"
    save_catalogue(store, other)
    dialog.model.setData(dialog.model.index(0, CODE), "offre_emploi")
    assert not dialog.save()
    assert len(conflicts) == 1 and conflicts[0].table == "service_offer"
    assert "Rien n'a été enregistré" in dialog.errors.text()
    with store.session() as session:
        assert list_offers(session)[0].code == "OFFRE"
    # « Keep mine »: written over theirs.
    dialog.resolve = lambda c: "mine"
    assert dialog.save()
    with store.session() as session:
        first = list_offers(session)[0]
    assert (first.code, first.name) == ("OFFRE_EMPLOI", "Offre d'emploi déposée")
