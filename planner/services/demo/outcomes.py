"""The demo's outcomes: a few weeks of call-list results already read back."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import func, insert, select, text

from planner.db import models
from planner.db.store import CampaignStore
from planner.domain import clock
from planner.domain.outcomes import OUTCOMES

# How often each outcome comes back from a first call (roughly what task forces see).
_WEIGHTS = (30, 14, 20, 12, 6, 8, 6, 4)
_ROME = ("N1103", "G1603", "K2204", "F1703", "D1106", "H3203", "N4101", "M1607", "J1501")
_CONTACTED_SHARE = 0.3
_WEEKS = 4
# Days after the campaign's start when each team (by id, cycling) began calling:
# the follow-up curves then differ from team to team, as they do in the field.
_LATE_START = (0, 0, 7, 0, 14, 7)


def _days_ago(drawn: int, late_start: int) -> int:
    """Squeeze a day drawn in 1 … 4 weeks ago into the team's active days.

    Only the date moves: the random draws, hence the outcomes, stay the same.
    """
    span = _WEEKS * 7 - late_start
    return 1 + (drawn - 1) * (span - 2) // (_WEEKS * 7 - 2)


def add_demo_outcomes(store: CampaignStore, *, seed: int, today: dt.date | None = None) -> None:
    """Add contacts for about a third of the assigned firms over the last weeks.

    Does nothing if the demo has no assignments yet (no task force).
    """
    rng = random.Random(seed)
    today = today or clock.today()
    with store.session() as session:
        assigned = session.execute(
            select(
                models.Assignment.siret,
                models.Assignment.team_id,
                models.Adviser.id,
                models.Adviser.name,
            )
            .outerjoin(models.Adviser, models.Adviser.id == models.Assignment.adviser_id)
            .order_by(models.Assignment.siret)
        ).all()
        if not assigned:
            return
        next_id = int(session.scalar(select(func.max(models.Contact.id))) or 0) + 1
        contacts: list[dict[str, object]] = []
        needs: list[dict[str, object]] = []
        team_ids = sorted({team_id for _, team_id, _, _ in assigned})
        late = {t: _LATE_START[i % len(_LATE_START)] for i, t in enumerate(team_ids)}
        for siret, team_id, adviser_id, adviser_name in assigned:
            if rng.random() >= _CONTACTED_SHARE:
                continue
            drawn = rng.randrange(1, _WEEKS * 7)
            day = today - dt.timedelta(days=_days_ago(drawn, late[team_id]))
            while day.weekday() >= 5:
                day -= dt.timedelta(days=1)
            outcome = rng.choices(OUTCOMES, weights=_WEIGHTS)[0]
            contacts.append(
                {
                    "id": next_id,
                    "siret": siret,
                    "date": day,
                    "adviser_id": adviser_id,
                    "adviser_name": adviser_name,
                    "channel": "téléphone",
                    "outcome": outcome,
                    "session_interest": rng.choice(("Oui", "Non", "Peut-être"))
                    if outcome in ("Besoin recueilli", "Offre déposée", "Pas de besoin")
                    else None,
                    "source_file": "démonstration",
                    "source_row": None,
                    "recorded_at": dt.datetime.combine(day, dt.time(17, 0)),
                }
            )
            if outcome in ("Besoin recueilli", "Offre déposée"):
                needs.append(
                    {
                        "contact_id": next_id,
                        "rome_code": rng.choice(_ROME),
                        "posts": rng.choices((1, 2, 3, 5), weights=(6, 3, 2, 1))[0],
                        "offer_deposited": outcome == "Offre déposée",
                    }
                )
            next_id += 1
        if contacts:
            session.execute(insert(models.Contact), contacts)
        if needs:
            session.execute(insert(models.ContactNeed), needs)
        if contacts and session.get_bind().dialect.name == "postgresql":
            # The ids above were given explicitly: move the serial past them, or
            # the next contact recorded (an outcome read back) reuses id 1.
            session.execute(
                text("SELECT setval(pg_get_serial_sequence('contact', 'id'), :last)"),
                {"last": next_id - 1},
            )
