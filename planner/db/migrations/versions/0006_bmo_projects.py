"""BMO recruitment projects of the bassin (métiers in tension)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 19:50:00
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401 - used once the revision has operations
from alembic import op  # noqa: F401

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
