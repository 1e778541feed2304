"""The change feed: notices of other connections, gathered in batches; reconnection."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import text

from planner.db.store import CampaignStore, create_store, open_store
from planner.services.shared_campaign.change_feed import (
    EVERYTHING,
    Change,
    ChangeFeed,
    coalesce,
    parse_notice,
    supports_live_changes,
)

Batches = queue.Queue[list[Change]]


def test_notices_are_parsed_and_bursts_coalesced() -> None:
    change = parse_notice('{"table": "assignment", "login": "alice", "pid": 42}')
    assert change == Change("assignment", "alice", 42)
    assert parse_notice("pas du json") is None
    assert parse_notice('{"login": "alice"}') is None
    other = Change("contact", "bob", 7)
    assert coalesce([change, other, change, other]) == [change, other]


def test_an_sqlite_campaign_has_no_feed(tmp_path: object) -> None:
    from pathlib import Path

    with create_store(Path(str(tmp_path)) / "c.planner") as store:
        assert not supports_live_changes(store)
        with pytest.raises(ValueError, match="PostgreSQL"):
            ChangeFeed(store, lambda _batch: None)


@pytest.fixture
def pg_store(pg_database: str) -> Iterator[CampaignStore]:
    create_store(pg_database).close()
    store = open_store(pg_database)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def feed(pg_store: CampaignStore) -> Iterator[tuple[ChangeFeed, Batches]]:
    batches: Batches = queue.Queue()
    feed = ChangeFeed(pg_store, batches.put)
    thread = threading.Thread(target=feed.run, daemon=True)
    thread.start()
    assert feed.wait_listening(10)
    try:
        yield feed, batches
    finally:
        feed.stop()
        thread.join(timeout=5)
        assert not thread.is_alive()


def _write(store: CampaignStore, statements: list[str]) -> int:
    """Run statements on another connection, in one transaction; its backend pid."""
    url = store.url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url) as conn:
        for statement in statements:
            conn.execute(statement)
        return int(conn.info.backend_pid)


@pytest.mark.postgres
def test_a_burst_of_writes_comes_as_one_batch(
    pg_store: CampaignStore, feed: tuple[ChangeFeed, Batches]
) -> None:
    _feed, batches = feed
    pid = _write(
        pg_store,
        [
            "INSERT INTO partner (name, kind, exclusive, version) VALUES ('P', 'ft', false, 0)",
            "INSERT INTO team (partner_id, name, version) SELECT id, 'T', 0 FROM partner",
            "UPDATE team SET name = 'T2'",
        ],
    )
    batch = batches.get(timeout=5)
    assert batch == [Change("partner", "postgres", pid), Change("team", "postgres", pid)]
    with pytest.raises(queue.Empty):
        batches.get(timeout=0.5)


@pytest.mark.postgres
def test_the_feed_reconnects_and_asks_for_a_full_refresh(
    pg_store: CampaignStore, feed: tuple[ChangeFeed, Batches]
) -> None:
    listener, batches = feed
    old_pid = listener.backend_pid
    assert old_pid is not None
    with pg_store.engine.connect() as conn:  # the server drops the feed's connection
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": old_pid})
    assert batches.get(timeout=10) == [Change(EVERYTHING, "", 0)]
    assert listener.backend_pid not in (None, old_pid)
    pid = _write(
        pg_store,
        ["INSERT INTO partner (name, kind, exclusive, version) VALUES ('Q', 'ft', false, 0)"],
    )
    assert batches.get(timeout=5) == [Change("partner", "postgres", pid)]


@pytest.mark.postgres
def test_a_stopped_feed_ends_its_thread_and_delivers_nothing(pg_store: CampaignStore) -> None:
    batches: Batches = queue.Queue()
    feed = ChangeFeed(pg_store, batches.put)
    thread = threading.Thread(target=feed.run, daemon=True)
    thread.start()
    assert feed.wait_listening(10)
    feed.stop()
    thread.join(timeout=5)
    assert not thread.is_alive() and feed.backend_pid is None
    _write(
        pg_store,
        ["INSERT INTO partner (name, kind, exclusive, version) VALUES ('R', 'ft', false, 0)"],
    )
    with pytest.raises(queue.Empty):
        batches.get(timeout=0.5)
