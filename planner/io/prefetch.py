"""Run an iterator one step ahead in a worker thread.

Reading a file and checking its bytes (``read``, numpy's passes) overlap with
the caller's parsing (polars, which releases the GIL), so an import uses both
cores. Items, and the exception that ends the iterator, reach the caller in
their order; closing the generator early (a cancel, an error downstream) stops
the worker and waits for it.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

T = TypeVar("T")

_POLL_SECONDS = 0.1
_DONE = object()


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def prefetched(make: Callable[[], Iterator[T]], depth: int = 1) -> Iterator[T]:
    """Yield what ``make()`` yields, computed up to ``depth`` items ahead.

    ``make`` is called in the worker thread, so that opening the source also
    happens there and any error it raises comes back here, in order.
    """
    items: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                items.put(item, timeout=_POLL_SECONDS)
            except queue.Full:
                continue
            return True
        return False

    def work() -> None:
        try:
            source = make()
            try:
                for item in source:
                    if not put(item):
                        return
            finally:
                close = getattr(source, "close", None)
                if close is not None:
                    close()  # a generator's files are closed here, in its thread
        except BaseException as exc:
            put(_Failure(exc))
            return
        put(_DONE)

    worker = threading.Thread(target=work, name="planner-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            item = items.get()
            if item is _DONE:
                return
            if isinstance(item, _Failure):
                raise item.error
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        worker.join()
