"""Contacts by outcome for ``planner info --json``."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from planner.db import models
from planner.db.store import CampaignStore
from planner.domain.outcomes import OUTCOMES, REACHED


@dataclass(frozen=True, slots=True)
class ContactSummary:
    """Contacts by outcome, firms reached, posts (``contacts`` in ``planner info --json``).

    Attributes:
        total: every contact recorded.
        by_outcome: contacts per outcome, the known outcomes first and always present.
        firms_contacted: firms with at least one contact.
        firms_reached: firms with a contact whose outcome means someone was reached.
        posts_collected: job posts noted across contacts.
        offers_deposited: needs for which a job offer was deposited.
    """

    total: int
    by_outcome: dict[str, int]
    firms_contacted: int
    firms_reached: int
    posts_collected: int
    offers_deposited: int


def contact_summary(store: CampaignStore) -> ContactSummary:
    """What this area adds to ``campaign_info``: contacts by outcome, firms reached, posts."""
    with store.session() as session:
        grouped = session.execute(
            select(models.Contact.outcome, func.count()).group_by(models.Contact.outcome)
        )
        by_outcome: dict[str, int] = {str(row[0]): int(row[1]) for row in grouped}
        firms_contacted = session.scalar(select(func.count(func.distinct(models.Contact.siret))))
        firms_reached = session.scalar(
            select(func.count(func.distinct(models.Contact.siret))).where(
                models.Contact.outcome.in_(REACHED)
            )
        )
        posts = session.scalar(select(func.coalesce(func.sum(models.ContactNeed.posts), 0)))
        offers = session.scalar(
            select(func.count()).where(models.ContactNeed.offer_deposited.is_(True))
        )
    ordered = {o: by_outcome.get(o, 0) for o in OUTCOMES}
    ordered.update({o: n for o, n in by_outcome.items() if o not in ordered})
    return ContactSummary(
        total=sum(by_outcome.values()),
        by_outcome=ordered,
        firms_contacted=int(firms_contacted or 0),
        firms_reached=int(firms_reached or 0),
        posts_collected=int(posts or 0),
        offers_deposited=int(offers or 0),
    )
