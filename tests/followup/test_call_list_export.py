from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.dimensions import ColumnDimension
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select, update

from planner.db import models
from planner.db.store import open_store
from planner.domain.outcomes import OUTCOMES
from planner.io.call_list_workbook import (
    FILL_HEADERS,
    GUIDE_SHEET,
    HEADERS,
    KEY_HEADER,
    META_SHEET,
)
from planner.services.followup.call_lists import export_call_lists


def _assigned(path: Path) -> dict[str, str]:
    store = open_store(path)
    try:
        with store.session() as session:
            rows = session.execute(
                select(models.Assignment.siret, models.Partner.name)
                .join(models.Team, models.Team.id == models.Assignment.team_id)
                .join(models.Partner, models.Partner.id == models.Team.partner_id)
            ).all()
        return {str(s): str(p) for s, p in rows}
    finally:
        store.close()


def _column(ws: Worksheet, index: int) -> ColumnDimension:
    """The format of column ``index``; a file may describe neighbours as one range."""
    for dim in ws.column_dimensions.values():
        if dim.min <= index <= dim.max:
            return dim
    return ws.column_dimensions[get_column_letter(index)]


def test_each_partner_workbook_holds_only_its_firms(
    followup_campaign: Path, tmp_path: Path, partners: tuple[str, ...]
) -> None:
    assigned = _assigned(followup_campaign)
    store = open_store(followup_campaign)
    try:
        files = export_call_lists(store, tmp_path / "out", now=dt.datetime(2025, 3, 1, 9))
    finally:
        store.close()
    by_partner = {f.partner: f for f in files if f.path.suffix == ".xlsx"}
    assert set(by_partner) == {*partners, None}
    for partner in partners:
        wb = load_workbook(by_partner[partner].path)
        assert wb.sheetnames[0] == GUIDE_SHEET
        assert wb[META_SHEET].sheet_state == "hidden"
        sirets: list[str] = []
        for ws in wb.worksheets[1:]:
            if ws.title in (META_SHEET,):
                continue
            assert [c.value for c in ws[1]] == list(HEADERS)
            assert ws.freeze_panes == "C2"  # rank and name stay in view
            assert ws.auto_filter.ref is not None
            assert ws.protection.sheet
            assert ws.page_setup.orientation == "landscape"
            assert ws.print_title_rows == "$1:$1"
            assert partner in ws.oddFooter.left.text
            formulas = [dv.formula1 for dv in ws.data_validations.dataValidation]
            assert any(all(o in (f or "") for o in OUTCOMES) for f in formulas)
            siret_col = HEADERS.index("SIRET")
            for row in ws.iter_rows(min_row=2, values_only=True):
                if row[siret_col] is None:
                    continue
                assert isinstance(row[siret_col], str) and len(row[siret_col]) == 14
                sirets.append(row[siret_col])
            assert ws.cell(2, siret_col + 1).protection.locked
            # The columns to fill are unlocked and tinted as whole columns.
            for index, header in enumerate(HEADERS, start=1):
                to_fill = header in FILL_HEADERS
                assert _column(ws, index).protection.locked is not to_fill, header
            assert _column(ws, len(HEADERS)).hidden
            ranks = [r[0] for r in ws.iter_rows(min_row=2, values_only=True) if r[0]]
            assert ranks == list(range(1, len(ranks) + 1))
        assert sirets
        assert {assigned[s] for s in sirets} == {partner}
        assert len(sirets) == sum(1 for p in assigned.values() if p == partner)
    csv_file = next(f.path for f in files if f.path.suffix == ".csv")
    raw = csv_file.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Partenaire;Équipe;Rang;SIRET")
    assert len(lines) == len(assigned) + 1
    csv_sirets = [line.split(";")[3] for line in lines[1:]]
    assert all(re.fullmatch(r"\d{3} \d{3} \d{3} \d{5}", s) for s in csv_sirets)
    assert {s.replace(" ", "") for s in csv_sirets} == set(assigned)


def test_one_partner_per_team_and_formula_names_stay_text(
    followup_campaign: Path, tmp_path: Path, partners: tuple[str, ...]
) -> None:
    store = open_store(followup_campaign)
    try:
        with store.session() as session:
            siret = session.scalars(select(models.Assignment.siret).limit(1)).one()
            session.execute(
                update(models.Establishment)
                .where(models.Establishment.siret == siret)
                .values(name='=HYPERLINK("http://x.example","clic")')
            )
        partner = _assigned(followup_campaign)[siret]
        files = export_call_lists(store, tmp_path, partner=partner, per="team")
    finally:
        store.close()
    assert [f.partner for f in files] == [partner]
    wb = load_workbook(files[0].path)
    data = [ws for ws in wb.worksheets if ws.title not in (GUIDE_SHEET, META_SHEET)]
    assert [ws.title for ws in data] == ["Équipe 1" if partner == partners[0] else "Équipe 2"]
    cells = [c for row in data[0].iter_rows(min_row=2) for c in row if c.value]
    hostile = [c for c in cells if str(c.value).startswith("=")]
    assert len(hostile) == 1
    assert hostile[0].data_type == "s"
    assert not any(c.data_type == "f" for c in cells)
    assert data[0].cell(1, len(HEADERS)).value == KEY_HEADER
