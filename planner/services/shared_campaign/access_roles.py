"""PostgreSQL roles of a shared campaign: login roles, the campaign's group roles and
their privileges (used by ``access.py``; row-level security is ``planner/db/pg_access.py``)."""

from __future__ import annotations

import hashlib

import psycopg
from psycopg import sql
from sqlalchemy import Connection, text

from planner.db import pg_access
from planner.domain.errors import PlannerError

ROLES: tuple[str, ...] = pg_access.ROLES
"""coordination, partenaire, conseiller."""

PLANNER_MADE = "planner: compte créé par « planner access grant »"
"""The comment planner leaves on the login roles it creates."""

MAX_IDENTIFIER = 63
"""PostgreSQL's longest identifier, in bytes."""


class AccessError(PlannerError):
    """A grant or revoke that cannot be done (the message says why, in French)."""


def group_role(database: str, role: str) -> str:
    """The campaign's group role for ``role``: ``planner_<database>_<role>``.

    A database name too long for PostgreSQL's 63-byte identifiers is replaced
    by a digest of it.
    """
    name = f"planner_{database}_{role}"
    if len(name.encode()) <= MAX_IDENTIFIER:
        return name
    digest = hashlib.sha256(database.encode()).hexdigest()[:16]
    return f"planner_{digest}_{role}"


def execute(conn: Connection, statement: sql.Composable) -> None:
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cursor:
        cursor.execute(statement)


def ensure_policies(conn: Connection) -> None:
    """Install the row-level security if the campaign lacks it.

    Campaigns migrated to 0010 before the policies existed have none; without
    them a grant would show a partner every firm.
    """
    missing = conn.execute(text("SELECT to_regprocedure('planner_access_role()') IS NULL"))
    if missing.scalar():
        for statement in pg_access.install_statements():
            conn.exec_driver_sql(statement)


def ensure_login(conn: Connection, login: str, role: str, password: str | None) -> None:
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
            execute(
                conn,
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(name, sql.Literal(password)),
            )
        else:
            execute(conn, sql.SQL("CREATE ROLE {} LOGIN").format(name))
        execute(conn, sql.SQL("COMMENT ON ROLE {} IS {}").format(name, sql.Literal(PLANNER_MADE)))
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
        execute(conn, sql.SQL("ALTER ROLE {} PASSWORD {}").format(name, sql.Literal(password)))


def ensure_group(conn: Connection, database: str, role: str) -> None:
    """Create the group role if missing and (re)give it its privileges on this campaign."""
    group = group_role(database, role)
    exists = conn.execute(
        text("SELECT 1 FROM pg_roles WHERE rolname = :name"), {"name": group}
    ).first()
    ident = sql.Identifier(group)
    if exists is None:
        execute(conn, sql.SQL("CREATE ROLE {} NOLOGIN").format(ident))
    schema = str(conn.execute(text("SELECT current_schema()")).scalar())
    statements = [
        # Only the campaign's groups connect: a login of the server without a
        # grant could otherwise hold the division's lock or send fake notices.
        sql.SQL("REVOKE CONNECT ON DATABASE {} FROM PUBLIC").format(sql.Identifier(database)),
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
        statements.append(
            sql.SQL("GRANT INSERT ON {} TO {}").format(
                sql.SQL(", ").join(sql.Identifier(t) for t in pg_access.FIELD_INSERT_TABLES),
                ident,
            )
        )
        statements.append(
            sql.SQL("GRANT UPDATE ON {} TO {}").format(
                sql.SQL(", ").join(sql.Identifier(t) for t in pg_access.FIELD_UPDATE_TABLES),
                ident,
            )
        )
        sequences = [
            conn.execute(
                text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table}
            ).scalar()
            for table in pg_access.FIELD_SEQUENCE_TABLES
        ]
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
        execute(conn, statement)


def set_membership(conn: Connection, database: str, login: str, role: str | None) -> None:
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
            execute(
                conn,
                sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), sql.Identifier(login)),
            )
        elif each != role and member is not None:
            execute(
                conn,
                sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(group), sql.Identifier(login)),
            )


def drop_login_if_ours(conn: Connection, login: str) -> bool:
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
        execute(conn, sql.SQL("DROP ROLE {}").format(sql.Identifier(login)))
    except psycopg.Error:
        savepoint.rollback()
        return False
    savepoint.commit()
    return True
