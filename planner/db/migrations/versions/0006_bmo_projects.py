"""BMO recruitment projects of the bassin (métiers in tension)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 19:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bmo_project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("bassin_code", sa.String(length=10), nullable=False),
        sa.Column("bassin_label", sa.String(length=200), nullable=False),
        sa.Column("departement", sa.String(length=3), nullable=False),
        sa.Column("metier_code", sa.String(length=10), nullable=False),
        sa.Column("metier_label", sa.String(length=200), nullable=False),
        sa.Column("family_label", sa.String(length=200), nullable=True),
        sa.Column("projects", sa.Integer(), nullable=True),
        sa.Column("difficult", sa.Integer(), nullable=True),
        sa.Column("seasonal", sa.Integer(), nullable=True),
        sa.Column("projects_withheld", sa.Boolean(), nullable=False),
        sa.Column("difficult_withheld", sa.Boolean(), nullable=False),
        sa.Column("seasonal_withheld", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bmo_project")),
        sa.UniqueConstraint(
            "year",
            "bassin_code",
            "departement",
            "metier_code",
            name=op.f("uq_bmo_project_year"),
        ),
    )
    with op.batch_alter_table("bmo_project", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bmo_project_year"), ["year"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("bmo_project", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bmo_project_year"))
    op.drop_table("bmo_project")
