"""Write claims' states and the assignments they imply, inside the caller's transaction.

Shared by the import (one partner's claims replaced) and the settlement (one
firm's conflict decided): both recompute the firms they touch from every
partner's claims, then write the assignments through the versioned writes of
the task force, so the journal, row versions and row-level security apply.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from planner.db.models import (
    Adviser,
    Assignment,
    BassinCommune,
    Establishment,
    PortfolioClaim,
    Team,
)
from planner.services.task_force.assignment_writes import (
    Held,
    lock_all_assignments,
    read_state,
    write_states,
)
from planner.services.task_force.partner_portfolios.claim_states import (
    CONFLICT,
    PORTFOLIO_SOURCE,
    ClaimFacts,
    Resolution,
    resolve_claims,
)

_CHUNK = 5000


@dataclass(frozen=True, slots=True)
class FirmFacts:
    """What the campaign knows of a claimed SIRET.

    Attributes:
        in_target: in the campaign's target.
        why_outside: when not, why (French), e.g. « hors du bassin (commune 75056) ».
    """

    in_target: bool
    why_outside: str


@dataclass(frozen=True, slots=True)
class WriteOutcome:
    """What recomputing some firms changed.

    Attributes:
        assigned: firms now assigned and locked from a portfolio (changed or confirmed).
        moved: of those, firms that were in another team before.
        released: firms unassigned: in conflict (unless the coordinator locked them by
            hand), or whose portfolio assignment has no claim left to stand on.
        facts: what the campaign knows of each recomputed SIRET (absent: unknown).
    """

    assigned: frozenset[str]
    moved: frozenset[str]
    released: frozenset[str]
    facts: dict[str, FirmFacts]


def lock_claims(session: Session) -> None:
    """Serialise the writers of claims and assignments until the transaction ends."""
    lock_all_assignments(session)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE portfolio_claim IN SHARE ROW EXCLUSIVE MODE"))


def _chunks(items: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def firm_facts(session: Session, sirets: list[str]) -> dict[str, FirmFacts]:
    """What the campaign knows of each SIRET (absent from the result: unknown)."""
    bassin = set(session.scalars(select(BassinCommune.code)))
    facts: dict[str, FirmFacts] = {}
    for chunk in _chunks(sorted(set(sirets))):
        rows = session.execute(
            select(
                Establishment.siret,
                Establishment.in_target,
                Establishment.commune_code,
                Establishment.libelle_commune,
                Establishment.etat,
                Establishment.non_diffusible,
            ).where(Establishment.siret.in_(chunk))
        )
        for siret, in_target, commune, label, etat, non_diffusible in rows:
            if in_target:
                facts[siret] = FirmFacts(True, "")
            elif commune not in bassin:
                where = f"{commune} {label}" if label else commune
                facts[siret] = FirmFacts(False, f"hors du bassin (commune {where})")
            elif non_diffusible:
                facts[siret] = FirmFacts(False, "établissement non diffusible")
            elif etat == "F":
                facts[siret] = FirmFacts(False, "établissement fermé")
            else:
                facts[siret] = FirmFacts(False, "hors de la cible de la campagne")
    return facts


def _partner_teams(session: Session, partner_ids: set[int]) -> dict[int, list[int]]:
    teams: dict[int, list[int]] = defaultdict(list)
    if partner_ids:
        for team_id, partner_id in session.execute(
            select(Team.id, Team.partner_id)
            .where(Team.partner_id.in_(sorted(partner_ids)))
            .order_by(Team.id)
        ):
            teams[partner_id].append(team_id)
    return teams


def recompute_firms(session: Session, sirets: Iterable[str]) -> WriteOutcome:
    """Resolve every claim on these firms, store the states, write the assignments.

    The caller holds :func:`lock_claims`. The team of a firm assigned from a
    portfolio is the claim's adviser's team; without an adviser, the firm keeps
    its current team (and adviser) if that team is the partner's, else it goes
    to the partner's first team (its oldest): remits are the partner's, not
    its teams', so no team fits better. A firm left without an adviser gets
    the least loaded adviser of its team.
    """
    wanted = sorted(set(sirets))
    claims: dict[str, list[PortfolioClaim]] = defaultdict(list)
    for chunk in _chunks(wanted):
        for claim in session.scalars(
            select(PortfolioClaim)
            .where(PortfolioClaim.siret.in_(chunk))
            .order_by(PortfolioClaim.id)
        ):
            claims[claim.siret].append(claim)
    facts = firm_facts(session, wanted)
    known = [s for s in wanted if s in facts]
    current = read_state(session, known, lock=True)
    teams = _partner_teams(session, {c.partner_id for cs in claims.values() for c in cs})
    adviser_teams = dict(
        session.execute(
            select(Adviser.id, Adviser.team_id).where(
                Adviser.id.in_(
                    sorted({c.adviser_id for cs in claims.values() for c in cs if c.adviser_id})
                )
            )
        )
        .tuples()
        .all()
    )
    target: dict[str, Held | None] = {}
    assigned: set[str] = set()
    moved: set[str] = set()
    released: set[str] = set()
    for siret in wanted:
        rows = claims.get(siret, [])
        fact = facts.get(siret)
        resolution = resolve_claims(
            [ClaimFacts(c.id, c.partner_id, c.state) for c in rows],
            known=fact is not None,
            in_target=fact is not None and fact.in_target,
        )
        for claim in rows:
            new_state = resolution.states[claim.id]
            if claim.state != new_state:
                claim.state = new_state
        have = current.get(siret)
        if resolution.winner is not None:
            claim = next(c for c in rows if c.id == resolution.winner.claim_id)
            held = _held_for(claim, have, teams.get(claim.partner_id, []), adviser_teams)
            if held is None:
                continue  # a partner without a team: reported by the import
            target[siret] = held
            assigned.add(siret)
            if have is not None and have.team_id != held.team_id:
                moved.add(siret)
        elif resolution.release and have is not None and _released(have, resolution):
            target[siret] = None
            released.add(siret)
    session.flush()
    _name_advisers(session, target)
    if target:
        write_states(session, target)
    return WriteOutcome(frozenset(assigned), frozenset(moved), frozenset(released), facts)


def _name_advisers(session: Session, target: dict[str, Held | None]) -> None:
    """Give each firm assigned without an adviser the least loaded adviser of its team.

    The division names advisers for the firms it places only: a locked firm
    would otherwise stay without one.
    """
    wanting = [s for s, h in target.items() if h is not None and h.adviser_id is None]
    if not wanting:
        return
    teams = sorted({h.team_id for s in wanting if (h := target[s]) is not None})
    advisers: dict[int, list[int]] = defaultdict(list)
    for adviser_id, team_id in session.execute(
        select(Adviser.id, Adviser.team_id).where(Adviser.team_id.in_(teams)).order_by(Adviser.id)
    ):
        advisers[team_id].append(adviser_id)
    ids = [a for team in advisers.values() for a in team]
    load: dict[int, int] = dict.fromkeys(ids, 0)
    for adviser_id, count in session.execute(
        select(Assignment.adviser_id, func.count())
        .where(Assignment.adviser_id.in_(ids))
        .group_by(Assignment.adviser_id)
    ):
        load[adviser_id] = int(count)
    for siret in sorted(wanting):
        held = target[siret]
        assert held is not None
        team = advisers.get(held.team_id)
        if not team:
            continue
        chosen = min(team, key=lambda a: (load[a], a))
        load[chosen] += 1
        target[siret] = Held(held.team_id, chosen, held.locked, held.version, held.source)


def _released(have: Held, resolution: Resolution) -> bool:
    """Whether a firm loses its assignment: one from a portfolio always; in a conflict,
    any but the coordinator's own lock (a firm in conflict waits for the settlement)."""
    if have.source == PORTFOLIO_SOURCE:
        return True
    in_conflict = CONFLICT in resolution.states.values()
    return in_conflict and not have.locked


def _held_for(
    claim: PortfolioClaim,
    have: Held | None,
    partner_teams: list[int],
    adviser_teams: dict[int, int],
) -> Held | None:
    if claim.adviser_id is not None and claim.adviser_id in adviser_teams:
        return Held(adviser_teams[claim.adviser_id], claim.adviser_id, True, 0, PORTFOLIO_SOURCE)
    if have is not None and have.team_id in partner_teams:
        return Held(have.team_id, have.adviser_id, True, 0, PORTFOLIO_SOURCE)
    if not partner_teams:
        return None
    return Held(partner_teams[0], None, True, 0, PORTFOLIO_SOURCE)
