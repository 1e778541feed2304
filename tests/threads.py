"""Record the threads a function runs in, for tests that claim work leaves the GUI thread."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest


class ThreadLog:
    """The idents of the threads that called a patched function, and the GUI thread's."""

    def __init__(self) -> None:
        self.gui = threading.get_ident()
        self.calls: list[int] = []

    def off_gui_thread(self) -> bool:
        """True once the function ran, and never in the GUI thread."""
        return bool(self.calls) and self.gui not in self.calls


def record_threads(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> ThreadLog:
    """Patch ``owner.name`` with a pass-through that notes the calling thread.

    Call it from the test (the GUI thread), before the work starts.
    """
    log = ThreadLog()
    real: Callable[..., Any] = getattr(owner, name)

    def recording(*args: Any, **kwargs: Any) -> Any:
        log.calls.append(threading.get_ident())
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, recording)
    return log
