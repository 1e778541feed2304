"""Long work off the GUI thread: a Qt-free task run on QThreadPool.

A task is a plain function ``fn(progress, cancel) -> result`` from the
services layer. :class:`TaskRunner` runs it in a QRunnable and re-emits its
progress as signals, which Qt delivers on the GUI thread. The UI is never
touched from the worker.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from planner.domain.errors import Cancelled, PlannerError
from planner.domain.progress import CancelToken, Progress

Task = Callable[[Progress, CancelToken], Any]


class TaskSignals(QObject):
    """Signals:
    progress(int, int, str): done, total, message.
    succeeded(object): the task's result.
    failed(str): a French message for the user.
    cancelled(): the user cancelled; nothing was saved.
    """

    progress = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()


class _Runnable(QRunnable):
    def __init__(self, task: Task, token: CancelToken, signals: TaskSignals) -> None:
        super().__init__()
        self._task = task
        self._token = token
        self._signals = signals

    def run(self) -> None:
        try:
            result = self._task(self._signals.progress.emit, self._token)
        except Cancelled:
            self._signals.cancelled.emit()
        except PlannerError as exc:
            self._signals.failed.emit(str(exc))
        except Exception as exc:
            traceback.print_exc()
            self._signals.failed.emit(f"Erreur inattendue : {type(exc).__name__} : {exc}")
        else:
            self._signals.succeeded.emit(result)


class TaskRunner(QObject):
    """Runs one task on the global thread pool; keep a reference while it runs."""

    def __init__(self, task: Task, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.token = CancelToken()
        self.signals = TaskSignals(self)
        self._runnable = _Runnable(task, self.token, self.signals)
        self._runnable.setAutoDelete(False)

    def start(self, pool: QThreadPool | None = None) -> None:
        """Queue the task."""
        (pool or QThreadPool.globalInstance()).start(self._runnable)

    def cancel(self) -> None:
        """Ask the task to stop at its next check."""
        self.token.cancel()


def run_with_progress(
    parent: QWidget,
    title: str,
    task: Task,
    on_success: Callable[[Any], None],
    on_failure: Callable[[str], None] | None = None,
) -> TaskRunner:
    """Run a task with a modal progress dialog that has a Cancel button."""
    dialog = QProgressDialog(title, "Annuler", 0, 1000, parent)
    dialog.setWindowTitle(title)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumWidth(480)
    runner = TaskRunner(task, parent)

    @Slot(int, int, str)
    def on_progress(done: int, total: int, message: str) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, total))
        dialog.setLabelText(message)

    def finish() -> None:
        dialog.canceled.disconnect()  # closing a QProgressDialog emits canceled
        dialog.close()
        dialog.deleteLater()
        runner.deleteLater()

    def succeeded(result: object) -> None:
        finish()
        on_success(result)

    def failed(message: str) -> None:
        finish()
        if on_failure is not None:
            on_failure(message)

    def cancelled() -> None:
        finish()
        if on_failure is not None:
            on_failure("Opération annulée : la campagne est restée telle qu'elle était.")

    runner.signals.progress.connect(on_progress)
    runner.signals.succeeded.connect(succeeded)
    runner.signals.failed.connect(failed)
    runner.signals.cancelled.connect(cancelled)
    dialog.canceled.connect(runner.cancel)
    dialog.canceled.connect(lambda: dialog.setLabelText("Annulation en cours…"))
    runner.start()
    dialog.show()
    return runner
