"""One firm read and changed on its own: what the command line and the load benchmark use.

``show_firm`` gives a firm's team, adviser, lock, assignment version and last
contacts; ``assign_firm`` changes its assignment only if its version is still
the one given (``if_version``), else raises :class:`StaleVersion`;
``add_contact`` records a call outcome. Each write is one transaction,
retried on PostgreSQL serialization failures and deadlocks.
"""

from __future__ import annotations

import datetime as dt
import time
import weakref
from dataclasses import asdict, dataclass

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from planner.db.journey_models import PortfolioClaim
from planner.db.models import (
    Adviser,
    Assignment,
    BassinCommune,
    Contact,
    Establishment,
    Partner,
    Team,
)
from planner.db.store import CampaignStore
from planner.domain import clock
from planner.domain.errors import PlannerError
from planner.domain.json_types import JsonObject
from planner.domain.outcomes import OUTCOMES, implausible_call_date, normalize_outcome
from planner.services.shared_campaign.access import Access, current_access
from planner.services.shared_campaign.conflicts import is_unique_violation, retry_transient
from planner.services.task_force.assignment_writes import Held, run_write, write_states
from planner.services.task_force.partner_portfolios.claim_states import (
    ASSIGNED,
    PORTFOLIO_SOURCE,
    SETTLED,
)
from planner.services.task_force.remit_cache import check_remit

_ACCESS_SECONDS = 30.0
"""How long a login's role is reused between contacts (row-level security still
decides every write; a revoked login is refused by the database at once)."""

_accesses: weakref.WeakKeyDictionary[Engine, tuple[float, Access]] = weakref.WeakKeyDictionary()


def _recent_access(store: CampaignStore) -> Access:
    """The login's role, read at most every ``_ACCESS_SECONDS`` (two queries a call)."""
    now = time.monotonic()
    found = _accesses.get(store.engine)
    if found is not None and now - found[0] < _ACCESS_SECONDS:
        return found[1]
    access = current_access(store)
    _accesses[store.engine] = (now, access)
    return access


MAX_NOTE = 4000
"""The longest note a contact may carry (the call lists' cells hold them too)."""

LAST_CONTACTS = 5
"""How many contacts ``show_firm`` gives, the latest first."""

UNSET = -1
"""``if_version`` when the caller names no version (write whatever is there)."""


@dataclass(frozen=True, slots=True)
class ContactLine:
    """One contact with the firm: when, what came of it, who, and the note."""

    id: int
    date: dt.date
    outcome: str
    adviser: str | None
    note: str | None


@dataclass(frozen=True, slots=True)
class FirmState:
    """A firm, its assignment and its last contacts.

    Attributes:
        version: the assignment's version (None when the firm has no team):
            what ``assign_firm(..., if_version=…)`` names.
    """

    siret: str
    name: str
    commune: str | None
    team: str | None
    partner: str | None
    adviser: str | None
    adviser_email: str | None
    locked: bool
    version: int | None
    contacts: tuple[ContactLine, ...] = ()

    def to_json(self) -> JsonObject:
        """The state as ``planner firm show --json`` prints it (dates jj/mm/aaaa)."""
        data = asdict(self)
        data["contacts"] = [{**asdict(c), "date": f"{c.date:%d/%m/%Y}"} for c in self.contacts]
        return data


def clean_siret(siret: str) -> str:
    """The SIRET without spaces; a French error when it is not 14 digits."""
    value = "".join(siret.split())
    if len(value) != 14 or not value.isdigit():
        raise PlannerError(f"SIRET invalide « {siret} » : 14 chiffres attendus.")
    return value


def _missing(siret: str) -> PlannerError:
    return PlannerError(f"Aucun établissement de SIRET {siret} dans cette campagne.")


def _require_establishment(session: Session, siret: str) -> None:
    """Refuse an unknown firm (one indexed read: the row itself is not loaded)."""
    if session.scalar(select(Establishment.siret).where(Establishment.siret == siret)) is None:
        raise _missing(siret)


def _state(session: Session, siret: str) -> FirmState:
    # One statement for the firm, its commune and its assignment (a shared campaign
    # answers many of these a minute: each round trip counts), one for its contacts.
    row = session.execute(
        select(
            Establishment.name, Establishment.libelle_commune, BassinCommune.name,
            Team.name, Partner.name, Adviser.name, Adviser.email, Assignment.locked,
            Assignment.version,
        )
        .select_from(Establishment)
        .outerjoin(BassinCommune, BassinCommune.code == Establishment.commune_code)
        .outerjoin(Assignment, Assignment.siret == Establishment.siret)
        .outerjoin(Team, Team.id == Assignment.team_id)
        .outerjoin(Partner, Partner.id == Team.partner_id)
        .outerjoin(Adviser, Adviser.id == Assignment.adviser_id)
        .where(Establishment.siret == siret)
    ).first()  # fmt: skip
    if row is None:
        raise _missing(siret)
    name, libelle_commune, commune, team, partner, adviser, email, locked, version = row
    contacts = tuple(
        ContactLine(c.id, c.date, c.outcome, c.adviser_name, c.comment)
        for c in session.scalars(
            select(Contact)
            .where(Contact.siret == siret)
            .order_by(Contact.date.desc(), Contact.id.desc())
            .limit(LAST_CONTACTS)
        )
    )
    return FirmState(
        siret=siret,
        name=name,
        commune=commune or libelle_commune,
        team=team,
        partner=partner,
        adviser=adviser,
        adviser_email=email,
        locked=bool(locked),
        version=int(version) if version is not None else None,
        contacts=contacts,
    )


def show_firm(store: CampaignStore, siret: str) -> FirmState:
    """A firm's assignment (with its version) and its last contacts."""
    siret = clean_siret(siret)
    with store.session() as session:
        return _state(session, siret)


def _team_id(session: Session, team_name: str) -> int:
    teams = session.execute(select(Team.id, Team.name).order_by(Team.name)).all()
    wanted = " ".join(team_name.split()).casefold()
    for team_id, name in teams:
        if " ".join(name.split()).casefold() == wanted:
            return int(team_id)
    known = ", ".join(f"« {n} »" for _, n in teams[:20]) or "aucune"
    raise PlannerError(f"Équipe inconnue « {team_name} ». Équipes de la campagne : {known}.")


def _locked_elsewhere(session: Session, siret: str, now: Assignment) -> str:
    """Why a locked firm is not moved, and how to move it anyway (French)."""
    team = session.scalar(select(Team.name).where(Team.id == now.team_id)) or "?"
    why = "verrouillée à la main"
    if now.source == PORTFOLIO_SOURCE:
        partner = session.scalar(
            select(Partner.name)
            .join(PortfolioClaim, PortfolioClaim.partner_id == Partner.id)
            .where(PortfolioClaim.siret == siret)
            .where(PortfolioClaim.state.in_((ASSIGNED, SETTLED)))
        )
        if partner:
            why = f"verrouillée (portefeuille de {partner})"
    return (
        f"L'attribution de l'établissement {siret} à l'équipe « {team} » est {why} : "
        "rien n'a été modifié. Pour le déplacer quand même, ajoutez --lock (il reste "
        "verrouillé) ou --unlock (il est déverrouillé)."
    )


def _adviser(session: Session, email: str) -> Adviser:
    adviser = session.scalars(
        select(Adviser).where(func.lower(Adviser.email) == email.strip().lower())
    ).first()
    if adviser is None:
        raise PlannerError(f"Aucun conseiller d'adresse e-mail « {email} » dans cette campagne.")
    return adviser


def assign_firm(
    store: CampaignStore,
    siret: str,
    team_name: str,
    adviser_email: str | None = None,
    lock: bool | None = None,
    if_version: int | None = UNSET,
) -> FirmState:
    """Give a firm to a team (and a named adviser of that team); return its new state.

    What the caller does not name is kept: the adviser when the team stays
    the same (a new team has none until named), the lock when ``lock`` is None.
    A firm locked in another team (by a partner's portfolio or by hand) moves
    only when the caller says what becomes of the lock (``lock`` True or False).

    Args:
        if_version: the assignment's version the caller read (None: the firm
            had no team then); left out, the write does not check it.

    Raises:
        StaleVersion: the firm's assignment is no longer at ``if_version``.
        PlannerError: unknown firm, team or adviser, a remit rule forbids it, or
            the firm is locked in another team and ``lock`` is None.
    """
    siret = clean_siret(siret)
    with store.session() as session:
        _require_establishment(session, siret)
        team_id = _team_id(session, team_name)
        now = session.get(Assignment, siret)
        if (
            lock is None
            and now is not None
            and now.locked
            and now.team_id != team_id
            and if_version in (UNSET, now.version)  # else: the stale version is said
        ):
            raise PlannerError(_locked_elsewhere(session, siret, now))
        adviser_id = now.adviser_id if now is not None and now.team_id == team_id else None
        if lock is None:
            lock = bool(now is not None and now.locked)
        if adviser_email:
            adviser = _adviser(session, adviser_email)
            if adviser.team_id != team_id:
                raise PlannerError(
                    f"Le conseiller {adviser.name} ({adviser_email}) n'est pas dans l'équipe "
                    f"« {team_name} »."
                )
            adviser_id = adviser.id
    check_remit(store, [siret], team_id)
    target: dict[str, Held | None] = {siret: Held(team_id, adviser_id, lock)}
    expected = None if if_version == UNSET else {siret: if_version}

    def work(session: Session) -> FirmState:
        write_states(session, target, expected)
        return _state(session, siret)

    return run_write(store, target, work)


def add_contact(
    store: CampaignStore,
    siret: str,
    outcome: str,
    date: dt.date | None = None,
    adviser_email: str | None = None,
    note: str | None = None,
) -> ContactLine:
    """Record a contact with a firm and its outcome (one of :data:`OUTCOMES`)."""
    siret = clean_siret(siret)
    label = normalize_outcome(outcome)
    if label is None:
        allowed = ", ".join(f"« {o} »" for o in OUTCOMES)
        raise PlannerError(f"Issue inconnue « {outcome} ». Issues possibles : {allowed}.")
    today = clock.today()
    day = date or today
    problem = implausible_call_date(day, today)
    if problem:
        raise PlannerError(f"{problem[:1].upper()}{problem[1:]}.")
    text = (note or "").strip() or None
    if text is not None and len(text) > MAX_NOTE:
        raise PlannerError(
            f"Note trop longue ({len(text)} caractères, {MAX_NOTE} au plus) : rien n'a été "
            "enregistré."
        )
    access = _recent_access(store)
    if access.role == "conseiller":
        # An adviser records its own calls, never in a colleague's name.
        if adviser_email and adviser_email.casefold() != (access.adviser_email or "").casefold():
            raise PlannerError(
                f"Le compte « {access.login} » enregistre ses propres appels (conseiller "
                f"{access.adviser_email}), pas ceux de {adviser_email}."
            )
        adviser_email = access.adviser_email

    def once() -> ContactLine:
        with store.session() as session:
            _require_establishment(session, siret)
            adviser = _adviser(session, adviser_email) if adviser_email else None
            contact = Contact(
                siret=siret,
                date=day,
                outcome=label,
                adviser_id=adviser.id if adviser else None,
                adviser_name=adviser.name if adviser else None,
                comment=text,
            )
            session.add(contact)
            session.flush()
            return ContactLine(contact.id, day, label, contact.adviser_name, text)

    try:
        return retry_transient(once)
    except Exception as exc:
        if is_unique_violation(exc):
            raise PlannerError(
                "Le contact n'a pas pu être enregistré : la numérotation des contacts de la "
                "campagne est en retard sur ses contacts (campagne copiée sans ses "
                "séquences ?). Rien n'a été enregistré."
            ) from exc
        raise
