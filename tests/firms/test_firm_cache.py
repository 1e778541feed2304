"""The columnar firm cache: served only while nothing changed, rebuilt otherwise.

A campaign built from the real SIRENE sample (SQLite and PostgreSQL); every
kind of change the frame shows must invalidate the cached file, and a
damaged file must be ignored.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import select

from planner.db import models
from planner.db.store import CampaignStore, create_store, open_store
from planner.domain.import_filters import ImportFilters
from planner.domain.nomenclature import NAF2025, REV2
from planner.services.campaign.naf_reference import write_reference
from planner.services.firms import firm_cache, firm_table
from planner.services.firms.firm_query import load_firms
from planner.services.sirene_import.pipeline import SireneFiles, import_sirene
from tests.sirene_csv import read_rows, write_rows

STOCK = "StockEtablissement_utf8__trackdechets_sample.csv"
UNITS = "StockUniteLegale_utf8__trackdechets_sample.csv"
EVERYTHING = ImportFilters(
    include_closed=True, bands=None, include_unknown_band=True, include_non_employers=True
)
SECRET = "00554066100021"  # a sole trader of the sample, made non-diffusible below


@pytest.fixture(autouse=True)
def _cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("PLANNER_FIRM_CACHE", str(folder))
    monkeypatch.delenv("PLANNER_NO_FIRM_CACHE", raising=False)
    return folder


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the frame was built from the database (not read from the cache)."""
    calls: list[int] = []
    real = firm_table._build

    def counted(conn: Any, nomenclature: str) -> pl.DataFrame:
        calls.append(1)
        return real(conn, nomenclature)

    monkeypatch.setattr(firm_table, "_build", counted)
    return calls


def _codes(sirene_dir: Path) -> dict[str, str]:
    _, rows = read_rows(sirene_dir / STOCK)
    return {r["codeCommuneEtablissement"]: r["codeCommuneEtablissement"] for r in rows}


@pytest.fixture
def store(campaign_target: str | Path, sirene_dir: Path) -> Iterator[CampaignStore]:
    opened = create_store(campaign_target)
    with opened.session() as session:
        session.add(
            models.Campaign(name="Test", bassin_kind="communes", bassin_code="*", bassin_label="T")
        )
    import_sirene(
        opened, SireneFiles(sirene_dir / STOCK, sirene_dir / UNITS), EVERYTHING, _codes(sirene_dir)
    )
    yield opened
    opened.close()


def _team(store: CampaignStore) -> tuple[int, int]:
    with store.session() as session:
        partner = models.Partner(name="CCI", kind="cci")
        team = models.Team(partner=partner, name="Équipe A")
        adviser = models.Adviser(team=team, name="Conseiller A")
        session.add_all([partner, team, adviser])
        session.flush()
        return team.id, adviser.id


def _cache_file(store: CampaignStore, nomenclature: str = REV2) -> Path:
    with store.engine.connect() as conn:
        return firm_cache.cache_path(conn, nomenclature)


def test_second_load_is_served_from_the_cache(store: CampaignStore, builds: list[int]) -> None:
    first = load_firms(store)
    assert len(builds) == 1 and _cache_file(store).exists()
    second = load_firms(store)
    assert len(builds) == 1
    assert_frame_equal(first, second)
    assert dict(second.schema) == firm_table.FIRM_SCHEMA


def _assign(store: CampaignStore) -> None:
    team_id, _ = _team(store)
    with store.session() as session:
        session.add(models.Assignment(siret=SECRET, team_id=team_id))


def _reassign(store: CampaignStore) -> None:
    _assign(store)
    load_firms(store)
    with store.session() as session:
        row = session.get(models.Assignment, SECRET)
        assert row is not None
        row.locked = True


def _contact(store: CampaignStore) -> None:
    with store.session() as session:
        session.add(models.Contact(siret=SECRET, date=dt.date(2027, 1, 5), outcome="Refus"))


def _rename_team(store: CampaignStore) -> None:
    _assign(store)
    load_firms(store)
    with store.session() as session:
        team = session.scalars(select(models.Team)).one()
        team.name = "Équipe B"


def _switch(store: CampaignStore) -> None:
    with store.session() as session:
        write_reference(session, NAF2025)


def _supported(store: CampaignStore) -> None:
    with store.session() as session:
        session.add(models.SupportedFirm(siret=SECRET, source="test"))


@pytest.mark.parametrize(
    "change", [_assign, _reassign, _contact, _rename_team, _switch, _supported]
)
def test_any_change_of_what_the_frame_shows_rebuilds_it(
    store: CampaignStore, builds: list[int], change: Callable[[CampaignStore], None]
) -> None:
    load_firms(store)
    change(store)
    before = len(builds)
    fresh = load_firms(store)
    assert len(builds) == before + 1
    with firm_cache_disabled():
        truth = load_firms(store)
    assert_frame_equal(fresh, truth)
    assert len(builds) == before + 2
    load_firms(store)
    assert len(builds) == before + 2  # and cached again


class firm_cache_disabled:  # noqa: N801 (used as a statement)
    """Build from the database, bypassing the cache."""

    def __enter__(self) -> None:
        self._patch = pytest.MonkeyPatch()
        self._patch.setenv("PLANNER_NO_FIRM_CACHE", "1")

    def __exit__(self, *_exc: object) -> None:
        self._patch.undo()


def test_an_import_rebuilds_and_a_wiped_firm_never_enters_the_cache(
    store: CampaignStore, builds: list[int], sirene_dir: Path, tmp_path: Path
) -> None:
    first = load_firms(store)
    secret = first.row(by_predicate=pl.col("siret") == SECRET, named=True)
    assert secret["name"]
    header, rows = read_rows(sirene_dir / STOCK)
    for row in rows:
        if row["siret"] == SECRET:
            row["statutDiffusionEtablissement"] = "P"
    later = write_rows(tmp_path / "StockEtablissement_utf8.csv", header, rows)
    import_sirene(store, SireneFiles(later, sirene_dir / UNITS), EVERYTHING, _codes(sirene_dir))
    before = len(builds)
    fresh = load_firms(store)
    assert len(builds) == before + 1
    assert SECRET not in set(fresh["siret"])
    data = _cache_file(store).read_bytes()
    assert SECRET.encode() not in data
    assert secret["name"].encode() not in data


def test_another_nomenclature_has_its_own_file(store: CampaignStore, builds: list[int]) -> None:
    rev2 = load_firms(store)
    naf25 = load_firms(store, NAF2025)
    assert len(builds) == 2
    assert _cache_file(store, NAF2025).exists()
    assert_frame_equal(load_firms(store), rev2)
    assert_frame_equal(load_firms(store, NAF2025), naf25)
    assert len(builds) == 2


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty"])
def test_a_damaged_file_is_ignored_and_rebuilt(
    store: CampaignStore, builds: list[int], damage: str
) -> None:
    first = load_firms(store)
    path = _cache_file(store)
    data = bytearray(path.read_bytes())
    if damage == "truncate":
        data = data[: len(data) * 2 // 3]
    elif damage == "flip":
        data[-200] ^= 0xFF
    elif damage == "garbage":
        data = bytearray(b"not a cache at all" * 10)
    else:
        data = bytearray()
    path.write_bytes(bytes(data))
    again = load_firms(store)
    assert len(builds) == 2
    assert_frame_equal(first, again)
    load_firms(store)
    assert len(builds) == 2


def test_an_unwritable_cache_folder_only_costs_speed(
    store: CampaignStore, builds: list[int], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("PLANNER_FIRM_CACHE", str(blocker / "sub"))
    first = load_firms(store)
    assert_frame_equal(load_firms(store), first)
    assert len(builds) == 2  # built each time, never failed


def test_discard_removes_every_file_of_the_campaign(store: CampaignStore) -> None:
    load_firms(store)
    load_firms(store, NAF2025)
    firm_cache.discard(store)
    assert not _cache_file(store).exists() and not _cache_file(store, NAF2025).exists()


def test_a_wipe_by_direct_sql_is_never_served_from_the_cache(tmp_path: Path) -> None:
    """Establishments have no version: a direct SQL wipe must still make the cache stale."""
    import shutil

    from planner.services.demo.demo_campaign import create_demo

    path = tmp_path / "direct.planner"
    create_demo(path, rows=600, seed=11)
    with open_store(path) as store:
        first = load_firms(store)
        siret, name = first["siret"][0], first["name"][0]
        assert name
    copy = tmp_path / "copie.planner"
    shutil.copyfile(path, copy)
    with sqlite3.connect(copy) as conn:
        conn.execute(
            "UPDATE establishment SET name = '', libelle_voie = NULL, lon = NULL, lat = NULL, "
            "non_diffusible = 1, in_target = 0 WHERE siret = ?",
            (siret,),
        )
    shutil.copyfile(copy, path)  # the wiped copy, at the same path
    with open_store(path) as store:
        again = load_firms(store)
    assert siret not in again["siret"].to_list()
    assert name not in again["name"].to_list() or again.height == first.height - 1


@pytest.mark.parametrize("length", [2**40, 2**63 - 1])
def test_a_cache_header_with_a_huge_length_is_rebuilt_not_a_crash(
    tmp_path: Path, length: int
) -> None:
    """The payload length is checked against the file before anything is read by it."""
    path = tmp_path / "cache.arrow"
    frame = pl.DataFrame({"siret": ["1"]})
    firm_cache.write_cache(path, {"a": 1}, frame)
    data = bytearray(path.read_bytes())
    head = firm_cache._HEAD
    magic, header_len, crc, _ = head.unpack(bytes(data[: head.size]))
    data[: head.size] = head.pack(magic, header_len, crc, length)
    path.write_bytes(bytes(data))
    assert firm_cache.read_cache(path, {"a": 1}) is None
    path.write_bytes(head.pack(magic, 2, crc, 0) + b"[]")  # a header that is no object
    assert firm_cache.read_cache(path, {"a": 1}) is None


def test_prune_removes_files_of_gone_campaigns_old_files_and_crash_leftovers(
    tmp_path: Path, sirene_dir: Path, _cache_folder: Path
) -> None:
    import os
    import time

    kept_path = tmp_path / "gardee.planner"
    gone_path = tmp_path / "supprimee.planner"
    files = {}
    for path in (kept_path, gone_path):
        opened = create_store(path)
        with opened.session() as session:
            session.add(
                models.Campaign(name="T", bassin_kind="communes", bassin_code="*", bassin_label="T")
            )
        load_firms(opened)
        files[path] = _cache_file(opened)
        opened.close()
    assert all(f.exists() for f in files.values())
    gone_path.unlink()
    leftover = _cache_folder / "abc-rev2.arrow0123.tmp"
    leftover.write_bytes(b"half")
    old = time.time() - 2 * 86_400
    os.utime(leftover, (old, old))
    assert firm_cache.prune() == 2
    assert files[kept_path].exists() and not files[gone_path].exists() and not leftover.exists()
    # A file unread for longer than MAX_AGE_DAYS goes too; reading one keeps it.
    later = time.time() + (firm_cache.MAX_AGE_DAYS + 1) * 86_400
    assert firm_cache.prune(now=later) == 1
    assert not files[kept_path].exists()


@pytest.mark.postgres
def test_a_grant_moved_to_another_partner_is_not_served_the_former_cache(
    pg_database: str, sirene_dir: Path, builds: list[int]
) -> None:
    """The cache is per login; the login's grant is part of its fingerprint."""
    import uuid

    from sqlalchemy import create_engine, make_url, text

    from planner.cli.main import run

    opened = create_store(pg_database)
    with opened.session() as session:
        session.add(
            models.Campaign(name="T", bassin_kind="communes", bassin_code="*", bassin_label="T")
        )
    import_sirene(
        opened, SireneFiles(sirene_dir / STOCK, sirene_dir / UNITS), EVERYTHING, _codes(sirene_dir)
    )
    with opened.session() as session:
        firms = session.scalars(select(models.Establishment.siret).limit(4)).all()
        for name in ("Alpha", "Beta"):
            partner = models.Partner(name=name, kind="cci")
            team = models.Team(partner=partner, name=f"Équipe {name}")
            session.add_all([partner, team])
            session.flush()
            for siret in firms[:2] if name == "Alpha" else firms[2:]:
                session.add(models.Assignment(siret=siret, team_id=team.id))
    opened.close()
    login = f"acc_{uuid.uuid4().hex[:10]}"
    try:
        grant = ["access", "grant", pg_database, "--login", login, "--role", "partenaire"]
        assert run([*grant, "--partner", "Alpha"]) == 0
        as_login = make_url(pg_database).set(username=login).render_as_string(hide_password=False)
        mine = open_store(as_login)
        first = set(load_firms(mine)["siret"].to_list())
        assert first == set(firms[:2])
        assert run([*grant, "--partner", "Beta"]) == 0
        second = set(load_firms(mine)["siret"].to_list())
        mine.close()
        assert second == set(firms[2:])
    finally:
        admin = create_engine(pg_database, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP OWNED BY "{login}" CASCADE'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{login}"'))
        admin.dispose()
