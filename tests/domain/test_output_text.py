"""Text rules of the output layer and file names made from partner names."""

from __future__ import annotations

import unicodedata

from planner.domain.cell_text import (
    calendar_text,
    csv_text,
    neutralise_bidi,
    printed_text,
    strip_controls,
    workbook_text,
)
from planner.domain.file_names import MAX_STEM, file_stem, unique_stems


def test_controls_are_stripped_the_same_way_everywhere() -> None:
    hostile = "Nul\x00Ctl\x01X\x1fY\x7f\r\nZ\tT"
    assert strip_controls(hostile) == "NulCtlXY\nZ\tT"
    assert workbook_text(hostile) == calendar_text(hostile) == "NulCtlXY\nZ\tT"
    assert csv_text(hostile) == "NulCtlXY\nZ\tT"
    assert strip_controls(hostile, one_line=True) == "NulCtlXYZT"
    assert printed_text(hostile) == "NulCtlXY\nZ T"


def test_formulas_get_an_apostrophe_in_csv_only() -> None:
    for text in ("=1+1", "+33 1", "-2", "@SUM(A1)", "\t=1", "\r=1"):
        assert workbook_text(text) == strip_controls(text)
    assert csv_text("=1+1") == "'=1+1"
    assert csv_text("\r=1") == "'=1"
    assert csv_text("Boulangerie") == "Boulangerie"


def test_bidi_overrides_are_neutralised_but_rtl_letters_kept() -> None:
    assert neutralise_bidi("Abc\u202eFED\u202c fin") == "AbcFED fin"
    assert printed_text("\u2067x\u2069") == "x"
    assert printed_text("مخبز الحي") == "مخبز الحي"


def test_workbook_text_fits_a_cell() -> None:
    assert len(workbook_text("x" * 40000)) == 32767


def test_names_that_clean_alike_get_distinct_files() -> None:
    nfc = unicodedata.normalize("NFC", "Société")
    nfd = unicodedata.normalize("NFD", "Société")
    stems = unique_stems(["A.B", "AB", "ab", nfc, nfd, "=1+1"])
    assert stems == {
        "A.B": "AB",
        "AB": "AB_2",
        "ab": "ab_3",
        nfc: "Société",
        nfd: "Société_2",
        "=1+1": "11",
    }


def test_long_names_are_bounded_and_stay_apart() -> None:
    first, second = "x" * 300, "x" * 299 + "y"
    a, b = file_stem(first), file_stem(second)
    assert len(a) <= MAX_STEM and len(b) <= MAX_STEM and a != b


def test_empty_reserved_and_hostile_names() -> None:
    assert file_stem("...") == "sans_nom"
    assert file_stem("CON") == "CON_"
    assert file_stem("<script>\x00../..\u202e") == "script"


def test_four_byte_letters_stay_within_file_system_bytes() -> None:
    # Mathematical letters (𝐌𝐢𝐬𝐬𝐢𝐨𝐧, pasted from social networks) are \w and 4 bytes each:
    # 80 of them made a 320-byte name that no file system takes.
    name = "𝐌𝐢𝐬𝐬𝐢𝐨𝐧 𝐋𝐨𝐜𝐚𝐥𝐞 " * 8
    stem = file_stem(name)
    assert len(stem.encode()) <= 2 * MAX_STEM
    assert len(f"Liste_appels_{stem}_2_20261206.xlsx".encode()) < 255
    assert file_stem(name + "x") != stem
    assert file_stem("é" * 80) == "é" * 80  # two bytes each: unchanged
