from __future__ import annotations

import datetime as dt

import pytest

from planner.domain.cell_text import safe_text, starts_formula
from planner.domain.outcomes import OUTCOMES, normalize_outcome
from planner.domain.typed_dates import parse_typed_count, parse_typed_date


def test_eight_outcomes_and_loose_typing() -> None:
    assert len(OUTCOMES) == 8
    assert normalize_outcome("a rappeler") == "À rappeler"
    assert normalize_outcome("  OFFRE  déposée ") == "Offre déposée"
    assert normalize_outcome("Entreprise fermée/injoignable") == "Entreprise fermée / injoignable"
    assert normalize_outcome("peut-être") is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12/3/25", dt.date(2025, 3, 12)),
        ("12/03/2025", dt.date(2025, 3, 12)),
        ("2025-03-12", dt.date(2025, 3, 12)),
        ("2025-03-12 00:00:00", dt.date(2025, 3, 12)),
        (45728, dt.date(2025, 3, 12)),
        (45728.0, dt.date(2025, 3, 12)),
        ("45728", dt.date(2025, 3, 12)),
        (dt.datetime(2025, 3, 12, 9, 30), dt.date(2025, 3, 12)),
        ("", None),
        (None, None),
    ],
)
def test_typed_dates(typed: object, expected: dt.date | None) -> None:
    assert parse_typed_date(typed) == expected


@pytest.mark.parametrize("typed", ["31/02/2025", "demain", "12/13/25", True])
def test_unreadable_dates(typed: object) -> None:
    with pytest.raises(ValueError, match="date illisible"):
        parse_typed_date(typed)


def test_counts_stored_as_text() -> None:
    assert parse_typed_count("3") == 3
    assert parse_typed_count(" 1\u202f200 ") == 1200
    assert parse_typed_count("2,0") == 2
    assert parse_typed_count(4.0) == 4
    assert parse_typed_count("") is None
    for bad in ("2,5", "beaucoup", -1):
        with pytest.raises(ValueError):
            parse_typed_count(bad)


def test_formula_starts_are_neutralised() -> None:
    for text in ("=1+1", "+33 1 48", "-2", "@SUM(A1)"):
        assert starts_formula(text)
        assert safe_text(text) == "'" + text
    assert safe_text("Boulangerie") == "Boulangerie"
