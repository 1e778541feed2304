"""The demo's contact pressure: two firms marked *ne pas solliciter* (a refusal until a
date, a closed firm), and a few firms called again by another partner, so that they
reach the cap and the call-list export has firms to leave out and report."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import func, insert, select, text

from planner.db import models
from planner.db.store import CampaignStore
from planner.domain import clock
from planner.services.followup.solicitation.blocks import block_firm
from planner.services.followup.solicitation.pressure import read_cap

_OVER_CAP = 6  # firms called again by another partner within the cap's period
_REFUSAL_DAYS = 120  # how long the demo's refusal holds
_BY = "Coordination (démonstration)"


def add_demo_solicitation(store: CampaignStore, *, seed: int, today: dt.date | None = None) -> None:
    """Mark two assigned firms *ne pas solliciter* and call a few contacted firms again.

    Does nothing without a task force (no assignment).
    """
    rng = random.Random(seed + 14)
    today = today or clock.today()
    with store.session() as session:
        assigned = (
            session.execute(
                select(models.Assignment.siret, models.Team.partner_id)
                .join(models.Team, models.Team.id == models.Assignment.team_id)
                .order_by(models.Assignment.siret)
            )
            .tuples()
            .all()
        )
        if not assigned:
            return
        cap = read_cap(session)
        since = today - dt.timedelta(days=cap.days - 1)
        # Firms called once within the period: a second call by another partner
        # takes them to the default cap (2 in 30 days).
        recent = dict(
            session.execute(
                select(models.Contact.siret, func.max(models.Contact.date))
                .where(models.Contact.date >= since, models.Contact.date <= today)
                .group_by(models.Contact.siret)
                .having(func.count() == 1)
                .order_by(models.Contact.siret)
            )
            .tuples()
            .all()
        )
        partner_of = dict(assigned)
        advisers = session.execute(
            select(models.Adviser.id, models.Adviser.name, models.Team.partner_id)
            .join(models.Team, models.Team.id == models.Adviser.team_id)
            .order_by(models.Adviser.id)
        ).all()
        candidates = sorted(s for s in recent if s in partner_of)
        chosen = rng.sample(candidates, min(_OVER_CAP, len(candidates)))
        next_id = int(session.scalar(select(func.max(models.Contact.id))) or 0) + 1
        rows: list[dict[str, object]] = []
        for siret in chosen:
            others = [a for a in advisers if a[2] != partner_of[siret]] or list(advisers)
            if not others:
                continue
            adviser_id, adviser_name, _partner = rng.choice(others)
            day = min(today, recent[siret] + dt.timedelta(days=rng.randint(1, 6)))
            rows.append(
                {
                    "id": next_id,
                    "siret": siret,
                    "date": day,
                    "adviser_id": adviser_id,
                    "adviser_name": adviser_name,
                    "channel": "téléphone",
                    "outcome": "Non joint",
                    "source_file": "démonstration",
                    "source_row": None,
                    "recorded_at": dt.datetime.combine(day, dt.time(18, 0)),
                }
            )
            next_id += 1
        if rows:
            session.execute(insert(models.Contact), rows)
            if session.get_bind().dialect.name == "postgresql":
                session.execute(
                    text("SELECT setval(pg_get_serial_sequence('contact', 'id'), :last)"),
                    {"last": next_id - 1},
                )
        spare = [s for s, _p in assigned if s not in recent]
        if len(spare) < 2:
            return
        refused, closed = rng.sample(spare, 2)
        block_firm(
            session,
            refused,
            "refusal",
            until=today + dt.timedelta(days=_REFUSAL_DAYS),
            note="Ne souhaite plus être appelée avant la rentrée.",
            by=_BY,
            today=today,
        )
        block_firm(session, closed, "closed", by=_BY, today=today)
