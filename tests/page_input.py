"""Real mouse input to a QtWebEngine page, each event awaited until the page has seen it.

Chromium takes Qt's input asynchronously: a test that moves then clicks must know the
move has landed. The page counts the pointer events it receives (capture phase on the
document, before Leaflet can stop them); each helper waits for its event's count to grow.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

#: Runs an expression in the page and returns its value (JSON-decoded).
PageJs = Callable[[str], Any]

_INSTALL = """(function () {
  if (!window.__testPointer) {
    window.__testPointer = {};
    ["pointermove", "pointerdown", "pointerup"].forEach(function (type) {
      document.addEventListener(type, function () {
        window.__testPointer[type] = (window.__testPointer[type] || 0) + 1;
      }, true);
    });
  }
  return window.__testPointer;
})()"""


def _seen(js: PageJs, event: str) -> int:
    return int((js(_INSTALL) or {}).get(event, 0))


def mouse_move(qtbot: QtBot, js: PageJs, target: QWidget, point: QPoint) -> None:
    """Move the mouse over ``target`` (the view's focus proxy) and wait until the page sees it."""
    before = _seen(js, "pointermove")
    QTest.mouseMove(target, point)
    qtbot.waitUntil(lambda: _seen(js, "pointermove") > before, timeout=5_000)


def mouse_click(qtbot: QtBot, js: PageJs, target: QWidget, point: QPoint) -> None:
    """Click the left button at ``point`` and wait until the page has seen the release."""
    before = _seen(js, "pointerup")
    QTest.mouseClick(target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    qtbot.waitUntil(lambda: _seen(js, "pointerup") > before, timeout=5_000)


def mouse_press(qtbot: QtBot, js: PageJs, target: QWidget, point: QPoint) -> None:
    """Press the left button at ``point`` and wait until the page has seen it."""
    before = _seen(js, "pointerdown")
    QTest.mousePress(target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    qtbot.waitUntil(lambda: _seen(js, "pointerdown") > before, timeout=5_000)


def mouse_release(qtbot: QtBot, js: PageJs, target: QWidget, point: QPoint) -> None:
    """Release the left button at ``point`` and wait until the page has seen it."""
    before = _seen(js, "pointerup")
    QTest.mouseRelease(target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    qtbot.waitUntil(lambda: _seen(js, "pointerup") > before, timeout=5_000)
