"""Lists of firms already supported: SIRET column by name or content, SIRET spellings, bad rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from planner.domain.errors import InputError
from planner.domain.siret import is_valid_siret
from planner.io.supported_firms_file import normalise_siret, read_supported_firms


def luhn_key(digits: str) -> str:
    """The digit that makes ``digits + key`` pass the Luhn check."""
    for key in "0123456789":
        total = 0
        for i, c in enumerate(reversed(digits + key)):
            d = int(c) * (2 if i % 2 else 1)
            total += d - 9 if d > 9 else d
        if total % 10 == 0:
            return key
    raise AssertionError


def make_siret(siren8: str, nic4: str) -> str:
    siren = siren8 + luhn_key(siren8)
    return siren + nic4 + luhn_key(siren + nic4)


LEADING_ZERO = make_siret("00512345", "0001")
PLAIN = make_siret("41234567", "0002")
OTHER = make_siret("51234567", "0013")


def test_helpers_make_valid_sirets() -> None:
    assert LEADING_ZERO.startswith("00") and len(LEADING_ZERO) == 14
    assert all(is_valid_siret(s) for s in (LEADING_ZERO, PLAIN, OTHER))


def test_csv_with_spaces_bad_rows_and_duplicates(tmp_path: Path) -> None:
    spaced = f"{PLAIN[:3]} {PLAIN[3:6]} {PLAIN[6:9]} {PLAIN[9:]}"
    wrong_key = PLAIN[:-1] + str((int(PLAIN[-1]) + 1) % 10)
    path = tmp_path / "accompagnees.csv"
    path.write_text(
        "Raison sociale;N° SIRET;Dispositif\n"
        f"Boulangerie;{spaced};PIC\n"
        f"Garage;{wrong_key};PIC\n"
        f"Salon;{OTHER[:9]};PIC\n"
        "Vide;;PIC\n"
        f"Boulangerie bis;{PLAIN};PIC\n"
        f"Pressing;{LEADING_ZERO[2:]};PIC\n",  # leading zeros lost by a spreadsheet
        encoding="cp1252",
    )
    listing = read_supported_firms(path)
    assert listing.column == "B (N° SIRET)"
    assert listing.sirets == (PLAIN, LEADING_ZERO)
    assert listing.duplicates == 1
    assert [(b.line, b.column) for b in listing.bad] == [(3, "B (N° SIRET)"), (4, "B (N° SIRET)")]
    assert "clé de contrôle" in listing.bad[0].reason
    assert "SIREN" in listing.bad[1].reason


def test_xlsx_numbers_text_and_no_header(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["Structure", 12])  # no header: the column is found by its content
    ws.append(["A", int(LEADING_ZERO)])  # stored as a number: zeros lost
    ws.append(["B", f"'{PLAIN}"])  # text with the apostrophe kept
    ws.append(["C", float(OTHER)])
    ws.append(["D", "1,23457E+13"])
    wb.save(tmp_path / "liste.xlsx")
    listing = read_supported_firms(tmp_path / "liste.xlsx")
    assert listing.column == "B (12)"
    assert listing.sirets == (LEADING_ZERO, PLAIN, OTHER)
    assert [b.line for b in listing.bad] == [5]
    assert "notation scientifique" in listing.bad[0].reason


def test_scientific_notation_is_explained() -> None:
    siret, reason = normalise_siret("1.23457E+13")
    assert siret is None and reason is not None and "notation scientifique" in reason


def test_no_siret_column_is_refused_in_french(tmp_path: Path) -> None:
    path = tmp_path / "noms.csv"
    path.write_text("Nom,Ville\nBoulangerie,Saint-Denis\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_supported_firms(path)
    assert str(caught.value).startswith("Fichier noms.csv, ligne 1 : aucune colonne SIRET")
