"""Non-diffusible establishments and the venues made from their sites

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


# An establishment that became non-diffusible (statut P) in a later stock is
# kept by SIRET only, its name, address and position wiped: the flag tells it
# from a firm whose name is merely empty. A venue made from its site is wiped
# too and flagged, so that the coordinator is asked to replace it.


def upgrade() -> None:
    with op.batch_alter_table('establishment') as batch_op:
        batch_op.add_column(
            sa.Column('non_diffusible', sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table('venue') as batch_op:
        batch_op.add_column(
            sa.Column('non_diffusible', sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table('venue') as batch_op:
        batch_op.drop_column('non_diffusible')
    with op.batch_alter_table('establishment') as batch_op:
        batch_op.drop_column('non_diffusible')
