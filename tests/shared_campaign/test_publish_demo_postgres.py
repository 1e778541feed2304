"""``planner demo create URL`` straight on PostgreSQL, then outcomes read back into it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine, text

from planner.cli.main import run
from planner.io.call_list_workbook import GUIDE_SHEET, HEADERS, META_SHEET

pytestmark = pytest.mark.postgres


def _scalar(url: str, sql: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(sql)).scalar_one())
    finally:
        engine.dispose()


def _sequences_behind(url: str) -> list[str]:
    """Serial columns whose next value would collide with a row already there."""
    engine = create_engine(url)
    behind = []
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT table_name, column_name, "
                    "pg_get_serial_sequence(quote_ident(table_name), column_name) "
                    "FROM information_schema.columns WHERE table_schema = current_schema() "
                    "AND pg_get_serial_sequence(quote_ident(table_name), column_name) IS NOT NULL"
                )
            ).all()
            for table, column, sequence in rows:
                top = conn.execute(text(f'SELECT coalesce(max("{column}"), 0) FROM "{table}"'))
                state = conn.execute(text(f"SELECT last_value, is_called FROM {sequence}")).one()
                next_value = state[0] + 1 if state[1] else state[0]
                if next_value <= top.scalar_one():
                    behind.append(f"{table}.{column}")
    finally:
        engine.dispose()
    return behind


def test_demo_on_postgresql_then_outcomes_read_back(
    pg_database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["demo", "create", pg_database, "--rows", "900", "--seed", "4"]) == 0
    contacts = _scalar(pg_database, "SELECT count(*) FROM contact")
    assert contacts > 0  # the demo's outcomes, written with explicit ids
    assert _sequences_behind(pg_database) == []

    lists = tmp_path / "listes"
    assert run(["export", "call-lists", pg_database, "--out", str(lists)]) == 0
    path = next(p for p in sorted(lists.glob("*.xlsx")) if "coordination" not in p.name)
    book = load_workbook(path)
    sheet = next(w for w in book.worksheets if w.title not in (GUIDE_SHEET, META_SHEET))
    for row in (2, 3):
        sheet.cell(row, HEADERS.index("Résultat") + 1, "Offre déposée")
        sheet.cell(row, HEADERS.index("Date de l'appel") + 1, "01/12/2026")
    book.save(path)
    capsys.readouterr()

    assert run(["import", "outcomes", pg_database, str(path), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["written"] == 2 and summary["rejected"] == []
    assert _scalar(pg_database, "SELECT count(*) FROM contact") == contacts + 2
    assert _sequences_behind(pg_database) == []
