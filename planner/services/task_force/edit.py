"""Edit the whole task force at once: load it as drafts, check them, save them in one go.

The editor dialog works on plain dataclasses (no ORM row leaves this module);
:func:`save_task_force` writes every change in one transaction, matching rows
by id so that kept teams and advisers keep their firms. An adviser moved to
another team keeps its id; its firms follow it, stay with the old team or are
unassigned, as the coordinator chose (:attr:`AdviserDraft.firms_on_move`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from planner.db.models import Adviser, Assignment, BassinCommune, Partner, RemitRule, Team
from planner.db.row_versions import next_version
from planner.db.store import CampaignStore
from planner.domain.errors import PlannerError
from planner.domain.headcount_bands import BAND_LABELS
from planner.domain.nomenclature import REV2, dotted
from planner.domain.remit import RULE_LABELS, Remit, Rule, eligibility, validate_rule
from planner.io.nomenclatures import load_nomenclature
from planner.services.campaign.naf_reference import reference_nomenclature
from planner.services.firms.firm_query import load_firms
from planner.services.shared_campaign.conflicts import stale_rows_as_conflicts
from planner.services.task_force.edit_versions import Known, check_versions
from planner.services.task_force.task_force import PARTNER_KINDS

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
PHONE = re.compile(r"^\+?[0-9 .()\-]{6,20}$")

FIRMS_FOLLOW = "follow"
"""A moved adviser's firms move with it to the new team."""
FIRMS_STAY = "team"
"""A moved adviser's firms stay with the old team, without a named adviser."""
FIRMS_UNASSIGN = "unassign"
"""A moved adviser's firms become unassigned."""
FIRMS_ON_MOVE = (FIRMS_FOLLOW, FIRMS_STAY, FIRMS_UNASSIGN)


class TaskForceInvalid(PlannerError):
    """The drafts cannot be saved; ``problems`` lists every reason, in French."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class AdviserDraft:
    """An adviser being edited (``id`` None until saved).

    ``firms_on_move`` says what becomes of its firms if it is saved under
    another team than the one it had (one of :data:`FIRMS_ON_MOVE`).
    """

    name: str = ""
    email: str | None = None
    phone: str | None = None
    capacity: int | None = None
    id: int | None = None
    firms_on_move: str = FIRMS_STAY
    version: int | None = None


@dataclass
class TeamDraft:
    """A team being edited; ``capacity`` None means the sum of its advisers'."""

    name: str = ""
    capacity: int | None = None
    advisers: list[AdviserDraft] = field(default_factory=list)
    id: int | None = None
    version: int | None = None

    def effective_capacity(self) -> int:
        """The capacity the division will use."""
        if self.capacity is not None:
            return self.capacity
        return sum(a.capacity or 0 for a in self.advisers)


@dataclass
class PartnerDraft:
    """A partner being edited, with its remit rules and its teams."""

    name: str = ""
    kind: str = "france_travail"
    exclusive: bool = False
    rules: list[Rule] = field(default_factory=list)
    teams: list[TeamDraft] = field(default_factory=list)
    address: str | None = None
    id: int | None = None
    version: int | None = None


def load_drafts(store: CampaignStore) -> list[PartnerDraft]:
    """Every partner, team and adviser of the campaign, in id order."""
    with store.session() as session:
        partners = session.scalars(select(Partner).order_by(Partner.id)).all()
        return [
            PartnerDraft(
                name=p.name,
                kind=p.kind,
                exclusive=p.exclusive,
                rules=[Rule(r.kind, r.value) for r in sorted(p.rules, key=lambda r: r.id)],
                teams=[
                    TeamDraft(
                        name=t.name,
                        capacity=t.capacity,
                        advisers=[
                            AdviserDraft(
                                a.name, a.email, a.phone, a.capacity, a.id, version=a.version
                            )
                            for a in sorted(t.advisers, key=lambda a: a.id)
                        ],
                        id=t.id,
                        version=t.version,
                    )
                    for t in sorted(p.teams, key=lambda t: t.id)
                ],
                address=p.address,
                id=p.id,
                version=p.version,
            )
            for p in partners
        ]


def bassin_communes(store: CampaignStore) -> dict[str, str]:
    """The bassin's communes: INSEE code → name, by name."""
    with store.session() as session:
        rows = session.execute(
            select(BassinCommune.code, BassinCommune.name).order_by(BassinCommune.name)
        ).all()
    return {str(code): str(name) for code, name in rows}


def assigned_counts(store: CampaignStore) -> dict[int, int]:
    """How many firms each team holds (team id → count)."""
    with store.session() as session:
        return {
            int(t): int(n)
            for t, n in session.execute(
                select(Assignment.team_id, func.count()).group_by(Assignment.team_id)
            )
        }


def adviser_firm_counts(store: CampaignStore) -> dict[int, int]:
    """How many firms each adviser holds (adviser id → count)."""
    with store.session() as session:
        return {
            int(a): int(n)
            for a, n in session.execute(
                select(Assignment.adviser_id, func.count())
                .where(Assignment.adviser_id.is_not(None))
                .group_by(Assignment.adviser_id)
            )
        }


def adviser_teams(store: CampaignStore) -> dict[int, tuple[int, int]]:
    """Where each saved adviser is: adviser id → (team id, partner id)."""
    with store.session() as session:
        rows = session.execute(
            select(Adviser.id, Adviser.team_id, Team.partner_id).join(
                Team, Team.id == Adviser.team_id
            )
        ).all()
    return {int(a): (int(t), int(p)) for a, t, p in rows}


def check_move(
    store: CampaignStore,
    drafts: Sequence[PartnerDraft],
    adviser: AdviserDraft,
    partner_index: int,
    team_name: str,
    firms: pl.DataFrame | None = None,
) -> str | None:
    """Why ``adviser``'s firms cannot follow it to a team of ``drafts[partner_index]``.

    The remits are those of the drafts (rules being edited count), with
    exclusivity applied. Returns a French message naming how many firms the
    new partner may not take, or None when it may take them all.

    Args:
        firms: the firm frame (:func:`load_firms`), to spare loading it again.
    """
    if adviser.id is None:
        return None
    with store.session() as session:
        sirets = list(
            session.scalars(select(Assignment.siret).where(Assignment.adviser_id == adviser.id))
        )
    if not sirets:
        return None
    if firms is None:
        firms = load_firms(store)
    remits = [Remit(p.name.strip(), tuple(p.rules), p.exclusive) for p in drafts]
    elig = eligibility(firms, remits)
    index = {s: i for i, s in enumerate(firms["siret"].to_list())}
    rows = [index[s] for s in sirets if s in index]
    refused = [i for i in rows if not elig.allowed[i, partner_index]]
    if not refused:
        return None
    remit = remits[partner_index]
    claimed = {int(elig.exclusive_of[i]) for i in refused} - {-1}
    if claimed and not (remit.rules and remit.exclusive):
        owner = remits[min(claimed)]
        why = f"l'exclusivité de « {owner.partner} » ({owner.label()})"
    else:
        why = f"le périmètre de « {remit.partner} » ({remit.label()})"
    return (
        f"Conseiller « {adviser.name.strip()} » vers l'équipe « {team_name.strip()} » : "
        f"{why} exclut {len(refused)} de ses {len(rows)} entreprises ; laissez-les à "
        "l'ancienne équipe ou retirez-les."
    )


def check_moves(store: CampaignStore, drafts: Sequence[PartnerDraft]) -> list[str]:
    """Why the firms of moved advisers cannot follow them (in French), if they cannot.

    Only advisers whose firms follow them to another partner's team are
    checked: a team of the same partner has the same remit.
    """
    where = adviser_teams(store)
    problems: list[str] = []
    firms: pl.DataFrame | None = None
    for partner_index, partner in enumerate(drafts):
        for team in partner.teams:
            for adviser in team.advisers:
                if adviser.id is None or adviser.firms_on_move != FIRMS_FOLLOW:
                    continue
                old_team, old_partner = where.get(adviser.id, (None, None))
                if old_team is None or old_team == team.id or old_partner == partner.id:
                    continue
                if firms is None:
                    firms = load_firms(store)
                problem = check_move(store, drafts, adviser, partner_index, team.name, firms)
                if problem:
                    problems.append(problem)
    return problems


def check_rule(rule: Rule, communes: Iterable[str], nomenclature: str = REV2) -> str | None:
    """Why ``rule`` cannot be used in this bassin (in French), or None.

    NAF codes are checked in ``nomenclature``, the campaign's reference.
    """
    problem = validate_rule(rule)
    if problem:
        return problem
    value = rule.value.strip()
    if rule.kind == "naf":
        code = value.upper()
        naf = load_nomenclature(nomenclature)
        if not naf.knows(code):
            letters = f"{next(iter(naf.sections))}–{list(naf.sections)[-1]}"
            return (
                f"code NAF inconnu « {value} »{'' if nomenclature == REV2 else ' en ' + naf.name} "
                f"(section {letters}, division 56, classe 56.10…)"
            )
    elif rule.kind == "band" and (value not in BAND_LABELS or value == "NN"):
        return f"tranche d'effectif inconnue « {value} » (codes INSEE 00 à 53)"
    elif rule.kind == "commune" and value not in set(communes):
        return f"commune « {value} » absente du bassin"
    return None


def normalise_rule(kind: str, value: str) -> Rule:
    """The rule as stored: NAF codes dotted and upper-case (``471`` → ``47.1``, the way
    firms' codes are written, so the rule matches them), communes by their code only."""
    value = value.strip()
    if kind == "naf":
        value = dotted(value)
    elif kind == "commune":
        value = value.split()[0] if value else ""
    elif kind == "craft":
        value = ""
    return Rule(kind, value)


def check_adviser(adviser: AdviserDraft) -> list[str]:
    """Problems of one adviser's fields, without naming it."""
    problems = []
    if not adviser.name.strip():
        problems.append("nom vide")
    if adviser.email and not EMAIL.match(adviser.email.strip()):
        problems.append(
            f"adresse e-mail invalide « {adviser.email} » (exemple : prenom.nom@exemple.fr)"
        )
    if adviser.phone and not PHONE.match(adviser.phone.strip()):
        problems.append(f"numéro de téléphone invalide « {adviser.phone} »")
    if adviser.capacity is not None and adviser.capacity < 0:
        problems.append(f"capacité négative ({adviser.capacity})")
    return problems


def check_drafts(
    drafts: Sequence[PartnerDraft], communes: Iterable[str], nomenclature: str = REV2
) -> list[str]:
    """Every reason the drafts cannot be saved, in French, naming partner, team and adviser."""
    known = set(communes)
    problems: list[str] = []
    partner_names: set[str] = set()
    team_names: set[str] = set()
    for number, partner in enumerate(drafts, start=1):
        who = (
            f"Partenaire « {partner.name.strip()} »"
            if partner.name.strip()
            else (f"Partenaire n° {number}")
        )
        if not partner.name.strip():
            problems.append(f"{who} : nom vide.")
        elif partner.name.strip() in partner_names:
            problems.append(f"{who} : nom en double.")
        partner_names.add(partner.name.strip())
        if partner.kind not in PARTNER_KINDS:
            problems.append(f"{who} : type de partenaire inconnu « {partner.kind} ».")
        for rule in partner.rules:
            problem = check_rule(rule, known, nomenclature)
            if problem:
                problems.append(
                    f"{who}, règle « {RULE_LABELS.get(rule.kind, rule.kind)} » : {problem}."
                )
        for team in partner.teams:
            where = f"{who}, équipe « {team.name.strip()} »"
            if not team.name.strip():
                problems.append(f"{who} : une équipe n'a pas de nom.")
            elif team.name.strip() in team_names:
                problems.append(f"{where} : une autre équipe porte déjà ce nom.")
            team_names.add(team.name.strip())
            if team.capacity is not None and team.capacity < 0:
                problems.append(f"{where} : capacité négative ({team.capacity}).")
            elif team.capacity is None and not any(a.capacity for a in team.advisers):
                problems.append(
                    f"{where} : sans capacité (ni la sienne, ni celle de ses conseillers)."
                )
            for adviser in team.advisers:
                name = adviser.name.strip() or "sans nom"
                problems.extend(
                    f"{where}, conseiller « {name} » : {p}." for p in check_adviser(adviser)
                )
    return problems


def _clean(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None


def save_task_force(
    store: CampaignStore, drafts: Sequence[PartnerDraft], known: Known | None = None
) -> dict[str, int]:
    """Write the drafts (one transaction); rows missing from them are deleted.

    A row whose draft names a version is written only if it is still at that
    version; with ``known`` (:func:`loaded_versions` at load), rows missing
    from the drafts are deleted only if the editor saw them as they are
    (:class:`StaleVersion` otherwise; nothing is written).

    Firms of a deleted team become unassigned; those of a deleted adviser stay
    with the team, without a named adviser. An adviser moved to another team
    keeps its id; its firms go as its ``firms_on_move`` says. Nothing is
    written when a draft is invalid or a moved adviser's firms may not follow
    it (:class:`TaskForceInvalid` lists why).

    Returns:
        Counts: ``partners``, ``teams``, ``advisers`` saved, ``moved``
        advisers, ``firms_moved`` with them and ``unassigned`` firms.
    """
    problems = check_drafts(drafts, bassin_communes(store), reference_nomenclature(store))
    if not problems:
        problems = check_moves(store, drafts)
    if problems:
        raise TaskForceInvalid(problems)
    keep_partners = {p.id for p in drafts if p.id is not None}
    keep_teams = {t.id for p in drafts for t in p.teams if t.id is not None}
    keep_advisers = {a.id for p in drafts for t in p.teams for a in t.advisers if a.id is not None}
    counts = {
        "partners": len(drafts),
        "teams": 0,
        "advisers": 0,
        "moved": 0,
        "firms_moved": 0,
        "unassigned": 0,
    }
    with stale_rows_as_conflicts("team", "Partenaires et équipes"), store.session() as session:
        check_versions(session, drafts, known)
        gone_advisers = list(
            session.scalars(select(Adviser).where(Adviser.id.not_in(keep_advisers)))
        )
        gone_teams = list(session.scalars(select(Team).where(Team.id.not_in(keep_teams))))
        gone_partners = list(
            session.scalars(select(Partner).where(Partner.id.not_in(keep_partners)))
        )
        # Rows are deleted last, so that a moved adviser is not taken away with
        # its old team; renamed first, so that a new row may take a deleted name.
        for gone_team in gone_teams:
            gone_team.name = f"~supprimé~{gone_team.id}~"
        for gone_partner in gone_partners:
            gone_partner.name = f"~supprimé~{gone_partner.id}~"
        session.flush()
        written: list[tuple[Any, Partner | Team | Adviser]] = []  # drafts learn ids, versions
        for draft in drafts:
            partner = session.get(Partner, draft.id) if draft.id is not None else None
            if partner is None:
                partner = Partner()
                session.add(partner)
            partner.name = draft.name.strip()
            partner.kind = draft.kind
            partner.exclusive = draft.exclusive
            partner.address = _clean(draft.address)
            partner.rules = [RemitRule(kind=r.kind, value=r.value) for r in draft.rules]
            session.flush()
            written.append((draft, partner))
            for team_draft in draft.teams:
                team = session.get(Team, team_draft.id) if team_draft.id is not None else None
                if team is None:
                    team = Team()
                    session.add(team)
                team.partner_id = partner.id
                team.name = team_draft.name.strip()
                team.capacity = team_draft.capacity
                session.flush()
                written.append((team_draft, team))
                counts["teams"] += 1
                for adviser_draft in team_draft.advisers:
                    adviser = (
                        session.get(Adviser, adviser_draft.id)
                        if adviser_draft.id is not None
                        else None
                    )
                    if adviser is None:
                        adviser = Adviser()
                        session.add(adviser)
                    elif adviser.team_id != team.id:
                        moved = _move_firms(session, adviser.id, team.id, adviser_draft)
                        counts["moved"] += 1
                        counts["firms_moved" if moved > 0 else "unassigned"] += abs(moved)
                        # Set the relationship, not only the key: the old team's
                        # loaded list of advisers must lose this one.
                        adviser.team = team
                    adviser.team_id = team.id
                    adviser.name = adviser_draft.name.strip()
                    adviser.email = _clean(adviser_draft.email)
                    adviser.phone = _clean(adviser_draft.phone)
                    adviser.capacity = adviser_draft.capacity
                    session.flush()
                    written.append((adviser_draft, adviser))
                    counts["advisers"] += 1
        # Every kept row now points at a kept team: the deletions take nothing else.
        session.expire_all()
        gone_team_ids = [t.id for t in gone_teams] + [
            t.id for p in gone_partners for t in p.teams if t.id not in keep_teams
        ]
        if gone_team_ids:
            result = session.execute(
                delete(Assignment).where(Assignment.team_id.in_(gone_team_ids))
            )
            counts["unassigned"] += int(getattr(result, "rowcount", 0) or 0)
        for row in (*gone_advisers, *gone_teams, *gone_partners):
            session.delete(row)
        session.flush()
        saved = [(d, r.id, r.version) for d, r in written]
    for draft_row, row_id, version in saved:  # a second save from the same drafts is no conflict
        draft_row.id, draft_row.version = row_id, version
    return counts


def _move_firms(session: Session, adviser_id: int, team_id: int, draft: AdviserDraft) -> int:
    """Apply ``draft.firms_on_move`` to a moving adviser's firms.

    Returns:
        How many firms moved with it, or minus how many became unassigned.
    """
    of_adviser = Assignment.adviser_id == adviser_id
    if draft.firms_on_move == FIRMS_FOLLOW:
        result = session.execute(
            update(Assignment).where(of_adviser).values(team_id=team_id, version=next_version())
        )
        return int(getattr(result, "rowcount", 0) or 0)
    if draft.firms_on_move == FIRMS_UNASSIGN:
        result = session.execute(delete(Assignment).where(of_adviser))
        return -int(getattr(result, "rowcount", 0) or 0)
    session.execute(
        update(Assignment).where(of_adviser).values(adviser_id=None, version=next_version())
    )
    return 0
