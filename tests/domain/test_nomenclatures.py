"""NAF rév. 2 and NAF 2025 as shipped, and the translation of codes between them.

The figures come from the published files (see resources/nomenclatures/*.md and
the issue): they fail if a file is truncated, mis-parsed or replaced.
"""

from __future__ import annotations

import datetime as dt

import pytest

from planner.domain.nomenclature import (
    NAF2025,
    REV2,
    absent_label,
    default_nomenclature,
    dotted,
)
from planner.io.nomenclatures import load_correspondence, load_nomenclature


def test_both_nomenclatures_have_every_level_with_french_labels() -> None:
    rev2 = load_nomenclature(REV2)
    naf25 = load_nomenclature(NAF2025)
    assert [len(rev2.codes(level)) for level in range(1, 6)] == [21, 88, 272, 615, 732]
    assert [len(naf25.codes(level)) for level in range(1, 6)] == [22, 87, 287, 651, 747]
    assert list(rev2.sections) == [chr(c) for c in range(ord("A"), ord("U") + 1)]
    assert list(naf25.sections) == [chr(c) for c in range(ord("A"), ord("V") + 1)]
    assert naf25.sections["G"] == "Commerce"
    assert naf25.label("62.10Y") == "Activités de programmation informatique"
    assert naf25.label("01.48G") != ""
    assert rev2.label("56.10A") == "Restauration traditionnelle"


def test_sections_and_divisions_of_a_code() -> None:
    rev2 = load_nomenclature(REV2)
    naf25 = load_nomenclature(NAF2025)
    # The old J is split: 58-60 stay in J, 61-63 form the new K; later sections move up.
    assert rev2.section_of("62.01Z") == "J"
    assert naf25.section_of("62.10Y") == "K"
    assert naf25.section_of("58.11Y") == "J"
    assert rev2.section_of("68.20A") == "L"
    assert naf25.section_of("68.20Y") == "M"
    assert rev2.section_of("99.00Z") == "U"
    assert naf25.section_of("99.00Y") == "V"
    assert naf25.division_of("47.11G") == "47"
    # Division 45 (motor-vehicle trade and repair) disappears in NAF 2025.
    assert "45" in rev2.division_section
    assert "45" not in naf25.division_section
    assert naf25.section_of("45.20Y") is None
    assert naf25.subclasses_under("45") == ()


def test_correspondence_one_to_one_and_one_to_many() -> None:
    table = load_correspondence()
    assert len(table.forward) == 732
    many = table.one_to_many(REV2)
    assert len(many) == 212
    assert max(len(targets) for targets in many.values()) == 38
    assert len(many["47.99A"]) == 38
    assert sum(len(t) == 1 for t in table.forward.values()) == 520
    # 746 of the 747 NAF 2025 sous-classes have an antecedent; 46.89Y has none.
    assert len(table.backward) == 746
    assert "46.89Y" not in table.backward


def test_translating_a_code_says_what_is_not_one_to_one() -> None:
    table = load_correspondence()
    exact = table.translate("43.22A", REV2, NAF2025)
    assert exact.targets == ("43.22G",)
    assert exact.exact
    division_45 = table.translate("45", REV2, NAF2025)
    assert not division_45.exact
    assert "45" not in division_45.targets
    assert {t[:2] for t in division_45.targets} == {"46", "47", "95"}
    assert any(link.source == "45.20A" for link in division_45.one_to_many)
    old_j = table.translate("J", REV2, NAF2025)
    assert set(old_j.targets) >= {"J", "K"}
    back = table.translate("K", NAF2025, REV2)
    # NAF 2025's K gathers mostly the old J, and a few activities of H and N.
    assert {load_nomenclature(REV2).section_of(c) for c in back.targets} == {"H", "J", "N"}
    unknown = table.translate("45.11Z", NAF2025, REV2)
    assert unknown.unknown and not unknown.exact


@pytest.mark.parametrize(
    ("code", "expected"), [("5610A", "56.10A"), ("471", "47.1"), ("4711", "47.11"), ("c", "C")]
)
def test_dotted(code: str, expected: str) -> None:
    assert dotted(code) == expected


def test_default_reference_changes_on_1_january_2027() -> None:
    assert default_nomenclature(dt.date(2026, 12, 31)) == REV2
    assert default_nomenclature(dt.date(2027, 1, 1)) == NAF2025
    assert absent_label(NAF2025) == "Code NAF 2025 absent"
    assert absent_label(REV2) == "Code NAF rév. 2 absent"
