"""The weekly target of firms *accompagnées* that the coordinator sets for the campaign.

Stored in the ``setting`` row ``accompanied_target`` as ``{"weekly": N}``. On a
shared campaign only coordination writes settings (row-level security): a
partner's or adviser's login is told so in French before anything is sent.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from planner.db import models
from planner.db.store import CampaignStore
from planner.domain.errors import InputError, PlannerError
from planner.domain.french_numbers import integer

TARGET_KEY = "accompanied_target"
MAX_WEEKLY_TARGET = 100_000


def read_target(session: Session) -> int | None:
    """The weekly target, or None while none is set (or the stored value is unusable)."""
    setting = session.get(models.Setting, TARGET_KEY)
    if setting is None or not isinstance(setting.value, dict):
        return None
    value = setting.value.get("weekly")
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def save_target(store: CampaignStore, weekly: int | None) -> None:
    """Set the weekly target (None or 0 removes it).

    Raises:
        InputError: a negative or implausible target.
        PlannerError: the login is not the coordination's (shared campaign).
    """
    from planner.services.shared_campaign.access import current_access

    if weekly is not None and not 0 <= weekly <= MAX_WEEKLY_TARGET:
        raise InputError(
            f"objectif hebdomadaire invraisemblable : {weekly} "
            f"(attendu : entre 0 et {integer(MAX_WEEKLY_TARGET)})"
        )
    if not current_access(store).coordination:
        raise PlannerError(
            "Seule la coordination fixe l'objectif hebdomadaire d'entreprises accompagnées."
        )
    with store.session() as session:
        write_target(session, weekly)


def write_target(session: Session, weekly: int | None) -> None:
    """Store the weekly target in ``session`` (None or 0 removes it; the caller commits)."""
    setting = session.get(models.Setting, TARGET_KEY)
    if not weekly:
        if setting is not None:
            session.delete(setting)
        return
    value = {"weekly": weekly}
    if setting is None:
        session.add(models.Setting(key=TARGET_KEY, value=value))
    else:
        setting.value = value
