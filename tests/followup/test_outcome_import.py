from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from planner.cli.main import run
from planner.db import models
from planner.db.store import open_store
from planner.domain.errors import InputError
from planner.io.call_list_workbook import GUIDE_SHEET, HEADERS, META_SHEET
from planner.services.followup.call_lists import export_call_lists
from planner.services.followup.contact_summary import contact_summary
from planner.services.followup.outcomes_import import (
    apply_outcomes,
    export_rejections,
    preview_outcomes,
)

COL = {h: i + 1 for i, h in enumerate(HEADERS)}


def _export(campaign: Path, out: Path) -> dict[str, Path]:
    store = open_store(campaign)
    try:
        files = export_call_lists(store, out, now=dt.datetime(2025, 3, 1, 9))
    finally:
        store.close()
    return {f.partner: f.path for f in files if f.partner}


def _data_sheets(wb: Workbook) -> list:
    return [ws for ws in wb.worksheets if ws.title not in (GUIDE_SHEET, META_SHEET)]


def _fill(ws, row: int, outcome: str, date: object, **extra: object) -> None:
    ws.cell(row, COL["Résultat"], outcome)
    ws.cell(row, COL["Date de l'appel"], date)
    for header, value in extra.items():
        ws.cell(row, COL[header], value)


def _contacts(campaign: Path) -> int:
    store = open_store(campaign)
    try:
        with store.session() as session:
            return int(session.scalar(select(func.count()).select_from(models.Contact)) or 0)
    finally:
        store.close()


def _partner_edits(path: Path) -> dict[str, str]:
    """Edit a workbook the ways partners do; return the SIRETs expected accepted."""
    wb = load_workbook(path)
    first, second = _data_sheets(wb)[:2]
    first.title = "Mes appels"  # renamed sheet
    expected: dict[str, str] = {}
    siret = first.cell(2, COL["SIRET"]).value
    _fill(
        first,
        2,
        "besoin recueilli",
        "12/3/25",
        **{"Nombre de postes": "3", "Métier ROME": "n1103", "Interlocuteur": "Mme Diallo"},
    )
    expected[siret] = "Besoin recueilli"
    siret = first.cell(3, COL["SIRET"]).value
    _fill(first, 3, "Offre déposée", "2025-03-12", **{"Nombre de postes": 2})
    expected[siret] = "Offre déposée"
    siret = first.cell(4, COL["SIRET"]).value
    _fill(first, 4, "Non joint", 45728)  # Excel serial
    expected[siret] = "Non joint"
    _fill(first, 5, "Peut-être", "12/3/25")  # unknown outcome -> rejected
    _fill(first, 6, "Refus", "demain")  # unreadable date -> rejected
    _fill(first, 7, "Pas de besoin", None)  # missing date -> rejected
    # A row added at the bottom without a key, for a firm of the export:
    moved_siret = second.cell(2, COL["SIRET"]).value
    moved_name = second.cell(2, COL["Nom"]).value
    second.delete_rows(2)  # deleted from its place...
    bottom = first.max_row + 1
    first.cell(bottom, COL["SIRET"], moved_siret)
    first.cell(bottom, COL["Nom"], moved_name)
    _fill(first, bottom, "À rappeler", dt.datetime(2025, 3, 10))
    expected[moved_siret] = "À rappeler"
    first.cell(bottom + 1, COL["SIRET"], "12345678901234")  # not in the list
    _fill(first, bottom + 1, "Refus", "10/03/2025")
    # Re-sort: swap two filled rows' whole contents (keys travel with rows).
    row2 = [c.value for c in first[2]]
    row3 = [c.value for c in first[3]]
    for index, value in enumerate(row3, start=1):
        first.cell(2, index, value)
    for index, value in enumerate(row2, start=1):
        first.cell(3, index, value)
    wb.save(path)
    return expected


def test_round_trip_with_partner_edits(followup_campaign: Path, tmp_path: Path) -> None:
    files = _export(followup_campaign, tmp_path / "out")
    path = next(iter(files.values()))
    expected = _partner_edits(path)
    store = open_store(followup_campaign)
    try:
        preview = preview_outcomes(store, [path])
        assert {r.siret: r.outcome for r in preview.accepted} == expected
        assert not preview.conflicts
        reasons = {(r.sheet, r.row, r.column): r.reason for r in preview.rejected}
        assert reasons[("Mes appels", 5, "Résultat")].startswith("résultat inconnu")
        assert reasons[("Mes appels", 6, "Date de l'appel")].startswith("date illisible")
        assert reasons[("Mes appels", 7, "Date de l'appel")] == "date de l'appel manquante"
        assert any("sans clé" in r for r in reasons.values())
        message = preview.rejected[0].message
        assert path.name in message and "ligne" in message and "Mes appels" in message
        assert _contacts(followup_campaign) == 0  # a preview writes nothing
        assert apply_outcomes(store, preview) == len(expected)
        with store.session() as session:
            need = session.execute(
                select(models.ContactNeed.rome_code, models.ContactNeed.posts)
                .join(models.Contact)
                .where(models.Contact.outcome == "Besoin recueilli")
            ).one()
            assert tuple(need) == ("N1103", 3)
            dates = set(session.scalars(select(models.Contact.date)))
            assert dt.date(2025, 3, 12) in dates
        # Importing the same file again adds nothing.
        again = preview_outcomes(store, [path])
        assert not again.accepted
        assert all(r.reason == "ligne déjà importée" for r in again.rejected[-len(expected) :])
        out = tmp_path / "rejets.xlsx"
        export_rejections(out, preview.rejected)
        assert load_workbook(out).active.max_row == len(preview.rejected) + 1
    finally:
        store.close()


def test_conflicts_between_files_and_with_the_campaign(
    followup_campaign: Path, tmp_path: Path
) -> None:
    files = _export(followup_campaign, tmp_path / "out")
    path = next(iter(files.values()))
    wb = load_workbook(path)
    ws = _data_sheets(wb)[0]
    sirets = [ws.cell(r, COL["SIRET"]).value for r in (2, 3)]
    _fill(ws, 2, "Refus", "05/03/2025")
    _fill(ws, 3, "Pas de besoin", "05/03/2025")
    wb.save(path)
    copy = tmp_path / "copie.xlsx"
    shutil.copy(path, copy)
    store = open_store(followup_campaign)
    try:
        both = preview_outcomes(store, [path, copy])
        assert not both.accepted
        assert len(both.conflicts) == 4
        assert "copie.xlsx" in both.conflicts[0].reason
        with store.session() as session:  # the campaign moved on after the export
            session.add(
                models.Contact(siret=sirets[0], date=dt.date(2025, 3, 4), outcome="Non joint")
            )
        alone = preview_outcomes(store, [path])
        assert [c.row.siret for c in alone.conflicts] == [sirets[0]]
        assert [r.siret for r in alone.accepted] == [sirets[1]]
        assert apply_outcomes(store, alone) == 1
        assert _contacts(followup_campaign) == 2  # the newer contact is untouched
    finally:
        store.close()


def test_failed_import_leaves_campaign_unchanged(followup_campaign: Path, tmp_path: Path) -> None:
    files = _export(followup_campaign, tmp_path / "out")
    path = next(iter(files.values()))
    wb = load_workbook(path)
    ws = _data_sheets(wb)[0]
    for row in (2, 3, 4):
        _fill(ws, row, "Non joint", "05/03/2025")
    wb.save(path)
    store = open_store(followup_campaign)
    try:
        preview = preview_outcomes(store, [path])
        assert len(preview.accepted) == 3
        broken = preview.accepted[2]
        preview.accepted[2] = type(broken)(**{**broken.__dict__, "siret": "00000000000000"})
        with pytest.raises(Exception):  # noqa: B017 - the database refuses the foreign key
            apply_outcomes(store, preview)
    finally:
        store.close()
    assert _contacts(followup_campaign) == 0


def test_a_file_not_ours_is_refused(followup_campaign: Path, tmp_path: Path) -> None:
    foreign = tmp_path / "autre.xlsx"
    wb = Workbook()
    wb.active.append(["SIRET", "Résultat"])
    wb.save(foreign)
    text = tmp_path / "liste.xlsx"
    text.write_text("pas un classeur")
    store = open_store(followup_campaign)
    try:
        with pytest.raises(InputError, match=r"autre\.xlsx.*pas une liste d'appels"):
            preview_outcomes(store, [foreign])
        with pytest.raises(InputError, match=r"liste\.xlsx.*illisible"):
            preview_outcomes(store, [text])
    finally:
        store.close()


def test_cli_export_and_import_json(
    followup_campaign: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "listes"
    assert run(["export", "call-lists", str(followup_campaign), "--out", str(out), "--json"]) == 0
    exported = json.loads(capsys.readouterr().out)
    path = Path(next(f["path"] for f in exported["files"] if f["partner"]))
    wb = load_workbook(path)
    _fill(_data_sheets(wb)[0], 2, "Refus", "05/03/2025")
    _fill(_data_sheets(wb)[0], 3, "Refus", "pas de date")
    wb.save(path)
    args = ["import", "outcomes", str(followup_campaign), str(path), "--json"]
    assert run([*args, "--dry-run"]) == 0
    dry = json.loads(capsys.readouterr().out)
    assert dry["accepted"] == 1 and dry["written"] == 0 and len(dry["rejected"]) == 1
    assert dry["rejected"][0]["row"] == 3
    assert _contacts(followup_campaign) == 0
    assert run(args) == 0
    assert json.loads(capsys.readouterr().out)["written"] == 1
    store = open_store(followup_campaign)
    try:
        assert contact_summary(store).by_outcome["Refus"] == 1
    finally:
        store.close()
    assert run(["import", "outcomes", str(followup_campaign), str(tmp_path / "x.xlsx")]) == 2
    assert "x.xlsx" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice absent")
def test_libreoffice_resave_round_trip(followup_campaign: Path, tmp_path: Path) -> None:
    files = _export(followup_campaign, tmp_path / "out")
    path = next(iter(files.values()))
    wb = load_workbook(path)
    ws = _data_sheets(wb)[0]
    _fill(ws, 2, "Besoin recueilli", "12/3/25", **{"Nombre de postes": "4"})
    _fill(ws, 3, "Non joint", dt.datetime(2025, 3, 11))
    wb.save(path)
    resaved = tmp_path / "resaved"
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(resaved),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    store = open_store(followup_campaign)
    try:
        preview = preview_outcomes(store, [resaved / path.name])
    finally:
        store.close()
    # The re-saved workbook is still signed and every row still verifies.
    assert preview.files[0].signed and not preview.warnings
    assert sorted(r.outcome for r in preview.accepted) == ["Besoin recueilli", "Non joint"]
    assert {r.posts for r in preview.accepted} == {4, None}
    assert {r.date for r in preview.accepted} == {dt.date(2025, 3, 12), dt.date(2025, 3, 11)}
    assert not preview.rejected


def test_demo_outcomes_are_deterministic_and_cope_without_task_force(
    followup_campaign: Path,
) -> None:
    from planner.services.demo.outcomes import add_demo_outcomes

    store = open_store(followup_campaign)
    try:
        add_demo_outcomes(store, seed=3, today=dt.date(2025, 3, 20))
        first = contact_summary(store)
        with store.session() as session:
            session.execute(models.Contact.__table__.delete())
        add_demo_outcomes(store, seed=3, today=dt.date(2025, 3, 20))
        assert contact_summary(store) == first
        assert 60 < first.total < 200  # about 30 % of 400 assigned firms
        assert first.posts_collected > 0
        with store.session() as session:
            session.execute(models.Contact.__table__.delete())
            session.execute(models.Assignment.__table__.delete())
        add_demo_outcomes(store, seed=3)
        assert contact_summary(store).total == 0
    finally:
        store.close()


def test_campaign_name_with_control_characters_round_trips(
    followup_campaign: Path, tmp_path: Path
) -> None:
    """The export writes the campaign's name without its control characters:
    the import compares it cleaned the same way, instead of refusing the file."""
    store = open_store(followup_campaign)
    try:
        with store.session() as session:
            header = session.scalars(select(models.Campaign)).one()
            header.name = "Campagne\x01 de test\x0b"
            session.commit()
    finally:
        store.close()
    files = _export(followup_campaign, tmp_path / "out")
    store = open_store(followup_campaign)
    try:
        preview = preview_outcomes(store, list(files.values())[:1])
    finally:
        store.close()
    assert not preview.conflicts
