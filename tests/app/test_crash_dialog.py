"""The app's excepthook: a French dialog, and a crash report for unexpected errors."""

from __future__ import annotations

import errno
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from planner.domain.errors import InputError
from planner.ui.crash_dialog import install_excepthook


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """The dialogs the hook shows (title, text), instead of blocking on them."""
    seen: list[tuple[str, str]] = []

    def record(box: QMessageBox) -> int:
        seen.append((box.windowTitle(), box.text()))
        return 0

    monkeypatch.setattr(QMessageBox, "exec", record)
    return seen


def _raise(exc: BaseException) -> None:
    try:
        raise exc
    except BaseException as caught:
        sys.excepthook(type(caught), caught, caught.__traceback__)


def test_unexpected_error_shows_report_path(
    qapp: object, shown: list[tuple[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    del qapp
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    previous = install_excepthook()
    try:
        _raise(KeyError("colonne"))
    finally:
        sys.excepthook = previous
    ((title, text),) = shown
    assert "erreur inattendue" in title and "Erreur inattendue (KeyError)" in text
    report = next((tmp_path / "planner" / "rapports-incident").glob("*.txt"))
    assert str(report) in text
    assert "Traceback" in report.read_text(encoding="utf-8")


def test_expected_errors_show_their_french_message_without_report(
    qapp: object, shown: list[tuple[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    del qapp
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    previous = install_excepthook()
    try:
        _raise(InputError("date illisible", file="a.xlsx", line=3))
        _raise(OSError(errno.ENOSPC, "No space left on device", "/x/seances.ics"))
    finally:
        sys.excepthook = previous
    assert [text for _title, text in shown] == [
        "Fichier a.xlsx, ligne 3 : date illisible",
        "Disque plein : impossible d'écrire /x/seances.ics. Libérez de la place puis "
        "recommencez ; aucun fichier incomplet n'a été laissé.",
    ]
    assert not (tmp_path / "planner").exists()


def test_background_task_failure_is_said_in_french(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QWidget

    from planner.ui.tasks import run_with_progress

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    parent = QWidget()
    qtbot.addWidget(parent)
    messages: list[str] = []

    def disk_full(_progress: object, _cancel: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", "/x/t.xlsx")

    def bug(_progress: object, _cancel: object) -> None:
        raise ZeroDivisionError("bogue")

    for count, task in enumerate((disk_full, bug), start=1):
        run_with_progress(parent, "Export", task, lambda _r: None, messages.append)
        qtbot.waitUntil(lambda count=count: len(messages) == count, timeout=10_000)
    assert messages[0].startswith("Disque plein : impossible d'écrire /x/t.xlsx.")
    assert messages[1].startswith("Erreur inattendue (ZeroDivisionError).")
    assert str(tmp_path / "planner" / "rapports-incident") in messages[1]
