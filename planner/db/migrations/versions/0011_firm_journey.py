"""The firm's journey: the service offer, services per contact, ne pas solliciter, portfolios

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 19:00:00
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

from planner.db import pg_access, pg_triggers
from planner.db.row_versions import next_version
from planner.domain.service_offer import SEED_SERVICES

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

NEW_TABLES = (
    'service_offer',
    'service_offer_partner',
    'contact_service',
    'firm_block',
    'portfolio_claim',
)

# Each campaign gets the catalogue of the common services (the coordinator edits
# it); a contact records the services proposed, accepted, realised or refused;
# a firm can be marked « ne pas solliciter »; a partner's portfolio claims the
# firms it already follows. On PostgreSQL the new tables get the row versions,
# the journal, the change notices and row-level security of 0010, and the
# campaign's existing group roles get their privileges on them. What a login
# writing by direct SQL may not record is checked by the database: CHECK
# constraints on both backends; on PostgreSQL a mark is signed with the
# session's login by a trigger (a partner changes only its own marks), and a
# service is tied to its contact's firm.


def _version() -> sa.Column[int]:
    return sa.Column('version', sa.BigInteger(), nullable=False, server_default='0')


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        'service_offer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=30), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('counts_as_accompaniment', sa.Boolean(), nullable=False),
        sa.Column('quantity_label', sa.String(length=30), nullable=True),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        _version(),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_service_offer')),
        sa.UniqueConstraint('code', name=op.f('uq_service_offer_code')),
        sa.UniqueConstraint('name', name=op.f('uq_service_offer_name')),
    )
    op.create_table(
        'service_offer_partner',
        sa.Column('offer_id', sa.Integer(), nullable=False),
        sa.Column('partner_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['offer_id'], ['service_offer.id'],
            name=op.f('fk_service_offer_partner_offer_id_service_offer'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['partner_id'], ['partner.id'],
            name=op.f('fk_service_offer_partner_partner_id_partner'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('offer_id', 'partner_id', name=op.f('pk_service_offer_partner')),
    )
    op.create_table(
        'contact_service',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('contact_id', sa.Integer(), nullable=False),
        sa.Column('siret', sa.String(length=14), nullable=False),
        sa.Column('offer_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('date', sa.Date(), nullable=False),
        sa.Column('quantity', sa.Integer(), nullable=True),
        sa.Column('comment', sa.Text(), nullable=True),
        _version(),
        sa.ForeignKeyConstraint(
            ['contact_id'], ['contact.id'],
            name=op.f('fk_contact_service_contact_id_contact'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['offer_id'], ['service_offer.id'],
            name=op.f('fk_contact_service_offer_id_service_offer'), ondelete='RESTRICT',
        ),
        sa.ForeignKeyConstraint(
            ['siret'], ['establishment.siret'],
            name=op.f('fk_contact_service_siret_establishment'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_service')),
        # What a login writing by direct SQL may not record either.
        sa.CheckConstraint(
            "status IN ('proposed', 'accepted', 'done', 'refused')",
            name=op.f('ck_contact_service_status'),
        ),
        sa.CheckConstraint(
            'quantity IS NULL OR quantity BETWEEN 1 AND 10000',
            name=op.f('ck_contact_service_quantity'),
        ),
        sa.CheckConstraint(
            "date BETWEEN '2000-01-01' AND '2100-12-31'", name=op.f('ck_contact_service_date')
        ),
    )
    with op.batch_alter_table('contact_service') as batch_op:
        for column in ('contact_id', 'siret', 'offer_id', 'date'):
            batch_op.create_index(batch_op.f(f'ix_contact_service_{column}'), [column])
    op.create_table(
        'firm_block',
        sa.Column('siret', sa.String(length=14), nullable=False),
        sa.Column('reason', sa.String(length=30), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('until', sa.Date(), nullable=True),
        sa.Column('blocked_at', sa.DateTime(), nullable=False),
        sa.Column('blocked_by', sa.String(length=200), nullable=True),
        sa.Column('source', sa.String(length=20), nullable=False),
        # Set by a trigger to session_user on PostgreSQL (never by the client).
        sa.Column('login', sa.String(length=63), nullable=True),
        _version(),
        sa.ForeignKeyConstraint(
            ['siret'], ['establishment.siret'],
            name=op.f('fk_firm_block_siret_establishment'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('siret', name=op.f('pk_firm_block')),
        sa.CheckConstraint(
            "reason IN ('refusal', 'closed', 'followed_elsewhere', 'other')",
            name=op.f('ck_firm_block_reason'),
        ),
        sa.CheckConstraint(
            'note IS NULL OR length(note) <= 2000', name=op.f('ck_firm_block_note')
        ),
    )
    op.create_table(
        'portfolio_claim',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('partner_id', sa.Integer(), nullable=False),
        sa.Column('siret', sa.String(length=14), nullable=False),
        sa.Column('adviser_email', sa.String(length=200), nullable=True),
        sa.Column('adviser_id', sa.Integer(), nullable=True),
        sa.Column('since', sa.Date(), nullable=True),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('source_file', sa.String(length=300), nullable=True),
        sa.Column('source_line', sa.Integer(), nullable=True),
        sa.Column('imported_at', sa.DateTime(), nullable=False),
        _version(),
        sa.ForeignKeyConstraint(
            ['adviser_id'], ['adviser.id'],
            name=op.f('fk_portfolio_claim_adviser_id_adviser'), ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['partner_id'], ['partner.id'],
            name=op.f('fk_portfolio_claim_partner_id_partner'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_portfolio_claim')),
        sa.UniqueConstraint('partner_id', 'siret', name=op.f('uq_portfolio_claim_partner_id')),
    )
    with op.batch_alter_table('portfolio_claim') as batch_op:
        batch_op.create_index(batch_op.f('ix_portfolio_claim_partner_id'), ['partner_id'])
        batch_op.create_index(batch_op.f('ix_portfolio_claim_siret'), ['siret'])

    offers = sa.table(
        'service_offer',
        sa.column('code', sa.String),
        sa.column('name', sa.String),
        sa.column('counts_as_accompaniment', sa.Boolean),
        sa.column('quantity_label', sa.String),
        sa.column('position', sa.Integer),
        sa.column('active', sa.Boolean),
        sa.column('version', sa.BigInteger),
    )
    op.bulk_insert(
        offers,
        [
            {
                'code': seed.code,
                'name': seed.name,
                'counts_as_accompaniment': seed.counts_as_accompaniment,
                'quantity_label': seed.quantity_label,
                'position': position,
                'active': True,
                'version': next_version(),
            }
            for position, seed in enumerate(SEED_SERVICES, start=1)
        ],
    )

    if bind.dialect.name == 'postgresql':
        existing = set(sa.inspect(bind).get_table_names())
        for statement in pg_triggers.install_statements(existing):
            op.execute(statement)
        for statement in pg_access.install_statements(existing):
            op.execute(statement)
        _grant_existing_groups(bind)


def _grant_existing_groups(bind: sa.Connection) -> None:
    """Give the campaign's group roles (made by ``planner access grant`` before this
    revision) their privileges on the new tables, as ``access_roles.ensure_group`` would."""
    # Only this campaign's groups (``access_roles.group_role``): every role may CONNECT
    # (PUBLIC's default), so that test alone would grant every other campaign's groups
    # on this server, and tie them to this database (they could no longer be dropped).
    database = str(bind.execute(sa.text("SELECT current_database()")).scalar())
    digest = hashlib.sha256(database.encode()).hexdigest()[:16]
    names = [
        name if len(name.encode()) <= 63 else f"planner_{digest}_{role}"
        for role in ("coordination", "partenaire", "conseiller")
        for name in [f"planner_{database}_{role}"]
    ]
    groups = bind.execute(
        sa.text("SELECT rolname FROM pg_roles WHERE NOT rolcanlogin AND rolname = ANY(:names)"),
        {"names": names},
    ).scalars()
    tables = ', '.join(NEW_TABLES)

    def sequence(table: str) -> str:
        # pg_get_serial_sequence returns the name quoted as needed.
        name = bind.execute(
            sa.text("SELECT pg_get_serial_sequence(:table, 'id')"), {'table': table}
        ).scalar()
        return str(name)

    for group in groups:
        quoted = '"' + group.replace('"', '""') + '"'
        op.execute(f'GRANT SELECT ON {tables} TO {quoted}')
        if group.endswith('_coordination'):
            op.execute(f'GRANT INSERT, UPDATE, DELETE ON {tables} TO {quoted}')
            for table in ('service_offer', 'contact_service', 'portfolio_claim'):
                op.execute(f'GRANT USAGE, SELECT ON SEQUENCE {sequence(table)} TO {quoted}')
        elif group.endswith(('_partenaire', '_conseiller')):
            inserts = [t for t in pg_access.FIELD_INSERT_TABLES if t in NEW_TABLES]
            updates = [t for t in pg_access.FIELD_UPDATE_TABLES if t in NEW_TABLES]
            op.execute(f"GRANT INSERT ON {', '.join(inserts)} TO {quoted}")
            op.execute(f"GRANT UPDATE ON {', '.join(updates)} TO {quoted}")
            op.execute(f"GRANT USAGE ON SEQUENCE {sequence('contact_service')} TO {quoted}")


def downgrade() -> None:
    bind = op.get_bind()
    # Dropping the tables drops their policies and triggers; the functions the
    # older tables use stay (``uninstall_statements`` would remove those too).
    for table in reversed(NEW_TABLES):
        op.drop_table(table)
    if bind.dialect.name == 'postgresql':
        op.execute('DROP FUNCTION IF EXISTS planner_stamp_login()')
        op.execute('DROP FUNCTION IF EXISTS planner_service_firm()')


