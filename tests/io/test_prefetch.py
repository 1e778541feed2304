"""The prefetching iterator: order, errors in order, early close stops the worker."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from planner.io.prefetch import prefetched


def _workers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "planner-prefetch"]


def test_items_arrive_in_order() -> None:
    assert list(prefetched(lambda: iter(range(1000)), depth=2)) == list(range(1000))
    assert not _workers()


def test_an_error_comes_after_the_items_before_it() -> None:
    def failing() -> Iterator[int]:
        yield 1
        yield 2
        raise ValueError("ligne 3")

    got: list[int] = []
    with pytest.raises(ValueError, match="ligne 3"):
        for item in prefetched(failing):
            got.append(item)
    assert got == [1, 2]
    assert not _workers()


def test_an_error_opening_the_source_reaches_the_caller() -> None:
    def make() -> Iterator[int]:
        raise OSError("introuvable")

    with pytest.raises(OSError, match="introuvable"):
        list(prefetched(make))


def test_closing_early_stops_the_worker_and_closes_the_source() -> None:
    closed = threading.Event()
    produced: list[int] = []

    def endless() -> Iterator[int]:
        try:
            n = 0
            while True:
                produced.append(n)
                yield n
                n += 1
        finally:
            closed.set()

    items = prefetched(endless, depth=1)
    assert next(items) == 0
    assert next(items) == 1
    items.close()  # what a cancel or an error downstream does
    assert closed.is_set()
    assert not _workers()
    # The worker ran at most a couple of items ahead: it does not read the whole source.
    assert len(produced) <= 4
