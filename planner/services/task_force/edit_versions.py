"""Versions in the task force editor: a save never overwrites nor deletes what someone
else changed since the editor was opened.

The drafts carry the version of each partner, team and adviser they were
loaded from; :func:`loaded_versions` notes which rows the editor saw. At
save, :func:`check_versions` refuses (with :class:`StaleVersion`) a row
changed or deleted by someone else, and a row someone else created, which
the save would otherwise delete as missing from the drafts.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from planner.db.models import Adviser, Partner, Team
from planner.services.shared_campaign.conflicts import (
    Conflict,
    StaleVersion,
    format_value,
    last_change,
)

PartnerDrafts = Sequence[Any]
"""``edit.PartnerDraft`` objects (not imported: ``edit`` imports this module)."""

Known = Mapping[tuple[str, int], int]
"""(table, id) → version of each row the editor loaded."""

_MODELS: dict[str, type[Partner] | type[Team] | type[Adviser]] = {
    "partner": Partner,
    "team": Team,
    "adviser": Adviser,
}


def _drafted(
    drafts: PartnerDrafts,
) -> Iterator[tuple[str, int, int | None, dict[str, str]]]:
    """(table, id, version, values as the user typed them) of every saved row in the drafts."""
    for p in drafts:
        if p.id is not None:
            yield "partner", p.id, p.version, {"Nom": p.name.strip()}
        for t in p.teams:
            if t.id is not None:
                yield (
                    "team",
                    t.id,
                    t.version,
                    {
                        "Nom": t.name.strip(),
                        "Capacité": format_value(t.capacity),
                    },
                )
            for a in t.advisers:
                if a.id is not None:
                    yield (
                        "adviser",
                        a.id,
                        a.version,
                        {
                            "Nom": a.name.strip(),
                            "E-mail": format_value(a.email),
                            "Capacité": format_value(a.capacity),
                        },
                    )


def loaded_versions(drafts: PartnerDrafts) -> dict[tuple[str, int], int]:
    """The rows the drafts were loaded from, with their versions (keep it at load)."""
    return {(table, i): v for table, i, v, _ in _drafted(drafts) if v is not None}


def _values(session: Session, table: str, row_id: int) -> dict[str, str]:
    if table == "partner":
        partner = session.get(Partner, row_id)
        return {"Nom": partner.name} if partner else {}
    if table == "team":
        team = session.get(Team, row_id)
        return {"Nom": team.name, "Capacité": format_value(team.capacity)} if team else {}
    adviser = session.get(Adviser, row_id)
    if adviser is None:
        return {}
    return {
        "Nom": adviser.name,
        "E-mail": format_value(adviser.email),
        "Capacité": format_value(adviser.capacity),
    }


_NAMES = {"partner": "Partenaire", "team": "Équipe", "adviser": "Conseiller"}


def _conflict(
    session: Session,
    table: str,
    row_id: int,
    mine: dict[str, str],
    expected: int | None,
    current: int | None,
) -> StaleVersion:
    theirs = _values(session, table, row_id)
    name = theirs.get("Nom") or mine.get("Nom") or f"n° {row_id}"
    login, at = last_change(session, table, str(row_id))
    return StaleVersion(
        Conflict(
            table=table,
            key=str(row_id),
            label=f"{_NAMES[table]} « {name} »",
            mine=mine,
            theirs=theirs,
            expected_version=expected,
            current_version=current,
            login=login,
            at=at,
        )
    )


def check_versions(session: Session, drafts: PartnerDrafts, known: Known | None) -> None:
    """Refuse the save when a row it writes or deletes changed since the editor loaded it.

    Raises:
        StaleVersion: the first such row, with the other person's values.
    """
    current: dict[tuple[str, int], int] = {}
    for table, model in _MODELS.items():
        for row_id, version in session.execute(select(model.id, model.version)):
            current[(table, int(row_id))] = int(version)
    drafted = set()
    for table, row_id, version, mine in _drafted(drafts):
        drafted.add((table, row_id))
        now = current.get((table, row_id))
        if version is not None and now != version:
            raise _conflict(session, table, row_id, mine, version, now)
    if known is None:
        return
    for key, now in sorted(current.items()):
        if key in drafted:
            continue
        if key not in known or known[key] != now:
            # Created, or changed, by someone else: the save would delete it unseen.
            raise _conflict(session, key[0], key[1], {"Nom": "(supprimé)"}, known.get(key), now)
