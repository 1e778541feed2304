"""The rule per firm: one claim assigns, two conflict, a settlement sticks, unknown is reported."""

from __future__ import annotations

from planner.services.task_force.partner_portfolios.claim_states import (
    ASSIGNED,
    CONFLICT,
    LOST,
    OUTSIDE,
    PENDING,
    SETTLED,
    UNKNOWN,
    ClaimFacts,
    resolve_claims,
)


def _claims(*states: str) -> list[ClaimFacts]:
    return [ClaimFacts(i, 100 + i, s) for i, s in enumerate(states)]


def test_one_claim_assigns_two_conflict() -> None:
    one = resolve_claims(_claims(PENDING), known=True, in_target=True)
    assert (one.states, one.winner, one.release) == ({0: ASSIGNED}, _claims(PENDING)[0], False)
    two = resolve_claims(_claims(PENDING, ASSIGNED), known=True, in_target=True)
    assert two.states == {0: CONFLICT, 1: CONFLICT}
    assert two.winner is None and two.release


def test_settlement_sticks_and_a_third_claim_reopens_it() -> None:
    settled = resolve_claims(_claims(SETTLED, LOST), known=True, in_target=True)
    assert settled.states == {0: SETTLED, 1: LOST} and settled.winner is not None
    third = resolve_claims(_claims(SETTLED, LOST, PENDING), known=True, in_target=True)
    assert third.states == {0: CONFLICT, 1: LOST, 2: CONFLICT} and third.winner is None


def test_winner_gone_the_lost_claim_stands_again() -> None:
    alone = resolve_claims(_claims(LOST), known=True, in_target=True)
    assert alone.states == {0: ASSIGNED} and alone.winner is not None


def test_unknown_and_outside_are_only_reported() -> None:
    unknown = resolve_claims(_claims(PENDING, PENDING), known=False, in_target=False)
    assert unknown.states == {0: UNKNOWN, 1: UNKNOWN} and not unknown.release
    outside = resolve_claims(_claims(PENDING), known=True, in_target=False)
    assert outside.states == {0: OUTSIDE} and outside.winner is None and outside.release


def test_no_claim_left_releases() -> None:
    empty = resolve_claims([], known=True, in_target=True)
    assert empty.states == {} and empty.winner is None and empty.release
