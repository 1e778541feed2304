"""Reading a partner's portfolio file: columns by header or content, SIRETs in every
spreadsheet shape, bad keys and hostile cells reported with line and column."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from planner.domain.errors import InputError
from planner.io import partner_portfolio_file
from planner.io.partner_portfolio_file import read_portfolio_file, siret_from_cell

GOOD = ["40046547200019", "40144488000017", "00572094100011"]  # valid keys (Luhn)
BAD_KEY = "40046547200018"


def test_csv_semicolon_latin1_header_spaces_and_dots(tmp_path: Path) -> None:
    text = (
        "Raison sociale;Numéro SIRET;Courriel du conseiller;Suivi depuis\n"
        f"Boulangerie Zoé;{GOOD[0][:3]} {GOOD[0][3:6]} {GOOD[0][6:9]} {GOOD[0][9:]};"
        "Julie.Durand@Exemple.fr;03/02/2024\n"
        f"Café;{GOOD[1][:3]}.{GOOD[1][3:6]}.{GOOD[1][6:9]}.{GOOD[1][9:]};;\n"
        f"Mauvais;{BAD_KEY};;\n"
        f"Doublon;{GOOD[0]};;\n"
    )
    path = tmp_path / "portefeuille.csv"
    path.write_bytes(text.encode("latin-1"))
    listing = read_portfolio_file(path)
    assert listing.siret_column == "B (Numéro SIRET)"
    assert listing.email_column == "C (Courriel du conseiller)"
    assert listing.since_column == "D (Suivi depuis)"
    assert [(r.line, r.siret) for r in listing.rows] == [(2, GOOD[0]), (3, GOOD[1])]
    assert listing.rows[0].email == "julie.durand@exemple.fr"
    assert listing.rows[0].since == dt.date(2024, 2, 3)
    assert listing.duplicates == 1
    [bad] = listing.bad
    assert (bad.line, bad.column) == (4, "B (Numéro SIRET)")
    assert "clé de contrôle" in bad.reason


def test_xlsx_sirets_as_numbers_and_excel_dates(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["N° SIRET", "Mail conseiller", "Date d'entrée"])
    sheet.append([int(GOOD[0]), "a@b.fr", dt.datetime(2023, 5, 17)])
    sheet.append([float(GOOD[2]), None, 45000])  # lost its leading zeros; an Excel serial
    sheet.append([BAD_KEY, None, "31/02/2024"])
    path = tmp_path / "portefeuille.xlsx"
    book.save(path)
    listing = read_portfolio_file(path)
    assert [r.siret for r in listing.rows] == [GOOD[0], GOOD[2]]
    assert listing.rows[0].since == dt.date(2023, 5, 17)
    assert listing.rows[1].since == dt.date(1899, 12, 30) + dt.timedelta(days=45000)
    assert [(b.line, b.column[:1]) for b in listing.bad] == [(4, "A")]


def test_scientific_notation_kept_when_exact_refused_when_digits_lost() -> None:
    assert siret_from_cell("4.0046547200019E13") == (GOOD[0], None)
    siret, reason = siret_from_cell("4.00465E13")
    assert siret is None and reason is not None and "notation scientifique" in reason


def test_column_found_by_content_without_header(tmp_path: Path) -> None:
    path = tmp_path / "sans-entete.csv"
    path.write_text(f"X,{GOOD[0]},x@y.fr\nY,{GOOD[1]},z@y.fr\n", encoding="utf-8")
    listing = read_portfolio_file(path)
    assert listing.siret_column == "B"
    assert listing.email_column == "C"
    assert [(r.line, r.siret, r.email) for r in listing.rows] == [
        (1, GOOD[0], "x@y.fr"),
        (2, GOOD[1], "z@y.fr"),
    ]


def test_xlsx_formula_cells_refused_with_their_cell(tmp_path: Path) -> None:
    """A formula is reported as such, with its cell, whatever value it last computed."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["SIRET", "Mail conseiller", "Depuis"])
    sheet.append([GOOD[0], "a@b.fr", "01/01/2024"])
    sheet.append(['=CONCATENATE("4", "0")', "c@d.fr", None])
    sheet.append([GOOD[1], '=HYPERLINK("http://x")', "=TODAY()"])
    sheet.append(['=HYPERLINK("http://x.example","' + GOOD[2] + '")'])
    path = tmp_path / "portefeuille.xlsx"
    book.save(path)
    listing = read_portfolio_file(path)
    assert [(r.siret, r.email, r.since) for r in listing.rows] == [
        (GOOD[0], "a@b.fr", dt.date(2024, 1, 1)),
        (GOOD[1], None, None),
    ]
    reported = [(b.line, b.column, b.reason) for b in listing.bad]
    assert reported == [
        (3, "A (SIRET)", "formule refusée (cellule A3) : saisissez la valeur elle-même."),
        (4, "B (Mail conseiller)", "formule refusée (cellule B4) : saisissez la valeur elle-même."),
        (4, "C (Depuis)", "formule refusée (cellule C4) : saisissez la valeur elle-même."),
        (5, "A (SIRET)", "formule refusée (cellule A5) : saisissez la valeur elle-même."),
    ]
    assert all("SIRET absent" not in b.reason for b in listing.bad)


def test_hostile_cells_reported_never_stored(tmp_path: Path) -> None:
    path = tmp_path / "hostile.csv"
    path.write_text(
        "SIRET;E-mail;Depuis\n"
        f'{GOOD[0]};=HYPERLINK("http://x");01/01/2024\n'
        "=cmd|' /C calc'!A0;a@b.fr;\n"
        f"{GOOD[1]}\x00\x07;c@d.fr\x1b;@SUM(1)\n",
        encoding="utf-8",
    )
    listing = read_portfolio_file(path)
    assert [(r.line, r.siret, r.email, r.since) for r in listing.rows] == [
        (2, GOOD[0], None, dt.date(2024, 1, 1)),
        (4, GOOD[1], "c@d.fr", None),
    ]
    lines = {(b.line, b.column) for b in listing.bad}
    assert lines == {(2, "B (E-mail)"), (3, "A (SIRET)"), (4, "C (Depuis)")}
    assert all("\x00" not in b.value and "\x1b" not in b.value for b in listing.bad)


def test_overlong_field_refused_with_line(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text(f"SIRET;Note\n{GOOD[0]};ok\n{GOOD[1]};{'x' * 200_000}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_portfolio_file(path)
    assert caught.value.file == "long.csv" and caught.value.line == 3


def test_huge_file_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(partner_portfolio_file, "MAX_CSV_BYTES", 1000)
    path = tmp_path / "enorme.csv"
    path.write_text("SIRET\n" + f"{GOOD[0]}\n" * 100, encoding="utf-8")
    with pytest.raises(InputError, match="fichier refusé"):
        read_portfolio_file(path)


def test_too_many_columns_refused(tmp_path: Path) -> None:
    path = tmp_path / "large.csv"
    path.write_text("SIRET" + ";x" * 300 + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_portfolio_file(path)
    assert caught.value.line == 1


def test_no_siret_column_and_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "noms.csv"
    path.write_text("Nom;Ville\nA;Paris\nB;Lyon\n", encoding="utf-8")
    with pytest.raises(InputError, match="aucune colonne SIRET"):
        read_portfolio_file(path)
    fake = tmp_path / "faux.xlsx"
    fake.write_bytes(b"ceci n'est pas un classeur")
    with pytest.raises(InputError, match="classeur"):
        read_portfolio_file(fake)


def test_establishment_siret_adviser_and_since_never_the_firms_columns(tmp_path: Path) -> None:
    head_office = GOOD[0]
    text = (
        "Raison sociale;SIRET du siège;N° SIRET établissement;E-mail entreprise;"
        "Date de création;Conseiller\n"
        f"Zoé SA;{head_office};{head_office};contact@zoe.fr;12/03/1999;julie@cap.fr\n"
        f"Zoé SA;{head_office};{GOOD[1]};contact@zoe.fr;12/03/1999;marc@cap.fr\n"
    )
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode("cp1252"))
    listing = read_portfolio_file(path)
    assert listing.siret_column == "C (N° SIRET établissement)"
    assert listing.email_column == "F (Conseiller)"
    assert listing.since_column is None  # a creation date is not « depuis »
    assert [(r.line, r.siret, r.email) for r in listing.rows] == [
        (2, head_office, "julie@cap.fr"),
        (3, GOOD[1], "marc@cap.fr"),
    ]
    assert listing.duplicates == 0 and not listing.bad


def test_head_office_or_siren_column_alone_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "sieges.csv"
    path.write_text(f"Nom;SIRET du siège\nA;{GOOD[0]}\nB;{GOOD[1]}\n", encoding="utf-8")
    with pytest.raises(InputError, match="SIRET du siège"):
        read_portfolio_file(path)


def test_two_siret_columns_refused_unless_one_is_chosen(tmp_path: Path) -> None:
    path = tmp_path / "deux.csv"
    path.write_text(
        f"Nom;Numéro SIRET;SIRET ancien\nA;{GOOD[0]};{GOOD[2]}\nB;{GOOD[1]};{GOOD[2]}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        read_portfolio_file(path)
    assert "B (Numéro SIRET), C (SIRET ancien)" in caught.value.reason
    assert "--siret-column" in caught.value.reason
    by_header = read_portfolio_file(path, "numero siret")
    assert [r.siret for r in by_header.rows] == GOOD[:2]
    by_letter = read_portfolio_file(path, "c")
    assert by_letter.siret_column == "C (SIRET ancien)"
    assert [r.siret for r in by_letter.rows] == [GOOD[2]] and by_letter.duplicates == 1
    with pytest.raises(InputError, match="colonne SIRET « Siège » introuvable"):
        read_portfolio_file(path, "Siège")


def test_xlsx_with_a_bogus_dimension_read(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["SIRET"])
    sheet.append([GOOD[0]])
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    path = tmp_path / "dimension.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, n = re.subn(rb'<dimension ref="[^"]*"/>', DIMENSION, data)
                assert n == 1
            target.writestr(item, data)
    listing = read_portfolio_file(path)
    assert [(r.line, r.siret) for r in listing.rows] == [(2, GOOD[0])]


DIMENSION = b'<dimension ref="A1:XFD1048576"/>'


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_csv_with_bom_decoded(tmp_path: Path, encoding: str) -> None:
    text = f"SIRET\tConseiller\tSuivi depuis\n{GOOD[0]}\tzoé@cap.fr\t03/02/2024\n"
    path = tmp_path / "unicode.txt"
    bom = b"\xfe\xff" if encoding.endswith("be") else b""
    path.write_bytes(bom + text.encode(encoding))
    listing = read_portfolio_file(path)
    assert listing.siret_column == "A (SIRET)"
    assert listing.since_column == "C (Suivi depuis)"
    assert [(r.siret, r.email, r.since) for r in listing.rows] == [
        (GOOD[0], "zoé@cap.fr", dt.date(2024, 2, 3))
    ]
