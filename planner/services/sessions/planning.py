"""Job-discovery sessions: read, save (refused on clash errors unless overridden), move."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from planner.db import models
from planner.db.store import CampaignStore
from planner.db.write_lock import take_write_lock
from planner.domain.errors import PlannerError
from planner.domain.recurrence import Recurrence, expand
from planner.domain.session_clashes import Clash, SessionFacts, check_all, check_session
from planner.domain.session_labels import SESSION_KINDS, SESSION_STATUSES
from planner.services.sessions.session_records import (
    SessionRecord,
    VenueInfo,
    _firm_label,
    list_sessions,
    venue_info,
)
from planner.services.shared_campaign.conflicts import (
    Conflict,
    StaleVersion,
    last_change,
    stale_rows_as_conflicts,
)
from planner.services.sirene_import.non_diffusible import firm_label


@dataclass
class SessionDraft:
    """What the editor (or the CLI, or the demo) saves."""

    kind: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    venue_id: int | None = None
    capacity: int | None = None
    status: str = "planned"
    partner_ids: list[int] = field(default_factory=list)
    adviser_ids: list[int] = field(default_factory=list)
    host_sirets: list[str] = field(default_factory=list)
    invitee_sirets: list[str] = field(default_factory=list)
    themes: list[tuple[str, str]] = field(default_factory=list)
    recurrence: Recurrence | None = None
    attendance: int | None = None
    outcome_notes: str | None = None
    jobs_offered: int | None = None
    hires: int | None = None


class ClashError(PlannerError):
    """Saving was refused: the session clashes (errors) and no override was given."""

    def __init__(self, clashes: list[Clash]) -> None:
        self.clashes = clashes
        lines = "\n".join(f"- {c.message}" for c in clashes)
        super().__init__(f"Séance non enregistrée, conflits à lever :\n{lines}")


def alsace_moselle(store: CampaignStore) -> bool:
    """Whether the campaign's bassin has communes in Moselle, Bas-Rhin or Haut-Rhin."""
    with store.session() as session:
        codes = session.scalars(select(models.BassinCommune.code))
        return any(code[:2] in {"57", "67", "68"} for code in codes)


def clashes_label(clashes: list[Clash]) -> str:
    """The « Conflits » tab's title: what it lists, errors and warnings apart.

    « Conflits » when there is none, else « Conflits : 2 erreurs, 3 avertissements »
    (a count of zero is left out).
    """
    errors = sum(c.is_error for c in clashes)
    warnings = len(clashes) - errors
    parts = []
    if errors:
        parts.append(f"{errors} erreur{'s' if errors > 1 else ''}")
    if warnings:
        parts.append(f"{warnings} avertissement{'s' if warnings > 1 else ''}")
    return "Conflits : " + ", ".join(parts) if parts else "Conflits"


def plan_clashes(store: CampaignStore) -> list[Clash]:
    """Every clash (errors and warnings) of the campaign's sessions."""
    facts = [r.facts() for r in list_sessions(store)]
    return check_all(facts, alsace_moselle=alsace_moselle(store))


def _validate(draft: SessionDraft) -> None:
    if draft.kind not in SESSION_KINDS:
        raise PlannerError(f"Type de séance inconnu : {draft.kind}.")
    if draft.status not in SESSION_STATUSES:
        raise PlannerError(f"Statut de séance inconnu : {draft.status}.")
    if not draft.title.strip():
        raise PlannerError("Une séance doit avoir un titre.")


def _draft_facts(
    session: Session, draft: SessionDraft, start: dt.datetime, end: dt.datetime, sid: int | None
) -> SessionFacts:
    venue = session.get(models.Venue, draft.venue_id) if draft.venue_id is not None else None
    advisers = {
        a.id: a.name
        for a in session.scalars(
            select(models.Adviser).where(models.Adviser.id.in_(draft.adviser_ids))
        )
    }
    hosts = {
        e.siret: _firm_label(e)
        for e in session.scalars(
            select(models.Establishment).where(models.Establishment.siret.in_(draft.host_sirets))
        )
    }
    return SessionFacts(
        id=sid,
        title=draft.title,
        starts_at=start,
        ends_at=end,
        venue_id=venue.id if venue else None,
        venue_name=venue.name if venue else "",
        venue_placed=bool(venue and venue.lon is not None),
        venue_non_diffusible=bool(venue and venue.non_diffusible),
        capacity=draft.capacity,
        invitees=len(set(draft.invitee_sirets)),
        advisers=advisers,
        hosts=hosts,
        status=draft.status,
    )


_LONGEST_SESSION = dt.timedelta(days=7)
"""How long a session may last and still be checked against a draft that starts later."""


def check_draft(
    store: CampaignStore, draft: SessionDraft, *, session_id: int | None = None
) -> list[Clash]:
    """The clashes the draft (every occurrence of it) would have once saved."""
    _validate(draft)
    occurrences = expand(draft.starts_at, draft.ends_at, draft.recurrence)
    # Two sessions clash only if they overlap (``check_all`` relies on it too):
    # the others are read from a week before the first occurrence (an event
    # spanning several days) to the last one's end, not the whole plan.
    first = min((s for s, _ in occurrences), default=draft.starts_at)
    last = max((max(s, e) for s, e in occurrences), default=draft.ends_at)
    others = [
        r.facts()
        for r in list_sessions(store, start=first.date() - _LONGEST_SESSION, end=last.date())
        if r.id != session_id
    ]
    am = alsace_moselle(store)
    found: list[Clash] = []
    with store.session() as session:
        for start, end in occurrences:
            facts = _draft_facts(session, draft, start, end, session_id)
            found.extend(check_session(facts, others, alsace_moselle=am))
    return found


def save_session(
    store: CampaignStore,
    draft: SessionDraft,
    *,
    session_id: int | None = None,
    override: str | None = None,
    expected_version: int | None = None,
) -> list[int]:
    """Create (every occurrence of) or update a session; return the ids written.

    Args:
        expected_version: the session's version when the user read it
            (:attr:`SessionRecord.version`); None writes whatever is there.

    Raises:
        ClashError: the session has clash errors and no ``override`` reason was given.
        StaleVersion: someone changed the session since ``expected_version``.
    """
    clashes = check_draft(store, draft, session_id=session_id)
    errors = [c for c in clashes if c.is_error]
    if errors and not (override and override.strip()):
        raise ClashError(errors)
    note = override.strip() if errors and override else None
    occurrences = expand(draft.starts_at, draft.ends_at, draft.recurrence)
    if session_id is not None:
        occurrences = occurrences[:1]  # editing one occurrence never spawns others
    series = str(uuid.uuid4()) if len(occurrences) > 1 else None
    wording = draft.recurrence.describe(draft.starts_at.date()) if draft.recurrence else None
    ids: list[int] = []
    with stale_rows_as_conflicts("discovery_session", draft.title), store.session() as session:
        if session_id is not None:
            take_write_lock(session)  # SQLite: compare and write in one write transaction
        for start, end in occurrences:
            row = session.get(models.DiscoverySession, session_id) if session_id else None
            if row is not None and expected_version not in (None, row.version):
                raise StaleVersion(_conflict(session, row, draft, expected_version))
            if row is None:
                if session_id is not None:
                    raise PlannerError(f"Séance introuvable : {session_id}.")
                row = models.DiscoverySession(series_id=series, recurrence=wording)
                _fill(row, draft, start, end, note)
                session.add(row)
                session.flush()  # a new session: its id for the links
                _write_links(session, row.id, draft)
            else:
                with session.no_autoflush:
                    # The links first, the session's row last: its update (``WHERE
                    # version = <read>``) is the gate that refuses a stale save, links
                    # included, and its row lock is held only until the commit.
                    _write_links(session, row.id, draft)
                    _fill(row, draft, start, end, note)
                    # A save moves the session's version even when only its links
                    # (invitees, partners, advisers, hosts, themes) change.
                    flag_modified(row, "title")
            session.flush()
            ids.append(row.id)
    return ids


def _fill(
    row: models.DiscoverySession,
    draft: SessionDraft,
    start: dt.datetime,
    end: dt.datetime,
    note: str | None,
) -> None:
    """The draft's values on the session's row (one occurrence)."""
    row.kind, row.title, row.status = draft.kind, draft.title.strip(), draft.status
    row.starts_at, row.ends_at = start, end
    row.venue_id, row.capacity = draft.venue_id, draft.capacity
    row.attendance, row.outcome_notes = draft.attendance, draft.outcome_notes
    row.jobs_offered, row.hires = draft.jobs_offered, draft.hires
    row.clash_override = note


def _conflict(
    session: Session, row: models.DiscoverySession, draft: SessionDraft, expected: int | None
) -> Conflict:
    """What another person changed in a session the user is saving."""

    def shown(title: str, start: dt.datetime, end: dt.datetime, status: str) -> dict[str, str]:
        return {
            "Titre": title,
            "Début": f"{start:%d/%m/%Y %H:%M}",
            "Fin": f"{end:%d/%m/%Y %H:%M}",
            "Statut": SESSION_STATUSES.get(status, status),
        }

    login, at = last_change(session, "discovery_session", str(row.id))
    return Conflict(
        table="discovery_session",
        key=str(row.id),
        label=f"Séance « {row.title} »",
        mine=shown(draft.title.strip(), draft.starts_at, draft.ends_at, draft.status),
        theirs=shown(row.title, row.starts_at, row.ends_at, row.status),
        expected_version=expected,
        current_version=row.version,
        login=login,
        at=at,
    )


def _write_links(session: Session, sid: int, draft: SessionDraft) -> None:
    """Bring the session's links to the draft's: only what changed is deleted or added.

    A save that keeps its invitees, partners, advisers, hosts and themes writes
    none of them (and journals none); an invitee kept keeps its status.
    """
    wanted: dict[Any, set[tuple[Any, ...]]] = {
        models.SessionPartner: {(p,) for p in draft.partner_ids},
        models.SessionAdviser: {(a,) for a in draft.adviser_ids},
        models.SessionHost: {(h,) for h in draft.host_sirets},
        models.SessionInvitee: {(i,) for i in draft.invitee_sirets},
        models.SessionTheme: set(draft.themes),
    }
    columns: dict[Any, tuple[str, ...]] = {
        models.SessionPartner: ("partner_id",),
        models.SessionAdviser: ("adviser_id",),
        models.SessionHost: ("siret",),
        models.SessionInvitee: ("siret",),
        models.SessionTheme: ("kind", "code"),
    }
    for table, keys in wanted.items():
        names = columns[table]
        cols = [getattr(table, n) for n in names]
        existing = {
            tuple(row) for row in session.execute(select(*cols).where(table.session_id == sid))
        }
        for gone in existing - keys:
            session.execute(
                delete(table).where(
                    table.session_id == sid, *(c == v for c, v in zip(cols, gone, strict=True))
                )
            )
        new = keys - existing
        if table is models.SessionInvitee:
            order = [(s,) for s in dict.fromkeys(draft.invitee_sirets) if (s,) in new]
        else:
            order = sorted(new, key=str)
        session.add_all(
            table(session_id=sid, **dict(zip(names, key, strict=True))) for key in order
        )


def draft_of(record: SessionRecord, invitee_sirets: list[str]) -> SessionDraft:
    """A draft holding the record's values, to edit or move it."""
    return SessionDraft(
        kind=record.kind,
        title=record.title,
        starts_at=record.starts_at,
        ends_at=record.ends_at,
        venue_id=record.venue.id if record.venue else None,
        capacity=record.capacity,
        status=record.status,
        partner_ids=list(record.partners),
        adviser_ids=list(record.advisers),
        host_sirets=list(record.hosts),
        invitee_sirets=invitee_sirets,
        themes=list(record.themes),
        attendance=record.attendance,
        outcome_notes=record.outcome_notes,
        jobs_offered=record.jobs_offered,
        hires=record.hires,
    )


def invitees_of(store: CampaignStore, session_id: int) -> list[tuple[str, str, str]]:
    """(siret, firm name, invitation status) of a session's invitees."""
    with store.session() as session:
        rows = session.execute(
            select(
                models.SessionInvitee.siret,
                models.Establishment.name,
                models.Establishment.non_diffusible,
                models.SessionInvitee.status,
            )
            .join(models.Establishment, models.Establishment.siret == models.SessionInvitee.siret)
            .where(models.SessionInvitee.session_id == session_id)
            .order_by(models.Establishment.name)
        )
        return [(s, firm_label(n, s, nd), st) for s, n, nd, st in rows.tuples()]


def _moved_draft(
    store: CampaignStore, session_id: int, new_start: dt.datetime
) -> tuple[SessionRecord, SessionDraft]:
    record = next((r for r in list_sessions(store) if r.id == session_id), None)
    if record is None:
        raise PlannerError(f"Séance introuvable : {session_id}.")
    draft = draft_of(record, [s for s, _, _ in invitees_of(store, session_id)])
    duration = record.ends_at - record.starts_at
    draft.starts_at, draft.ends_at = new_start, new_start + duration
    return record, draft


def check_move(store: CampaignStore, session_id: int, new_start: dt.datetime) -> list[Clash]:
    """The clashes the session would have at ``new_start`` (nothing is written)."""
    _, draft = _moved_draft(store, session_id, new_start)
    return check_draft(store, draft, session_id=session_id)


def move_session(
    store: CampaignStore, session_id: int, new_start: dt.datetime, *, override: str | None = None
) -> None:
    """Move a session to ``new_start``, keeping its duration (clash rules apply)."""
    record, draft = _moved_draft(store, session_id, new_start)
    save_session(store, draft, session_id=session_id, override=override or record.clash_override)


def delete_session(store: CampaignStore, session_id: int) -> None:
    """Delete one session."""
    with store.session() as session:
        row = session.get(models.DiscoverySession, session_id)
        if row is not None:
            session.delete(row)


__all__ = [
    "ClashError",
    "SessionDraft",
    "SessionRecord",
    "VenueInfo",
    "alsace_moselle",
    "check_draft",
    "check_move",
    "delete_session",
    "draft_of",
    "invitees_of",
    "list_sessions",
    "move_session",
    "plan_clashes",
    "save_session",
    "venue_info",
]
