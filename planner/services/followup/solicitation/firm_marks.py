"""*Ne pas solliciter* from the command line and the firm card: mark a firm with a typed
reason, or lift its mark, in one transaction, as the connected login."""

from __future__ import annotations

import datetime as dt

from planner.db.store import CampaignStore
from planner.domain.errors import PlannerError
from planner.services.followup.solicitation.blocks import (
    FirmBlockView,
    block_firm,
    lift_block,
    parse_reason,
)
from planner.services.shared_campaign.access import current_access
from planner.services.shared_campaign.conflicts import is_unique_violation, retry_transient
from planner.services.shared_campaign.firm_edits import clean_siret


def mark_firm(
    store: CampaignStore,
    siret: str,
    reason: str,
    *,
    until: dt.date | None = None,
    today: dt.date | None = None,
) -> FirmBlockView:
    """Mark ``siret`` *ne pas solliciter* for ``reason`` (« refus », « entreprise fermée »,
    or any text, kept as « Autre » with the text as note), until ``until`` if given.

    Raises:
        PlannerError: a bad SIRET, a firm not in the campaign (or not visible to the
            login), an empty reason, an end date already past.
    """
    siret = clean_siret(siret)
    code, note = parse_reason(reason)
    login = current_access(store).login

    def write() -> FirmBlockView:
        with store.session() as session:
            return block_firm(
                session, siret, code, until=until, note=note, by=login[:200], today=today
            )

    try:
        return retry_transient(write)
    except PlannerError:
        raise
    except Exception as exc:
        if is_unique_violation(exc):
            raise PlannerError(
                f"L'établissement {siret} vient d'être marqué par quelqu'un d'autre : "
                "rien n'a été modifié, relisez sa fiche puis recommencez."
            ) from exc
        raise


def unmark_firm(store: CampaignStore, siret: str) -> bool:
    """Lift ``siret``'s mark; False when it had none."""
    siret = clean_siret(siret)

    def write() -> bool:
        with store.session() as session:
            return lift_block(session, siret)

    return retry_transient(write)
