"""The cap on solicitations as the « Pression de sollicitation » dialog reads and sets it:
who may change it (the coordination only, on a shared campaign) and the checked values."""

from __future__ import annotations

from dataclasses import dataclass

from planner.db.store import CampaignStore
from planner.domain.errors import PlannerError
from planner.domain.solicitation import SolicitationCap
from planner.services.followup.solicitation.pressure import read_cap, write_cap
from planner.services.shared_campaign.access import current_access


@dataclass(frozen=True, slots=True)
class CapSetting:
    """The campaign's cap, and whether the connected login may change it.

    Attributes:
        why_not: why it cannot be changed (French), or None.
    """

    count: int
    days: int
    editable: bool
    why_not: str | None = None


def load_cap_setting(store: CampaignStore) -> CapSetting:
    """The cap in force and who may change it."""
    with store.session() as session:
        cap = read_cap(session)
    access = current_access(store)
    if access.role == "coordination":
        return CapSetting(cap.count, cap.days, True)
    return CapSetting(
        cap.count,
        cap.days,
        False,
        f"Seule la coordination règle la pression de sollicitation (compte « {access.login} », "
        f"rôle {access.role}).",
    )


def save_cap_setting(store: CampaignStore, count: int, days: int) -> SolicitationCap:
    """Set the cap: at most ``count`` contacts in ``days`` days, all partners together.

    Raises:
        PlannerError: not the coordination, or values out of range (French).
    """
    access = current_access(store)
    if access.role != "coordination":
        raise PlannerError(
            "Seule la coordination règle la pression de sollicitation : "
            f"le compte « {access.login} » ({access.role}) ne le peut pas."
        )
    try:
        cap = SolicitationCap(count, days)
    except ValueError as exc:
        raise PlannerError(str(exc)) from exc
    with store.session() as session:
        write_cap(session, cap)
    return cap
