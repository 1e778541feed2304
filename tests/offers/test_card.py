"""The firm card (pytest-qt): every partner's contacts in one timeline with their services
and the held sessions, a contact and its services recorded from the card, and the
*ne pas solliciter* mark set and lifted from it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QComboBox, QStyleOptionViewItem, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from planner.db import models
from planner.db.store import CampaignStore, open_store
from planner.domain import clock
from planner.services.followup.solicitation.blocks import block_firm
from planner.services.offers.firm_contact import record_firm_contact
from planner.services.offers.recording import ServiceEntry
from planner.ui.firms.detail_panel import FirmDetailPanel
from planner.ui.offers.block_dialog import BlockDialog
from planner.ui.offers.contact_dialog import ContactDialog
from planner.ui.offers.services_table import NUMBER, SERVICE, STATUS, ServicesTable

TODAY = clock.today()


@pytest.fixture
def store(offers_campaign: str) -> Iterator[CampaignStore]:
    opened = open_store(offers_campaign)
    try:
        yield opened
    finally:
        opened.close()


def _firm_and_two_partners_advisers(store: CampaignStore) -> tuple[str, list[tuple[int, str]]]:
    with store.session() as session:
        siret = session.scalars(
            select(models.Establishment.siret)
            .join(models.Assignment, models.Assignment.siret == models.Establishment.siret)
            .where(models.Establishment.non_diffusible.is_(False))
            .order_by(models.Establishment.siret)
        ).first()
        advisers: dict[str, int] = {}
        for adviser_id, partner in session.execute(
            select(models.Adviser.id, models.Partner.name)
            .join(models.Team, models.Team.id == models.Adviser.team_id)
            .join(models.Partner, models.Partner.id == models.Team.partner_id)
            .order_by(models.Adviser.id)
        ):
            advisers.setdefault(partner, adviser_id)
    assert siret is not None and len(advisers) >= 2
    return siret, [(a, p) for p, a in list(advisers.items())[:2]]


def _offer(store: CampaignStore, code: str) -> int:
    with store.session() as session:
        found = session.scalar(
            select(models.ServiceOffer.id).where(models.ServiceOffer.code == code)
        )
    assert found is not None
    return int(found)


def _panel(qtbot: QtBot, store: CampaignStore, siret: str) -> FirmDetailPanel:
    panel = FirmDetailPanel()
    qtbot.addWidget(panel)
    panel.show_card(store, siret)
    return panel


def test_the_card_shows_two_partners_contacts_and_a_held_session_in_one_timeline(
    qtbot: QtBot, store: CampaignStore
) -> None:
    siret, advisers = _firm_and_two_partners_advisers(store)
    (first, first_partner), (second, second_partner) = advisers
    with store.session() as session:
        session.execute(models.Contact.__table__.delete().where(models.Contact.siret == siret))
        held = session.scalars(select(models.DiscoverySession).limit(1)).one()
        held.status, held.kind = "held", "discovery"
        held.starts_at = dt.datetime.combine(TODAY - dt.timedelta(days=3), dt.time(9, 30))
        session.add(models.SessionHost(session_id=held.id, siret=siret))
        title = held.title
    record_firm_contact(
        store,
        siret,
        "Besoin recueilli",
        date=TODAY - dt.timedelta(days=10),
        adviser_id=first,
        services=[ServiceEntry(_offer(store, "POEI"), "proposé")],
    )
    record_firm_contact(
        store,
        siret,
        "Offre déposée",
        date=TODAY - dt.timedelta(days=1),
        adviser_id=second,
        services=[ServiceEntry(_offer(store, "OFFRE"), "réalisé", quantity=2)],
    )
    panel = _panel(qtbot, store, siret)
    newest = panel.value(f"Contact du {TODAY - dt.timedelta(days=1):%d/%m/%Y}") or ""
    older = panel.value(f"Contact du {TODAY - dt.timedelta(days=10):%d/%m/%Y}") or ""
    session_line = panel.value(f"Séance tenue le {TODAY - dt.timedelta(days=3):%d/%m/%Y}") or ""
    assert newest.startswith("Offre déposée — par ") and f"({second_partner})" in newest
    assert "OFFRE : réalisé le" in newest and "(2 postes)" in newest
    assert older.startswith("Besoin recueilli — par ") and f"({first_partner})" in older
    assert "POEI : proposé le" in older
    assert session_line == f"SESSION_DECOUVERTE : réalisé (séance « {title} »)"
    labels = [label for label in panel._values if label.startswith(("Contact du", "Séance tenue"))]
    assert labels == [
        f"Contact du {TODAY - dt.timedelta(days=1):%d/%m/%Y}",
        f"Séance tenue le {TODAY - dt.timedelta(days=3):%d/%m/%Y}",
        f"Contact du {TODAY - dt.timedelta(days=10):%d/%m/%Y}",
    ]
    assert panel.value("Contacts") == "2 (le plus récent d'abord)"
    assert panel.value("Ne pas solliciter") == "non"


def test_a_contact_and_its_services_recorded_from_the_card(
    qtbot: QtBot, store: CampaignStore
) -> None:
    siret, _ = _firm_and_two_partners_advisers(store)
    panel = _panel(qtbot, store, siret)
    assert panel.record_button.isVisible() or not panel.isVisible()
    changed: list[str] = []
    panel.cardChanged.connect(changed.append)
    panel.record_contact()
    dialog = panel.dialog
    assert isinstance(dialog, ContactDialog)
    dialog.outcome.setCurrentIndex(dialog.outcome.findData("Besoin recueilli"))
    dialog.services.setText("POEI réalisé 3, XYZ proposé")
    assert not dialog.save()
    assert "service 2 : code inconnu « XYZ »" in dialog.errors.text()
    dialog.services.setText("poei réalisé 0")
    assert not dialog.save()
    assert "hors limites" in dialog.errors.text()
    dialog.services.setText("POEI réalisée 3, pmsmp proposé")
    assert dialog.save()
    assert changed == [siret]
    texts = " ".join(v for k, v in panel._values.items() if k.startswith("Contact du"))
    assert "POEI : réalisé le" in texts and "(3 personnes)" in texts
    assert "PMSMP : proposé le" in texts


def test_do_not_contact_set_and_lifted_from_the_card(qtbot: QtBot, store: CampaignStore) -> None:
    siret, _ = _firm_and_two_partners_advisers(store)
    panel = _panel(qtbot, store, siret)
    assert panel.lift_button.isHidden()
    panel.block_firm()
    dialog = panel.dialog
    assert isinstance(dialog, BlockDialog)
    dialog.until.setText("01/01/2001")
    assert not dialog.save()
    assert "La date de fin 01/01/2001 est déjà passée" in dialog.errors.text()
    dialog.reason.setCurrentIndex(dialog.reason.findData("other"))
    dialog.until.setText("")
    assert not dialog.save()
    assert "« Autre » demande une note" in dialog.errors.text()
    until = TODAY + dt.timedelta(days=60)
    dialog.reason.setCurrentIndex(dialog.reason.findData("refusal"))
    dialog.until.setText(until.strftime("%d/%m/%Y"))
    dialog.note.setText("ne veut plus être appelée")
    assert dialog.save()
    mark = panel.value("Ne pas solliciter") or ""
    assert mark.startswith(f"oui : Refus exprimé jusqu'au {until:%d/%m/%Y} — ne veut plus")
    assert not panel.lift_button.isHidden()
    assert panel.block_button.text() == "Modifier « ne pas solliciter »…"
    panel.ask_lift = lambda _name: False
    panel.lift_block()
    assert (panel.value("Ne pas solliciter") or "").startswith("oui")
    panel.ask_lift = lambda _name: True
    panel.lift_block()
    assert panel.value("Ne pas solliciter") == "non"
    assert panel.lift_button.isHidden()
    with store.session() as session:
        assert session.get(models.FirmBlock, siret) is None


def test_services_chosen_in_the_table_with_drop_downs(qtbot: QtBot, store: CampaignStore) -> None:
    siret, _ = _firm_and_two_partners_advisers(store)
    panel = _panel(qtbot, store, siret)
    panel.record_contact()
    dialog = panel.dialog
    assert isinstance(dialog, ContactDialog)
    assert dialog.block_warning.isHidden()
    table = dialog.service_rows
    model = table.model
    # The drop-downs offer the active catalogue and the four statuses.
    codes = [label.split(" — ")[0] for label, _id in model.offer_choices()]
    assert "POEI" in codes and "PMSMP" in codes
    assert [label for label, _code in model.status_choices()] == [
        "Proposé",
        "Accepté",
        "Réalisé",
        "Refusé",
    ]
    assert not table.remove_button.isEnabled()
    table.add_button.click()
    table.add_button.click()
    assert model.rowCount() == 2 and table.remove_button.isEnabled()
    delegate = table.view.itemDelegateForColumn(SERVICE)
    for row, code, status, number in ((0, "POEI", "Réalisé", "3"), (1, "PMSMP", "Proposé", "")):
        for column, label in ((SERVICE, code), (STATUS, status)):
            index = model.index(row, column)
            editor = delegate_editor(table, column, index)
            assert isinstance(editor, QComboBox)
            found = [editor.itemText(i) for i in range(editor.count())]
            editor.setCurrentIndex(next(i for i, t in enumerate(found) if t.startswith(label)))
            table.view.itemDelegateForColumn(column).setModelData(editor, model, index)
        model.setData(model.index(row, NUMBER), number)
    assert delegate is not None
    assert model.index(0, SERVICE).data().startswith("POEI — ")
    assert model.index(0, STATUS).data() == "Réalisé"
    # A third row, wrong, then removed: the error names its row.
    table.add_button.click()
    model.setData(model.index(2, SERVICE), _offer(store, "POEI"))
    model.setData(model.index(2, STATUS), "done")
    dialog.outcome.setCurrentIndex(dialog.outcome.findData("Besoin recueilli"))
    assert not dialog.save()
    assert "service 3 (POEI)" in dialog.errors.text()
    table.view.setCurrentIndex(model.index(2, 0))
    table.remove_button.click()
    assert model.rowCount() == 2
    assert dialog.save()
    texts = " ".join(v for k, v in panel._values.items() if k.startswith("Contact du"))
    assert "POEI : réalisé le" in texts and "(3 personnes)" in texts
    assert "PMSMP : proposé le" in texts


def delegate_editor(table: ServicesTable, column: int, index: QModelIndex) -> QWidget:
    """The drop-down the table's delegate opens on ``index``, filled in."""
    delegate = table.view.itemDelegateForColumn(column)
    editor = delegate.createEditor(table.view.viewport(), QStyleOptionViewItem(), index)
    delegate.setEditorData(editor, index)
    return editor


def test_a_firm_marked_do_not_contact_is_warned_about_not_refused(
    qtbot: QtBot, store: CampaignStore
) -> None:
    siret, _ = _firm_and_two_partners_advisers(store)
    with store.session() as session:
        block_firm(session, siret, "refusal", until=TODAY + dt.timedelta(days=30))
    panel = _panel(qtbot, store, siret)
    panel.record_contact()
    dialog = panel.dialog
    assert isinstance(dialog, ContactDialog)
    warning = dialog.block_warning.text()
    assert not dialog.block_warning.isHidden()
    assert "« ne pas solliciter »" in warning and "Refus exprimé" in warning
    assert f"jusqu'au {TODAY + dt.timedelta(days=30):%d/%m/%Y}" in warning
    dialog.outcome.setCurrentIndex(dialog.outcome.findData("Refus"))
    assert dialog.save()
