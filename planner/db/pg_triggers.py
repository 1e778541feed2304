"""PostgreSQL functions and triggers: row versions, the journal, change notices.

Installed by migration 0010 on a PostgreSQL campaign (nothing on SQLite):

- ``planner_row_version``: BEFORE INSERT/UPDATE on each versioned table; a
  write that does not set a new version (direct SQL) gets one, so a stale
  client's ``WHERE version = …`` still fails.
- ``planner_journal``: AFTER INSERT/UPDATE/DELETE on each followed table;
  ``SECURITY DEFINER`` so that logins that may not write the journal still
  leave their trace, under their own name (``session_user``).
- ``planner_forbid_change``: the journal is append-only, for its owner too.
- ``planner_stamp_login``: BEFORE INSERT/UPDATE on ``firm_block`` (0011), sets
  ``login`` to ``session_user``; ``planner_service_firm``: on ``contact_service``,
  sets the SIRET from the contact's (refuses another one).
- ``planner_notify``: one notice per statement and table on the channel
  ``planner_change``, with the table, the login and the backend's pid; the
  open apps refresh what shows that table.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator

from planner.db.journal_tables import JOURNALED_TABLES, NOTIFIED_TABLES, NOTIFY_CHANNEL
from planner.db.row_versions import VERSIONED_TABLES

_FUNCTIONS = (
    """
CREATE OR REPLACE FUNCTION planner_clock_version(previous bigint) RETURNS bigint
LANGUAGE sql VOLATILE AS $$
    SELECT GREATEST(coalesce(previous, 0) + 1,
                    (extract(epoch FROM clock_timestamp()) * 1000000)::bigint)
$$
""",
    """
CREATE OR REPLACE FUNCTION planner_row_version() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    -- A version may run ahead of this server's clock by a client's clock skew,
    -- not more: a version far in the future would freeze the row.
    ceiling bigint := planner_clock_version(0) + 300000000;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.version IS NULL OR NEW.version <= 0 OR NEW.version > ceiling THEN
            NEW.version := planner_clock_version(0);
        END IF;
    -- A write must move the version forward: one that keeps it (direct SQL),
    -- takes it back (an older version reused would let a stale write through)
    -- or sends it past the ceiling gets a new one.
    ELSIF NEW.version IS NULL OR NEW.version <= OLD.version OR NEW.version > ceiling THEN
        NEW.version := planner_clock_version(OLD.version);
    END IF;
    RETURN NEW;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION planner_journal() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    old_row jsonb;
    new_row jsonb;
    row_values jsonb;
    row_key text;
    firm text;
BEGIN
    -- Runs with the owner's rights: only for the campaign's own tables (a
    -- login may not hang it on a table of its own to write the journal, nor
    -- have its types' casts run as the owner), and called by no one directly
    -- (EXECUTE revoked below).
    IF TG_TABLE_SCHEMA <> 'public'
       OR TG_RELID <> to_regclass('public.' || quote_ident(TG_TABLE_NAME)) THEN
        RAISE EXCEPTION 'planner_journal : table % non suivie', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    old_row := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
    new_row := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
    row_values := coalesce(new_row, old_row);
    IF TG_OP = 'UPDATE' AND old_row = new_row THEN
        RETURN NULL;
    END IF;
    SELECT string_agg(row_values ->> k, '|' ORDER BY n) INTO row_key
        FROM unnest(string_to_array(TG_ARGV[0], ',')) WITH ORDINALITY AS u(k, n);
    IF TG_ARGV[1] = 'siret' THEN
        firm := row_values ->> 'siret';
    ELSIF TG_ARGV[1] = 'contact' THEN
        SELECT c.siret INTO firm FROM contact c WHERE c.id = (row_values ->> 'contact_id')::int;
    END IF;
    INSERT INTO journal (at, login, table_name, row_key, siret, action, before, after)
        VALUES (clock_timestamp(), session_user, TG_TABLE_NAME, row_key, firm,
                lower(TG_OP), old_row, new_row);
    RETURN NULL;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION planner_is_redaction(previous jsonb, redacted jsonb, allowed text[])
RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT (previous IS NULL AND redacted IS NULL)
        OR (previous IS NOT NULL AND redacted IS NOT NULL
            AND (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(previous) AS k)
                IS NOT DISTINCT FROM
                (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(redacted) AS k)
            AND NOT EXISTS (
                SELECT 1 FROM jsonb_each(redacted) AS r
                WHERE r.value IS DISTINCT FROM previous -> r.key
                  AND (r.key <> ALL (allowed)
                       OR NOT (r.value = 'null'::jsonb
                               OR (jsonb_typeof(r.value) = 'string'
                                   AND r.value ->> 0 LIKE '%non diffusible%')))))
$$
""",
    """
CREATE OR REPLACE FUNCTION planner_withheld_entry(entry journal) RETURNS text[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    -- The fields of a journal entry that may be erased: those that named a firm
    -- now non-diffusible (as the SIRENE import wipes them), or none.
    SELECT CASE
        WHEN entry.table_name = 'contact' AND EXISTS (
                SELECT 1 FROM establishment e
                 WHERE e.siret = entry.siret AND e.non_diffusible)
            THEN ARRAY['contact_person', 'phone', 'email', 'next_step', 'comment']
        WHEN entry.table_name = 'contact_service' AND EXISTS (
                SELECT 1 FROM establishment e
                 WHERE e.siret = entry.siret AND e.non_diffusible)
            THEN ARRAY['comment']
        WHEN entry.table_name = 'firm_block' AND EXISTS (
                SELECT 1 FROM establishment e
                 WHERE e.siret = entry.siret AND e.non_diffusible)
            THEN ARRAY['note']
        WHEN entry.table_name = 'venue' AND EXISTS (
                SELECT 1 FROM venue v
                 WHERE v.id::text = entry.row_key AND v.non_diffusible)
            THEN ARRAY['name', 'address', 'commune_code', 'lon', 'lat']
        WHEN entry.table_name = 'discovery_session' AND EXISTS (
                SELECT 1 FROM establishment e
                 WHERE e.non_diffusible AND e.siret IN (
                    SELECT h.siret FROM session_host h WHERE h.session_id::text = entry.row_key
                    UNION SELECT i.siret FROM session_invitee i
                     WHERE i.session_id::text = entry.row_key
                    UNION SELECT v.siret FROM venue v JOIN discovery_session d
                        ON d.venue_id = v.id WHERE d.id::text = entry.row_key))
            THEN ARRAY['title', 'outcome_notes', 'clash_override']
        ELSE ARRAY[]::text[]
    END
$$
""",
    """
CREATE OR REPLACE FUNCTION planner_forbid_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    allowed text[];
BEGIN
    -- The one change allowed: erasing what named a firm that became
    -- non-diffusible (its fields set to null or to « … non diffusible »), in
    -- an entry about that firm, every other value and column as it was.
    IF TG_OP = 'UPDATE'
       AND (NEW.id, NEW.at, NEW.login, NEW.table_name, NEW.action)
           = (OLD.id, OLD.at, OLD.login, OLD.table_name, OLD.action)
       AND NEW.row_key IS NOT DISTINCT FROM OLD.row_key
       AND NEW.siret IS NOT DISTINCT FROM OLD.siret THEN
        allowed := planner_withheld_entry(OLD);
        IF cardinality(allowed) > 0
           AND planner_is_redaction(OLD.before, NEW.before, allowed)
           AND planner_is_redaction(OLD.after, NEW.after, allowed) THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'Le journal de la campagne ne peut être ni modifié ni effacé.'
        USING ERRCODE = 'insufficient_privilege';
END
$$
""",
    """
CREATE OR REPLACE FUNCTION planner_redact_journal(entry bigint, before_values jsonb,
                                                  after_values jsonb) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    -- The SIRENE import of a coordination login erases a non-diffusible firm
    -- from the journal through here (the journal's trigger checks the change).
    IF NOT (coalesce((SELECT planner_access_role()) = 'coordination', false)
            OR pg_has_role(session_user, (SELECT c.relowner FROM pg_class c
                                           WHERE c.oid = 'journal'::regclass), 'USAGE')) THEN
        RAISE EXCEPTION 'Seule la coordination efface du journal une entreprise '
            'devenue non diffusible.'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    UPDATE journal SET before = coalesce(before_values, before),
                       after = coalesce(after_values, after)
     WHERE id = entry;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION planner_stamp_login() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Who wrote the row last is the server's word, never the client's: row-level
    -- security lets a field login change only the rows it wrote (pg_access.py).
    NEW.login := session_user;
    RETURN NEW;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION planner_service_firm() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    firm text;
BEGIN
    -- A service is recorded for its contact's firm, never for another one.
    -- Runs with the writer's rights: a contact it cannot see gives no firm, and
    -- the foreign key or the row-level security refuses the row.
    SELECT c.siret INTO firm FROM contact c WHERE c.id = NEW.contact_id;
    IF firm IS NULL THEN
        RETURN NEW;
    END IF;
    IF NEW.siret IS NOT NULL AND NEW.siret <> firm THEN
        RAISE EXCEPTION 'Un service se rattache à l''établissement de son contact (%), '
            'pas à %.', firm, NEW.siret
            USING ERRCODE = 'check_violation';
    END IF;
    NEW.siret := firm;
    RETURN NEW;
END
$$
""",
    f"""
CREATE OR REPLACE FUNCTION planner_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{NOTIFY_CHANNEL}', json_build_object(
        'table', TG_TABLE_NAME, 'login', session_user, 'pid', pg_backend_pid())::text);
    RETURN NULL;
END
$$
""",
)


_TRIGGER_FUNCTIONS = (
    "planner_row_version()",
    "planner_journal()",
    "planner_forbid_change()",
    "planner_notify()",
    "planner_stamp_login()",
    "planner_service_firm()",
)

# Row triggers of single tables: (table, trigger, function), BEFORE INSERT OR UPDATE.
_ROW_GUARDS: tuple[tuple[str, str, str], ...] = (
    ("firm_block", "planner_stamp_login", "planner_stamp_login"),
    ("contact_service", "planner_service_firm", "planner_service_firm"),
)


def install_statements(tables: Collection[str] | None = None) -> Iterator[str]:
    """The SQL that installs the functions and triggers (idempotent).

    ``tables``: only on these tables (a migration names the tables that exist at
    its revision); None: on every followed table.
    """

    def wanted(table: str) -> bool:
        return tables is None or table in tables

    yield from _FUNCTIONS
    for table in filter(wanted, VERSIONED_TABLES):
        yield f"DROP TRIGGER IF EXISTS planner_row_version ON {table}"
        yield (
            f"CREATE TRIGGER planner_row_version BEFORE INSERT OR UPDATE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION planner_row_version()"
        )
    for followed in JOURNALED_TABLES:
        if not wanted(followed.name):
            continue
        args = f"'{','.join(followed.key)}', '{followed.firm}'"
        yield f"DROP TRIGGER IF EXISTS planner_journal ON {followed.name}"
        yield (
            f"CREATE TRIGGER planner_journal AFTER INSERT OR UPDATE OR DELETE ON {followed.name} "
            f"FOR EACH ROW EXECUTE FUNCTION planner_journal({args})"
        )
    for table in filter(wanted, NOTIFIED_TABLES):
        yield f"DROP TRIGGER IF EXISTS planner_notify ON {table}"
        yield (
            f"CREATE TRIGGER planner_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION planner_notify()"
        )
    for table, trigger, function in _ROW_GUARDS:
        if not wanted(table):
            continue
        yield f"DROP TRIGGER IF EXISTS {trigger} ON {table}"
        yield (
            f"CREATE TRIGGER {trigger} BEFORE INSERT OR UPDATE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()"
        )
    yield "DROP TRIGGER IF EXISTS planner_append_only ON journal"
    yield (
        "CREATE TRIGGER planner_append_only BEFORE UPDATE OR DELETE ON journal "
        "FOR EACH ROW EXECUTE FUNCTION planner_forbid_change()"
    )
    yield "DROP TRIGGER IF EXISTS planner_no_truncate ON journal"
    yield (
        "CREATE TRIGGER planner_no_truncate BEFORE TRUNCATE ON journal "
        "FOR EACH STATEMENT EXECUTE FUNCTION planner_forbid_change()"
    )
    yield "REVOKE ALL ON journal FROM PUBLIC"
    # Trigger functions fire whoever writes; no login may call them or hang
    # them on a table of its own (CREATE TRIGGER needs EXECUTE).
    for signature in _TRIGGER_FUNCTIONS:
        yield f"REVOKE EXECUTE ON FUNCTION {signature} FROM PUBLIC"


def uninstall_statements(tables: Collection[str] | None = None) -> Iterator[str]:
    """The SQL that removes them (downgrade; ``tables``: only on these tables)."""

    def wanted(table: str) -> bool:
        return tables is None or table in tables

    for table in filter(wanted, VERSIONED_TABLES):
        yield f"DROP TRIGGER IF EXISTS planner_row_version ON {table}"
    for followed in JOURNALED_TABLES:
        if wanted(followed.name):
            yield f"DROP TRIGGER IF EXISTS planner_journal ON {followed.name}"
    for table in filter(wanted, NOTIFIED_TABLES):
        yield f"DROP TRIGGER IF EXISTS planner_notify ON {table}"
    for table, trigger, _function in _ROW_GUARDS:
        if wanted(table):
            yield f"DROP TRIGGER IF EXISTS {trigger} ON {table}"
    for name in (
        "planner_row_version",
        "planner_journal",
        "planner_forbid_change",
        "planner_notify",
        "planner_stamp_login",
        "planner_service_firm",
    ):
        yield f"DROP FUNCTION IF EXISTS {name}() CASCADE"
    yield "DROP FUNCTION IF EXISTS planner_clock_version(bigint)"
    yield "DROP FUNCTION IF EXISTS planner_is_redaction(jsonb, jsonb, text[])"
    yield "DROP FUNCTION IF EXISTS planner_withheld_entry(journal)"
    yield "DROP FUNCTION IF EXISTS planner_redact_journal(bigint, jsonb, jsonb)"
