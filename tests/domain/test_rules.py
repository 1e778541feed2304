"""Pure rules: SIRET keys, headcount bands, NAF sections, display names."""

from __future__ import annotations

import random

from stdnum.fr import siret as stdnum_siret

from planner.domain.display_name import display_name
from planner.domain.headcount_bands import DEFAULT_TARGET_BANDS, band_label, size_class
from planner.domain.naf import DIVISION_TO_SECTION, section_of
from planner.domain.siret import is_valid_siret, valid_sirets


def test_siret_check_agrees_with_python_stdnum() -> None:
    rng = random.Random(4)
    candidates = [f"{rng.randrange(10**14):014d}" for _ in range(5000)]
    candidates += ["35600000000048", "35600000049837", "73282932000074", "12", "7328293200007A"]
    ours = valid_sirets(candidates)
    theirs = [stdnum_siret.is_valid(c) for c in candidates]
    assert ours.tolist() == theirs
    assert 20 < sum(theirs) < len(theirs)  # both valid and invalid keys


def test_known_sirets() -> None:
    assert is_valid_siret("73282932000074")
    assert not is_valid_siret("73282932000075")
    assert is_valid_siret("35600000000048")  # La Poste: sum of digits multiple of 5


def test_default_target_is_under_250_employees() -> None:
    assert min(DEFAULT_TARGET_BANDS) == "00" and max(DEFAULT_TARGET_BANDS) == "32"
    assert "NN" not in DEFAULT_TARGET_BANDS and "41" not in DEFAULT_TARGET_BANDS
    assert size_class("03") == "TPE" and size_class("12") == "PME" and size_class("") == "inconnue"
    assert band_label(None) == band_label("NN")
    assert band_label("01") == "1 ou 2 salariés"


def test_naf_sections() -> None:
    assert section_of("56.10A") == "I"
    assert section_of("43.22A") == "F"
    assert section_of("01.11Z") == "A"
    assert section_of("32.12Z", "NAFRev2") == "C"
    assert section_of("62.11", "NAP") is None  # an old nomenclature gets no guess
    assert len(DIVISION_TO_SECTION) == 88


def test_display_name_order() -> None:
    assert display_name("BAR DU COIN", "USUEL", "SAS X", "Jean", "DUPONT") == "BAR DU COIN"
    assert display_name(" ", "USUEL", "SAS X", None, None) == "USUEL"
    assert display_name(None, None, "SAS X", "Jean", "DUPONT") == "SAS X"
    assert display_name(None, None, None, "Jean", "DUPONT") == "Jean DUPONT"
    assert display_name(None, None, None, None, None) == ""
