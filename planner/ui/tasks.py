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
from PySide6.QtCore import QCoreApplication, QObject, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

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


class WritingActions:
    """The actions that write the campaign: disabled while a task writes it.

    A task that writes (``run_with_progress(..., writes=True)``, the default)
    holds them; they come back when the last writing task ends, unless they
    were already disabled when it started. Held on the GUI thread only.
    """

    def __init__(self) -> None:
        self._actions: list[weakref.ref[QAction]] = []
        self._disabled: list[weakref.ref[QAction]] = []
        self._holds = 0

    def register(self, action: QAction) -> QAction:
        """Add ``action`` (it writes the campaign); returns it."""
        self._actions = [ref for ref in self._actions if _alive(ref)]
        self._actions.append(weakref.ref(action))
        if self._holds and action.isEnabled():
            action.setEnabled(False)
            self._disabled.append(weakref.ref(action))
        return action

    @property
    def held(self) -> bool:
        """Whether a writing task is running."""
        return self._holds > 0

    def hold(self) -> None:
        """A writing task starts: disable the actions that are enabled."""
        self._holds += 1
        if self._holds > 1:
            return
        for ref in self._actions:
            action = ref()
            if action is not None and shiboken6.isValid(action) and action.isEnabled():
                action.setEnabled(False)
                self._disabled.append(ref)

    def release(self) -> None:
        """A writing task ends: the last one gives back the actions it disabled."""
        self._holds = max(self._holds - 1, 0)
        if self._holds:
            return
        disabled, self._disabled = self._disabled, []
        for ref in disabled:
            action = ref()
            if action is not None and shiboken6.isValid(action):
                action.setEnabled(True)


def _alive(ref: weakref.ref[QAction]) -> bool:
    action = ref()
    return action is not None and shiboken6.isValid(action)


WRITING_ACTIONS = WritingActions()


def writes_campaign(action: QAction) -> QAction:
    """Mark ``action`` as one that writes the campaign (disabled during writing tasks)."""
    return WRITING_ACTIONS.register(action)


class TaskProgressDialog(QDialog):
    """A task's progress box: what it does, a bar, « Annuler ».

    Not a ``QProgressDialog``: that one shows itself from its own timer, so
    a box closed at the end of a quick task came back at 0 % over the result
    (during the result's own dialog), with an « Annuler » wired to nothing;
    and its ``setValue`` runs the event loop when modal. This one is shown by
    :meth:`start` only, and :meth:`end` stops its timer for good.

    Signals:
        cancel_requested(): the user asked to stop (button, Escape, the title bar's ×).
    """

    cancel_requested = Signal()

    def __init__(
        self, title: str, parent: QWidget | None = None, *, cancellable: bool = True
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.cancellable = cancellable
        self.setMinimumWidth(480)
        self.label = QLabel(title, self)
        self.label.setWordWrap(True)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 0)  # busy until the task says how far it is
        self.buttons = QDialogButtonBox(self)
        self.cancel_button = self.buttons.addButton(
            "Annuler", QDialogButtonBox.ButtonRole.RejectRole
        )
        self.buttons.rejected.connect(self.reject)
        # A task that cannot stop shows no « Annuler » rather than one that does nothing.
        self.cancel_button.setVisible(cancellable)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.buttons)
        self.over = False
        self.cancelling = False
        self._show_timer = QTimer(self)
        self._show_timer.setSingleShot(True)
        self._show_timer.timeout.connect(self._on_show_timer_timeout)

    def start(self, delay_ms: int) -> None:
        """Show the box now, or after ``delay_ms`` if the task is still running then."""
        if delay_ms <= 0:
            self.show()
        else:
            self._show_timer.start(delay_ms)

    def report(self, done: int, total: int, message: str) -> None:
        """Show the task's progress (ignored once it is over)."""
        if self.over:
            return
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(max(0, min(done, total)))
        else:
            self.bar.setRange(0, 0)
        if message and not self.cancelling:
            self.label.setText(message)

    def end(self) -> None:
        """The task is over: the box goes now and never comes back."""
        self.over = True
        self._show_timer.stop()
        self.hide()
        self.deleteLater()

    def reject(self) -> None:
        """« Annuler » or Escape: ask the task to stop; the box stays until it has."""
        if self.over or self.cancelling or not self.cancellable:
            return
        self.cancelling = True
        self.cancel_button.setEnabled(False)
        self.label.setText("Annulation en cours…")
        self.cancel_requested.emit()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        event.ignore()
        self.reject()

    @Slot()
    def _on_show_timer_timeout(self) -> None:
        if not self.over:
            self.show()


def _dropped_if_cancelled(task: Task) -> Task:
    """A reading task whose result is dropped if « Annuler » was pressed meanwhile.

    A task that only reads may check its token rarely (or never): its result
    is then simply not shown, and nothing was changed.
    """

    def checked(progress: Callable[[int, int, str], None], cancel: CancelToken) -> Any:
        result = task(progress, cancel)
        cancel.check()
        return result

    return checked


def run_with_progress(
    parent: QWidget,
    title: str,
    task: Task,
    on_success: Callable[[Any], None],
    on_failure: Callable[[str], None] | None = None,
    *,
    writes: bool = True,
    cancellable: bool = True,
) -> TaskRunner:
    """Run a task with a progress box that has a working « Annuler ».

    The box goes before ``on_success``/``on_failure`` run, so it never covers
    the result. A task that ``writes`` the campaign (the default: say
    ``writes=False`` for one that only reads) disables the registered
    :data:`WRITING_ACTIONS` and its box, shown at once, is modal to the whole
    application: nothing on the GUI thread writes the campaign under it; it
    stops on « Annuler » at its own checks (``cancel.check()``). A reading
    task's box is modal to its window and shows after 300 ms; « Annuler »
    drops its result even if it never checks. A task that must not stop
    halfway (``cancellable=False``: one transaction, a file written) has no
    « Annuler » at all.
    """
    dialog = TaskProgressDialog(title, parent, cancellable=cancellable)
    # Modal: the window (a dialog that started an import) cannot be closed or
    # used under a task; for a writing task no other window either.
    dialog.setWindowModality(
        Qt.WindowModality.ApplicationModal if writes else Qt.WindowModality.WindowModal
    )
    runner = TaskRunner(task if writes else _dropped_if_cancelled(task), parent)
    holding = writes
    if holding:
        WRITING_ACTIONS.hold()

    def let_go() -> None:
        nonlocal holding
        if holding:
            holding = False
            WRITING_ACTIONS.release()

    # A window deleted under its task takes the box with it: the actions come back.
    dialog.destroyed.connect(let_go)

    def finish() -> None:
        if runner.finished:  # one outcome per task
            return
        dialog.end()
        let_go()
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

    runner.signals.progress.connect(dialog.report)
    runner.signals.succeeded.connect(succeeded)
    runner.signals.failed.connect(failed)
    runner.signals.cancelled.connect(cancelled)
    dialog.cancel_requested.connect(runner.cancel)
    runner.start()
    dialog.start(0 if writes else 300)
    return runner
