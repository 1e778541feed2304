"""Remit rules on a firm frame: kinds combine, exclusivity removes firms from others."""

from __future__ import annotations

import datetime as dt

import polars as pl

from planner.domain.remit import Remit, Rule, eligibility, remit_mask, validate_rule


def _firms() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "section": ["G", "F", "I", None],
            "naf_code": ["47.11F", "43.22A", "56.10A", None],
            "band": ["01", "12", "02", "NN"],
            "commune_code": ["93066", "93001", "93066", "93070"],
            "craft": [False, True, False, True],
            "date_creation": [dt.date(2010, 1, 1), dt.date(2024, 5, 1), None, dt.date(2023, 1, 1)],
        }
    )


def test_rules_of_one_kind_are_alternatives_and_kinds_combine() -> None:
    firms = _firms()
    assert remit_mask(firms, []).tolist() == [True] * 4
    assert remit_mask(firms, [Rule("naf", "G"), Rule("naf", "56")]).tolist() == [
        True,
        False,
        True,
        False,
    ]
    both = [Rule("naf", "G"), Rule("naf", "I"), Rule("commune", "93066"), Rule("band", "02")]
    assert remit_mask(firms, both).tolist() == [False, False, True, False]
    # A rule stored undotted by an earlier planner still matches the dotted firm codes.
    assert remit_mask(firms, [Rule("naf", "4711")]).tolist() == [True, False, False, False]
    assert remit_mask(firms, [Rule("naf", "561")]).tolist() == [False, False, True, False]
    assert remit_mask(firms, [Rule("craft", "")]).tolist() == [False, True, False, True]
    since = [Rule("created_since", "01/01/2023")]
    assert remit_mask(firms, since).tolist() == [False, True, False, True]


def test_exclusive_partner_takes_its_firms_from_the_others() -> None:
    firms = _firms()
    remits = [
        Remit("France Travail"),
        Remit("CMA", (Rule("craft", ""),), exclusive=True),
        Remit("CCI", (Rule("naf", "G"), Rule("naf", "F"))),
    ]
    elig = eligibility(firms, remits)
    assert elig.allowed.tolist() == [
        [True, False, True],
        [False, True, False],
        [True, False, False],
        [False, True, False],
    ]
    assert elig.exclusive_of.tolist() == [-1, 1, -1, 1]


def test_invalid_rules_are_explained_in_french() -> None:
    assert validate_rule(Rule("created_since", "2024-13-45")) is not None
    assert "inconnu" in (validate_rule(Rule("size", "x")) or "")
    assert validate_rule(Rule("naf", "G")) is None
