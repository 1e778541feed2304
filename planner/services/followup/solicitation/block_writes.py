"""Setting and lifting a firm's *ne pas solliciter* mark from the firm card, in one
transaction each, under the connected login's name.

Coordination sets and lifts any mark; on a shared campaign a partner's or adviser's
login may set (or renew) the mark of the firms it sees (row-level security), but only
coordination lifts one.
"""

from __future__ import annotations

import datetime as dt

from planner.db.store import CampaignStore
from planner.domain.errors import InputError, PlannerError
from planner.domain.typed_dates import parse_typed_date
from planner.services.followup.solicitation.blocks import (
    BlockError,
    FirmBlockView,
    block_firm,
    lift_block,
)
from planner.services.shared_campaign.access import current_access


def _login(store: CampaignStore) -> tuple[str | None, bool]:
    try:
        access = current_access(store)
    except PlannerError:
        return None, False
    return access.login, access.coordination


def may_lift(store: CampaignStore) -> bool:
    """Whether the connected login may lift a mark (coordination only)."""
    return _login(store)[1]


def set_firm_block(
    store: CampaignStore,
    siret: str,
    reason: str,
    *,
    until: dt.date | str | None = None,
    note: str | None = None,
    today: dt.date | None = None,
) -> FirmBlockView:
    """Mark ``siret`` *ne pas solliciter* (or replace its mark), signed by the login.

    Args:
        reason: a code of ``BLOCK_REASONS``.
        until: the last day it holds (a date or « jj/mm/aaaa »); None or blank: until lifted.
        note: a free note (required with the reason « Autre »).

    Raises:
        BlockError, InputError: a bad reason, date or note, in French.
    """
    day: dt.date | None
    if isinstance(until, str):
        try:
            day = parse_typed_date(until.strip() or None)
        except ValueError as exc:
            raise InputError(f"date de fin : {exc}") from None
    else:
        day = until
    cleaned = " ".join((note or "").split()) or None
    if reason == "other" and cleaned is None:
        raise BlockError("Le motif « Autre » demande une note qui dit pourquoi.")
    login, _ = _login(store)
    with store.session() as session:
        return block_firm(
            session, siret, reason, until=day, note=cleaned, by=login, source="manual", today=today
        )


def lift_firm_block(store: CampaignStore, siret: str) -> bool:
    """Lift ``siret``'s mark; False when it had none.

    Raises:
        BlockError: the login is not coordination's.
    """
    if not may_lift(store):
        raise BlockError("Seule la coordination peut lever « ne pas solliciter ».")
    with store.session() as session:
        return lift_block(session, siret)
