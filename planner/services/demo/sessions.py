"""The demo's job-discovery sessions: two held ones in the last weeks (their host firms
and the invitees who came are *accompagnées*), two months ahead, one deliberate clash
and a Saturday forum (a warning)."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select

from planner.db import models
from planner.db.store import CampaignStore
from planner.domain import clock
from planner.domain.recurrence import Recurrence
from planner.domain.session_clashes import holiday_name
from planner.geo.reference import CommuneReference
from planner.services.sessions.outcome import record_outcome
from planner.services.sessions.planning import SessionDraft, save_session
from planner.services.sessions.venues import (
    venue_from_firm,
    venue_from_partner,
    venue_from_town_hall,
)

# (kind, title, NAF divisions, ROME codes, capacity, start hour, duration in hours);
# the n-th theme takes place on _WEEKDAYS[n], so that no two themes overlap.
_THEMES: list[tuple[str, str, list[str], list[str], int, int, int]] = [
    (
        "discovery",
        "Découvrir les métiers de la logistique",
        ["49", "52"],
        ["N1103", "N4101"],
        20,
        9,
        3,
    ),
    (
        "job_dating",
        "Job dating commerce et grande distribution",
        ["47"],
        ["D1507", "D1106"],
        40,
        14,
        3,
    ),
    (
        "company_visit",
        "Visite d'un chantier du Grand Paris Express",
        ["41", "42", "43"],
        ["F1703"],
        12,
        10,
        2,
    ),
    (
        "information",
        "Réunion d'information : les métiers du soin et de l'aide à la personne",
        ["86", "87", "88"],
        ["J1501", "K1302"],
        30,
        14,
        2,
    ),
    (
        "discovery",
        "Découvrir les métiers de l'hôtellerie-restauration",
        ["55", "56"],
        ["G1602", "G1803"],
        16,
        9,
        3,
    ),
    ("job_dating", "Job dating propreté et sécurité", ["80", "81"], ["K2204", "K2503"], 35, 9, 3),
    (
        "company_visit",
        "Visite d'un site industriel agroalimentaire",
        ["10", "11"],
        ["H2102"],
        10,
        14,
        2,
    ),
]

_WEEKDAYS = [0, 1, 3, 2, 1, 4, 4]
_TOWN_HALLS = ["93066", "93001", "93070", "93027", "93031", "93072", "93059", "93079", "93039"]


def _first_monday(store: CampaignStore) -> dt.date:
    with store.session() as session:
        created = session.scalars(select(models.Campaign.created_at)).one()
    day = created.date() + dt.timedelta(days=14)
    return day - dt.timedelta(days=day.weekday())


def _firms_of(store: CampaignStore, divisions: list[str]) -> list[str]:
    E = models.Establishment  # noqa: N806
    with store.session() as session:
        return [
            s
            for s, naf in session.execute(
                select(E.siret, E.naf_code)
                .where(E.in_target.is_(True), E.lon.is_not(None), E.etat == "A")
                .order_by(E.siret)
            ).tuples()
            if naf and naf[:2] in divisions
        ]


def add_demo_sessions(store: CampaignStore, *, seed: int) -> None:
    """Add this part of the demo to a freshly imported demo campaign."""
    rng = random.Random(seed * 7 + 6)
    reference = CommuneReference.load()
    with store.session() as session:
        partners = list(session.execute(select(models.Partner.id, models.Partner.lon)).tuples())
        advisers = list(session.scalars(select(models.Adviser.id).order_by(models.Adviser.id)))
    town_halls = [venue_from_town_hall(store, reference, c) for c in _TOWN_HALLS if c in reference]
    offices = [venue_from_partner(store, pid) for pid, lon in partners if lon is not None][:4]
    monday = _first_monday(store)
    partner_ids = [pid for pid, _ in partners]
    slot = 0
    for index, (kind, title, divisions, romes, capacity, hour, hours) in enumerate(_THEMES):
        firms = _firms_of(store, divisions)
        hosts = rng.sample(firms, min(len(firms), 3 if kind != "information" else 0))
        venue: int | None = None
        if kind == "company_visit" and hosts:
            venue = venue_from_firm(store, hosts[0])
        else:
            pool = town_halls + offices
            venue = pool[index % len(pool)] if pool else None
        invitees = rng.sample(firms, min(len(firms), capacity - 4))  # within its places
        weekday = _WEEKDAYS[index]
        weeks = [w + index % 2 for w in (0, 2, 4, 6)] if index else [0]
        recurrence = Recurrence(6) if index == 0 else None
        for week in weeks:
            day = monday + dt.timedelta(weeks=week, days=weekday)
            while holiday_name(day) or day.weekday() >= 5:
                day += dt.timedelta(days=1)  # nobody plans a session on a public holiday
            start = dt.datetime.combine(day, dt.time(hour, 30 if index % 2 else 0))
            draft = SessionDraft(
                kind=kind,
                title=title,
                starts_at=start,
                ends_at=start + dt.timedelta(hours=hours),
                venue_id=venue,
                capacity=capacity,
                status="confirmed" if week < 2 else "planned",
                partner_ids=rng.sample(partner_ids, min(len(partner_ids), 2)),
                adviser_ids=[advisers[slot % len(advisers)]] if advisers else [],
                host_sirets=hosts,
                invitee_sirets=invitees,
                themes=[("naf", d) for d in divisions] + [("rome", r) for r in romes],
                recurrence=recurrence,
            )
            slot += 1
            save_session(store, draft, override="Démo")
    _deliberate_clash(store, monday, town_halls, advisers)
    _held_sessions(store, rng, town_halls, partner_ids, advisers)


# (theme of _THEMES, days before today, people who came, job offers, hires, comment)
_HELD: list[tuple[int, int, int, int, int, str]] = [
    (0, 17, 14, 6, 2, "Bonne dynamique : deux recrutements en CDD à l'entrepôt."),
    (1, 10, 31, 18, 5, "Forte affluence ; cinq embauches annoncées à la suite."),
]


def _held_sessions(
    store: CampaignStore,
    rng: random.Random,
    town_halls: list[int],
    partner_ids: list[int],
    advisers: list[int],
) -> None:
    """Two sessions already held (« Tenue »): their hosts and the invitees who came
    count as firms *accompagnées* on the session's day."""
    today = clock.today()
    for theme, days_ago, attendance, jobs, hires, notes in _HELD:
        kind, title, divisions, romes, capacity, hour, hours = _THEMES[theme]
        day = today - dt.timedelta(days=days_ago)
        while holiday_name(day) or day.weekday() >= 5:
            day -= dt.timedelta(days=1)
        firms = _firms_of(store, divisions)
        chosen = rng.sample(firms, min(len(firms), capacity - 2))
        hosts, invitees = chosen[:2], chosen[2:]
        start = dt.datetime.combine(day, dt.time(hour, 0))
        draft = SessionDraft(
            kind=kind,
            title=title,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=hours),
            venue_id=town_halls[(theme + 1) % len(town_halls)] if town_halls else None,
            capacity=capacity,
            status="held",
            partner_ids=rng.sample(partner_ids, min(len(partner_ids), 2)),
            adviser_ids=advisers[theme : theme + 1],
            host_sirets=hosts,
            invitee_sirets=invitees,
            themes=[("naf", d) for d in divisions] + [("rome", r) for r in romes],
            attendance=attendance,
            outcome_notes=notes,
            jobs_offered=jobs,
            hires=hires,
        )
        (session_id,) = save_session(store, draft, override="Démo")
        came = {s: "attended" if rng.random() < 0.6 else "absent" for s in invitees}
        record_outcome(
            store,
            session_id,
            attendance=attendance,
            jobs_offered=jobs,
            hires=hires,
            notes=notes,
            invitee_statuses=came,
        )


def _deliberate_clash(
    store: CampaignStore, monday: dt.date, town_halls: list[int], advisers: list[int]
) -> None:
    """A session booked at the same venue and time as the first logistics session."""
    day = monday + dt.timedelta(weeks=1, days=0)
    start = dt.datetime.combine(day, dt.time(10, 0))
    draft = SessionDraft(
        kind="information",
        title="Présentation de la Garantie jeunes aux employeurs",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        venue_id=town_halls[0] if town_halls else None,
        capacity=25,
        adviser_ids=advisers[:1],
        themes=[("rome", "K1801")],
    )
    save_session(store, draft, override="Démo : conflit volontaire, à régler par le coordinateur")
    # A forum held on a Saturday, as some are: a warning the coordinator can leave.
    saturday = monday + dt.timedelta(weeks=3, days=5)
    forum = dt.datetime.combine(saturday, dt.time(10, 0))
    save_session(
        store,
        SessionDraft(
            kind="information",
            title="Forum de l'emploi de Plaine Commune (samedi)",
            starts_at=forum,
            ends_at=forum + dt.timedelta(hours=5),
            venue_id=town_halls[1] if len(town_halls) > 1 else None,
            capacity=200,
            adviser_ids=advisers[1:2],
            themes=[("rome", "M1607")],
        ),
    )
