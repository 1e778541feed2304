"""PostgreSQL row-level security of a shared campaign (installed by migration 0010).

Who sees and changes what is decided by PostgreSQL itself, on the tables, so
that a direct SQL query as a partner's login (``psql -U login``) gets the same
answer as planner. The role of a login comes from ``access_grant`` (written by
``planner access grant``, ``planner/services/shared_campaign/access.py``),
read for ``session_user`` by ``SECURITY DEFINER`` functions:

- ``planner_access_role()``: ``coordination``, ``partenaire``, ``conseiller``
  or NULL (no grant: every policy is false, the login sees nothing);
- ``planner_access_partner()``: the partner of a *partenaire*, or of a
  *conseiller*'s team; ``planner_access_adviser()``: a *conseiller*'s adviser;
- ``planner_access_teams()`` / ``planner_access_advisers()``: that partner's
  teams and advisers, as arrays.

Policies call them as ``(SELECT planner_access_role())``: an InitPlan,
evaluated once per query rather than once per row. Which firms a login sees
is decided by ``assignment``'s policy alone; every other firm table follows
it with ``siret IN (SELECT siret FROM assignment)`` (that subquery is itself
filtered by assignment's policy). References between policies go one way only
(legal_unit → establishment → assignment; contact_need → contact →
assignment; journal → assignment), and the functions read as the tables'
owner, which RLS does not filter, so no policy recursion is possible.

The tables' owner and superusers bypass RLS (it is not ``FORCE``d): they act
as coordination. Write privileges themselves are table GRANTs given to the
campaign's group roles by ``planner access grant``; the policies narrow them
to rows: a *partenaire* may move its firms between its own teams and advisers
(``UPDATE assignment``) and record contacts and needs on its firms; a
*conseiller* may record contacts on its firms.

A table added by a later migration must get its policies there (a table with
RLS enabled and no policy shows nothing to a non-owner).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator

ROLES: tuple[str, ...] = ("coordination", "partenaire", "conseiller")
"""The roles of a shared campaign, as ``access_grant.role`` stores them."""

_ROLE = "(SELECT planner_access_role())"
_COORDINATION = f"{_ROLE} = 'coordination'"
_ANY_GRANT = f"{_ROLE} IS NOT NULL"
_PARTNER = "(SELECT planner_access_partner())"
_ADVISER = "(SELECT planner_access_adviser())"
# Cast: ``= ANY (SELECT …)`` would compare with each row of a subquery, not the array.
_TEAMS = "(SELECT planner_access_teams())::integer[]"
_ADVISERS = "(SELECT planner_access_advisers())::integer[]"
_VISIBLE_FIRM = "siret IN (SELECT a.siret FROM assignment a)"
_FIELD_ROLES = f"{_ROLE} IN ('partenaire', 'conseiller')"

_FUNCTIONS = (
    """
CREATE OR REPLACE FUNCTION planner_access_role() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT g.role FROM access_grant g WHERE g.login = session_user
$$
""",
    """
CREATE OR REPLACE FUNCTION planner_access_adviser() RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT g.adviser_id FROM access_grant g
     WHERE g.login = session_user AND g.role = 'conseiller'
$$
""",
    """
CREATE OR REPLACE FUNCTION planner_access_partner() RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT CASE WHEN g.role = 'partenaire' THEN g.partner_id ELSE t.partner_id END
      FROM access_grant g
      LEFT JOIN adviser a ON a.id = g.adviser_id
      LEFT JOIN team t ON t.id = a.team_id
     WHERE g.login = session_user AND g.role IN ('partenaire', 'conseiller')
$$
""",
    """
CREATE OR REPLACE FUNCTION planner_access_teams() RETURNS integer[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT coalesce(array_agg(t.id), '{}') FROM team t
     WHERE t.partner_id = planner_access_partner()
$$
""",
    """
CREATE OR REPLACE FUNCTION planner_access_advisers() RETURNS integer[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT coalesce(array_agg(a.id), '{}') FROM adviser a JOIN team t ON t.id = a.team_id
     WHERE t.partner_id = planner_access_partner()
$$
""",
)

_FUNCTION_NAMES = (
    "planner_access_advisers",
    "planner_access_teams",
    "planner_access_partner",
    "planner_access_adviser",
    "planner_access_role",
)

# Who reads which rows (coordination reads everything, through its ALL policy).
_READ: dict[str, str] = {
    # The firms: those assigned to the partner's teams, or to the adviser.
    "assignment": (
        f"({_ROLE} = 'partenaire' AND team_id = ANY ({_TEAMS})) "
        f"OR ({_ROLE} = 'conseiller' AND adviser_id = {_ADVISER})"
    ),
    "establishment": _VISIBLE_FIRM,
    "legal_unit": "siren IN (SELECT e.siren FROM establishment e)",
    "contact": _VISIBLE_FIRM,
    "contact_need": "contact_id IN (SELECT c.id FROM contact c)",
    "session_invitee": _VISIBLE_FIRM,
    "session_host": _VISIBLE_FIRM,
    "supported_firm": _VISIBLE_FIRM,
    # A portfolio claim's entries are its partner's only (like the claims
    # themselves): the journal of a firm it sees must not tell it which other
    # partner claims that firm.
    "journal": (
        f"siret IS NOT NULL AND {_VISIBLE_FIRM} AND (table_name <> 'portfolio_claim' "
        f"OR ((before IS NULL OR before ->> 'partner_id' = {_PARTNER}::text) "
        f"AND (after IS NULL OR after ->> 'partner_id' = {_PARTNER}::text)))"
    ),
    # The task force: its own partner, teams, advisers and remit.
    "partner": f"id = {_PARTNER}",
    "team": f"partner_id = {_PARTNER}",
    "adviser": f"team_id = ANY ({_TEAMS})",
    "remit_rule": f"partner_id = {_PARTNER}",
    # Its own grant.
    "access_grant": "login = session_user",
    # Shared by the whole task force.
    "discovery_session": _ANY_GRANT,
    "venue": _ANY_GRANT,
    "session_theme": _ANY_GRANT,
    "session_partner": _ANY_GRANT,
    "session_adviser": _ANY_GRANT,
    "campaign": _ANY_GRANT,
    "bassin_commune": _ANY_GRANT,
    "import_run": _ANY_GRANT,
    "non_diffusible_count": _ANY_GRANT,
    # The campaign's signing key stays with coordination: a partner holding it
    # could sign rows for another partner's firms and have them read back.
    "setting": f"{_ANY_GRANT} AND key <> 'campaign_identity'",
    "bmo_project": _ANY_GRANT,
    # The firm's journey (0011): the catalogue is shared; services and marks
    # follow the firm; a partner sees its own portfolio's claims.
    "service_offer": _ANY_GRANT,
    "service_offer_partner": _ANY_GRANT,
    "contact_service": _VISIBLE_FIRM,
    "firm_block": _VISIBLE_FIRM,
    "portfolio_claim": f"partner_id = {_PARTNER}",
}
"""Every table under RLS, and what a partner's or adviser's login reads of it."""

# Tables that only the owner writes (journal: the triggers, as owner; access
# grants: ``planner access grant``): no write policy, even for coordination.
_OWNER_WRITES = frozenset({"journal", "access_grant"})

_ASSIGNMENT_UPDATE_CHECK = (
    f"{_ROLE} = 'partenaire' AND team_id = ANY ({_TEAMS}) "
    f"AND (adviser_id IS NULL OR adviser_id = ANY ({_ADVISERS}))"
)

# Rows the field roles may write, beyond reading: (table, policy, command, using, check).
_FIELD_WRITES: tuple[tuple[str, str, str, str | None, str], ...] = (
    (
        "assignment",
        "planner_partner_moves",
        "UPDATE",
        f"{_ROLE} = 'partenaire' AND team_id = ANY ({_TEAMS})",
        _ASSIGNMENT_UPDATE_CHECK,
    ),
    (
        "contact",
        "planner_field_records",
        "INSERT",
        None,
        # A partner records for one of its advisers (or none); an adviser for
        # itself only, never under a colleague's name.
        f"{_FIELD_ROLES} AND {_VISIBLE_FIRM} "
        f"AND (({_ROLE} = 'partenaire' AND (adviser_id IS NULL OR adviser_id = ANY ({_ADVISERS}))) "
        f"OR ({_ROLE} = 'conseiller' AND adviser_id = {_ADVISER}))",
    ),
    (
        "contact_need",
        "planner_field_records",
        "INSERT",
        None,
        f"{_FIELD_ROLES} AND contact_id IN (SELECT c.id FROM contact c)",
    ),
    (
        "contact_service",
        "planner_field_records",
        "INSERT",
        None,
        f"{_FIELD_ROLES} AND {_VISIBLE_FIRM} AND contact_id IN (SELECT c.id FROM contact c)",
    ),
    # A partner or adviser marks its own firms « ne pas solliciter » (a refusal
    # read back from its workbook), and may renew a mark it set itself (``login``
    # is set by a trigger, ``pg_triggers.py``): never one of coordination's or of
    # another login's.
    ("firm_block", "planner_field_blocks", "INSERT", None, f"{_FIELD_ROLES} AND {_VISIBLE_FIRM}"),
    (
        "firm_block",
        "planner_field_reblocks",
        "UPDATE",
        f"{_FIELD_ROLES} AND {_VISIBLE_FIRM} AND login = session_user",
        f"{_FIELD_ROLES} AND {_VISIBLE_FIRM} AND login = session_user",
    ),
)

FIELD_INSERT_TABLES: tuple[str, ...] = ("contact", "contact_need", "contact_service", "firm_block")
"""Tables a partner's or adviser's login may insert into (rows checked by the policies)."""

FIELD_UPDATE_TABLES: tuple[str, ...] = ("firm_block",)
"""Tables whose rows a partner's or adviser's login may update (beyond ``assignment``'s
columns, ``PARTNER_UPDATE_COLUMNS``)."""

FIELD_SEQUENCE_TABLES: tuple[str, ...] = ("contact", "contact_need", "contact_service")
"""Tables with an id sequence that a field login's inserts draw from."""

REFUSED_MESSAGES: tuple[tuple[str, str], ...] = (
    (
        "violates row-level security policy",
        "Cette modification sort de ce que votre compte peut changer dans la campagne "
        "{label} (ses entreprises, ses équipes) : rien n'a été modifié.",
    ),
    (
        "permission denied",
        "Votre compte PostgreSQL n'a pas le droit de lire ou de modifier cela dans la "
        "campagne {label} (rien n'a été modifié) : le coordinateur donne les accès avec "
        "« planner access grant ».",
    ),
)
"""What PostgreSQL says when a login's role refuses something → the French message
(``planner/db/store.py: describe_database_error``; ``{label}`` names the campaign)."""

PROTECTED_TABLES: tuple[str, ...] = tuple(_READ)
"""The tables under row-level security."""

OWNER_WRITES: frozenset[str] = _OWNER_WRITES
"""Tables no grantee writes, coordination included."""

PARTNER_UPDATE_COLUMNS: tuple[str, ...] = (
    "team_id",
    "adviser_id",
    "locked",
    "source",
    "assigned_at",
    "version",
)
"""The columns of ``assignment`` a partner's login may update (never the SIRET)."""


def install_statements(tables: Collection[str] | None = None) -> Iterator[str]:
    """The SQL that installs the access functions and policies (idempotent).

    ``tables``: only these tables (a migration names the tables that exist at
    its revision); None: every protected table.
    """
    yield from _FUNCTIONS
    for table, read in _READ.items():
        if tables is not None and table not in tables:
            continue
        yield f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"
        yield f"DROP POLICY IF EXISTS planner_read ON {table}"
        yield f"CREATE POLICY planner_read ON {table} FOR SELECT USING ({read})"
        yield f"DROP POLICY IF EXISTS planner_coordination ON {table}"
        if table in _OWNER_WRITES:
            yield (
                f"CREATE POLICY planner_coordination ON {table} FOR SELECT USING ({_COORDINATION})"
            )
        else:
            yield (
                f"CREATE POLICY planner_coordination ON {table} FOR ALL "
                f"USING ({_COORDINATION}) WITH CHECK ({_COORDINATION})"
            )
    for table, name, command, using, check in _FIELD_WRITES:
        if tables is not None and table not in tables:
            continue
        yield f"DROP POLICY IF EXISTS {name} ON {table}"
        using_sql = f" USING ({using})" if using is not None else ""
        yield (f"CREATE POLICY {name} ON {table} FOR {command}{using_sql} WITH CHECK ({check})")


def uninstall_statements(tables: Collection[str] | None = None) -> Iterator[str]:
    """The SQL that removes them (``tables``: only on these tables)."""
    for table, name, _command, _using, _check in _FIELD_WRITES:
        if tables is None or table in tables:
            yield f"DROP POLICY IF EXISTS {name} ON {table}"
    for table in _READ:
        if tables is not None and table not in tables:
            continue
        yield f"DROP POLICY IF EXISTS planner_read ON {table}"
        yield f"DROP POLICY IF EXISTS planner_coordination ON {table}"
        yield f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY"
    for name in _FUNCTION_NAMES:
        yield f"DROP FUNCTION IF EXISTS {name}()"
