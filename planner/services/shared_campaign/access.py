"""Who may see and change what in a shared campaign: PostgreSQL logins, group roles, grants.

``planner access grant`` gives a login one role in one campaign database:

- the login role (``LOGIN``) is created if missing, with its password if one
  is given (with trust authentication none is needed), and marked as made by
  planner (``COMMENT ON ROLE``);
- it becomes a member of the campaign's group role for that role,
  ``planner_<database>_<role>`` (NOLOGIN), which holds the table privileges:
  SELECT everywhere, and the writes of the role (coordination: every table
  but the journal and the grants; partenaire: ``UPDATE assignment`` and
  ``INSERT contact``/``contact_need``; conseiller: the two inserts);
- the ``access_grant`` row says which partner or adviser the login stands
  for; the row-level security policies (``planner/db/pg_access.py``) read it.

``revoke`` deletes the grant and the group membership; the login role itself
is dropped when planner created it and it belongs to no other campaign's group
(a login made by the DBA, or used elsewhere, is left alone).

The tables' owner and superusers act as coordination, as does everyone on an
SQLite campaign (one coordinator's file).
"""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from planner.db.store import CampaignStore, is_url, open_store
from planner.services.shared_campaign.access_roles import (
    MAX_IDENTIFIER,
    ROLES,
    AccessError,
    drop_login_if_ours,
    ensure_group,
    ensure_login,
    ensure_policies,
    group_role,
    set_membership,
)

__all__ = [
    "ROLES",
    "Access",
    "AccessError",
    "AccessLine",
    "Revoked",
    "current_access",
    "grant",
    "group_role",
    "list_access",
    "revoke",
]


@dataclass(frozen=True, slots=True)
class Access:
    """The role of the connected login in the open campaign.

    Attributes:
        login: the PostgreSQL login (the OS user on SQLite).
        role: ``coordination``, ``partenaire`` or ``conseiller``.
        partner_id: the partner a partenaire stands for, or a conseiller's partner.
        partner_name: its name.
        adviser_id: a conseiller's adviser.
        adviser_email: its e-mail.
    """

    login: str
    role: str
    partner_id: int | None = None
    partner_name: str | None = None
    adviser_id: int | None = None
    adviser_email: str | None = None

    @property
    def coordination(self) -> bool:
        """Whether the login sees and changes everything."""
        return self.role == "coordination"

    def to_dict(self) -> dict[str, str | None]:
        """``access`` in ``planner info --json``."""
        return {
            "login": self.login,
            "role": self.role,
            "partner": self.partner_name,
            "adviser": self.adviser_email,
        }


@dataclass(frozen=True, slots=True)
class AccessLine:
    """One grant of a shared campaign, as ``planner access list`` shows it."""

    login: str
    role: str
    partner_id: int | None
    partner_name: str | None
    adviser_id: int | None
    adviser_email: str | None
    adviser_name: str | None
    granted_at: dt.datetime

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``planner access list --json``."""
        return {
            "login": self.login,
            "role": self.role,
            "partner": self.partner_name,
            "adviser": self.adviser_email,
            "adviser_name": self.adviser_name,
            "granted_at": self.granted_at.isoformat(timespec="seconds"),
        }


@dataclass(frozen=True, slots=True)
class Revoked:
    """What ``revoke`` did.

    Attributes:
        login: the login.
        role: the role it had.
        login_dropped: whether the login role itself was dropped (planner had
            created it and it had no grant left in any campaign).
    """

    login: str
    role: str
    login_dropped: bool


# --- reading the role of the connected login -----------------------------------


def current_access(store: CampaignStore) -> Access:
    """The role of the connected login in ``store``'s campaign.

    Raises:
        AccessError: a PostgreSQL login that has no grant in this campaign.
    """
    if store.engine.dialect.name != "postgresql":
        return Access(login=_os_user(), role="coordination")
    with store.engine.connect() as conn:
        login, bypass = conn.execute(
            text(
                "SELECT session_user, r.rolsuper OR r.rolbypassrls "
                "OR pg_has_role(current_user, c.relowner, 'USAGE') "
                "FROM pg_roles r, pg_class c "
                "WHERE r.rolname = current_user AND c.oid = 'establishment'::regclass"
            )
        ).one()
        if bypass:
            return Access(login=str(login), role="coordination")
        row = conn.execute(
            text("SELECT planner_access_role(), planner_access_partner(), planner_access_adviser()")
        ).one()
        role, partner_id, adviser_id = row
        if role is None:
            raise AccessError(
                f"Le compte « {login} » n'a aucun accès à cette campagne : demandez au "
                "coordinateur de vous en donner un (planner access grant)."
            )
        partner_name = conn.execute(
            text("SELECT name FROM partner WHERE id = :id"), {"id": partner_id}
        ).scalar()
        adviser_email = conn.execute(
            text("SELECT email FROM adviser WHERE id = :id"), {"id": adviser_id}
        ).scalar()
    return Access(
        login=str(login),
        role=str(role),
        partner_id=partner_id,
        partner_name=partner_name,
        adviser_id=adviser_id,
        adviser_email=adviser_email,
    )


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return "inconnu"


# --- grant, revoke, list ------------------------------------------------------


@contextmanager
def _shared_campaign(url: str) -> Iterator[CampaignStore]:
    if not is_url(url) or not str(url).startswith("postgresql"):
        raise AccessError(
            "Les accès ne se donnent que sur une campagne partagée (PostgreSQL, "
            "URL postgresql+psycopg://…) : une campagne .planner n'a qu'un coordinateur."
        )
    with open_store(url) as store:
        yield store


@contextmanager
def _transaction(store: CampaignStore) -> Iterator[Connection]:
    """One transaction for the whole change; a refused privilege becomes a French message."""
    import psycopg  # kept off the app's start-up (a SQLite campaign never needs it)

    try:
        with store.engine.begin() as conn:
            yield conn
    except (DBAPIError, psycopg.Error) as exc:
        cause = exc.orig if isinstance(exc, DBAPIError) else exc
        if getattr(cause, "sqlstate", None) == "42501":  # insufficient_privilege
            raise AccessError(
                "Votre compte PostgreSQL n'a pas le droit de gérer les accès de cette "
                "campagne : connectez-vous avec le propriétaire de la base ou un "
                f"superutilisateur. ({str(cause).splitlines()[0]})"
            ) from exc
        raise


def grant(
    url: str,
    login: str,
    role: str,
    partner: str | None = None,
    adviser_email: str | None = None,
    password: str | None = None,
) -> AccessLine:
    """Give ``login`` the ``role`` in the shared campaign at ``url`` (replacing any other).

    Args:
        url: the campaign's PostgreSQL URL (its user must be able to create roles).
        login: the PostgreSQL login; created if missing.
        role: coordination, partenaire or conseiller.
        partner: the partner's name (partenaire only).
        adviser_email: the adviser's e-mail (conseiller only).
        password: the login's password, set when given.

    Raises:
        AccessError: an SQLite campaign, an unknown partner or adviser, a role
            without its partner or adviser, a login that would bypass the policies.
    """
    _check_request(login, role, partner, adviser_email)
    with _shared_campaign(url) as store, _transaction(store) as conn:
        _check_can_manage(conn)
        ensure_policies(conn)
        partner_id = _partner_id(conn, partner) if partner is not None else None
        adviser_id = _adviser_id(conn, adviser_email) if adviser_email is not None else None
        ensure_login(conn, login, role, password)
        database = str(conn.execute(text("SELECT current_database()")).scalar())
        for each in ROLES:
            ensure_group(conn, database, each)
        set_membership(conn, database, login, role)
        conn.execute(text("DELETE FROM access_grant WHERE login = :login"), {"login": login})
        conn.execute(
            text(
                "INSERT INTO access_grant (login, role, partner_id, adviser_id, granted_at) "
                "VALUES (:login, :role, :partner, :adviser, :at)"
            ),
            {
                "login": login,
                "role": role,
                "partner": partner_id,
                "adviser": adviser_id,
                "at": dt.datetime.now().replace(microsecond=0),
            },
        )
        lines = [line for line in _lines(conn) if line.login == login]
    return lines[0]


def revoke(url: str, login: str) -> Revoked:
    """Take ``login``'s access to the shared campaign at ``url`` away.

    The grant and the group membership go; the login role too when planner
    created it and it has no grant left in any campaign.

    Raises:
        AccessError: an SQLite campaign, or a login without a grant here.
    """
    with _shared_campaign(url) as store, _transaction(store) as conn:
        _check_can_manage(conn)
        role = conn.execute(
            text("DELETE FROM access_grant WHERE login = :login RETURNING role"),
            {"login": login},
        ).scalar()
        if role is None:
            raise AccessError(f"Le compte « {login} » n'a pas d'accès à cette campagne.")
        database = str(conn.execute(text("SELECT current_database()")).scalar())
        set_membership(conn, database, login, None)
        dropped = drop_login_if_ours(conn, login)
    return Revoked(login=login, role=str(role), login_dropped=dropped)


def list_access(url: str) -> list[AccessLine]:
    """Every grant of the shared campaign at ``url``, by login."""
    with _shared_campaign(url) as store, store.engine.connect() as conn:
        return _lines(conn)


def _lines(conn: Connection) -> list[AccessLine]:
    rows = conn.execute(
        text(
            "SELECT g.login, g.role, coalesce(g.partner_id, t.partner_id), p.name, "
            "g.adviser_id, a.email, a.name, g.granted_at "
            "FROM access_grant g "
            "LEFT JOIN adviser a ON a.id = g.adviser_id "
            "LEFT JOIN team t ON t.id = a.team_id "
            "LEFT JOIN partner p ON p.id = coalesce(g.partner_id, t.partner_id) "
            "ORDER BY g.login"
        )
    ).all()
    return [AccessLine(*row) for row in rows]


# --- checks -------------------------------------------------------------------


def _check_request(login: str, role: str, partner: str | None, adviser_email: str | None) -> None:
    if role not in ROLES:
        raise AccessError(f"Rôle inconnu : « {role} ». Rôles possibles : {', '.join(ROLES)}.")
    if not login or len(login.encode()) > MAX_IDENTIFIER:
        raise AccessError("Le nom du compte doit faire de 1 à 63 caractères.")
    if any(not ch.isprintable() or ch.isspace() for ch in login):
        raise AccessError(
            "Le nom du compte ne peut contenir ni espace ni caractère de contrôle "
            f"({login.encode('unicode_escape').decode()!r})."
        )
    if login.startswith("pg_") or (login.startswith("planner_") and login.endswith(ROLES)):
        raise AccessError(
            f"« {login} » est un nom réservé (rôles pg_… de PostgreSQL, groupes planner_…)."
        )
    if role == "partenaire" and partner is None:
        raise AccessError("Le rôle partenaire demande --partner NOM (le partenaire du compte).")
    if role == "conseiller" and adviser_email is None:
        raise AccessError("Le rôle conseiller demande --adviser EMAIL (le conseiller du compte).")
    if partner is not None and role != "partenaire":
        raise AccessError("--partner ne s'emploie qu'avec le rôle partenaire.")
    if adviser_email is not None and role != "conseiller":
        raise AccessError("--adviser ne s'emploie qu'avec le rôle conseiller.")


def _check_can_manage(conn: Connection) -> None:
    can = conn.execute(
        text("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")
    ).scalar()
    if not can:
        raise AccessError(
            "Votre compte PostgreSQL ne peut pas créer de rôles : les accès se gèrent avec "
            "le propriétaire de la base (droit CREATEROLE) ou un superutilisateur."
        )


def _partner_id(conn: Connection, name: str) -> int:
    rows = conn.execute(text("SELECT id, name FROM partner ORDER BY name")).all()
    wanted = name.strip()
    exact = [r.id for r in rows if r.name == wanted]
    loose = [r.id for r in rows if r.name.casefold() == wanted.casefold()]
    for found in (exact, loose):
        if len(found) == 1:
            return int(found[0])
    known = ", ".join(r.name for r in rows) or "aucun"
    raise AccessError(f"Partenaire inconnu : « {name} ». Partenaires de la campagne : {known}.")


def _adviser_id(conn: Connection, email: str) -> int:
    rows = conn.execute(
        text("SELECT id FROM adviser WHERE lower(email) = lower(:email)"),
        {"email": email.strip()},
    ).all()
    if not rows:
        raise AccessError(
            f"Aucun conseiller de la campagne n'a l'adresse « {email} » "
            "(planner teams list les montre)."
        )
    if len(rows) > 1:
        raise AccessError(
            f"Plusieurs conseillers ont l'adresse « {email} » : corrigez la task force d'abord."
        )
    return int(rows[0].id)
