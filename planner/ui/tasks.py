"""Long work off the GUI thread: a Qt-free task run on QThreadPool.

A task is a plain function ``fn(progress, cancel) -> result`` from the
services layer. :class:`TaskRunner` runs it in a QRunnable and re-emits its
progress as signals, which Qt delivers on the GUI thread. The UI is never
touched from the worker.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from planner.domain.errors import Cancelled, PlannerError
from planner.domain.progress import CancelToken, Progress
from planner.io.crash_report import crash_message, write_crash_report
from planner.ui.crash_dialog import user_message

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


# Every runnable (with its signals) is kept from its start until a while after
# its task has ended: the worker thread may still be returning from its last
# ``emit`` when the GUI thread has already handled the result and deleted the
# runner. Freeing the signals or the runnable then crashed the interpreter now
# and then (seen in the test suite).
_LIVE: list[_Runnable] = []
_GRACE_SECONDS = 5.0


def _keep(runnable: _Runnable) -> None:
    now = time.monotonic()
    _LIVE[:] = [
        kept
        for kept in _LIVE
        if kept.finished_at is None or now - kept.finished_at < _GRACE_SECONDS
    ]
    _LIVE.append(runnable)


class _Runnable(QRunnable):
    def __init__(self, task: Task, token: CancelToken, signals: TaskSignals) -> None:
        super().__init__()
        self._task: Task | None = task
        self._token = token
        self.signals = signals
        self.finished_at: float | None = None

    def run(self) -> None:
        task, self._task = self._task, None  # free what the task holds once done
        assert task is not None, "a task runs once"
        try:
            result = task(self.signals.progress.emit, self._token)
        except Cancelled:
            self.signals.cancelled.emit()
        except PlannerError as exc:
            self.signals.failed.emit(str(exc))
        except Exception as exc:
            # Full disk, read-only folder, locked campaign: said in French; anything
            # else gets a crash report (the traceback) and its path.
            message = user_message(exc)
            if message is None:
                report = write_crash_report(type(exc), exc, exc.__traceback__)
                message = crash_message(exc, report)
            self.signals.failed.emit(message)
        else:
            self.signals.succeeded.emit(result)
            del result
        finally:
            del task
            self.finished_at = time.monotonic()


class TaskRunner(QObject):
    """Runs one task on the global thread pool; keep a reference while it runs."""

    def __init__(self, task: Task, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.token = CancelToken()
        # No parent: the signals live as long as the runnable (see _RETIRED),
        # not as long as this runner, which the GUI may delete first.
        self.signals = TaskSignals()
        self._runnable = _Runnable(task, self.token, self.signals)
        self._runnable.setAutoDelete(False)
        _keep(self._runnable)

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

    over = False

    @Slot(int, int, str)
    def on_progress(done: int, total: int, message: str) -> None:
        if over:  # a late progress event after the result
            return
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, total))
        dialog.setLabelText(message)

    def finish() -> None:
        nonlocal over
        over = True
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
