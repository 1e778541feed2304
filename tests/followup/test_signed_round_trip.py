"""Signed call lists: what a hostile or clumsy partner can change, and what is refused.

Every test runs on a SQLite file and on PostgreSQL (a database copied from a
template made once per session).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import create_engine, delete, func, select, text, update

from planner.cli.main import run
from planner.db import models
from planner.db.store import CampaignStore, open_store
from planner.domain.errors import InputError
from planner.io.call_list_workbook import (
    GUIDE_SHEET,
    HEADERS,
    META_SHEET,
    CallListMeta,
    CallListRow,
    write_call_list,
)
from planner.services.campaign.identity import (
    IDENTITY_KEY,
    campaign_identity,
    new_identity_setting,
    set_refuse_unsigned,
)
from planner.services.demo.demo_campaign import create_demo
from planner.services.followup.call_lists import call_list_frame, export_call_lists
from planner.services.followup.outcomes_import import apply_outcomes, preview_outcomes
from tests.followup.conftest import PARTNERS, assign_partners, make_older_campaign

COL = {h: i + 1 for i, h in enumerate(HEADERS)}
EXPORTED = dt.datetime(2025, 3, 1, 9)
META_FIRST_ROW = 7  # hidden sheet of a signed workbook: 5 head rows, then the column titles


@pytest.fixture(scope="session")
def pg_template(pg_server: str) -> Iterator[str]:
    """The follow-up campaign in a PostgreSQL database used as a template."""
    name = f"planner_tpl_{uuid.uuid4().hex[:12]}"
    admin = create_engine(f"{pg_server}/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        create_demo(f"{pg_server}/{name}", rows=2500, seed=5)
        with open_store(f"{pg_server}/{name}") as store:
            assign_partners(store)
        yield name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def campaign(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh follow-up campaign: a SQLite file or a PostgreSQL database."""
    if request.param == "sqlite":
        yield str(request.getfixturevalue("followup_campaign"))
        return
    server = request.getfixturevalue("pg_server")
    template = request.getfixturevalue("pg_template")
    name = f"planner_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(f"{server}/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    try:
        yield f"{server}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _export(store: CampaignStore, out: Path) -> dict[str, Path]:
    files = export_call_lists(store, out, now=EXPORTED)
    return {f.partner: f.path for f in files if f.partner}


def _data_sheets(wb) -> list[Worksheet]:
    return [ws for ws in wb.worksheets if ws.title not in (GUIDE_SHEET, META_SHEET)]


def _fill(ws: Worksheet, row: int, outcome: str = "Refus", date: str = "05/03/2025") -> str:
    ws.cell(row, COL["Résultat"], outcome)
    ws.cell(row, COL["Date de l'appel"], date)
    return str(ws.cell(row, COL["SIRET"]).value)


def _meta_row(meta: Worksheet, key: str) -> int:
    for row in range(META_FIRST_ROW, meta.max_row + 1):
        if meta.cell(row, 1).value == key:
            return row
    raise AssertionError(key)


def _contacts_on(store: CampaignStore, siret: str) -> list[int | None]:
    with store.session() as session:
        return list(
            session.scalars(select(models.Contact.adviser_id).where(models.Contact.siret == siret))
        )


def _assigned_adviser(store: CampaignStore, siret: str) -> int | None:
    with store.session() as session:
        return session.scalar(
            select(models.Assignment.adviser_id).where(models.Assignment.siret == siret)
        )


def _adviser_ids(store: CampaignStore, partner: str) -> list[int]:
    with store.session() as session:
        return list(
            session.scalars(
                select(models.Adviser.id)
                .join(models.Team)
                .join(models.Partner)
                .where(models.Partner.name == partner)
                .order_by(models.Adviser.id)
            )
        )


def test_identity_is_created_with_the_campaign_or_at_first_export(
    campaign: str, tmp_path: Path
) -> None:
    with open_store(campaign) as store:
        first = campaign_identity(store)
        assert len(first.secret) == 32 and uuid.UUID(first.campaign_id)
        assert campaign_identity(store) == first
        # A campaign made before signatures has none: the first export makes it.
        with store.session() as session:
            session.execute(delete(models.Setting).where(models.Setting.key == IDENTITY_KEY))
        files = _export(store, tmp_path / "out")
        made = campaign_identity(store)
        assert made.campaign_id != first.campaign_id and made.secret != first.secret
        assert campaign_identity(store) == made
        meta = load_workbook(files[PARTNERS[0]], read_only=True)[META_SHEET]
        head = {row[0]: row[1] for row in meta.iter_rows(max_row=5, values_only=True)}
        assert head["campaign_id"] == made.campaign_id
        assert made.secret.hex() not in str(list(meta.iter_rows(values_only=True)))


def test_forged_keys_edited_columns_and_other_partners_advisers_are_rejected(
    campaign: str, tmp_path: Path
) -> None:
    with open_store(campaign) as store:
        # Two « Marie Martin », one in each partner: never confused.
        homonyms = [_adviser_ids(store, p)[0] for p in PARTNERS]
        with store.session() as session:
            session.execute(
                update(models.Adviser)
                .where(models.Adviser.id.in_(homonyms))
                .values(name="Marie Martin")
            )
        files = _export(store, tmp_path / "out")
        mine, theirs = files[PARTNERS[0]], files[PARTNERS[1]]
        other = load_workbook(theirs)
        their_sheet = other["Marie Martin"]
        their_siret = str(their_sheet.cell(2, COL["SIRET"]).value)
        their_name = their_sheet.cell(2, COL["Nom"]).value
        their_key = their_sheet.cell(2, COL[HEADERS[-1]]).value
        other_meta = other[META_SHEET]
        their_entry = [c.value for c in other_meta[_meta_row(other_meta, their_key)]]
        _fill(their_sheet, 2, "Pas de besoin")  # the other partner's own, genuine row
        other.save(theirs)

        wb = load_workbook(mine)
        ws = wb["Marie Martin"]
        meta = wb[META_SHEET]
        good = _fill(ws, 2, "Besoin recueilli")
        ws.cell(2, COL["Nombre de postes"], 2)
        edited = _fill(ws, 3)
        ws.cell(3, COL["Adresse"], "1 RUE AILLEURS")  # a locked column edited
        renamed = _fill(ws, 4)
        ws.cell(4, COL["Conseiller"], "Conseiller 2.1")  # the other partner's adviser
        moved = _fill(ws, 5)
        moved_key = ws.cell(5, COL[HEADERS[-1]]).value
        meta.cell(_meta_row(meta, moved_key), 5, str(_adviser_ids(store, PARTNERS[1])[1]))
        # A key for the other partner's firm: its entry copied into my hidden sheet,
        # and a row of mine turned into that firm.
        forged = meta.max_row + 1
        for col, value in enumerate(their_entry, start=1):
            meta.cell(forged, col, value)
        for header, value in (("SIRET", their_siret), ("Nom", their_name)):
            ws.cell(6, COL[header], value)
        ws.cell(6, COL[HEADERS[-1]], their_key)
        _fill(ws, 6, "Offre déposée")
        # The same firm typed at the bottom without a key.
        bottom = ws.max_row + 1
        ws.cell(bottom, COL["SIRET"], their_siret)
        ws.cell(bottom, COL["Nom"], their_name)
        _fill(ws, bottom, "Non joint")
        wb.save(mine)

        preview = preview_outcomes(store, [mine, theirs])
        assert all(f.signed and not f.warnings for f in preview.files)
        accepted = {r.siret: r for r in preview.accepted}
        assert set(accepted) == {good, their_siret}
        assert accepted[their_siret].file == theirs.name
        reasons = {(r.file, r.row): r.reason for r in preview.rejected}
        assert reasons[(mine.name, 3)].startswith("colonne verrouillée modifiée")
        assert reasons[(mine.name, 4)].startswith("colonne verrouillée modifiée")
        assert reasons[(mine.name, 5)].startswith("ligne non signée")
        assert reasons[(mine.name, 6)].startswith("ligne non signée")
        assert reasons[(mine.name, bottom)].startswith("ligne ajoutée sans clé")
        assert {edited, renamed, moved}.isdisjoint(accepted)
        assert apply_outcomes(store, preview) == 2
        # Nothing written by my workbook on the other partner's firm; each Marie
        # Martin gets her own firm's outcome.
        assert _contacts_on(store, their_siret) == [_assigned_adviser(store, their_siret)]
        assert _contacts_on(store, good) == [_assigned_adviser(store, good)]
        assert {_assigned_adviser(store, good), _assigned_adviser(store, their_siret)} == set(
            homonyms
        )


def test_a_forged_key_with_its_row_signature_copied_is_still_refused(
    campaign: str, tmp_path: Path
) -> None:
    """My hidden sheet's entry re-keyed to the other partner's firm: SIRET, key and
    signature no longer go together."""
    with open_store(campaign) as store:
        files = _export(store, tmp_path / "out")
        theirs = load_workbook(files[PARTNERS[1]], read_only=True)
        their_row = next(_data_sheets(theirs)[0].iter_rows(min_row=2, values_only=True))
        wb = load_workbook(files[PARTNERS[0]])
        ws = _data_sheets(wb)[0]
        meta = wb[META_SHEET]
        key = ws.cell(2, COL[HEADERS[-1]]).value
        meta.cell(_meta_row(meta, key), 2, their_row[COL["SIRET"] - 1])
        for col, value in enumerate(their_row[: len(HEADERS) - 1], start=1):
            if value is not None:
                ws.cell(2, col, value)
        _fill(ws, 2, "Offre déposée")
        wb.save(files[PARTNERS[0]])
        preview = preview_outcomes(store, [files[PARTNERS[0]]])
        assert not preview.accepted
        assert preview.rejected[0].reason.startswith("ligne non signée")
        assert apply_outcomes(store, preview) == 0


def test_workbook_of_another_campaign_is_refused_naming_it(
    campaign: str, followup_template: Path, tmp_path: Path
) -> None:
    other = tmp_path / "autre.planner"
    shutil.copy(followup_template, other)
    with open_store(other) as store:
        with store.session() as session:
            session.execute(update(models.Campaign).values(name="Campagne de Roissy"))
            session.execute(delete(models.Setting).where(models.Setting.key == IDENTITY_KEY))
            session.add(new_identity_setting())
        path = _export(store, tmp_path / "out")[PARTNERS[0]]
    wb = load_workbook(path)
    _fill(_data_sheets(wb)[0], 2)
    wb.save(path)
    with (
        open_store(campaign) as store,
        pytest.raises(InputError, match=r"autre campagne, « Campagne de Roissy »") as caught,
    ):
        preview_outcomes(store, [path])
    assert path.name in caught.value.message
    # Same-named campaigns are told apart by their identifiers and the export date.
    assert "identifiant" in caught.value.message and "exporté le 01/03/2025" in caught.value.message

    # In a batch, the foreign workbook is refused alone: the partner's own list is read,
    # its rows written, and the command says which file was refused (exit 2).
    with open_store(campaign) as store:
        own = _export(store, tmp_path / "own")[PARTNERS[0]]
    wb = load_workbook(own)
    siret = _fill(_data_sheets(wb)[0], 2)
    wb.save(own)
    with open_store(campaign) as store:
        preview = preview_outcomes(store, [own, path])
        assert [r.siret for r in preview.accepted] == [siret]
        assert len(preview.refused) == 1 and path.name in preview.refused[0]
        assert any("refusé" in w and path.name in w for w in preview.warnings)
    assert run(["import", "outcomes", campaign, str(own), str(path)]) == 2
    with open_store(campaign) as store:
        assert _contacts_on(store, siret) != []


def test_edited_export_date_refuses_the_workbook(campaign: str, tmp_path: Path) -> None:
    """The export date decides conflicts: moved later, a stale file would win them."""
    with open_store(campaign) as store:
        path = _export(store, tmp_path / "out")[PARTNERS[0]]
        wb = load_workbook(path)
        siret = _fill(_data_sheets(wb)[0], 2)
        wb[META_SHEET].cell(3, 4, "2025-03-20T09:00:00")
        wb.save(path)
        with store.session() as session:  # the campaign moved on after the export
            session.add(
                models.Contact(
                    siret=siret,
                    date=dt.date(2025, 3, 4),
                    outcome="Non joint",
                    recorded_at=dt.datetime(2025, 3, 4, 12),
                )
            )
        with pytest.raises(InputError, match="signature de l'export"):
            preview_outcomes(store, [path])
        wb[META_SHEET].cell(3, 4, EXPORTED.isoformat())
        wb.save(path)
        preview = preview_outcomes(store, [path])
        assert [c.row.siret for c in preview.conflicts] == [siret]
        assert "après l'export du 01/03/2025" in preview.conflicts[0].reason


def _legacy_workbook(store: CampaignStore, path: Path) -> dict[str, str]:
    """A workbook as planner wrote it before signatures, for the first partner;
    one firm of the other partner slipped in. Returns SIRET -> adviser shown."""
    frame = call_list_frame(store)
    mine = frame.filter(frame["partner"] == PARTNERS[0])
    mine = pl.concat(
        [
            mine.filter(mine["adviser"] == "Marie Martin").head(2),
            mine.filter(mine["adviser"] != "Marie Martin").head(1),
        ]
    )
    theirs = frame.filter(frame["partner"] == PARTNERS[1]).head(1)
    rows = [
        CallListRow(
            siret=r["siret"],
            name=r["name"] or "",
            legal_name="",
            address="",
            commune="",
            naf_code="",
            naf_label="",
            band_label="",
            created=None,
            adviser=r["adviser"],
        )
        for r in [*mine.iter_rows(named=True), *theirs.iter_rows(named=True)]
    ]
    header = campaign_identity(store).name
    write_call_list(path, CallListMeta(header, PARTNERS[0], "ancien", EXPORTED), {"Liste": rows})
    wb = load_workbook(path)
    ws = _data_sheets(wb)[0]
    for row in range(2, 2 + len(rows)):
        _fill(ws, row)
    wb.save(path)
    return {r.siret: r.adviser for r in rows}


def test_unsigned_workbook_is_read_with_a_warning_or_refused(
    campaign: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ancienne_liste.xlsx"
    with open_store(campaign) as store:
        homonyms = [_adviser_ids(store, p)[0] for p in PARTNERS]
        with store.session() as session:
            session.execute(
                update(models.Adviser)
                .where(models.Adviser.id.in_(homonyms))
                .values(name="Marie Martin")
            )
        make_older_campaign(store)
        shown = _legacy_workbook(store, path)
        preview = preview_outcomes(store, [path])
        assert not preview.files[0].signed
        assert any("non signé" in w and path.name in w for w in preview.warnings)
        sirets = list(shown)
        assert [r.siret for r in preview.accepted] == sirets[:3]
        assert [(r.siret, r.reason) for r in preview.rejected] == [
            (sirets[3], f"entreprise non attribuée au partenaire « {PARTNERS[0]} »")
        ]
        by_siret = {r.siret: r.adviser_id for r in preview.accepted}
        for siret in sirets[:3]:
            assert by_siret[siret] == _assigned_adviser(store, siret)
        assert homonyms[0] in by_siret.values()  # « Marie Martin » of this partner
        with pytest.raises(InputError, match="non signé"):
            preview_outcomes(store, [path], refuse_unsigned=True)
    args = ["import", "outcomes", campaign, str(path), "--dry-run"]
    assert run([*args, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["files"][0]["signed"] is False and out["warnings"]
    assert run([*args, "--refuse-unsigned"]) == 2
    assert path.name in capsys.readouterr().err
    with open_store(campaign) as store:
        set_refuse_unsigned(store, True)
    assert run(args) == 2
    assert "non signé" in capsys.readouterr().err


def test_reading_back_never_creates_the_identity(campaign: str, tmp_path: Path) -> None:
    """A campaign without identity (read-only, or never exported) refuses signed
    workbooks as another campaign's, even one signed with an empty key."""
    with open_store(campaign) as store:
        path = _export(store, tmp_path / "out")[PARTNERS[0]]
        with store.session() as session:
            session.execute(delete(models.Setting).where(models.Setting.key == IDENTITY_KEY))
        with pytest.raises(InputError, match="autre campagne"):
            preview_outcomes(store, [path])
        with store.session() as session:
            assert session.get(models.Setting, IDENTITY_KEY) is None


def test_a_firm_given_to_another_partner_since_the_export_is_a_conflict(
    campaign: str, tmp_path: Path
) -> None:
    with open_store(campaign) as store:
        path = _export(store, tmp_path / "out")[PARTNERS[0]]
        wb = load_workbook(path)
        ws = _data_sheets(wb)[0]
        moved, kept = _fill(ws, 2), _fill(ws, 3)
        wb.save(path)
        with store.session() as session:
            their_team = session.scalar(
                select(models.Team.id)
                .join(models.Partner)
                .where(models.Partner.name == PARTNERS[1])
            )
            session.execute(
                update(models.Assignment)
                .where(models.Assignment.siret == moved)
                .values(team_id=their_team, adviser_id=None)
            )
        preview = preview_outcomes(store, [path])
        assert [r.siret for r in preview.accepted] == [kept]
        assert [c.row.siret for c in preview.conflicts] == [moved]
        assert preview.conflicts[0].reason.startswith(
            f"entreprise retirée au partenaire « {PARTNERS[0]} »"
        )
        assert apply_outcomes(store, preview) == 1
        assert _contacts_on(store, moved) == []


def test_texts_longer_than_the_contact_columns_are_rejected_not_crashing(
    campaign: str, tmp_path: Path
) -> None:
    """A phone of 31 characters used to stop the whole import on PostgreSQL."""
    with open_store(campaign) as store:
        files = _export(store, tmp_path / "out")
        path = files[PARTNERS[0]]
        wb = load_workbook(path)
        ws = _data_sheets(wb)[0]
        kept = _fill(ws, 2)
        ws.cell(2, COL["Téléphone"], "01 23 45 67 89")
        for row, header, value in (
            (3, "Téléphone", "01 23 45 67 89 / 06 12 34 56 78 (standard)"),
            (4, "Interlocuteur", "x" * 201),
            (5, "Courriel", "y" * 200 + "@z.fr"),
        ):
            _fill(ws, row)
            ws.cell(row, COL[header], value)
        wb.save(path)
        preview = preview_outcomes(store, [path])
        assert [r.siret for r in preview.accepted] == [kept]
        assert sorted((r.row, r.column) for r in preview.rejected) == [
            (3, "Téléphone"),
            (4, "Interlocuteur"),
            (5, "Courriel"),
        ]
        assert all("trop long" in r.reason for r in preview.rejected)
        assert apply_outcomes(store, preview) == 1


def test_a_row_retyped_without_key_keeps_the_signed_advisers_name(
    campaign: str, tmp_path: Path
) -> None:
    """The « Conseiller » typed on a keyless row is not signed: never shown as the adviser."""
    with open_store(campaign) as store:
        files = _export(store, tmp_path / "out")
        path = files[PARTNERS[0]]
        wb = load_workbook(path)
        ws = _data_sheets(wb)[0]
        siret = _fill(ws, 2)
        exported_name = ws.cell(2, COL["Conseiller"]).value
        ws.cell(2, COL[HEADERS[-1]]).value = None
        ws.cell(2, COL["Conseiller"], "Conseiller 2.1")  # the other partner's adviser
        wb.save(path)
        preview = preview_outcomes(store, [path])
        assert [r.siret for r in preview.accepted] == [siret]
        assert apply_outcomes(store, preview) == 1
        with store.session() as session:
            contact = session.scalars(
                select(models.Contact).where(models.Contact.siret == siret)
            ).one()
            assert contact.adviser_id == _assigned_adviser(store, siret)
            assert contact.adviser_name == exported_name


def test_an_export_date_with_a_time_zone_refuses_the_workbook(
    campaign: str, tmp_path: Path
) -> None:
    """An unsigned head is typed by anyone: an aware date used to crash the conflict check."""
    path = tmp_path / "ancienne_liste.xlsx"
    with open_store(campaign) as store:
        _legacy_workbook(store, path)
        wb = load_workbook(path)
        meta = wb[META_SHEET]
        row = next(r for r in meta.iter_rows() if r[2].value == "exported_at")
        row[3].value = "2025-03-01T09:00:00+01:00"
        wb.save(path)
        with pytest.raises(InputError, match="date d'export illisible"):
            preview_outcomes(store, [path])


def _set_head(wb: Any, key: str, value: object) -> None:
    """Set a value of the hidden sheet's head (key and value side by side)."""
    for row in wb[META_SHEET].iter_rows(max_row=6):
        for index, cell in enumerate(row[:-1]):
            if cell.value == key:
                row[index + 1].value = value


def _downgrade(path: Path, partner: str | None = None) -> None:
    """What a hostile partner does: relabel a signed list as an unsigned one
    (format version 1), optionally for another partner's name."""
    wb = load_workbook(path)
    _set_head(wb, "version", 1)
    if partner is not None:
        _set_head(wb, "partner", partner)
    _fill(_data_sheets(wb)[0], 2)
    wb.save(path)


def test_a_signed_list_relabelled_unsigned_is_refused(campaign: str, tmp_path: Path) -> None:
    """The format version is not signed: "unsigned" must not lift the checks."""
    with open_store(campaign) as store:
        files = _export(store, tmp_path / "out")
        path = files[PARTNERS[0]]
        _downgrade(path)
        # Made with its key: this campaign never wrote an unsigned list.
        with pytest.raises(InputError, match="depuis sa création"):
            preview_outcomes(store, [path])
        # An older campaign: but the list is dated after signing began.
        make_older_campaign(store)
        with store.session() as session:
            setting = session.get(models.Setting, IDENTITY_KEY)
            assert setting is not None
            setting.value = {**setting.value, "since": "2025-01-01T00:00:00"}
        with pytest.raises(InputError, match="après le début des signatures"):
            preview_outcomes(store, [path])
        with store.session() as session:
            assert session.scalar(select(func.count()).select_from(models.Contact)) == 0


def test_unsigned_list_for_an_unknown_partner_is_refused(campaign: str, tmp_path: Path) -> None:
    path = tmp_path / "ancienne_liste.xlsx"
    with open_store(campaign) as store:
        make_older_campaign(store)
        _legacy_workbook(store, path)
        wb = load_workbook(path)
        _set_head(wb, "partner", "Nobody")
        wb.save(path)
        with pytest.raises(InputError, match="partenaire inconnu"):
            preview_outcomes(store, [path])


def test_unsigned_row_without_its_checksum_is_rejected(campaign: str, tmp_path: Path) -> None:
    """Lists exported before signatures had a name checksum on every row: a row
    whose checksum is missing was added by hand."""
    path = tmp_path / "ancienne_liste.xlsx"
    with open_store(campaign) as store:
        make_older_campaign(store)
        _legacy_workbook(store, path)
        wb = load_workbook(path)
        meta = wb[META_SHEET]
        blanked = None
        for row in meta.iter_rows(min_row=2):
            if row[0].value and row[1].value and str(row[1].value).isdigit():
                row[2].value = None
                blanked = str(row[1].value)
                break
        assert blanked is not None
        wb.save(path)
        preview = preview_outcomes(store, [path])
        assert any(r.siret == blanked and "somme de contrôle" in r.reason for r in preview.rejected)
        assert blanked not in {r.siret for r in preview.accepted}
