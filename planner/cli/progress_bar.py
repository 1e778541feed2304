"""A text progress bar on stderr for the command line."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class TextProgress:
    """Callable ``(done, total, message)`` that draws a bar on a stream.

    On a terminal the bar redraws in place; elsewhere (CI logs, pipes) it
    prints a line at most every few seconds and at each new message.
    """

    def __init__(self, stream: TextIO | None = None, width: int = 30) -> None:
        self.stream = stream or sys.stderr
        self.width = width
        self.tty = self.stream.isatty()
        self._last_draw = 0.0
        self._last_message = ""

    def __call__(self, done: int, total: int, message: str) -> None:
        now = time.monotonic()
        finished = total and done >= total
        if (
            not self.tty
            and message == self._last_message
            and not finished
            and (now - self._last_draw < 5)
        ):
            return
        if self.tty and now - self._last_draw < 0.1 and not finished:
            return
        self._last_draw = now
        self._last_message = message
        fraction = done / total if total else 0.0
        filled = int(self.width * fraction)
        bar = "█" * filled + "·" * (self.width - filled)
        text = f"[{bar}] {fraction:4.0%} {message}"
        if self.tty:
            self.stream.write("\r" + text[:120].ljust(120))
            if finished:
                self.stream.write("\n")
        else:
            self.stream.write(text + "\n")
        self.stream.flush()
