"""Progress reporting and cancellation for long work, without Qt.

Long tasks take a :class:`Progress` and call it with ``(done, total, message)``;
they call :meth:`CancelToken.check` at safe points. The command line shows a
text bar; the desktop app re-emits the same calls as Qt signals.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from planner.domain.errors import Cancelled

Progress = Callable[[int, int, str], None]


def no_progress(_done: int, _total: int, _message: str) -> None:
    """A progress callback that ignores everything."""


class CancelToken:
    """A flag another thread sets to ask a long task to stop."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        """Ask the task to stop at its next check."""
        self._event.set()

    @property
    def cancelled(self) -> bool:
        """Whether cancellation was asked for."""
        return self._event.is_set()

    def check(self) -> None:
        """Raise :class:`Cancelled` if cancellation was asked for."""
        if self._event.is_set():
            raise Cancelled()
