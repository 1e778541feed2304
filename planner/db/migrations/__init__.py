"""Alembic migrations of the campaign schema."""
