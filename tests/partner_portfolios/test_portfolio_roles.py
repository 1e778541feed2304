"""Portfolios on a shared campaign: coordination imports and settles; a partner's login
reads its own claims only and cannot import (PostgreSQL's roles, not just hidden menus)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, make_url, text

from planner.cli.main import run
from planner.services.demo.demo_campaign import create_demo

pytestmark = pytest.mark.postgres

CAP = "Cap emploi 93"


@pytest.fixture
def logins(pg_server: str) -> Iterator[list[str]]:
    made: list[str] = []
    yield made
    admin = create_engine(f"{pg_server}/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in made:
            conn.execute(text(f'DROP ROLE IF EXISTS "{name}"'))
    admin.dispose()


def _grant(url: str, login: str, *role: str) -> None:
    assert run(["access", "grant", url, "--login", login, "--role", *role]) == 0


def _count(url: str, login: str) -> int:
    parsed = make_url(url)
    with psycopg.connect(
        host=parsed.host, port=parsed.port, dbname=parsed.database, user=login, autocommit=True
    ) as conn:
        row = conn.execute("SELECT count(*) FROM portfolio_claim").fetchone()
    assert row is not None
    return int(row[0])  # type: ignore[call-overload]


def test_coordination_imports_a_partner_login_cannot(
    pg_database: str, logins: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    create_demo(pg_database, rows=600, seed=7)
    coordinator, partner = f"coo_{uuid.uuid4().hex[:8]}", f"cap_{uuid.uuid4().hex[:8]}"
    logins += [coordinator, partner]
    _grant(pg_database, coordinator, "coordination")
    _grant(pg_database, partner, "partenaire", "--partner", CAP)
    as_coordinator = make_url(pg_database).set(username=coordinator).render_as_string(False)
    as_partner = make_url(pg_database).set(username=partner).render_as_string(False)
    assert _count(pg_database, "postgres") == 24  # the demo's CMA and Cap emploi portfolios
    assert _count(pg_database, partner) == 12  # its own claims only

    path = tmp_path / "cap.csv"
    path.write_text("SIRET\n73282932000074\n", encoding="utf-8")
    argv = ["import", "portfolio", "--partner", CAP, "--from", str(path), "--json"]
    capsys.readouterr()
    assert run([argv[0], argv[1], as_partner, *argv[2:]]) == 2
    refused = capsys.readouterr().err
    assert "n'a pas le droit" in refused and "Traceback" not in refused
    assert _count(pg_database, "postgres") == 24  # nothing written

    capsys.readouterr()
    assert run([argv[0], argv[1], as_coordinator, *argv[2:]]) == 2  # would drop 12 claims
    refused = capsys.readouterr().err
    assert "retirerait 12 entreprise(s)" in refused and "dont 11 attribuée(s)" in refused
    assert "--replace" in refused and _count(pg_database, "postgres") == 24
    assert run([argv[0], argv[1], as_coordinator, *argv[2:], "--replace"]) == 0
    assert _count(pg_database, "postgres") == 13  # Cap emploi's portfolio replaced
    assert _count(pg_database, partner) == 1
    # the demo's conflict went with Cap emploi's old portfolio: the CMA's claim stands alone
    capsys.readouterr()
    assert run(["partner-portfolios", "conflicts", as_coordinator, "--json"]) == 0
    assert capsys.readouterr().out.strip() == "[]"
