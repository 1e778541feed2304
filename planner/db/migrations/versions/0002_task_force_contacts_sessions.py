"""Task force (partners, teams, advisers, assignments), contacts and sessions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 16:34:08.564100
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('partner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('exclusive', sa.Boolean(), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner')),
    sa.UniqueConstraint('name', name=op.f('uq_partner_name'))
    )
    op.create_table('venue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('commune_code', sa.String(length=5), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('siret', sa.String(length=14), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_venue'))
    )
    op.create_table('discovery_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('series_id', sa.String(length=36), nullable=True),
    sa.Column('recurrence', sa.String(length=200), nullable=True),
    sa.Column('venue_id', sa.Integer(), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('attendance', sa.Integer(), nullable=True),
    sa.Column('outcome_notes', sa.Text(), nullable=True),
    sa.Column('clash_override', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['venue_id'], ['venue.id'], name=op.f('fk_discovery_session_venue_id_venue'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_discovery_session'))
    )
    with op.batch_alter_table('discovery_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_discovery_session_series_id'), ['series_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_discovery_session_starts_at'), ['starts_at'], unique=False)
    op.create_table('remit_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_remit_rule_partner_id_partner'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_remit_rule'))
    )
    op.create_table('team',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('color', sa.String(length=7), nullable=True),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_team_partner_id_partner'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team')),
    sa.UniqueConstraint('partner_id', 'name', name=op.f('uq_team_partner_id'))
    )
    op.create_table('adviser',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=30), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('base_lon', sa.Float(), nullable=True),
    sa.Column('base_lat', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_adviser_team_id_team'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_adviser'))
    )
    op.create_table('session_host',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('siret', sa.String(length=14), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['discovery_session.id'], name=op.f('fk_session_host_session_id_discovery_session'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['siret'], ['establishment.siret'], name=op.f('fk_session_host_siret_establishment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', 'siret', name=op.f('pk_session_host'))
    )
    op.create_table('session_invitee',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('siret', sa.String(length=14), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['discovery_session.id'], name=op.f('fk_session_invitee_session_id_discovery_session'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['siret'], ['establishment.siret'], name=op.f('fk_session_invitee_siret_establishment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', 'siret', name=op.f('pk_session_invitee'))
    )
    op.create_table('session_partner',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_session_partner_partner_id_partner'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['discovery_session.id'], name=op.f('fk_session_partner_session_id_discovery_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', 'partner_id', name=op.f('pk_session_partner'))
    )
    op.create_table('session_theme',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=4), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['discovery_session.id'], name=op.f('fk_session_theme_session_id_discovery_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', 'kind', 'code', name=op.f('pk_session_theme'))
    )
    op.create_table('assignment',
    sa.Column('siret', sa.String(length=14), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('adviser_id', sa.Integer(), nullable=True),
    sa.Column('locked', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('assigned_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['adviser_id'], ['adviser.id'], name=op.f('fk_assignment_adviser_id_adviser'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['siret'], ['establishment.siret'], name=op.f('fk_assignment_siret_establishment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_assignment_team_id_team'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('siret', name=op.f('pk_assignment'))
    )
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_adviser_id'), ['adviser_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_team_id'), ['team_id'], unique=False)
    op.create_table('contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('siret', sa.String(length=14), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('adviser_id', sa.Integer(), nullable=True),
    sa.Column('adviser_name', sa.String(length=200), nullable=True),
    sa.Column('channel', sa.String(length=30), nullable=True),
    sa.Column('outcome', sa.String(length=50), nullable=False),
    sa.Column('contact_person', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=30), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('session_interest', sa.String(length=20), nullable=True),
    sa.Column('next_step', sa.Text(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('source_file', sa.String(length=300), nullable=True),
    sa.Column('source_row', sa.String(length=100), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['adviser_id'], ['adviser.id'], name=op.f('fk_contact_adviser_id_adviser'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['siret'], ['establishment.siret'], name=op.f('fk_contact_siret_establishment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact'))
    )
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_siret'), ['siret'], unique=False)
    op.create_table('session_adviser',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('adviser_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['adviser_id'], ['adviser.id'], name=op.f('fk_session_adviser_adviser_id_adviser'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['discovery_session.id'], name=op.f('fk_session_adviser_session_id_discovery_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', 'adviser_id', name=op.f('pk_session_adviser'))
    )
    op.create_table('contact_need',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('rome_code', sa.String(length=5), nullable=True),
    sa.Column('posts', sa.Integer(), nullable=True),
    sa.Column('offer_deposited', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_contact_need_contact_id_contact'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_need'))
    )


def downgrade() -> None:
    op.drop_table('contact_need')
    op.drop_table('session_adviser')
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_siret'))
    op.drop_table('contact')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_team_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_adviser_id'))
    op.drop_table('assignment')
    op.drop_table('session_theme')
    op.drop_table('session_partner')
    op.drop_table('session_invitee')
    op.drop_table('session_host')
    op.drop_table('adviser')
    op.drop_table('team')
    op.drop_table('remit_rule')
    with op.batch_alter_table('discovery_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_discovery_session_starts_at'))
        batch_op.drop_index(batch_op.f('ix_discovery_session_series_id'))
    op.drop_table('discovery_session')
    op.drop_table('venue')
    op.drop_table('partner')
