"""What becomes of partners' claims on one firm: a pure rule, tested without a database.

A firm claimed by one partner is assigned to it and locked; claimed by two or
more, it is a conflict and assigned to none until the coordinator settles it;
a SIRET the campaign does not hold, or holds outside its target, is only
reported. A settlement sticks: the winner's claim stays « settled » and the
others « lost » through later re-imports, until the winner drops the firm
(then the lost claims count again).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

PENDING = "pending"
ASSIGNED = "assigned"
SETTLED = "settled"
CONFLICT = "conflict"
LOST = "lost"
UNKNOWN = "unknown"
OUTSIDE = "outside"

STATE_LABELS: dict[str, str] = {
    PENDING: "en attente",
    ASSIGNED: "attribuée et verrouillée",
    SETTLED: "attribuée après arbitrage",
    CONFLICT: "en conflit",
    LOST: "perdue à l'arbitrage",
    UNKNOWN: "inconnue de la campagne",
    OUTSIDE: "hors de la cible",
}
"""Each claim state as the coordinator reads it."""

KEPT_STATES = frozenset({SETTLED, LOST})
"""States a re-import of the same partner's portfolio carries over (the coordinator's choice)."""

PORTFOLIO_SOURCE = "portfolio"
"""``assignment.source`` of a firm assigned from a portfolio."""


@dataclass(frozen=True, slots=True)
class ClaimFacts:
    """One partner's claim on a firm, as the rule needs it.

    Attributes:
        claim_id: the claim's row.
        partner_id: the claiming partner.
        state: its state before (``settled`` and ``lost`` are kept).
    """

    claim_id: int
    partner_id: int
    state: str


@dataclass(frozen=True, slots=True)
class Resolution:
    """What the claims on one firm come to.

    Attributes:
        states: the new state of each claim, by claim id.
        winner: the claim the firm is assigned to, or None.
        release: a firm assigned from a portfolio must lose that assignment.
    """

    states: dict[int, str]
    winner: ClaimFacts | None
    release: bool


def resolve_claims(claims: Sequence[ClaimFacts], *, known: bool, in_target: bool) -> Resolution:
    """Resolve the claims on one firm.

    Args:
        claims: every partner's claim on the firm (may be empty: the last one was dropped).
        known: the campaign holds the firm.
        in_target: the firm is in the campaign's target (active, diffusible, in the bassin).
    """
    if not known:
        return Resolution({c.claim_id: UNKNOWN for c in claims}, None, release=False)
    if not in_target:
        return Resolution({c.claim_id: OUTSIDE for c in claims}, None, release=True)
    active = [c for c in claims if c.state != LOST] or list(claims)
    states = {c.claim_id: LOST for c in claims}
    if not active:
        return Resolution(states, None, release=True)
    if len(active) == 1:
        winner = active[0]
        states[winner.claim_id] = SETTLED if winner.state == SETTLED else ASSIGNED
        return Resolution(states, winner, release=False)
    for claim in active:
        states[claim.claim_id] = CONFLICT
    return Resolution(states, None, release=True)
