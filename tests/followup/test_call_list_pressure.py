"""Contact pressure in the call lists (issue 14, point 3): firms over the cap or marked
*ne pas solliciter* are left out of every list and reported; the workbook's service and
« Ne plus solliciter » columns read back into ``contact_service`` rows and marks; the
printed area holds the caller's columns (issue 15, point 3). SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select

from planner.cli.main import run
from planner.db import models
from planner.db.store import CampaignStore, open_store
from planner.io.call_list_workbook import (
    GUIDE_SHEET,
    HEADERS,
    LEFT_OUT_SHEET,
    META_SHEET,
    PRINTED,
)
from planner.services.followup.call_lists import call_list_frame, run_call_list_export
from planner.services.followup.outcomes_import import apply_outcomes, preview_outcomes

COL = {h: i + 1 for i, h in enumerate(HEADERS)}
NOW = dt.datetime(2025, 3, 20, 9)
THIRD = "Cap emploi 93"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def campaign(request: pytest.FixtureRequest) -> str:
    """The follow-up campaign (two partners, 400 firms, no contact) as a file or on PostgreSQL."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("followup_campaign"))
    return str(request.getfixturevalue("followup_postgres"))


def _data_sheets(path: Path) -> list[Worksheet]:
    wb = load_workbook(path)
    return [ws for ws in wb.worksheets if ws.title not in (GUIDE_SHEET, META_SHEET, LEFT_OUT_SHEET)]


def _sirets(path: Path) -> set[str]:
    found: set[str] = set()
    for ws in _data_sheets(path):
        for row in ws.iter_rows(min_row=2, values_only=True):
            if row[COL["SIRET"] - 1]:
                found.add(str(row[COL["SIRET"] - 1]))
    return found


def _third_partner(store: CampaignStore) -> str:
    """Give one firm to a third partner; return its SIRET."""
    with store.session() as session:
        partner = models.Partner(name=THIRD, kind="partenaire")
        team = models.Team(name="Équipe Cap emploi", capacity=50)
        partner.teams.append(team)
        team.advisers.append(models.Adviser(name="Conseillère Cap", capacity=50))
        session.add(partner)
        session.flush()
        assignments = session.scalars(
            select(models.Assignment).order_by(models.Assignment.siret).limit(2)
        ).all()
        for assignment in assignments:
            assignment.team_id = team.id
            assignment.adviser_id = team.advisers[0].id
        return assignments[0].siret


def _adviser_of(store: CampaignStore, partner: str) -> tuple[int, str]:
    with store.session() as session:
        row = session.execute(
            select(models.Adviser.id, models.Adviser.name)
            .join(models.Team)
            .join(models.Partner)
            .where(models.Partner.name == partner)
            .order_by(models.Adviser.id)
        ).first()
        assert row is not None
        return int(row[0]), str(row[1])


def test_firm_called_twice_by_two_partners_is_left_out_of_the_third_partners_list(
    campaign: str, partners: tuple[str, ...], tmp_path: Path
) -> None:
    store = open_store(campaign)
    try:
        siret = _third_partner(store)
        for partner, day in ((partners[0], 3), (partners[1], 12)):
            adviser_id, adviser = _adviser_of(store, partner)
            with store.session() as session:
                session.add(
                    models.Contact(
                        siret=siret,
                        date=dt.date(2025, 3, day),
                        adviser_id=adviser_id,
                        adviser_name=adviser,
                        outcome="Non joint",
                    )
                )
        report = run_call_list_export(store, tmp_path / "listes", now=NOW)
        # « Mon portefeuille » still shows the adviser every firm they follow.
        assert siret in call_list_frame(store)["siret"].to_list()
    finally:
        store.close()
    by_partner = {f.partner: f.path for f in report.files if f.path.suffix == ".xlsx"}
    csv = next(f.path for f in report.files if f.path.suffix == ".csv")
    assert siret not in csv.read_text("utf-8")
    third = _sirets(by_partner[THIRD])
    assert third, "the third partner keeps its other firm"
    assert siret not in third
    assert all(siret not in _sirets(by_partner[p]) for p in partners)
    assert siret not in _sirets(by_partner[None])
    assert report.counts() == {"blocked": 0, "over_cap": 1}
    [left] = report.left_out
    assert (left.siret, left.partner, left.reason) == (siret, THIRD, "over_cap")
    assert "2 contacts depuis le 03/03/2025" in left.detail
    assert report.summary().startswith("1 entreprise laissée de côté")
    # The coordinator's workbook lists it: SIRET, name, partner, reason, detail.
    coordination = load_workbook(by_partner[None])
    sheet = coordination[LEFT_OUT_SHEET]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("SIRET", "Nom", "Partenaire", "Motif", "Détail")
    assert rows[1][0] == siret and rows[1][2] == THIRD
    assert rows[1][3] == "plafond de sollicitations atteint"


def test_blocked_firm_is_in_no_call_list_and_the_cli_says_why(
    followup_campaign: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = open_store(followup_campaign)
    try:
        with store.session() as session:
            siret = session.scalars(
                select(models.Assignment.siret).order_by(models.Assignment.siret)
            ).first()
        assert siret
    finally:
        store.close()
    c = str(followup_campaign)
    assert run(["firm", "block", c, siret, "--reason", "entreprise fermée"]) == 0
    capsys.readouterr()
    out = tmp_path / "listes"
    assert run(["export", "call-lists", c, "--out", str(out), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["left_out"]["blocked"] == 1 and report["left_out"]["total"] == 1
    assert report["left_out"]["firms"][0]["siret"] == siret
    assert "Entreprise fermée" in report["left_out"]["firms"][0]["detail"]
    for exported in report["files"]:
        path = Path(exported["path"])
        if path.suffix == ".csv":
            assert siret not in path.read_text("utf-8")
        else:
            assert siret not in _sirets(path)
    # Lifted, the firm is back in the lists.
    assert run(["firm", "unblock", c, siret]) == 0
    capsys.readouterr()
    again = tmp_path / "encore"
    assert run(["export", "call-lists", c, "--out", str(again)]) == 0
    printed = capsys.readouterr().out
    assert "Aucune entreprise laissée de côté" in printed
    assert any(siret in _sirets(p) for p in again.glob("*.xlsx"))


def _export_one(store: CampaignStore, out: Path, partner: str) -> Path:
    report = run_call_list_export(store, out, partner=partner, now=NOW)
    return report.files[0].path


def _fill(ws: Worksheet, row: int, values: dict[str, object]) -> str:
    for header, value in values.items():
        ws.cell(row, COL[header], value)
    return str(ws.cell(row, COL["SIRET"]).value)


def test_service_columns_write_contact_service_rows_and_refusal_tick_marks_the_firm(
    campaign: str, partners: tuple[str, ...], tmp_path: Path
) -> None:
    store = open_store(campaign)
    try:
        path = _export_one(store, tmp_path, partners[0])
        wb = load_workbook(path)
        ws = next(w for w in wb.worksheets if w.title not in (GUIDE_SHEET, META_SHEET))
        done = _fill(
            ws,
            2,
            {
                "Résultat": "Besoin recueilli",
                "Date de l'appel": "10/03/2025",
                "Service": "poei",
                "Statut du service": "réalisé",
                "Date du service": "12/03/2025",
                "Nombre (postes/personnes)": 2,
            },
        )
        proposed = _fill(
            ws,
            3,
            {
                "Résultat": "Pas de besoin",
                "Date de l'appel": "11/03/2025",
                "Service": "Immersion professionnelle (PMSMP)",
                "Statut du service": "Proposé",
            },
        )
        refused = _fill(
            ws,
            4,
            {"Résultat": "Refus", "Date de l'appel": "11/03/2025", "Ne plus solliciter": "Oui"},
        )
        ticked = _fill(
            ws,
            5,
            {"Résultat": "Non joint", "Date de l'appel": "11/03/2025", "Ne plus solliciter": "Oui"},
        )
        wb.save(path)
        preview = preview_outcomes(store, [path], today=dt.date(2025, 3, 20))
        assert not preview.rejected, [r.message for r in preview.rejected]
        assert preview.services() == 2 and preview.marks() == 1
        assert any("ligne 5" in w and "Ne plus solliciter" in w for w in preview.warnings)
        assert apply_outcomes(store, preview) == 4
        with store.session() as session:
            services = session.execute(
                select(
                    models.ContactService.siret,
                    models.ServiceOffer.code,
                    models.ContactService.status,
                    models.ContactService.date,
                    models.ContactService.quantity,
                    models.Contact.outcome,
                )
                .join(models.ServiceOffer)
                .join(models.Contact, models.Contact.id == models.ContactService.contact_id)
                .order_by(models.ContactService.date)
            ).all()
            blocks = session.execute(
                select(
                    models.FirmBlock.siret,
                    models.FirmBlock.reason,
                    models.FirmBlock.source,
                    models.FirmBlock.blocked_by,
                )
            ).all()
        assert [tuple(s) for s in services] == [
            (proposed, "PMSMP", "proposed", dt.date(2025, 3, 11), None, "Pas de besoin"),
            (done, "POEI", "done", dt.date(2025, 3, 12), 2, "Besoin recueilli"),
        ]
        [(siret, reason, source, by)] = blocks
        assert (siret, reason, source) == (refused, "refusal", "workbook")
        assert by  # the adviser of the signed row
        assert ticked != siret
        # The next export leaves the refusing firm out.
        report = run_call_list_export(store, tmp_path / "après", now=NOW)
        assert refused in {f.siret for f in report.left_out}
    finally:
        store.close()


@pytest.mark.parametrize(
    ("values", "column", "reason"),
    [
        ({"Service": "Coaching", "Statut du service": "Proposé"}, "Service", "service inconnu"),
        ({"Service": "POEI", "Statut du service": "fini"}, "Statut du service", "inconnu"),
        ({"Service": "POEI"}, "Statut du service", "manquant"),
        ({"Statut du service": "Réalisé"}, "Service", "sans service"),
        (
            {"Service": "POEI", "Statut du service": "Réalisé", "Date du service": "demain"},
            "Date du service",
            "date illisible",
        ),
        (
            {"Service": "POEI", "Statut du service": "Réalisé", "Date du service": "01/01/2026"},
            "Date du service",
            "date future",
        ),
        (
            {"Service": "MRS", "Statut du service": "Accepté", "Nombre (postes/personnes)": "-3"},
            "Nombre (postes/personnes)",
            "négatif",
        ),
        ({"Service": '=HYPERLINK("x")'}, "Service", "formule"),
        ({"Ne plus solliciter": "peut-être"}, "Ne plus solliciter", "Oui ou Non"),
    ],
)
def test_bad_service_values_are_rejected_with_line_and_column(
    followup_campaign: Path,
    partners: tuple[str, ...],
    tmp_path: Path,
    values: dict[str, object],
    column: str,
    reason: str,
) -> None:
    store = open_store(followup_campaign)
    try:
        path = _export_one(store, tmp_path, partners[1])
        wb = load_workbook(path)
        ws = next(w for w in wb.worksheets if w.title not in (GUIDE_SHEET, META_SHEET))
        siret = _fill(ws, 3, {"Résultat": "Refus", "Date de l'appel": "11/03/2025", **values})
        wb.save(path)
        preview = preview_outcomes(store, [path], today=dt.date(2025, 3, 20))
    finally:
        store.close()
    assert not preview.accepted
    [rejection] = preview.rejected
    assert (rejection.row, rejection.column, rejection.siret) == (3, column, siret)
    assert reason in rejection.reason
    assert "ligne 3" in rejection.message and path.name in rejection.message


def test_service_not_delivered_by_the_partner_is_rejected(
    followup_campaign: Path, partners: tuple[str, ...], tmp_path: Path
) -> None:
    store = open_store(followup_campaign)
    try:
        with store.session() as session:
            offer = session.scalars(
                select(models.ServiceOffer).where(models.ServiceOffer.code == "AFPR")
            ).one()
            other = session.scalars(
                select(models.Partner).where(models.Partner.name == partners[1])
            ).one()
            session.add(models.ServiceOfferPartner(offer_id=offer.id, partner_id=other.id))
        path = _export_one(store, tmp_path, partners[0])
        wb = load_workbook(path)
        ws = next(w for w in wb.worksheets if w.title not in (GUIDE_SHEET, META_SHEET))
        _fill(
            ws,
            2,
            {
                "Résultat": "Besoin recueilli",
                "Date de l'appel": "11/03/2025",
                "Service": "AFPR",
                "Statut du service": "Proposé",
            },
        )
        wb.save(path)
        preview = preview_outcomes(store, [path], today=dt.date(2025, 3, 20))
    finally:
        store.close()
    [rejection] = preview.rejected
    assert rejection.column == "Service" and "non proposé par le partenaire" in rejection.reason
    # The drop-down offers only what the partner delivers.
    meta = load_workbook(path)[META_SHEET]
    codes = [meta.cell(r, 8).value for r in range(1, 20) if meta.cell(r, 8).value]
    assert "AFPR" not in codes and "POEI" in codes


def test_print_area_holds_the_callers_columns_with_print_titles(
    followup_campaign: Path, partners: tuple[str, ...], tmp_path: Path
) -> None:
    store = open_store(followup_campaign)
    try:
        path = _export_one(store, tmp_path, partners[0])
    finally:
        store.close()
    sheets = _data_sheets(path)
    assert sheets
    last_printed = chr(ord("A") + len(PRINTED) - 1)
    for ws in sheets:
        headers = [c.value for c in ws[1]]
        assert headers[: len(PRINTED)] == [h for h, _w in PRINTED]
        for needed in ("Nom", "Adresse", "Commune", "Libellé NAF", "Effectif", "Rang"):
            assert headers.index(needed) < len(PRINTED), needed
        for needed in ("Téléphone", "Résultat", "Date de l'appel", "Commentaire"):
            assert headers.index(needed) < len(PRINTED), needed
        rows = sum(1 for r in ws.iter_rows(min_row=2, values_only=True) if r[0] is not None)
        assert ws.print_area == f"'{ws.title}'!$A$1:${last_printed}${rows + 1}"
        assert ws.print_title_rows == "$1:$1"
        assert ws.print_title_cols == "$A:$B"
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.paperSize == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert (ws.page_setup.fitToWidth or 1) == 1  # one page wide (1 is the default)
        assert ws.page_setup.fitToHeight == 0
        # The other columns, services included, stay in the sheet, outside the print area.
        assert "SIRET" in headers[len(PRINTED) :] and "Service" in headers[len(PRINTED) :]
        validations = {dv.formula1 for dv in ws.data_validations.dataValidation}
        assert any(f and "_planner" in f and "$H$1" in f for f in validations)
        assert '"Oui,Non"' in validations
