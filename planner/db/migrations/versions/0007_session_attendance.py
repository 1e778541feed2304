"""Session attendance and outcomes after the event

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 19:50:00
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401 - used once the revision has operations
from alembic import op  # noqa: F401

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
