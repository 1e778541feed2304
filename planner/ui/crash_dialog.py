"""The app's last resort: an error no slot caught is shown in French, never as a traceback.

``sys.excepthook`` is replaced: an error meant for the user (``PlannerError``)
or one they can act on (full disk, read-only folder, locked or damaged
campaign) is shown as a warning; anything else writes a crash report to the
user's cache folder and says where it is.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from planner.domain.errors import PlannerError
from planner.io.crash_report import crash_message, write_crash_report
from planner.io.output_file import describe_file_error, os_error_cause
from planner.services.campaign.campaign_store import describe_database_error

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


def user_message(exc: BaseException) -> str | None:
    """The French message for an error the user can act on, else None."""
    if isinstance(exc, PlannerError):
        return str(exc)
    message = describe_database_error(exc)
    if message is not None:
        return message
    cause = os_error_cause(exc)
    if cause is not None and cause.errno is not None:
        return describe_file_error(cause, cause.filename or "fichier")
    return None


def handle_exception(
    exc_type: type[BaseException],
    exc: BaseException,
    tb: TracebackType | None,
    *,
    parent: QWidget | None = None,
) -> str:
    """Show the error in a dialog (write a crash report if unexpected); return the text shown."""
    message = user_message(exc)
    if message is not None:
        title, icon = "planner", QMessageBox.Icon.Warning
    else:
        report = write_crash_report(exc_type, exc, tb)
        message = crash_message(exc, report)
        title, icon = "planner — erreur inattendue", QMessageBox.Icon.Critical
    print(f"planner : {message}", file=sys.stderr)
    if QApplication.instance() is not None:
        box = QMessageBox(icon, title, message, QMessageBox.StandardButton.Ok, parent)
        box.exec()
    return message


def install_excepthook() -> ExceptHook:
    """Route uncaught errors to :func:`handle_exception`; return the previous hook."""
    previous = sys.excepthook

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            previous(exc_type, exc, tb)
            return
        handle_exception(exc_type, exc, tb, parent=QApplication.activeWindow())

    sys.excepthook = hook
    return previous
