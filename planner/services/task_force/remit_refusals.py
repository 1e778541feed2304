"""Which firms of a selection a team may take, and why the others are left out.

A manual assignment to a team whose partner's remit excludes some of the
selected firms assigns the others; the coordinator is told which were left,
each with its reason (the rule the firm fails, or the exclusive partner that
claims it), before anything is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from planner.db.store import CampaignStore
from planner.domain.errors import PlannerError
from planner.domain.remit import RULE_KINDS, Remit, remit_mask
from planner.services.firms.firm_labels import format_date
from planner.services.task_force.remit_cache import current_remits


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
            (firms outside the target have no remit to break: allowed).
        refused: the others, with their reason, in the selection's order.
    """

    team: str
    partner: str
    remit: str
    allowed: tuple[str, ...]
    refused: tuple[RemitRefusal, ...]


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
    allowed: list[str] = []
    out: list[tuple[str, int]] = []
    for siret in dict.fromkeys(sirets):
        row = remits.index.get(siret)
        if row is None or elig.allowed[row, info.partner_index]:
            allowed.append(siret)
        else:
            out.append((siret, row))
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
    return RemitSplit(
        team=info.name,
        partner=remit.partner,
        remit=remit.label(),
        allowed=tuple(allowed),
        refused=tuple(refused),
    )
