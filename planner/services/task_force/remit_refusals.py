"""Which firms of a selection a team may take, and why the others are left out.

A manual assignment to a team whose partner's remit excludes some of the
selected firms assigns the others; the coordinator is told which were left,
each with its reason (the rule the firm fails, or the exclusive partner that
claims it), before anything is written. A firm locked in another team (by a
partner's portfolio or by hand) is left where it is too, with why, unless the
coordinator asks to move the locked firms as well; a firm that would leave
the partner whose portfolio holds it is named, so that the move is a choice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from sqlalchemy import select

from planner.db.journey_models import PortfolioClaim
from planner.db.models import Partner, Team
from planner.db.store import CampaignStore
from planner.domain.errors import PlannerError
from planner.domain.remit import RULE_KINDS, Remit, remit_mask
from planner.services.firms.firm_labels import format_date
from planner.services.task_force.assignment_writes import Held, read_state
from planner.services.task_force.partner_portfolios.claim_states import (
    ASSIGNED,
    PORTFOLIO_SOURCE,
    SETTLED,
)
from planner.services.task_force.remit_cache import current_remits

MANUAL_LOCK = "verrouillée à la main"


@dataclass(frozen=True, slots=True)
class RemitRefusal:
    """A firm the team may not take: what the coordinator reads of it, and why."""

    siret: str
    name: str
    commune: str
    reason: str


@dataclass(frozen=True, slots=True)
class RemitSplit:
    """A selection split by a team's remit.

    Attributes:
        team: the team's name.
        partner: its partner's name.
        remit: the partner's remit in French (« toutes les entreprises » when it has no rule).
        allowed: the SIRETs the team may take, in the selection's order
            (firms outside the target have no remit to break: allowed), but
            for the locked ones of ``locked``.
        refused: the firms out of the remit, with their reason, in the selection's order.
        locked: the firms in the remit but locked in another team (« verrouillée
            (portefeuille de …) » or « verrouillée à la main »): left where they
            are unless the coordinator asks to move them too.
        portfolios: the firms the assignment would take away from the partner
            whose portfolio holds them: SIRET → that partner's name (locked or not).
    """

    team: str
    partner: str
    remit: str
    allowed: tuple[str, ...]
    refused: tuple[RemitRefusal, ...]
    locked: tuple[RemitRefusal, ...] = ()
    portfolios: dict[str, str] = field(default_factory=dict)

    def sirets(self, *, move_locked: bool) -> tuple[str, ...]:
        """The firms to write: the allowed ones, and the locked ones with ``move_locked``."""
        if not move_locked:
            return self.allowed
        return (*self.allowed, *(r.siret for r in self.locked))

    def leaving(self, *, move_locked: bool) -> dict[str, int]:
        """How many firms leave each partner's portfolio (partner → count)."""
        counts: dict[str, int] = {}
        for siret in self.sirets(move_locked=move_locked):
            partner = self.portfolios.get(siret)
            if partner is not None:
                counts[partner] = counts.get(partner, 0) + 1
        return counts


def _failed_rules(firms: pl.DataFrame, remit: Remit) -> list[list[str]]:
    """For each of ``firms``, what it fails of ``remit``: one phrase per kind of rule.

    Each kind is evaluated once over all the firms (a selection can be thousands)."""
    failed: list[list[str]] = [[] for _ in range(firms.height)]
    rows = firms.to_dicts()
    for kind in RULE_KINDS:
        rules = [r for r in remit.rules if r.kind == kind]
        if not rules:
            continue
        for i in np.flatnonzero(~remit_mask(firms, rules)):
            failed[int(i)].append(_phrase(kind, rows[int(i)]))
    return failed


def _phrase(kind: str, row: dict[str, Any]) -> str:
    if kind == "naf":
        return f"NAF {row['naf_code']}" if row["naf_code"] else "code NAF absent"
    if kind == "band":
        return f"tranche {row['band_label'] or row['band']}"
    if kind == "commune":
        return f"commune {row['commune_name'] or row['commune_code']}"
    if kind == "craft":
        return "hors répertoire des métiers"
    created = row["date_creation"]
    return f"créée le {format_date(created)}" if created else "date de création inconnue"


def split_by_remit(store: CampaignStore, sirets: Sequence[str], team_id: int) -> RemitSplit:
    """Split ``sirets`` into the firms team ``team_id`` may take and the others, with why.

    Raises:
        PlannerError: the team no longer exists.
    """
    remits = current_remits(store)
    force, elig = remits.force, remits.allowed
    info = next((t for t in force.teams if t.id == team_id), None)
    if info is None:
        raise PlannerError("Équipe introuvable : elle vient peut-être d'être supprimée.")
    remit = force.remits[info.partner_index]
    held, portfolio_of, partner_id = _holdings(store, list(dict.fromkeys(sirets)), team_id)
    allowed: list[str] = []
    out: list[tuple[str, int]] = []
    locked_in_remit: list[tuple[str, int, str]] = []
    for siret in dict.fromkeys(sirets):
        row = remits.index.get(siret)
        if row is not None and not elig.allowed[row, info.partner_index]:
            out.append((siret, row))
            continue
        have = held.get(siret)
        if row is not None and have is not None and have.locked and have.team_id != team_id:
            why = (
                f"verrouillée (portefeuille de {portfolio_of[siret][1]})"
                if have.source == PORTFOLIO_SOURCE and siret in portfolio_of
                else MANUAL_LOCK
            )
            locked_in_remit.append((siret, row, why))
        else:
            allowed.append(siret)
    out_of_remit = {siret for siret, _row in out}
    portfolios = {
        siret: name
        for siret, (owner, name) in portfolio_of.items()
        if owner != partner_id and siret not in out_of_remit
    }
    firms = remits.firms[[row for _siret, row in out]]
    failures = _failed_rules(firms, remit)
    refused: list[RemitRefusal] = []
    for (siret, row), failed, firm in zip(out, failures, firms.iter_rows(named=True), strict=True):
        owner = int(elig.exclusive_of[row])
        if failed:
            reason = f"hors du périmètre de {remit.partner} : {' / '.join(failed)}"
        elif owner >= 0:
            claimed = force.remits[owner]
            reason = f"réservée à {claimed.partner} (exclusivité : {claimed.label()})"
        else:  # pragma: no cover - eligibility refuses only by a rule or an exclusivity
            reason = f"hors du périmètre de {remit.partner}"
        refused.append(
            RemitRefusal(
                siret=siret,
                name=firm["name"] or "",
                commune=firm["commune_name"] or firm["commune_code"] or "",
                reason=reason,
            )
        )
    lockeds = remits.firms[[row for _siret, row, _why in locked_in_remit]]
    locked = tuple(
        RemitRefusal(
            siret=siret,
            name=firm["name"] or "",
            commune=firm["commune_name"] or firm["commune_code"] or "",
            reason=why,
        )
        for (siret, _row, why), firm in zip(
            locked_in_remit, lockeds.iter_rows(named=True), strict=True
        )
    )
    return RemitSplit(
        team=info.name,
        partner=remit.partner,
        remit=remit.label(),
        allowed=tuple(allowed),
        refused=tuple(refused),
        locked=locked,
        portfolios=portfolios,
    )


def _holdings(
    store: CampaignStore, sirets: list[str], team_id: int
) -> tuple[dict[str, Held | None], dict[str, tuple[int, str]], int | None]:
    """The firms' assignments now, the partner whose portfolio holds each firm (id and
    name; a claim assigned or settled), and the partner of team ``team_id``."""
    with store.session() as session:
        held = read_state(session, sirets)
        claimed: dict[str, tuple[int, str]] = {}
        for start in range(0, len(sirets), 5000):
            chunk = sirets[start : start + 5000]
            for siret, partner_id, name in session.execute(
                select(PortfolioClaim.siret, Partner.id, Partner.name)
                .join(Partner, Partner.id == PortfolioClaim.partner_id)
                .where(PortfolioClaim.siret.in_(chunk))
                .where(PortfolioClaim.state.in_((ASSIGNED, SETTLED)))
            ):
                claimed[siret] = (int(partner_id), str(name))
        partner = session.scalar(select(Team.partner_id).where(Team.id == team_id))
    return held, claimed, partner
