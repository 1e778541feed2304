"""Each clash rule of job-discovery sessions, errors and warnings."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from planner.domain.session_clashes import (
    SessionFacts,
    check_all,
    check_session,
    holiday_name,
    is_alsace_moselle,
)

MON = dt.datetime(2026, 3, 9, 9, 0)  # a Monday, no holiday


def _s(sid: int, start: dt.datetime = MON, hours: float = 2, **kw: object) -> SessionFacts:
    return SessionFacts(
        id=sid, title=f"S{sid}", starts_at=start, ends_at=start + dt.timedelta(hours=hours), **kw
    )  # type: ignore[arg-type]


def _rules(found: list) -> set[str]:
    return {c.rule for c in found}


def test_clean_session_has_no_problem() -> None:
    assert check_session(_s(1, venue_id=1, capacity=10, invitees=10), []) == []


def test_same_venue_overlapping_is_an_error_and_touching_is_not() -> None:
    a = _s(1, venue_id=7, venue_name="Mairie")
    b = _s(2, MON + dt.timedelta(hours=1), venue_id=7, venue_name="Mairie")
    c = _s(3, MON + dt.timedelta(hours=2), venue_id=7, venue_name="Mairie")
    found = check_session(a, [b, c])
    assert [(x.rule, x.other_id, x.is_error) for x in found] == [("same_venue", 2, True)]


def test_same_adviser_and_same_host_are_errors() -> None:
    a = _s(1, advisers={5: "Nadia"}, hosts={"123": "ACME"})
    b = _s(2, MON + dt.timedelta(minutes=30), advisers={5: "Nadia"}, hosts={"123": "ACME"})
    found = check_session(a, [b])
    assert _rules(found) == {"same_adviser", "same_host"}
    assert all(c.is_error for c in found)
    assert any("Nadia" in c.message for c in found)


def test_different_people_and_venues_do_not_clash() -> None:
    a = _s(1, venue_id=1, advisers={5: "Nadia"}, hosts={"1": "A"})
    b = _s(2, venue_id=2, advisers={6: "Karim"}, hosts={"2": "B"})
    assert check_session(a, [b]) == []


def test_cancelled_sessions_do_not_clash() -> None:
    a = _s(1, venue_id=1)
    b = _s(2, venue_id=1, status="cancelled")
    assert check_session(a, [b]) == []


def test_end_before_start_and_negative_capacity_are_errors() -> None:
    found = check_session(_s(1, hours=-1, capacity=-3), [])
    assert _rules(found) == {"end_before_start", "negative_capacity"}
    assert all(c.is_error for c in found)


def test_warnings_weekend_capacity_unplaced_venue() -> None:
    saturday = dt.datetime(2026, 3, 14, 10)
    found = check_session(
        _s(1, saturday, capacity=5, invitees=8, venue_id=3, venue_name="Salle", venue_placed=False),
        [],
    )
    assert _rules(found) == {"weekend", "over_capacity", "venue_unplaced"}
    assert not any(c.is_error for c in found)


def test_public_holiday_is_a_warning() -> None:
    found = check_session(_s(1, dt.datetime(2026, 5, 1, 9)), [])
    assert [(c.rule, c.severity) for c in found] == [("holiday", "warning")]
    assert "Fête du Travail" in found[0].message


def test_alsace_moselle_days_apply_only_there() -> None:
    good_friday = dt.datetime(2026, 4, 3, 9)
    saint_stephen = dt.datetime(2026, 12, 28, 9)  # Monday; 26/12/2026 is a Saturday
    assert check_session(_s(1, good_friday), []) == []
    assert _rules(check_session(_s(1, good_friday), [], alsace_moselle=True)) == {"holiday"}
    assert holiday_name(dt.date(2025, 12, 26), alsace_moselle=True) is not None
    assert holiday_name(dt.date(2025, 12, 26)) is None
    assert check_session(_s(1, saint_stephen), [], alsace_moselle=True) == []
    assert is_alsace_moselle(["93", "57"]) and not is_alsace_moselle(["93", "75"])


def test_check_all_reports_each_pair_once() -> None:
    a = _s(1, venue_id=1)
    b = _s(2, MON + dt.timedelta(hours=1), venue_id=1)
    c = _s(3, MON + dt.timedelta(hours=5), venue_id=1)
    found = check_all([c, b, a])
    assert [(x.session_id, x.other_id) for x in found] == [(1, 2)]


def test_a_venue_from_a_non_diffusible_firm_asks_to_be_replaced() -> None:
    # Its position was wiped too: one warning that says why, not "not placed".
    facts = _s(1, venue_id=3, venue_name="Lieu non diffusible", venue_placed=False)
    found = check_session(replace(facts, venue_non_diffusible=True), [])
    assert [(c.rule, c.severity) for c in found] == [("venue_non_diffusible", "warning")]
    assert "devenu non diffusible" in found[0].message
    assert _rules(check_session(facts, [])) == {"venue_unplaced"}
