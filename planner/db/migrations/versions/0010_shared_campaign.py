"""Shared campaign: row versions, the journal, access grants

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from planner.db import pg_triggers
from planner.db.row_versions import VERSIONED_TABLES

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


# Every row users edit gets a version (optimistic concurrency: a stale write is
# refused, never silently applied); existing rows start at one version, the
# migration's clock reading. The journal records every change of the followed
# tables; on PostgreSQL triggers write it, and announce changes to open apps.


def upgrade() -> None:
    bind = op.get_bind()
    from planner.db.row_versions import next_version

    start = next_version()
    # VERSIONED_TABLES grows with later revisions: only this revision's tables.
    at_start = set(sa.inspect(bind).get_table_names())
    for table in VERSIONED_TABLES:
        if table not in at_start:
            continue
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(
                sa.Column('version', sa.BigInteger(), nullable=False, server_default='0')
            )
        op.execute(sa.text(f"UPDATE {table} SET version = :v").bindparams(v=start))
    json_type = sa.JSON().with_variant(JSONB(), 'postgresql')
    op.create_table(
        'journal',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('login', sa.String(length=200), nullable=False),
        sa.Column('table_name', sa.String(length=50), nullable=False),
        sa.Column('row_key', sa.String(length=200), nullable=True),
        sa.Column('siret', sa.String(length=14), nullable=True),
        sa.Column('action', sa.String(length=6), nullable=False),
        sa.Column('before', json_type, nullable=True),
        sa.Column('after', json_type, nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_journal')),
    )
    with op.batch_alter_table('journal') as batch_op:
        batch_op.create_index(batch_op.f('ix_journal_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_journal_siret'), ['siret'], unique=False)
    op.create_table(
        'access_grant',
        sa.Column('login', sa.String(length=63), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=False),
        sa.Column('partner_id', sa.Integer(), nullable=True),
        sa.Column('adviser_id', sa.Integer(), nullable=True),
        sa.Column('granted_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['adviser_id'], ['adviser.id'],
            name=op.f('fk_access_grant_adviser_id_adviser'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['partner_id'], ['partner.id'],
            name=op.f('fk_access_grant_partner_id_partner'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('login', name=op.f('pk_access_grant')),
    )
    if bind.dialect.name == 'postgresql':
        # The tables of this revision only: later revisions add theirs (0011).
        existing = set(sa.inspect(bind).get_table_names())
        for statement in pg_triggers.install_statements(existing):
            op.execute(statement)
        from planner.db import pg_access

        for statement in pg_access.install_statements(existing):
            op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    existing = set(sa.inspect(bind).get_table_names())
    if bind.dialect.name == 'postgresql':
        from planner.db import pg_access

        for statement in pg_access.uninstall_statements(existing):
            op.execute(statement)
        for statement in pg_triggers.uninstall_statements(existing):
            op.execute(statement)
    op.drop_table('access_grant')
    op.drop_table('journal')
    for table in VERSIONED_TABLES:
        if table not in existing:
            continue
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column('version')
