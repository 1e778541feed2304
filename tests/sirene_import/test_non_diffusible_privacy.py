"""A firm that becomes non-diffusible (statut P) in a later stock leaves no trace by name,
address or position: not in the campaign's tables or file, not in any output.

Real SIRENE sample, real geolocation file, real outputs read back with the real
clients (``icalendar``, ``pdftotext``, openpyxl), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import unicodedata
from pathlib import Path

import icalendar
import pytest
from openpyxl import load_workbook
from sqlalchemy import select, text

from planner.cli.main import run
from planner.db import models
from planner.db.store import CampaignStore, create_store, open_store
from planner.domain.errors import PlannerError
from planner.domain.import_filters import ImportFilters
from planner.io.call_list_workbook import GUIDE_SHEET, HEADERS, META_SHEET
from planner.services.demo.fictitious_stock import (
    ND_ESTABLISHMENT_COLUMNS,
    ND_LEGAL_UNIT_COLUMNS,
    NOT_DIFFUSED,
)
from planner.services.firms.firm_query import firm_details, load_firms
from planner.services.followup.call_lists import export_call_lists
from planner.services.followup.dashboard.workbook import export_dashboard_xlsx
from planner.services.followup.outcomes_import import (
    NON_DIFFUSIBLE_REASON,
    apply_outcomes,
    export_rejections,
    preview_outcomes,
)
from planner.services.map.session_layer import venue_markers
from planner.services.sessions.excel_export import write_sessions_workbook
from planner.services.sessions.ics_export import build_calendar
from planner.services.sessions.planning import (
    SessionDraft,
    invitees_of,
    list_sessions,
    plan_clashes,
    save_session,
)
from planner.services.sessions.schedule import programme_job, schedule_job
from planner.services.sessions.venues import add_free_venue, set_venue_position, venue_from_firm
from planner.services.sirene_import.non_diffusible import (
    NON_DIFFUSIBLE_FIRM,
    NON_DIFFUSIBLE_VENUE,
    ScrubResult,
    scrub_non_diffusible,
)
from planner.services.sirene_import.pipeline import SireneFiles, import_sirene
from tests.sirene_csv import read_rows as _rows
from tests.sirene_csv import write_rows as _write

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before pytest-qt's QApplication

STOCK = "StockEtablissement_utf8__trackdechets_sample.csv"
UNITS = "StockUniteLegale_utf8__trackdechets_sample.csv"
EVERYTHING = ImportFilters(
    include_closed=True, bands=None, include_unknown_band=True, include_non_employers=True
)
# An individual entrepreneur of the sample (one establishment, in Digne-les-Bains)
# who, in the later stock, objects to publication: unit and establishment turn P.
SECRET = "00554066100021"
SECRET_SIREN = SECRET[:9]
# Another sole trader nearby, still diffusible: shown by name everywhere.
OPEN = "00554027300025"
SECRET_XY = (955712.4, 6332187.9)  # Lambert-93, Digne-les-Bains
OPEN_XY = (941300.0, 6318800.0)  # Lambert-93, Barrême
CONTACT = {
    "contact_person": "Marie Honnorat",
    "phone": "04 92 31 00 00",
    "email": "marie.honnorat@example.fr",
    "comment": "Rappeler Mme Honnorat au 34 boulevard Gassendi",
}
DAY = dt.datetime(2027, 3, 9, 9, 30)  # a Tuesday, no holiday
COL = {h: i + 1 for i, h in enumerate(HEADERS)}


def _geolocation(path: Path) -> Path:
    """INSEE's ``GeolocalisationEtablissement`` layout (``;``, EPSG per row)."""
    lines = [
        "siret;x;y;qualite_xy;epsg;plg_qp24;plg_iris;plg_zus;plg_qva;plg_code_commune;"
        "distance_precision;qualite_qp24;qualite_iris;qualite_zus;qualite_qva;y_latitude;"
        "x_longitude"
    ]
    for siret, (x, y) in ((SECRET, SECRET_XY), (OPEN, OPEN_XY)):
        lines.append(f"{siret};{x};{y};11;2154;;;;;;;;;;;;")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _stocks(
    sirene_dir: Path, tmp_path: Path, *, establishment_too: bool = True
) -> tuple[SireneFiles, SireneFiles]:
    """The sample as published, then a later stock where SECRET objected (masked as INSEE does)."""
    geo = _geolocation(tmp_path / "GeolocalisationEtablissement_Sirene_pour_etudes_utf8.csv")
    first = SireneFiles(sirene_dir / STOCK, sirene_dir / UNITS, geo)
    header, rows = _rows(sirene_dir / STOCK)
    for row in rows:
        if row["siret"] == SECRET and establishment_too:
            row["statutDiffusionEtablissement"] = "P"
            row.update({c: NOT_DIFFUSED for c in ND_ESTABLISHMENT_COLUMNS if c in row})
    unit_header, units = _rows(sirene_dir / UNITS)
    for unit in units:
        if unit["siren"] == SECRET_SIREN:
            unit["statutDiffusionUniteLegale"] = "P"
            unit.update({c: NOT_DIFFUSED for c in ND_LEGAL_UNIT_COLUMNS if c in unit})
    later = SireneFiles(
        _write(tmp_path / "StockEtablissement_utf8.csv", header, rows),
        _write(tmp_path / "StockUniteLegale_utf8.csv", unit_header, units),
        geo,  # still placing SECRET: the import must not use it
    )
    return first, later


def _campaign(target: str | Path) -> CampaignStore:
    store = create_store(target)
    with store.session() as session:
        session.add(
            models.Campaign(
                name="Alpes", bassin_kind="communes", bassin_code="*", bassin_label="Alpes"
            )
        )
    return store


def _codes(sirene_dir: Path) -> dict[str, str]:
    _, rows = _rows(sirene_dir / STOCK)
    return {r["codeCommuneEtablissement"]: r["codeCommuneEtablissement"] for r in rows}


def _task_force(store: CampaignStore) -> None:
    """A partner whose team prospects both firms, and a dated contact with SECRET."""
    with store.session() as session:
        partner = models.Partner(
            name="CCI Alpes", kind="cci", address="Place de la Gare, Digne", lon=6.23, lat=44.09
        )
        team = models.Team(partner=partner, name="Équipe Digne", capacity=50)
        adviser = models.Adviser(team=team, name="Paul Conseil", email="paul@cci.example.fr")
        session.add_all([partner, team, adviser])
        session.flush()
        for siret in (SECRET, OPEN):
            session.add(models.Assignment(siret=siret, team_id=team.id, adviser_id=adviser.id))
        contact = models.Contact(
            siret=SECRET,
            date=dt.date(2027, 2, 1),
            adviser_id=adviser.id,
            adviser_name=adviser.name,
            outcome="Besoin recueilli",
            next_step="Inviter à la visite",
            **CONTACT,
        )
        session.add(contact)
        session.flush()
        # The firm's journey: free text that names the firm (issue 14).
        poei = session.scalar(
            select(models.ServiceOffer.id).where(models.ServiceOffer.code == "POEI")
        )
        session.add(
            models.ContactService(
                contact_id=contact.id,
                siret=SECRET,
                offer_id=poei,
                status="proposed",
                date=dt.date(2027, 2, 1),
                comment="Vu avec Mme MARIE AVON au 34 BD GASSENDI",
            )
        )
        session.add(
            models.FirmBlock(  # ended: the firm is still in the call lists below
                siret=SECRET,
                reason="other",
                note="MARIE AVON rappelle elle-même, 34 BD GASSENDI",
                until=dt.date(2020, 1, 1),
            )
        )


def _sessions(store: CampaignStore) -> None:
    """A visit at SECRET's site (host), and a meeting elsewhere where SECRET is invited."""
    with store.session() as session:
        partner_id = session.scalar(select(models.Partner.id))
    site = venue_from_firm(store, SECRET)
    hall = add_free_venue(store, "Salle des fêtes", "Place du Marché, Barrême", 6.37, 43.95)
    save_session(
        store,
        SessionDraft(
            kind="company_visit",
            title="Visite chez Marie Avon",  # coordinators name visits after their host
            starts_at=DAY,
            ends_at=DAY + dt.timedelta(hours=2),
            venue_id=site,
            partner_ids=[partner_id],
            host_sirets=[SECRET],
        ),
    )
    later = DAY + dt.timedelta(days=7)
    save_session(
        store,
        SessionDraft(
            kind="information",
            title="Réunion d'information",
            outcome_notes="Marie Avon viendra avec son apprenti",
            starts_at=later,
            ends_at=later + dt.timedelta(hours=2),
            venue_id=hall,
            partner_ids=[partner_id],
            host_sirets=[OPEN],
            invitee_sirets=[SECRET, OPEN],
        ),
    )


def _needles(store: CampaignStore) -> dict[str, str]:
    """What names, addresses or locates SECRET, as stored after the first import."""
    with store.session() as session:
        firm = session.get(models.Establishment, SECRET)
        assert firm is not None and firm.lon is not None and firm.lat is not None
        assert firm.name == "MARIE AVON" and firm.libelle_voie == "GASSENDI"
        lon, lat = firm.lon, firm.lat
    # Four decimals, truncated: a prefix of every way the position is written.
    lat4, lon4 = (f"{v:.6f}"[: f"{v:.6f}".index(".") + 5] for v in (lat, lon))
    return {
        "name": "MARIE AVON",  # first name and usage name
        "legal name": "HONNORAT",
        "street": "34 BD GASSENDI",  # other firms of the sample are on the same boulevard
        "lat": lat4,
        "lon": lon4,
        "lat (virgule)": lat4.replace(".", ","),
        "lon (virgule)": lon4.replace(".", ","),
        "lambert": str(int(SECRET_XY[0])),
        **{k: v for k, v in CONTACT.items() if k != "comment"},
    }


def _found(needles: dict[str, str], where: str, text_: str) -> list[str]:
    folded = text_.casefold()
    return [
        f"{where}: {key} ({value})" for key, value in needles.items() if value.casefold() in folded
    ]


def _workbook_text(path: Path) -> str:
    book = load_workbook(path)
    values = [
        str(cell)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    ]
    return "\n".join(values)


def _pdf_text(path: Path) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return unicodedata.normalize("NFKC", out)  # the "ﬀ" and "ﬁ" ligatures back to letters


def _fill_secret_row(path: Path, date: str) -> None:
    """Fill in SECRET's row of a partner's call list, as the partner would."""
    book = load_workbook(path)
    filled = 0
    for sheet in book.worksheets:
        if sheet.title in (GUIDE_SHEET, META_SHEET):
            continue
        for number in range(2, sheet.max_row + 1):
            if sheet.cell(number, COL["SIRET"]).value == SECRET:
                sheet.cell(number, COL["Résultat"], "Besoin recueilli")
                sheet.cell(number, COL["Date de l'appel"], date)
                sheet.cell(number, COL["Interlocuteur"], CONTACT["contact_person"])
                filled += 1
    assert filled == 1
    book.save(path)


def _tables_text(store: CampaignStore) -> str:
    parts = []
    with store.engine.connect() as conn:
        for table in models.Base.metadata.sorted_tables:
            parts.extend(repr(tuple(row)) for row in conn.execute(table.select()))
    return "\n".join(parts)


def _outputs(
    store: CampaignStore, target: str | Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> dict[str, str]:
    """Every output planner writes about sessions, prospecting and the map, as text."""
    from planner.ui.sessions.printing import print_to_pdf

    out.mkdir()
    records = list_sessions(store)
    texts: dict[str, str] = {}
    calendar = icalendar.Calendar.from_ical(build_calendar(records, "Alpes").to_ical())
    texts["ICS"] = "\n".join(
        f"{event.get('summary')}|{event.get('location')}|{event.get('description')}|"
        f"{event.get('geo').to_ical() if event.get('geo') else ''}"
        for event in calendar.walk("VEVENT")
    )
    job = schedule_job(records, "Alpes", DAY.date(), DAY.date() + dt.timedelta(days=30))
    print_to_pdf(job, out / "programme.pdf")
    texts["programme PDF"] = _pdf_text(out / "programme.pdf")
    for record in records:
        door = out / f"porte-{record.id}.pdf"
        print_to_pdf(programme_job(record, "Alpes"), door)
        texts[f"affiche PDF {record.id}"] = _pdf_text(door)
    write_sessions_workbook(store, records, out / "seances.xlsx")
    texts["classeur des séances"] = _workbook_text(out / "seances.xlsx")
    capsys.readouterr()
    assert run(["sessions", "list", str(target), "--json"]) == 0
    texts["sessions list --json"] = capsys.readouterr().out
    for exported in export_call_lists(store, out, now=dt.datetime(2027, 3, 1, 8)):
        if exported.path.suffix == ".xlsx":
            texts[exported.path.name] = _workbook_text(exported.path)
        else:
            texts[exported.path.name] = exported.path.read_text(encoding="utf-8-sig")
    export_dashboard_xlsx(store, str(out / "tableau.xlsx"))
    texts["tableau de bord"] = _workbook_text(out / "tableau.xlsx")
    firms = load_firms(store)
    texts["carte et table (firmes)"] = firms.write_json()
    texts["carte (séances)"] = json.dumps(venue_markers(records, now=DAY - dt.timedelta(days=1)))
    texts["invités"] = repr([invitees_of(store, r.id) for r in records])
    texts["fiche entreprise"] = repr(firm_details(store, SECRET))
    texts["conflits"] = repr(plan_clashes(store))
    texts["tables de la campagne"] = _tables_text(store)
    return texts


def test_a_firm_that_becomes_non_diffusible_disappears_from_every_output(
    sirene_dir: Path,
    tmp_path: Path,
    campaign_target: str | Path,
    capsys: pytest.CaptureFixture[str],
    qapp: object,
) -> None:
    first, later = _stocks(sirene_dir, tmp_path)
    codes = _codes(sirene_dir)
    store = _campaign(campaign_target)
    import_sirene(store, first, EVERYTHING, codes)
    needles = _needles(store)
    _task_force(store)
    _sessions(store)

    before = _outputs(store, campaign_target, tmp_path / "avant", capsys)
    # The outputs do name, address and place the firm while it is diffusible.
    for where in ("ICS", "programme PDF", "classeur des séances", "carte (séances)"):
        assert _found({"name": "MARIE AVON", "street": "34 BD GASSENDI"}, where, before[where])
    assert _found({"lat": needles["lat"]}, "ICS", before["ICS"])
    assert _found({"name": "MARIE AVON"}, "cc", before["Liste_appels_coordination_20270301.csv"])

    if isinstance(campaign_target, Path):
        assert b"MARIE AVON" in campaign_target.read_bytes()

    summary = import_sirene(store, later, EVERYTHING, codes)
    assert (summary.now_non_diffusible, summary.venues_non_diffusible) == (1, 1)
    assert any("Devenus non diffusibles" in line and ": 1 ;" in line for line in summary.lines())

    after = _outputs(store, campaign_target, tmp_path / "apres", capsys)
    leaks = [hit for where, text_ in after.items() for hit in _found(needles, where, text_)]
    assert leaks == []
    if isinstance(campaign_target, Path):
        with store.engine.connect() as conn:  # old values zeroed, whatever SQLite's build default
            assert conn.execute(text("PRAGMA secure_delete")).scalar() == 1
        raw = campaign_target.read_bytes()
        assert [key for key, value in needles.items() if value.encode() in raw] == []

    # The journey's free text is wiped, in the rows and in the journal.
    with store.session() as session:
        service = session.scalars(
            select(models.ContactService).where(models.ContactService.siret == SECRET)
        ).one()
        block = session.get(models.FirmBlock, SECRET)
        assert service.comment is None and block is not None and block.note is None
        journal = session.execute(
            select(models.JournalEntry.before, models.JournalEntry.after).where(
                models.JournalEntry.table_name.in_(["contact_service", "firm_block"])
            )
        ).all()
        assert journal
        assert _found(needles, "journal", json.dumps([list(row) for row in journal])) == []

    # Still there by SIRET: assignment, contact (outcome kept), session links.
    with store.session() as session:
        firm = session.get(models.Establishment, SECRET)
        assert firm is not None and firm.non_diffusible and not firm.in_target
        assert firm.commune_code == "04070"
        assert session.get(models.Assignment, SECRET) is not None
        contact = session.scalars(
            select(models.Contact).where(models.Contact.siret == SECRET)
        ).one()
        assert contact.outcome == "Besoin recueilli" and contact.contact_person is None
        assert session.get(models.LegalUnit, SECRET_SIREN) is None
    # Rows that must still appear say so; the other firm is still named.
    visit, meeting = list_sessions(store)
    assert visit.venue is not None and visit.venue.non_diffusible
    assert (visit.venue.name, visit.venue.address, visit.venue.lon) == (
        NON_DIFFUSIBLE_VENUE,
        None,
        None,
    )
    assert visit.hosts == {SECRET: NON_DIFFUSIBLE_FIRM}
    assert {s: n for s, n, _ in invitees_of(store, meeting.id)}[SECRET] == NON_DIFFUSIBLE_FIRM
    assert "POILROUX" in after["ICS"] and "POILROUX" in after["classeur des séances"]
    assert NON_DIFFUSIBLE_VENUE in after["ICS"]
    assert NON_DIFFUSIBLE_VENUE in " ".join(after["programme PDF"].split())
    assert NON_DIFFUSIBLE_FIRM in after["classeur des séances"]
    assert firm_details(store, SECRET)["Nom"] == NON_DIFFUSIBLE_FIRM
    assert SECRET not in load_firms(store)["siret"].to_list()
    # The coordinator is told to replace the venue, and cannot make a new one there.
    warnings = [c for c in plan_clashes(store) if c.rule == "venue_non_diffusible"]
    assert [(c.severity, c.session_id) for c in warnings] == [("warning", visit.id)]
    assert visit.title == f"Visite chez {NON_DIFFUSIBLE_FIRM}"
    assert meeting.outcome_notes == f"{NON_DIFFUSIBLE_FIRM} viendra avec son apprenti"
    listing = json.loads(after["sessions list --json"])
    assert any(c["rule"] == "venue_non_diffusible" for c in listing["clashes"])
    with pytest.raises(PlannerError, match="non diffusible"):
        venue_from_firm(store, SECRET)
    with pytest.raises(PlannerError, match="non diffusible"):
        set_venue_position(store, visit.venue.id, 6.2, 44.1)

    # The partner's workbook exported before fills in SECRET's row: rejected, nothing recorded,
    # and the rejected rows' workbook (for the partner) does not echo it.
    workbook = tmp_path / "avant" / "Liste_appels_CCI_Alpes_20270301.xlsx"
    # A valid row, then one the reader itself rejects (a date ahead) and would echo.
    for date in ("01/12/2026", "02/03/2030"):
        _fill_secret_row(workbook, date)
        preview = preview_outcomes(store, [workbook])
        assert [(r.siret, r.reason) for r in preview.rejected] == [(SECRET, NON_DIFFUSIBLE_REASON)]
        assert apply_outcomes(store, preview) == 0
        export_rejections(tmp_path / "rejets.xlsx", preview.rejected)
        assert _found(needles, "rejets", _workbook_text(tmp_path / "rejets.xlsx")) == []
    with store.session() as session:
        assert len(session.scalars(select(models.Contact).filter_by(siret=SECRET)).all()) == 1

    # A third import of the same stock changes and counts nothing more.
    again = import_sirene(store, later, EVERYTHING, codes)
    assert (again.now_non_diffusible, again.venues_non_diffusible) == (0, 0)
    store.close()


def test_a_firm_diffusible_again_gets_its_fields_back(
    sirene_dir: Path, tmp_path: Path, campaign_target: str | Path
) -> None:
    first, later = _stocks(sirene_dir, tmp_path)
    codes = _codes(sirene_dir)
    store = _campaign(campaign_target)
    import_sirene(store, first, EVERYTHING, codes)
    import_sirene(store, later, EVERYTHING, codes)
    summary = import_sirene(store, first, EVERYTHING, codes)
    assert summary.now_non_diffusible == 0
    with store.session() as session:
        firm = session.get(models.Establishment, SECRET)
        assert firm is not None and not firm.non_diffusible and firm.in_target
        assert firm.name == "MARIE AVON" and firm.lon is not None
        # the old value of the flag is not left behind either
        assert (
            session.execute(
                text("select count(*) from establishment where non_diffusible")
            ).scalar()
            == 0
        )
    store.close()


def test_migration_0008_flags_nothing_in_older_campaigns(tmp_path: Path) -> None:
    path = tmp_path / "ancienne.planner"
    store = create_store(path, revision="0007")
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "insert into establishment (siret, siren, nic, name, etat, commune_code,"
                " siege, in_target, source_hash) values"
                " ('00554066100021', '005540661', '00021', 'X', 'A', '04070', 1, 1, 'h')"
            )
        )
        conn.execute(
            text("insert into venue (name, kind, siret) values ('X', 'host', '00554066100021')")
        )
    store.close()
    store = open_store(path)
    with store.session() as session:
        firm = session.get(models.Establishment, SECRET)
        venue = session.scalars(select(models.Venue)).one()
        assert firm is not None and not firm.non_diffusible and not venue.non_diffusible
        result = scrub_non_diffusible(session, [SECRET], None)
    assert result == ScrubResult(firms=1, venues=1)
    store.close()


def test_a_partially_diffusible_legal_unit_hides_its_establishment_too(
    sirene_dir: Path, tmp_path: Path, campaign_target: str | Path
) -> None:
    first, later = _stocks(sirene_dir, tmp_path, establishment_too=False)
    codes = _codes(sirene_dir)
    store = _campaign(campaign_target)
    import_sirene(store, first, EVERYTHING, codes)
    summary = import_sirene(store, later, EVERYTHING, codes)
    assert summary.now_non_diffusible == 1
    with store.session() as session:
        firm = session.get(models.Establishment, SECRET)
        assert firm is not None and firm.non_diffusible
        assert (firm.name, firm.libelle_voie, firm.lon, firm.lat) == ("", None, None, None)
        assert session.get(models.LegalUnit, SECRET_SIREN) is None
    store.close()


@pytest.mark.parametrize(
    "moved",
    [
        pytest.param({"codeCommuneEtablissement": "75118"}, id="moved-out-of-the-bassin"),
        pytest.param({"codeCommuneEtablissement": NOT_DIFFUSED}, id="commune-masked"),
    ],
)
def test_a_firm_that_left_the_bassin_as_it_became_non_diffusible_is_wiped(
    sirene_dir: Path, tmp_path: Path, campaign_target: str | Path, moved: dict[str, str]
) -> None:
    """The later stock puts SECRET outside the bassin (or masks its commune) as it turns P.

    Its row no longer passes the commune filter, but it is one of the campaign's
    establishments: it must be wiped like any other, not left named, placed and
    in the call lists.
    """
    first, later = _stocks(sirene_dir, tmp_path)
    header, rows = _rows(later.stock)
    for row in rows:
        if row["siret"] == SECRET:
            row.update(moved)
    later = SireneFiles(_write(later.stock, header, rows), later.legal_units, later.geolocation)
    codes = {c: c for c in _codes(sirene_dir) if c != "75118"}
    store = _campaign(campaign_target)
    import_sirene(store, first, EVERYTHING, codes)
    _task_force(store)
    _sessions(store)
    summary = import_sirene(store, later, EVERYTHING, codes)
    assert (summary.now_non_diffusible, summary.venues_non_diffusible) == (1, 1)
    with store.session() as session:
        firm = session.get(models.Establishment, SECRET)
        assert firm is not None and firm.non_diffusible and not firm.in_target
        assert (firm.name, firm.libelle_voie, firm.lon) == ("", None, None)
        assert firm.commune_code == "04070"
        contact = session.scalars(select(models.Contact).filter_by(siret=SECRET)).one()
        assert contact.contact_person is None and contact.phone is None
    assert SECRET not in load_firms(store)["siret"].to_list()
    store.close()


def test_a_firm_that_moved_out_of_the_bassin_leaves_the_target(
    sirene_dir: Path, tmp_path: Path
) -> None:
    """Still diffusible but moved to a commune outside the bassin: no longer a target."""
    header, rows = _rows(sirene_dir / STOCK)
    for row in rows:
        if row["siret"] == OPEN:
            row["codeCommuneEtablissement"] = "75118"
    later = _write(tmp_path / "StockEtablissement_utf8.csv", header, rows)
    codes = {c: c for c in _codes(sirene_dir) if c != "75118"}
    store = _campaign(tmp_path / "c.planner")
    import_sirene(store, SireneFiles(sirene_dir / STOCK, sirene_dir / UNITS), EVERYTHING, codes)
    summary = import_sirene(store, SireneFiles(later, sirene_dir / UNITS), EVERYTHING, codes)
    assert summary.left_target == 1
    with store.session() as session:
        firm = session.get(models.Establishment, OPEN)
        assert firm is not None and not firm.in_target and firm.commune_code == "75118"
    store.close()


@pytest.mark.parametrize("typed", ["00554066100039", None], ids=["siret-edited", "siret-cleared"])
def test_a_returned_row_whose_siret_was_edited_is_not_echoed(
    sirene_dir: Path, tmp_path: Path, typed: str | None
) -> None:
    """The partner edits or clears SECRET's SIRET cell: the row is rejected, and the
    rejected rows' workbook must not copy its exported name, address or contact."""
    first, later = _stocks(sirene_dir, tmp_path)
    codes = _codes(sirene_dir)
    store = _campaign(tmp_path / "c.planner")
    import_sirene(store, first, EVERYTHING, codes)
    needles = _needles(store)
    _task_force(store)
    export_call_lists(store, tmp_path / "avant", now=dt.datetime(2027, 3, 1, 8))
    import_sirene(store, later, EVERYTHING, codes)
    workbook = tmp_path / "avant" / "Liste_appels_CCI_Alpes_20270301.xlsx"
    _fill_secret_row(workbook, "01/12/2026")
    book = load_workbook(workbook)
    for sheet in book.worksheets:
        if sheet.title in (GUIDE_SHEET, META_SHEET):
            continue
        for number in range(2, sheet.max_row + 1):
            if sheet.cell(number, COL["SIRET"]).value == SECRET:
                sheet.cell(number, COL["Téléphone"], CONTACT["phone"])
                sheet.cell(number, COL["SIRET"]).value = typed
    book.save(workbook)
    preview = preview_outcomes(store, [workbook])
    assert [r.reason for r in preview.rejected] == [NON_DIFFUSIBLE_REASON]
    export_rejections(tmp_path / "rejets.xlsx", preview.rejected)
    assert _found(needles, "rejets", _workbook_text(tmp_path / "rejets.xlsx")) == []
    store.close()


def test_an_establishment_that_turns_p_alone_takes_its_legal_names_with_it(
    sirene_dir: Path, tmp_path: Path, campaign_target: str | Path
) -> None:
    """Only the establishment turns P (its legal unit stays O in the later files).

    The firm was shown under its legal unit's names: the stored legal unit must
    not keep naming it, and a session titled after the legal name is rewritten.
    """
    first, later = _stocks(sirene_dir, tmp_path)
    later = SireneFiles(later.stock, sirene_dir / UNITS, later.geolocation)
    codes = _codes(sirene_dir)
    store = _campaign(campaign_target)
    import_sirene(store, first, EVERYTHING, codes)
    _task_force(store)
    with store.session() as session:
        partner_id = session.scalar(select(models.Partner.id))
    hall = add_free_venue(store, "Salle des fêtes", "Place du Marché, Barrême", 6.37, 43.95)
    save_session(
        store,
        SessionDraft(
            kind="company_visit",
            title="Visite chez M. Honnorat",  # the legal (birth) name, not the one shown
            starts_at=DAY,
            ends_at=DAY + dt.timedelta(hours=2),
            venue_id=hall,
            partner_ids=[partner_id],
            host_sirets=[SECRET],
        ),
    )
    summary = import_sirene(store, later, EVERYTHING, codes)
    assert summary.now_non_diffusible == 1
    with store.session() as session:
        assert session.get(models.LegalUnit, SECRET_SIREN) is None
        assert session.get(models.LegalUnit, OPEN[:9]) is not None
    (visit,) = list_sessions(store)
    assert visit.title == f"Visite chez M. {NON_DIFFUSIBLE_FIRM}"
    assert "HONNORAT" not in _tables_text(store).upper()
    # Without the legal units' file, the next import keeps it so.
    import_sirene(store, SireneFiles(later.stock), EVERYTHING, codes)
    with store.session() as session:
        assert session.get(models.LegalUnit, SECRET_SIREN) is None
    store.close()


def test_a_re_import_without_legal_units_works_when_a_stored_name_column_is_empty(
    sirene_dir: Path, tmp_path: Path
) -> None:
    """Re-importing the establishments' stock alone joins the stored legal units: a
    column none of them fills (no usage name, say) must not stop the import, or a
    firm that became non-diffusible would never be wiped."""
    first, later = _stocks(sirene_dir, tmp_path)
    codes = _codes(sirene_dir)
    store = _campaign(tmp_path / "c.planner")
    import_sirene(store, first, EVERYTHING, codes)
    with store.session() as session:
        session.execute(text("update legal_unit set nom_usage = null, prenom = null"))
    summary = import_sirene(store, SireneFiles(later.stock), EVERYTHING, codes)
    assert summary.now_non_diffusible == 1
    store.close()


@pytest.mark.parametrize("status", ["N", "p", " P "])
def test_every_way_a_stock_writes_non_diffusible_is_withheld(
    sirene_dir: Path, tmp_path: Path, status: str
) -> None:
    """INSEE's API writes ``N`` for non-diffusible; hand-edited or re-exported stocks
    change the case or pad it. None of them may let the firm through."""
    first, later = _stocks(sirene_dir, tmp_path)
    header, rows = _rows(later.stock)
    for row in rows:
        if row["siret"] == SECRET:
            row["statutDiffusionEtablissement"] = status
    later = SireneFiles(_write(later.stock, header, rows), sirene_dir / UNITS, later.geolocation)
    codes = _codes(sirene_dir)
    store = _campaign(tmp_path / "c.planner")
    import_sirene(store, first, EVERYTHING, codes)
    summary = import_sirene(store, later, EVERYTHING, codes)
    assert summary.now_non_diffusible == 1
    # and from the first import on: only counted
    fresh = _campaign(tmp_path / "d.planner")
    assert import_sirene(fresh, later, EVERYTHING, codes).non_diffusible == 1
    with fresh.session() as session:
        assert session.get(models.Establishment, SECRET) is None
    store.close()
    fresh.close()


@pytest.mark.postgres
def test_postgresql_vacuums_the_wiped_rows_away(
    sirene_dir: Path, tmp_path: Path, pg_database: str
) -> None:
    """PostgreSQL keeps an updated row's old version (the wiped name and
    address) until VACUUM: the import runs it on the tables it rewrote."""
    first, later = _stocks(sirene_dir, tmp_path)
    codes = _codes(sirene_dir)
    store = _campaign(pg_database)
    import_sirene(store, first, EVERYTHING, codes)

    def vacuumed() -> set[str]:
        with store.engine.connect() as conn:
            conn.execute(text("select pg_stat_clear_snapshot()"))
            return set(
                conn.execute(
                    text("select relname from pg_stat_user_tables where last_vacuum is not null")
                ).scalars()
            )

    assert "establishment" not in vacuumed()
    summary = import_sirene(store, later, EVERYTHING, codes)
    assert summary.now_non_diffusible > 0
    assert {"establishment", "contact", "venue"} <= vacuumed()
    store.close()
