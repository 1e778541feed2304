"""The BMO open-data workbook: real 2024 file, withheld figures, renamed columns, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from planner.domain.errors import InputError
from planner.io.bmo_projects_workbook import read_bmo_projects

BMO_2024 = "bmo/Base_open_data_BMO_2024__bassins_93.xlsx"
HEADER_2024 = [
    "annee",
    "Code métier BMO",
    "Nom métier BMO",
    "Famille_met",
    "Lbl_fam_met",
    "REG",
    "NOM_REG",
    "Dept",
    "NomDept",
    "BE24",
    "NOMBE24",
    "met",
    "xmet",
    "smet",
]


def _real(shared_data: Path) -> Path:
    path = shared_data / BMO_2024
    if not path.exists():
        pytest.fail(f"classeur BMO absent : {path}")
    return path


def _workbook(path: Path, header: list[str], rows: list[list[object]], titles: int = 0) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "BMO_open_data"
    for index in range(titles):
        ws.append([f"Titre {index + 1}"])
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_real_2024_workbook(shared_data: Path) -> None:
    rows = read_bmo_projects(_real(shared_data))
    assert len(rows) == 871
    assert {r.bassin_code for r in rows} == {"1119", "1147", "1148", "1149"}
    assert {r.year for r in rows} == {2024}
    t6 = [r for r in rows if r.bassin_code == "1147"]
    assert len(t6) == 177
    assert {r.bassin_label for r in t6} == {"T6 Plaine Commune"}
    security = next(r for r in t6 if r.metier_code == "T3X61")
    assert security.metier_label == "Agents de sécurité et de surveillance"
    assert (security.projects, security.difficult) == (1545, 858)
    # The first line of the file: Roissy, 93, Agriculteurs: met 26, xmet *, smet *.
    first = rows[0]
    assert (first.bassin_code, first.departement, first.metier_code) == ("1119", "93", "A0X40")
    assert first.projects == 26
    assert first.difficult is None and first.difficult_withheld
    assert first.seasonal is None and first.seasonal_withheld
    assert not first.projects_withheld


def test_withheld_counts_on_the_real_file(shared_data: Path) -> None:
    rows = read_bmo_projects(_real(shared_data), bassins={"1147"})
    assert len(rows) == 177
    assert sum(r.projects_withheld for r in rows) == 10
    assert sum(r.difficult_withheld for r in rows) == 51
    assert all(r.projects is None for r in rows if r.projects_withheld)
    assert all((r.projects or 0) > 0 for r in rows if not r.projects_withheld)


def test_renamed_bassin_column_and_title_rows(tmp_path: Path) -> None:
    header = [h.replace("BE24", "BE25") for h in HEADER_2024]
    header[0] = "Année"  # the year column renamed too: read from the bassin column
    rows = [
        [
            "",
            "S1X20",
            "Aides de cuisine",
            "V",
            "Vente",
            "11",
            "IDF",
            "93",
            "SSD",
            "1147",
            "T6",
            "530",
            "252",
            "*",
        ],
        [
            None,
            "T3X61",
            "Agents de sécurité",
            "V",
            "Vente",
            "11",
            "IDF",
            "93",
            "SSD",
            1148,
            "T8",
            1545,
            "*",
            0,
        ],
    ]
    path = _workbook(tmp_path / "bmo2025.xlsx", header, rows, titles=3)
    read = read_bmo_projects(path)
    assert [(r.year, r.bassin_code, r.bassin_label) for r in read] == [
        (2025, "1147", "T6"),
        (2025, "1148", "T8"),
    ]
    assert (read[0].projects, read[0].difficult, read[0].seasonal) == (530, 252, None)
    assert (read[1].projects, read[1].difficult, read[1].seasonal) == (1545, None, 0)
    assert read[1].seasonal_withheld is False  # a published zero stays zero


def test_not_a_bmo_workbook_is_refused_in_french(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "autre.xlsx", ["SIRET", "Nom"], [["73282932000074", "X"]])
    with pytest.raises(InputError) as caught:
        read_bmo_projects(path)
    message = str(caught.value)
    assert message.startswith("Fichier autre.xlsx : ")
    assert "n'est pas la base open data BMO" in message
    text = tmp_path / "pas_un_classeur.xlsx"
    text.write_text("annee;met\n2024;12\n", encoding="utf-8")
    with pytest.raises(InputError, match="pas un classeur Excel lisible"):
        read_bmo_projects(text)


def test_bad_figure_names_file_sheet_row_and_column(tmp_path: Path) -> None:
    good = [2024, "A0X40", "Agriculteurs", "Z", "Autres", "11", "IDF", "93", "SSD", "1147", "T6"]
    rows = [[*good, "26", "*", "*"], [*good[:1], "B0X30", *good[2:], "12", "douze", "*"]]
    path = _workbook(tmp_path / "bmo.xlsx", HEADER_2024, rows, titles=1)
    with pytest.raises(InputError) as caught:
        read_bmo_projects(path)
    assert caught.value.file == "bmo.xlsx"
    assert caught.value.line == 4  # one title row, the header, then the second data row
    assert caught.value.column == "M (xmet)"
    assert "onglet « BMO_open_data »" in str(caught.value)
    assert "« douze »" in str(caught.value)
