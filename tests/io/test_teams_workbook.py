"""The teams workbook: template round trip and French errors that say where."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from planner.domain.errors import InputError
from planner.domain.remit import Rule
from planner.io.teams_workbook import read_teams_workbook, write_teams_template


def test_template_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write_teams_template(path)
    book = read_teams_workbook(path)
    cma = next(p for p in book.partners if p.kind == "cma")
    assert cma.exclusive and cma.rules == [Rule("craft", "")]
    cap = next(p for p in book.partners if p.kind == "cap_emploi")
    assert cap.rules == [Rule("band", "12"), Rule("band", "21")]
    assert [t.capacity for t in book.teams] == [1200, None, 300]
    assert book.teams[1].advisers[0][3] == 400


@pytest.mark.parametrize(
    ("sheet", "cell", "value", "expected"),
    [
        ("Partenaires", "B2", "Pôle truc", "type de partenaire inconnu"),
        ("Règles", "B3", "taille", "type de règle inconnu"),
        ("Règles", "C3", "", "vide"),
        ("Équipes", "A2", "Inconnu", "partenaire « Inconnu » inconnu"),
        ("Conseillers", "E3", "-3", "capacité négative"),
    ],
)
def test_errors_name_sheet_row_and_column(
    tmp_path: Path, sheet: str, cell: str, value: str, expected: str
) -> None:
    path = tmp_path / "t.xlsx"
    write_teams_template(path)
    wb = load_workbook(path)
    wb[sheet][cell] = value or None
    wb.save(path)
    with pytest.raises(InputError) as caught:
        read_teams_workbook(path)
    error = caught.value
    assert expected in error.message and sheet in error.message
    assert error.line == int(cell[1:]) and error.column == cell[0]


def test_missing_sheet_is_named(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write_teams_template(path)
    wb = load_workbook(path)
    del wb["Conseillers"]
    wb.save(path)
    with pytest.raises(InputError, match="Conseillers"):
        read_teams_workbook(path)
