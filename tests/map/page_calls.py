"""Wait in tests for what the map answers through callbacks (no nested loop in the app)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pytestqt.wait_signal import CallbackBlocker

TIMEOUT_MS = 20_000


def _answer(start: Callable[[Callable[..., None]], None]) -> Any:
    blocker = CallbackBlocker(timeout=TIMEOUT_MS, raising=True)
    start(blocker)
    blocker.wait()
    assert blocker.args is not None
    return blocker.args[0] if blocker.args else None


def evaluate(widget: Any, script: str) -> Any:
    """The (JSON-like) value of ``script`` in the map's page."""
    return _answer(lambda done: widget.evaluate_js(script, done))


def drawn_count(widget: Any) -> int:
    """Markers drawn by the page, asked to the page."""
    return int(_answer(widget.drawn_count))


def _outcome(start: Callable[[Callable[..., None], Callable[..., None]], None]) -> Any:
    """Wait for ``ok(value?)`` or ``error(exc)``; return the value or raise the error."""
    box: dict[str, Any] = {}
    blocker = CallbackBlocker(timeout=TIMEOUT_MS, raising=True)

    def ok(*args: Any) -> None:
        box["value"] = args[0] if args else None
        blocker()

    def error(exc: Exception) -> None:
        box["error"] = exc
        blocker()

    start(ok, error)
    blocker.wait()
    if "error" in box:
        raise box["error"]
    return box.get("value")


def grab(widget: Any) -> Any:
    """The map's picture (a QImage); raises ``MapExportError`` if it stays blank."""
    return _outcome(widget.grab_image)


def export_png(widget: Any, path: Path) -> None:
    """Save the map as PNG; raises what the export reports."""
    _outcome(lambda ok, error: widget.export_png(path, error, ok))


def print_to(widget: Any, printer: Any, title: Any) -> None:
    """Print the map; raises what the printing reports."""
    _outcome(lambda ok, error: widget.print_to(printer, title, error, ok))
