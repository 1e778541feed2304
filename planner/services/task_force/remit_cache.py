"""Which team may take which firm, kept between manual assignments.

A remit check needs every partner's rules and the firm's sector, band,
commune, craft and creation date. Read afresh for each assignment that is
a third of a second on 15,000 firms, far too slow for a shared campaign
where advisers move firms all day. The eligibility matrix is therefore kept
per open campaign, with a fingerprint of what it was computed from: the
task force's rows (their count and highest version: versions are never
reused, so any insert, update or delete changes it), the last import and
the settings (the NAF reference). One cheap query checks it before each use;
a change made by anyone, from any computer, makes the next check recompute.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl
from sqlalchemy import Engine, text

from planner.db.store import CampaignStore
from planner.domain.errors import PlannerError
from planner.domain.remit import Eligibility, eligibility
from planner.services.task_force.task_force_model import TaskForce, load_task_force

_FINGERPRINT = text(
    "SELECT "
    + ", ".join(
        f"(SELECT count(*) FROM {t}), (SELECT coalesce(max(version), 0) FROM {t})"
        for t in ("partner", "team", "adviser", "remit_rule", "setting")
    )
    + ", (SELECT coalesce(max(id), 0) FROM import_run)"
)


@dataclass(frozen=True, slots=True)
class Remits:
    """The task force's remits applied to the target, as of ``fingerprint``.

    Attributes:
        force: partners' remits and teams.
        index: each target firm's row in ``allowed`` and ``firms``.
        allowed: which partner may take which firm (exclusivity applied).
        firms: the columns remit rules read, with the firm's name and commune
            (to say why a firm is refused).
    """

    fingerprint: tuple[int, ...]
    force: TaskForce
    index: dict[str, int]
    allowed: Eligibility
    firms: pl.DataFrame


# What a remit rule reads of a firm, and what a refusal names.
REMIT_COLUMNS = (
    "siret",
    "name",
    "commune_code",
    "commune_name",
    "naf_code",
    "section",
    "band",
    "band_label",
    "craft",
    "date_creation",
)


_cache: weakref.WeakKeyDictionary[Engine, Remits] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _fingerprint(store: CampaignStore) -> tuple[int, ...]:
    with store.engine.connect() as conn:
        return tuple(int(v) for v in conn.execute(_FINGERPRINT).one())


def current_remits(store: CampaignStore) -> Remits:
    """The remits as they are now: the kept ones if nothing changed since, else read afresh."""
    from planner.services.firms.firm_query import load_firms

    fingerprint = _fingerprint(store)
    with _lock:
        found = _cache.get(store.engine)
    if found is not None and found.fingerprint == fingerprint:
        return found
    force = load_task_force(store)
    firms = load_firms(store)
    made = Remits(
        fingerprint,
        force,
        {s: i for i, s in enumerate(firms["siret"].to_list())},
        eligibility(firms, force.remits),
        firms.select(REMIT_COLUMNS),
    )
    with _lock:
        _cache[store.engine] = made
    return made


def check_remit(store: CampaignStore, sirets: Sequence[str], team_id: int) -> None:
    """Refuse a manual assignment that breaks a remit rule, naming the rule.

    Firms outside the target (not in the firm table) have no remit to break.
    """
    remits = current_remits(store)
    force, elig = remits.force, remits.allowed
    info = next((t for t in force.teams if t.id == team_id), None)
    if info is None:
        raise PlannerError("Équipe introuvable.")
    rows = [remits.index[s] for s in sirets if s in remits.index]
    refused = [i for i in rows if not elig.allowed[i, info.partner_index]]
    if not refused:
        return
    remit = force.remits[info.partner_index]
    claimed = {int(elig.exclusive_of[i]) for i in refused} - {-1}
    if claimed and not (remit.rules and remit.exclusive):
        owner = force.remits[min(claimed)]
        why = f"exclusivité de « {owner.partner} » sur {owner.label()}"
    else:
        why = f"périmètre de « {remit.partner} » : {remit.label()}"
    raise PlannerError(
        f"L'équipe « {info.name} » ne peut pas prendre {len(refused)} de ces "
        f"{len(rows)} entreprises ({why})."
    )
