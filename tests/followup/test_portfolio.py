"""« Mon portefeuille »: an adviser's firms by priority, and calls recorded on them
that land in the same history as the call-list read-back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from planner.db import models
from planner.db.store import CampaignStore, open_store
from planner.domain.errors import InputError
from planner.io.call_list_workbook import GUIDE_SHEET, HEADERS, META_SHEET
from planner.services.firms.firm_query import firm_details
from planner.services.followup.call_lists import call_list_frame, export_call_lists
from planner.services.followup.contact_summary import contact_summary
from planner.services.followup.outcomes_import import apply_outcomes, preview_outcomes
from planner.services.followup.portfolio import (
    SOURCE,
    PortfolioChanged,
    advisers_for_portfolio,
    line_after_call,
    parse_needs,
    portfolio,
    record_call,
)

TODAY = dt.date(2025, 3, 20)
COL = {h: i + 1 for i, h in enumerate(HEADERS)}


@pytest.fixture
def store(followup_campaign: Path) -> CampaignStore:
    opened = open_store(followup_campaign)
    yield opened  # type: ignore[misc]
    opened.close()


def _adviser(store: CampaignStore, name: str = "Conseiller 1.1") -> int:
    return next(a.id for a in advisers_for_portfolio(store) if a.name == name)


def _contacts(store: CampaignStore) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count()).select_from(models.Contact)) or 0)


def test_advisers_and_lines_in_call_list_order(store: CampaignStore) -> None:
    choices = advisers_for_portfolio(store)
    assert [c.name for c in choices] == [
        "Conseiller 2.1",  # « CCI Seine-Saint-Denis » sorts before « Mission locale »
        "Conseiller 2.2",
        "Conseiller 1.1",
        "Conseiller 1.2",
    ]
    assert [c.firms for c in choices] == [100, 100, 100, 100]
    assert choices[2].label == "Conseiller 1.1 — Mission locale, Équipe 1 (100 entreprises)"
    adviser = _adviser(store)
    lines = portfolio(store, adviser)
    frame = call_list_frame(store)
    expected = frame.filter(frame["adviser_id"] == adviser)["siret"].to_list()
    assert [line.siret for line in lines] == expected  # the adviser's call list, same order
    priorities = [line.priority for line in lines]
    assert priorities == sorted(priorities, reverse=True)
    assert priorities[0] > priorities[-1]  # an order, not a tie
    first = lines[0]
    assert first.name and first.commune and first.naf_code and first.band
    assert first.last_date is None and first.contacts == 0 and first.assignment_version > 0
    with pytest.raises(InputError, match="conseiller inconnu"):
        portfolio(store, 99999)


def test_last_contact_and_next_step(store: CampaignStore) -> None:
    adviser = _adviser(store)
    line = portfolio(store, adviser)[3]
    record_call(store, line.siret, "à rappeler", next_step="rappeler lundi", date="10/03/2025",
                adviser_id=adviser, today=TODAY)  # fmt: skip
    call = record_call(
        store,
        line.siret,
        "BESOIN RECUEILLI",
        parse_needs("n1103 2, G1602"),
        "envoyer l'offre",
        dt.date(2025, 3, 12),
        adviser,
        "  très   intéressé ",
        today=TODAY,
    )
    # An older call recorded later does not become the last contact.
    record_call(store, line.siret, "Non joint", date="01/03/2025", adviser_id=adviser, today=TODAY)
    (fresh,) = portfolio(store, adviser, sirets=[line.siret])
    assert (fresh.last_date, fresh.last_outcome, fresh.last_by, fresh.next_step) == (
        dt.date(2025, 3, 12),
        "Besoin recueilli",
        "Conseiller 1.1",
        "envoyer l'offre",
    )
    assert fresh.contacts == 3 and fresh.last_contact_id == call.contact_id
    assert fresh.priority < line.priority  # no longer « never contacted »
    with store.session() as session:
        contact = session.get(models.Contact, call.contact_id)
        assert contact is not None
        assert (contact.channel, contact.source_file, contact.comment) == (
            "téléphone",
            SOURCE,
            "très intéressé",
        )
        assert sorted((n.rome_code, n.posts) for n in contact.needs) == [
            ("G1602", None),
            ("N1103", 2),
        ]
    summary = contact_summary(store)
    assert summary.by_outcome["Besoin recueilli"] == 1 and summary.posts_collected == 2


def test_line_after_call_keeps_the_latest(store: CampaignStore) -> None:
    adviser = _adviser(store)
    line = portfolio(store, adviser)[0]
    call = record_call(store, line.siret, "Offre déposée", [("N1103", 1)], "suivre",
                       "15/03/2025", adviser, today=TODAY)  # fmt: skip
    after = line_after_call(line, call)
    assert (after.last_outcome, after.last_date, after.contacts) == (
        "Offre déposée",
        dt.date(2025, 3, 15),
        1,
    )
    older = record_call(store, line.siret, "Non joint", date="01/03/2025", adviser_id=adviser,
                        today=TODAY)  # fmt: skip
    assert line_after_call(after, older).last_outcome == "Offre déposée"
    with store.session() as session:
        need = session.scalars(
            select(models.ContactNeed).where(models.ContactNeed.contact_id == call.contact_id)
        ).one()
        assert need.offer_deposited


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"outcome": "Peut-être"}, "résultat inconnu « Peut-être » (résultats possibles : Non"),
        ({"date": "demain"}, "date illisible « demain » (attendu jj/mm/aaaa)"),
        ({"date": "21/03/2025"}, "date de l'appel dans le futur (21/03/2025)"),
        ({"date": "31/12/1999"}, "date de l'appel invraisemblable"),
        ({"needs": [("X12", 2)]}, "code ROME invalide « X12 » (ex. : N1103)"),
        ({"needs": [("N1103", 5000)]}, "nombre de postes invraisemblable : 5000"),
        ({"needs": [("N1103", 1), ("n1103", 2)]}, "métier ROME N1103 saisi deux fois"),
        ({"outcome": "Refus", "needs": [(None, 2)]}, "postes saisis alors que le résultat est"),
        ({"next_step": "x" * 2001}, "prochaine étape trop long"),
        ({"siret": "00000000000000"}, "établissement 00000000000000 absent de la campagne"),
        ({"adviser_id": None}, "conseiller manquant"),
        ({"adviser_id": 99999}, "conseiller inconnu"),
    ],
)
def test_record_call_refuses_bad_input_in_french(
    store: CampaignStore, changes: dict[str, object], message: str
) -> None:
    adviser = _adviser(store)
    line = portfolio(store, adviser)[0]
    arguments: dict[str, object] = {
        "siret": line.siret,
        "outcome": "Besoin recueilli",
        "needs": [("N1103", 2)],
        "date": "12/03/2025",
        "adviser_id": adviser,
        **changes,
    }
    with pytest.raises(InputError) as caught:
        record_call(store, today=TODAY, **arguments)  # type: ignore[arg-type]
    assert message in str(caught.value)
    assert _contacts(store) == 0


def test_parse_needs() -> None:
    assert parse_needs("") == []
    assert parse_needs("n1103 2, G1602 x1; 3") == [("N1103", 2), ("G1602", 1), (None, 3)]
    assert parse_needs("N1103:4") == [("N1103", 4)]
    assert parse_needs("N1103 Magasinage et préparation de commandes 2") == [("N1103", 2)]
    with pytest.raises(InputError, match="besoin illisible « beaucoup »"):
        parse_needs("N1103 2, beaucoup")
    with pytest.raises(InputError, match="besoin illisible"):
        parse_needs("N11034")


def test_a_firm_given_to_someone_else_is_refused(store: CampaignStore) -> None:
    adviser, other = _adviser(store), _adviser(store, "Conseiller 1.2")
    line = portfolio(store, adviser)[0]
    with store.session() as session:
        assignment = session.get(models.Assignment, line.siret)
        assert assignment is not None
        assignment.adviser_id = other  # another coordinator moves the firm
    with pytest.raises(PortfolioChanged, match=r"à Conseiller 1\.2, pas à Conseiller 1\.1"):
        record_call(store, line.siret, "Refus", adviser_id=adviser, today=TODAY,
                    expected_version=line.assignment_version)  # fmt: skip
    with pytest.raises(InputError, match=r"pas à Conseiller 1\.1 : rien n'a été enregistré"):
        record_call(store, line.siret, "Refus", adviser_id=adviser, today=TODAY)
    assert _contacts(store) == 0
    assert line.siret in {x.siret for x in portfolio(store, other)}


def test_calls_recorded_meanwhile_are_reported(store: CampaignStore) -> None:
    adviser = _adviser(store)
    line = portfolio(store, adviser)[0]
    record_call(store, line.siret, "Non joint", date="10/03/2025", adviser_id=adviser, today=TODAY)
    call = record_call(store, line.siret, "Pas de besoin", date="12/03/2025", adviser_id=adviser,
                       today=TODAY, last_seen_contact=line.last_contact_id or 0)  # fmt: skip
    assert call.meanwhile == ("10/03/2025, Non joint, par Conseiller 1.1",)


def test_history_shared_with_the_read_back(store: CampaignStore, tmp_path: Path) -> None:
    """A workbook outcome and a portfolio call both show in the firm's contacts."""
    adviser = _adviser(store)
    files = export_call_lists(store, tmp_path, partner="Mission locale",
                              now=dt.datetime(2025, 3, 1, 9))  # fmt: skip
    path = files[0].path
    workbook = load_workbook(path)
    sheet = workbook["Conseiller 1.1"]
    assert sheet.title not in (GUIDE_SHEET, META_SHEET)
    siret = str(sheet.cell(2, COL["SIRET"]).value)
    sheet.cell(2, COL["Résultat"], "À rappeler")
    sheet.cell(2, COL["Date de l'appel"], "05/03/2025")
    sheet.cell(2, COL["Interlocuteur"], "Mme Diallo")
    sheet.cell(2, COL["Téléphone"], "01 48 00 00 00")
    sheet.cell(2, COL["Prochaine étape"], "rappeler après le 10")
    workbook.save(path)
    preview = preview_outcomes(store, [path], today=TODAY)
    assert [r.siret for r in preview.accepted] == [siret]
    assert apply_outcomes(store, preview) == 1

    (line,) = portfolio(store, adviser, sirets=[siret])
    assert (line.last_outcome, line.next_step, line.contact_person, line.phone) == (
        "À rappeler",
        "rappeler après le 10",
        "Mme Diallo",
        "01 48 00 00 00",
    )
    record_call(store, siret, "Besoin recueilli", parse_needs("N1103 3"), "envoyer 3 CV",
                "12/03/2025", adviser, today=TODAY,
                expected_version=line.assignment_version,
                last_seen_contact=line.last_contact_id)  # fmt: skip
    card = firm_details(store, siret)
    assert card["Contacts"] == "2 (le plus récent d'abord)"
    assert card["Contact du 12/03/2025"].startswith("Besoin recueilli — par Conseiller 1.1")
    assert "3 poste(s) N1103" in card["Contact du 12/03/2025"]
    assert card["Contact du 05/03/2025"].startswith("À rappeler — par Conseiller 1.1")
    (line,) = portfolio(store, adviser, sirets=[siret])
    assert (line.contacts, line.last_outcome, line.contact_person) == (2, "Besoin recueilli",
                                                                       "Mme Diallo")  # fmt: skip
    # A second read-back of the same workbook still knows its row was imported.
    again = preview_outcomes(store, [path], today=TODAY)
    assert not again.accepted


@pytest.mark.postgres
def test_portfolio_on_postgresql(followup_postgres: str) -> None:
    store = open_store(followup_postgres)
    try:
        adviser = _adviser(store, "Conseiller 2.2")
        lines = portfolio(store, adviser)
        assert len(lines) == 100
        line = lines[0]
        call = record_call(store, line.siret, "Offre déposée", [("N1103", 2)], "relancer",
                           "12/03/2025", adviser, today=TODAY,
                           expected_version=line.assignment_version)  # fmt: skip
        (fresh,) = portfolio(store, adviser, sirets=[line.siret])
        assert (fresh.last_contact_id, fresh.last_outcome) == (call.contact_id, "Offre déposée")
        with store.session() as session:
            logged = session.scalars(
                select(models.JournalEntry.table_name).where(
                    models.JournalEntry.siret == line.siret
                )
            ).all()
        assert "contact" in logged  # journaled like any other write
    finally:
        store.close()
