"""The demo's services: what the demo's contacts proposed, agreed and realised, so that a
few firms become *accompagnées* each week (offers, POEI, PMSMP…, some proposed or refused)."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import insert, select

from planner.db import models
from planner.db.store import CampaignStore
from planner.domain import clock

# What a reached contact leads to, by outcome: (catalogue codes, chance of a service).
# Most calls end with no service recorded yet: the demo's ~1,200 contacts a week give
# a handful to a few dozen firms *accompagnées* each week, as in the field.
_BY_OUTCOME: dict[str, tuple[tuple[str, ...], float]] = {
    "Offre déposée": (("OFFRE",), 0.15),
    "Besoin recueilli": (("POEI", "PMSMP", "AFPR", "MRS", "ALTERNANCE", "PRESENTATION"), 0.2),
    "Pas de besoin": (("CONSEIL_RH", "AIDE_EMBAUCHE", "PMSMP"), 0.06),
}
_STATUSES = ("proposed", "accepted", "done", "refused")
_STATUS_WEIGHTS = (4, 2, 4, 1)


def add_demo_services(store: CampaignStore, *, seed: int, today: dt.date | None = None) -> None:
    """Record services with the demo's reached contacts (deterministic for ``seed``).

    Does nothing without contacts or without the seeded catalogue.
    """
    rng = random.Random(seed * 31 + 14)
    today = today or clock.today()
    with store.session() as session:
        offers = dict(
            session.execute(select(models.ServiceOffer.code, models.ServiceOffer.id)).tuples().all()
        )
        labels = dict(
            session.execute(select(models.ServiceOffer.code, models.ServiceOffer.quantity_label))
            .tuples()
            .all()
        )
        contacts = session.execute(
            select(
                models.Contact.id, models.Contact.siret, models.Contact.date, models.Contact.outcome
            )
            .where(models.Contact.outcome.in_(_BY_OUTCOME))
            .order_by(models.Contact.id)
        ).all()
        posts = dict(
            session.execute(
                select(models.ContactNeed.contact_id, models.ContactNeed.posts).where(
                    models.ContactNeed.posts.is_not(None)
                )
            )
            .tuples()
            .all()
        )
        rows: list[dict[str, object]] = []
        for contact_id, siret, day, outcome in contacts:
            codes, chance = _BY_OUTCOME[outcome]
            if rng.random() >= chance:
                continue
            code = rng.choice(codes)
            if code not in offers:
                continue
            status = "done" if code == "OFFRE" else rng.choices(_STATUSES, _STATUS_WEIGHTS)[0]
            later = min(day + dt.timedelta(days=rng.randrange(0, 8)), today)
            quantity = None
            if labels.get(code):
                quantity = posts.get(contact_id) or rng.choices((1, 2, 3, 4), (5, 3, 2, 1))[0]
            rows.append(
                {
                    "contact_id": contact_id,
                    "siret": siret,
                    "offer_id": offers[code],
                    "status": status,
                    "date": later if status == "done" else day,
                    "quantity": quantity,
                    "comment": None,
                }
            )
        if rows:
            session.execute(insert(models.ContactService), rows)
