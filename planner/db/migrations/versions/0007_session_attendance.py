"""Session attendance and outcomes after the event

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 19:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


# Who came is the invitee's status ("attended" / "absent", no new column);
# how many took part and what was said are discovery_session.attendance and
# outcome_notes (0004). The job offers and hires are new.


def upgrade() -> None:
    with op.batch_alter_table('discovery_session') as batch_op:
        batch_op.add_column(sa.Column('jobs_offered', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('hires', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('discovery_session') as batch_op:
        batch_op.drop_column('hires')
        batch_op.drop_column('jobs_offered')
