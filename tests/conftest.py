"""Shared fixtures: real public samples, and campaign targets on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
# Copies of the real public samples (provenance in tests/data/public/README.md).
SHARED_DATA = ROOT / "tests" / "data" / "public"
PG_SERVER = os.environ.get("PLANNER_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real public samples copied into ``tests/data/public``."""
    if not SHARED_DATA.exists():
        pytest.fail(f"Données de test introuvables : {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def sirene_dir(shared_data: Path) -> Path:
    return shared_data / "sirene"


def _pg_available() -> str | None:
    try:
        engine = create_engine(f"{PG_SERVER}/test")
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:
        return str(exc).splitlines()[0]
    return None


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The PostgreSQL server's URL without a database; skip (or fail on CI) if down."""
    problem = _pg_available()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL injoignable sur {PG_SERVER} : {problem}")
        pytest.skip(f"PostgreSQL injoignable : {problem}")
    return PG_SERVER


@pytest.fixture
def pg_database(pg_server: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped after the test."""
    name = f"planner_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(f"{pg_server}/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{pg_server}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def campaign_target(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """Where to create a campaign: a new ``.planner`` file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return tmp_path / "campagne.planner"
    return str(request.getfixturevalue("pg_database"))
