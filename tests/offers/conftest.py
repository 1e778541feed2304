"""Demo campaigns on SQLite and on PostgreSQL for the service-offer tests, and partner
logins on the PostgreSQL one."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from planner.cli.main import run
from planner.services.demo.demo_campaign import create_demo

ROWS = 1500
SEED = 7


@pytest.fixture(scope="session")
def offers_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("offers") / "modele.planner"
    create_demo(path, rows=ROWS, seed=SEED)
    return path


def _drop_roles(server: str, like: str | None = None, names: tuple[str, ...] = ()) -> None:
    admin = create_engine(f"{server}/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        found = list(names)
        if like is not None:
            found += conn.execute(
                text("SELECT rolname FROM pg_roles WHERE rolname LIKE :p"), {"p": like}
            ).scalars()
        for name in found:
            conn.execute(text(f'DROP ROLE IF EXISTS "{name}"'))
    admin.dispose()


@contextmanager
def _pg_demo(server: str) -> Iterator[str]:
    name = f"planner_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(f"{server}/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        create_demo(f"{server}/{name}", rows=ROWS, seed=SEED)
        yield f"{server}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        _drop_roles(server, like=f"planner_{name}_%")


@pytest.fixture
def pg_offers_campaign(pg_server: str) -> Iterator[str]:
    """The demo campaign on a new PostgreSQL database, dropped after the test."""
    with _pg_demo(pg_server) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def offers_campaign(
    request: pytest.FixtureRequest, offers_template: Path, tmp_path: Path
) -> Iterator[str]:
    """A fresh demo campaign: a copy of the template file, or the demo on a new database."""
    if request.param == "sqlite":
        path = tmp_path / "campagne.planner"
        shutil.copy(offers_template, path)
        yield str(path)
        return
    with _pg_demo(request.getfixturevalue("pg_server")) as url:
        yield url


@pytest.fixture
def partner_login(pg_server: str) -> Iterator[Callable[[str, str], str]]:
    """``make(url, partner)`` grants a new login the *partenaire* role on the campaign at
    ``url`` and returns the campaign's URL for that login; the logins are dropped after."""
    made: list[str] = []

    def make(url: str, partner: str) -> str:
        login = f"off_{uuid.uuid4().hex[:10]}"
        made.append(login)
        code = run(
            ["access", "grant", url, "--login", login, "--role", "partenaire", "--partner", partner]
        )
        assert code == 0
        return make_url(url).set(username=login).render_as_string(hide_password=False)

    yield make
    _drop_roles(pg_server, names=tuple(made))
