"""A small demo campaign (its task force, first division and portfolios) on SQLite or PostgreSQL."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from planner.services.demo.demo_campaign import create_demo

ROWS, SEED = 600, 7


@pytest.fixture(scope="session")
def portfolio_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("portfolios") / "modele.planner"
    create_demo(path, rows=ROWS, seed=SEED)
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def campaign(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """A fresh demo campaign for one test: a copy of the file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        path = tmp_path / "campagne.planner"
        shutil.copy(request.getfixturevalue("portfolio_template"), path)
        return path
    database = str(request.getfixturevalue("pg_database"))
    create_demo(database, rows=ROWS, seed=SEED)
    return database


@pytest.fixture
def sqlite_campaign(portfolio_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "campagne.planner"
    shutil.copy(portfolio_template, path)
    return path
