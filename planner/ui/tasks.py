"""Long work off the GUI thread: a Qt-free task run on QThreadPool.

A task is a plain function ``fn(progress, cancel) -> result`` from the
services layer. :class:`TaskRunner` runs it on the thread pool and posts its
progress and outcome back to the GUI thread, where they are re-emitted as
signals (MusicBrainz Picard's ``run_task``/``to_main``). The UI is never
touched from the worker.

Lifetimes: the worker holds no QObject that the GUI may delete. It posts
each report through :class:`_Dispatcher`, a QObject that lives in the GUI
thread as long as the application (a child of it), with a queued
connection; it knows its runner only through a weak reference, looked up
on the GUI thread when the report is delivered. A runner deleted before its
task ends simply gets nothing.
"""

from __future__ import annotations

import functools
import itertools
import threading
import weakref
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from planner.domain.errors import Cancelled, PlannerError
from planner.domain.progress import CancelToken
from planner.io.crash_report import crash_message, write_crash_report
from planner.ui.crash_dialog import user_message

Task = Callable[[Callable[[int, int, str], None], CancelToken], Any]
_Delivery = Callable[[], None]
_DISPATCHER_NAME = "plannerTaskDispatcher"


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


class _Dispatcher(QObject):
    """Runs posted deliveries on the GUI thread, in the order they were posted.

    Signals:
        posted(object): a ``() -> None`` to run on the GUI thread.
    """

    posted = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.posted.connect(self._on_posted, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _on_posted(self, delivery: _Delivery) -> None:
        delivery()


def _gui_dispatcher() -> _Dispatcher:
    """The application's dispatcher, created on first use (on the GUI thread)."""
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("Une tâche de fond demande une application Qt.")
    dispatcher = app.findChild(_Dispatcher, _DISPATCHER_NAME)
    if dispatcher is None:
        # A child of the application: it lives in the GUI thread until the end.
        dispatcher = _Dispatcher(app)
        dispatcher.setObjectName(_DISPATCHER_NAME)
    return dispatcher


class _Handover:
    """What workers are done with, kept until the GUI thread frees it.

    A worker must never drop the last reference to what its task captured or
    returned: if that is (or holds) a Qt object, Qt would destroy it on the pool
    thread. The worker parks it here under a key and posts the key; the GUI
    thread takes it out and frees it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[int, tuple[object, ...]] = {}
        self._keys = itertools.count()

    def keep(self, *objects: object) -> int:
        with self._lock:
            key = next(self._keys)
            self._held[key] = objects
            return key

    def release(self, key: int) -> None:
        with self._lock:
            objects = self._held.pop(key, ())
        del objects  # the last reference, dropped on the GUI thread


_HANDOVER = _Handover()


def _report_failure(exc: Exception) -> str:
    """The French message for a task that raised ``exc``."""
    if isinstance(exc, PlannerError):
        return str(exc)
    # Full disk, read-only folder, locked campaign: said in French; anything
    # else gets a crash report (the traceback) and its path.
    message = user_message(exc)
    if message is None:
        report = write_crash_report(type(exc), exc, exc.__traceback__)
        message = crash_message(exc, report)
    return message


class TaskRunner(QObject):
    """Runs one task on a thread pool; its ``signals`` are emitted on the GUI thread."""

    def __init__(self, task: Task, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.token = CancelToken()
        self.finished = False  # set once run_with_progress has handled its outcome
        self.signals = TaskSignals(self)
        self._task: Task | None = task

    def start(self, pool: QThreadPool | None = None) -> None:
        """Queue the task (once)."""
        task, self._task = self._task, None
        if task is None:
            raise RuntimeError("Une tâche ne s'exécute qu'une fois.")
        post = _gui_dispatcher().posted.emit
        (pool or QThreadPool.globalInstance()).start(
            _worker(task, self.token, weakref.ref(self.signals), post)
        )

    def cancel(self) -> None:
        """Ask the task to stop at its next check."""
        self.token.cancel()


def _worker(
    task: Task,
    token: CancelToken,
    receiver: weakref.ref[TaskSignals],
    post: Callable[[_Delivery], None],
) -> Callable[[], None]:
    """The function the pool runs: the task, its reports posted to the GUI thread."""

    def deliver(signal: str, *args: object) -> _Delivery:
        # Runs on the GUI thread, where the receiver is deleted if ever: the
        # check and the emit cannot race with its deletion.
        def delivery() -> None:
            signals = receiver()
            if signals is not None and shiboken6.isValid(signals):
                getattr(signals, signal).emit(*args)

        return delivery

    def progress(done: int, total: int, message: str) -> None:
        post(deliver("progress", done, total, message))

    def run() -> None:
        work = pending.pop()  # the task runs once
        outcome: object = None
        try:
            outcome = work(progress, token)
        except Cancelled:
            post(deliver("cancelled"))
        except Exception as exc:
            outcome = exc  # its traceback holds the task's frames
            post(deliver("failed", _report_failure(exc)))
        else:
            post(deliver("succeeded", outcome))
        # What the task held (a dialog, a page, the result) is freed on the GUI
        # thread, never here: a Qt object deleted on a pool thread crashes Qt.
        key = _HANDOVER.keep(work, outcome)
        del work, outcome
        post(functools.partial(_HANDOVER.release, key))

    pending = [task]
    del task
    return run


def track(runners: list[TaskRunner], runner: TaskRunner) -> TaskRunner:
    """Add ``runner`` to ``runners``, dropping those finished or deleted (the list stays short)."""
    runners[:] = [r for r in runners if shiboken6.isValid(r) and not r.finished]
    runners.append(runner)
    return runner


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
    # Modal to its window: the window (a dialog that started an import) cannot
    # be closed or used under a task that is changing the campaign.
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumWidth(480)
    runner = TaskRunner(task, parent)

    over = False

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
        # The runner is not deleted here, from inside its own signal: it goes with
        # its parent. A deferred delete of it crashed the interpreter now and then.
        runner.finished = True

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
