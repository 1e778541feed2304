"""Establishments whose position lies outside their declared commune

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 13:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


# Set by each SIRENE import (a spatial join of the positions with the bassin's
# commune boundaries, 200 m tolerance): the firm's card flags a geocoding to
# check. Older campaigns get it at their next import; until then nothing is
# flagged.


def upgrade() -> None:
    with op.batch_alter_table('establishment') as batch_op:
        batch_op.add_column(
            sa.Column(
                'position_outside_commune', sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table('establishment') as batch_op:
        batch_op.drop_column('position_outside_commune')
