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
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from planner.db import pg_access
from planner.db.store import CampaignStore, is_url, open_store
from planner.domain.errors import PlannerError

ROLES: tuple[str, ...] = pg_access.ROLES
"""coordination, partenaire, conseiller."""

PLANNER_MADE = "planner: compte créé par « planner access grant »"
"""The comment planner leaves on the login roles it creates."""

_MAX_IDENTIFIER = 63


class AccessError(PlannerError):
    """A grant or revoke that cannot be done (the message says why, in French)."""


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


def group_role(database: str, role: str) -> str:
    """The campaign's group role for ``role``: ``planner_<database>_<role>``.

    A database name too long for PostgreSQL's 63-byte identifiers is replaced
    by a digest of it.
    """
    name = f"planner_{database}_{role}"
    if len(name.encode()) <= _MAX_IDENTIFIER:
        return name
    digest = hashlib.sha256(database.encode()).hexdigest()[:16]
    return f"planner_{digest}_{role}"


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


def _execute(conn: Connection, statement: sql.Composable) -> None:
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cursor:
        cursor.execute(statement)


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
        partner_id = _partner_id(conn, partner) if partner is not None else None
        adviser_id = _adviser_id(conn, adviser_email) if adviser_email is not None else None
        _ensure_login(conn, login, role, password)
        database = str(conn.execute(text("SELECT current_database()")).scalar())
        for each in ROLES:
            _ensure_group(conn, database, each)
        _set_membership(conn, database, login, role)
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
        _set_membership(conn, database, login, None)
        dropped = _drop_login_if_ours(conn, login)
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
    if not login or len(login.encode()) > _MAX_IDENTIFIER:
        raise AccessError("Le nom du compte doit faire de 1 à 63 caractères.")
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


# --- roles and privileges -----------------------------------------------------


def _ensure_login(conn: Connection, login: str, role: str, password: str | None) -> None:
    found = conn.execute(
        text(
            "SELECT r.rolcanlogin, r.rolsuper OR r.rolbypassrls, "
            "pg_has_role(r.oid, c.relowner, 'USAGE') "
            "FROM pg_roles r, pg_class c "
            "WHERE r.rolname = :login AND c.oid = 'establishment'::regclass"
        ),
        {"login": login},
    ).first()
    name = sql.Identifier(login)
    if found is None:
        if password:
            _execute(
                conn,
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(name, sql.Literal(password)),
            )
        else:
            _execute(conn, sql.SQL("CREATE ROLE {} LOGIN").format(name))
        _execute(conn, sql.SQL("COMMENT ON ROLE {} IS {}").format(name, sql.Literal(PLANNER_MADE)))
        return
    can_login, bypass, owner = found
    if not can_login:
        raise AccessError(
            f"« {login} » est un rôle PostgreSQL qui ne peut pas se connecter (un groupe ?) : "
            "choisissez un autre nom de compte."
        )
    if role != "coordination" and (bypass or owner):
        raise AccessError(
            f"Le compte « {login} » est superutilisateur, propriétaire de la campagne ou "
            "exempté de la sécurité par ligne : il verrait tout. Donnez-lui le rôle "
            "coordination, ou créez un autre compte pour ce partenaire ou conseiller."
        )
    if password:
        _execute(conn, sql.SQL("ALTER ROLE {} PASSWORD {}").format(name, sql.Literal(password)))


def _ensure_group(conn: Connection, database: str, role: str) -> None:
    """Create the group role if missing and (re)give it its privileges on this campaign."""
    group = group_role(database, role)
    exists = conn.execute(
        text("SELECT 1 FROM pg_roles WHERE rolname = :name"), {"name": group}
    ).first()
    ident = sql.Identifier(group)
    if exists is None:
        _execute(conn, sql.SQL("CREATE ROLE {} NOLOGIN").format(ident))
    schema = str(conn.execute(text("SELECT current_schema()")).scalar())
    statements = [
        sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(database), ident),
        sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(sql.Identifier(schema), ident),
        sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(
            sql.Identifier(schema), ident
        ),
    ]
    if role == "coordination":
        tables = conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = :schema ORDER BY 1"),
            {"schema": schema},
        ).scalars()
        writable = [t for t in tables if t not in pg_access.OWNER_WRITES and t != "alembic_version"]
        statements.append(
            sql.SQL("GRANT INSERT, UPDATE, DELETE ON {} TO {}").format(
                sql.SQL(", ").join(sql.Identifier(t) for t in writable), ident
            )
        )
        statements.append(
            sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(
                sql.Identifier(schema), ident
            )
        )
    else:
        statements.append(sql.SQL("GRANT INSERT ON contact, contact_need TO {}").format(ident))
        sequences = conn.execute(
            text(
                "SELECT pg_get_serial_sequence('contact', 'id'), "
                "pg_get_serial_sequence('contact_need', 'id')"
            )
        ).one()
        for sequence in sequences:
            if sequence is not None:
                statements.append(
                    sql.SQL("GRANT USAGE ON SEQUENCE {} TO {}").format(sql.SQL(sequence), ident)
                )
    if role == "partenaire":
        statements.append(
            sql.SQL("GRANT UPDATE ({}) ON assignment TO {}").format(
                sql.SQL(", ").join(sql.Identifier(c) for c in pg_access.PARTNER_UPDATE_COLUMNS),
                ident,
            )
        )
    for statement in statements:
        _execute(conn, statement)


def _set_membership(conn: Connection, database: str, login: str, role: str | None) -> None:
    """Make ``login`` a member of this campaign's group for ``role`` and of no other."""
    for each in ROLES:
        group = group_role(database, each)
        member = conn.execute(
            text(
                "SELECT 1 FROM pg_auth_members m "
                "JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member "
                "WHERE g.rolname = :group AND u.rolname = :login"
            ),
            {"group": group, "login": login},
        ).first()
        if each == role and member is None:
            _execute(
                conn,
                sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), sql.Identifier(login)),
            )
        elif each != role and member is not None:
            _execute(
                conn,
                sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(group), sql.Identifier(login)),
            )


def _drop_login_if_ours(conn: Connection, login: str) -> bool:
    """Drop the login role if planner made it and it is in no campaign's group any more."""
    row = conn.execute(
        text(
            "SELECT shobj_description(r.oid, 'pg_authid'), "
            "(SELECT count(*) FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
            "  WHERE m.member = r.oid AND g.rolname LIKE 'planner\\_%') "
            "FROM pg_roles r WHERE r.rolname = :login"
        ),
        {"login": login},
    ).first()
    if row is None or row[0] != PLANNER_MADE or row[1]:
        return False
    # The role may still own objects or hold privileges elsewhere: then it stays.
    savepoint = conn.begin_nested()
    try:
        _execute(conn, sql.SQL("DROP ROLE {}").format(sql.Identifier(login)))
    except psycopg.Error:
        savepoint.rollback()
        return False
    savepoint.commit()
    return True
