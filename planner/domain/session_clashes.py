"""Clash rules between job-discovery sessions (errors block saving, warnings inform)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

ALSACE_MOSELLE = frozenset({"57", "67", "68"})


@dataclass(frozen=True)
class SessionFacts:
    """What the clash rules need to know of a session."""

    id: int | None
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    venue_id: int | None = None
    venue_name: str = ""
    venue_placed: bool = True
    venue_non_diffusible: bool = False
    capacity: int | None = None
    invitees: int = 0
    advisers: dict[int, str] = field(default_factory=dict)
    hosts: dict[str, str] = field(default_factory=dict)
    status: str = "planned"


@dataclass(frozen=True)
class Clash:
    """One problem found on a session; ``other_id`` is the session it clashes with."""

    severity: str  # error | warning
    rule: str
    session_id: int | None
    message: str
    other_id: int | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


@lru_cache(maxsize=64)
def _holidays(year: int, alsace_moselle: bool) -> dict[dt.date, str]:
    import holidays  # kept off the app's start-up (its calendars take a while)

    calendar = holidays.country_holidays(
        "FR", years=year, subdiv="57" if alsace_moselle else None, language="fr"
    )
    return dict(calendar.items())


def is_alsace_moselle(departements: Iterable[str]) -> bool:
    """Whether the bassin lies (partly) in Moselle, Bas-Rhin or Haut-Rhin."""
    return any(code in ALSACE_MOSELLE for code in departements)


def holiday_name(day: dt.date, *, alsace_moselle: bool = False) -> str | None:
    """The French public holiday on that day, if any."""
    return _holidays(day.year, alsace_moselle).get(day)


def _overlap(a: SessionFacts, b: SessionFacts) -> bool:
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


def _fmt(moment: dt.datetime) -> str:
    return moment.strftime("%d/%m/%Y %H:%M")


def own_problems(facts: SessionFacts, *, alsace_moselle: bool = False) -> list[Clash]:
    """The rules about the session alone: times, capacity, holidays, weekend, venue."""
    found: list[Clash] = []

    def add(severity: str, rule: str, message: str) -> None:
        found.append(Clash(severity, rule, facts.id, message))

    if facts.ends_at <= facts.starts_at:
        add("error", "end_before_start", f"« {facts.title} » finit avant de commencer.")
    if facts.capacity is not None and facts.capacity < 0:
        add("error", "negative_capacity", f"« {facts.title} » a une capacité négative.")
    day = facts.starts_at.date()
    name = holiday_name(day, alsace_moselle=alsace_moselle)
    if name:
        add(
            "warning", "holiday", f"« {facts.title} » tombe un jour férié ({name}, {day:%d/%m/%Y})."
        )
    if day.weekday() >= 5:
        add("warning", "weekend", f"« {facts.title} » a lieu un week-end ({day:%d/%m/%Y}).")
    if facts.capacity is not None and facts.capacity >= 0 and facts.invitees > facts.capacity:
        add(
            "warning",
            "over_capacity",
            f"« {facts.title} » : {facts.invitees} invités pour {facts.capacity} places.",
        )
    if facts.venue_id is not None and facts.venue_non_diffusible:
        add(
            "warning",
            "venue_non_diffusible",
            f"« {facts.title} » : le lieu vient d'un établissement devenu non diffusible ; "
            "choisissez un autre lieu.",
        )
    elif facts.venue_id is not None and not facts.venue_placed:
        add(
            "warning",
            "venue_unplaced",
            f"Le lieu « {facts.venue_name} » n'est pas placé sur la carte.",
        )
    return found


def pair_problems(a: SessionFacts, b: SessionFacts) -> list[Clash]:
    """Clashes of ``a`` with ``b``: same venue, adviser or host firm at overlapping times."""
    if a.status == "cancelled" or b.status == "cancelled" or not _overlap(a, b):
        return []
    found: list[Clash] = []
    when = f"{_fmt(b.starts_at)}"
    if a.venue_id is not None and a.venue_id == b.venue_id:
        found.append(
            Clash(
                "error",
                "same_venue",
                a.id,
                f"« {a.title} » et « {b.title} » occupent le lieu « {a.venue_name} » "
                f"en même temps ({when}).",
                b.id,
            )
        )
    for adviser_id in sorted(a.advisers.keys() & b.advisers.keys()):
        found.append(
            Clash(
                "error",
                "same_adviser",
                a.id,
                f"{a.advisers[adviser_id]} est attendu(e) à « {a.title} » et à « {b.title} » "
                f"en même temps ({when}).",
                b.id,
            )
        )
    for siret in sorted(a.hosts.keys() & b.hosts.keys()):
        found.append(
            Clash(
                "error",
                "same_host",
                a.id,
                f"L'entreprise {a.hosts[siret]} accueille « {a.title} » et « {b.title} » "
                f"en même temps ({when}).",
                b.id,
            )
        )
    return found


def check_session(
    facts: SessionFacts, others: Sequence[SessionFacts], *, alsace_moselle: bool = False
) -> list[Clash]:
    """Every problem of one session against the others (itself excluded by id)."""
    found = own_problems(facts, alsace_moselle=alsace_moselle)
    for other in others:
        if facts.id is not None and other.id == facts.id:
            continue
        found.extend(pair_problems(facts, other))
    return found


def check_all(sessions: Sequence[SessionFacts], *, alsace_moselle: bool = False) -> list[Clash]:
    """Every problem of a whole plan; a pair clash is reported once (on the earlier id)."""
    found: list[Clash] = []
    ordered = sorted(sessions, key=lambda s: s.starts_at)
    for facts in ordered:
        found.extend(own_problems(facts, alsace_moselle=alsace_moselle))
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b.starts_at >= max(a.ends_at, a.starts_at):
                break  # sorted by start: no later session overlaps ``a``
            found.extend(pair_problems(a, b))
    return found
