"""The background task runner: work off the GUI thread, reports on it."""

from __future__ import annotations

import threading
from typing import Any

import pytest

pytestmark = pytest.mark.usefixtures("qapp")


def test_work_runs_off_the_gui_thread_and_reports_arrive_on_it(qtbot: Any) -> None:
    from PySide6.QtCore import QCoreApplication, QThread

    from planner.ui.tasks import TaskRunner

    gui = QCoreApplication.instance().thread()
    seen: dict[str, Any] = {}

    def task(progress: Any, _cancel: Any) -> str:
        seen["work"] = QThread.currentThread()
        progress(1, 2, "moitié")
        return "fini"

    runner = TaskRunner(task)
    progress: list[tuple[int, int, str, bool]] = []
    runner.signals.progress.connect(
        lambda d, t, m: progress.append((d, t, m, QThread.currentThread() is gui))
    )
    runner.signals.succeeded.connect(
        lambda r: seen.update(result=r, result_thread=QThread.currentThread())
    )
    runner.start()
    qtbot.waitUntil(lambda: "result" in seen, timeout=10_000)
    assert seen["result"] == "fini"
    assert seen["result_thread"] is gui
    assert seen["work"] is not gui
    assert progress == [(1, 2, "moitié", True)]


def test_cancel_and_failure_are_delivered(qtbot: Any) -> None:
    from planner.domain.errors import PlannerError
    from planner.ui.tasks import TaskRunner

    started = threading.Event()

    def endless(_progress: Any, cancel: Any) -> None:
        started.set()
        while True:
            cancel.check()
            threading.Event().wait(0.005)

    def refused(_progress: Any, _cancel: Any) -> None:
        raise PlannerError("fichier refusé")

    runner = TaskRunner(endless)
    outcome: list[str] = []
    runner.signals.cancelled.connect(lambda: outcome.append("annulée"))
    runner.start()
    qtbot.waitUntil(started.is_set, timeout=10_000)
    runner.cancel()
    qtbot.waitUntil(lambda: outcome == ["annulée"], timeout=10_000)

    failing = TaskRunner(refused)
    failing.signals.failed.connect(outcome.append)
    failing.start()
    qtbot.waitUntil(lambda: len(outcome) == 2, timeout=10_000)
    assert outcome == ["annulée", "fichier refusé"]


def test_a_runner_deleted_before_its_task_ends_gets_nothing(qtbot: Any) -> None:
    import shiboken6
    from PySide6.QtCore import QCoreApplication, QEvent, QObject

    from planner.ui.tasks import TaskRunner

    release = threading.Event()
    ended = threading.Event()

    def task(progress: Any, _cancel: Any) -> list[int]:
        release.wait(10)
        progress(1, 1, "après la suppression")
        ended.set()
        return [1, 2, 3]

    parent = QObject()
    runner = TaskRunner(task, parent)
    received: list[object] = []
    runner.signals.progress.connect(lambda *a: received.append(a))
    runner.signals.succeeded.connect(received.append)
    runner.start()
    runner.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not shiboken6.isValid(runner)
    release.set()
    qtbot.waitUntil(ended.is_set, timeout=10_000)
    # The posted reports are handled (and dropped) on the GUI thread.
    other = TaskRunner(lambda _p, _c: "suivante")
    done: list[object] = []
    other.signals.succeeded.connect(done.append)
    other.start()
    qtbot.waitUntil(lambda: done == ["suivante"], timeout=10_000)
    assert received == []


def test_many_runners_deleted_as_soon_as_they_report(qtbot: Any) -> None:
    from planner.ui.tasks import TaskRunner

    results: list[int] = []

    def make(n: int) -> Any:
        def task(progress: Any, _cancel: Any) -> int:
            for i in range(20):
                progress(i, 20, "…")
            return n

        return task

    runners = []
    for n in range(200):
        runner = TaskRunner(make(n))

        def succeeded(result: object, runner: TaskRunner = runner) -> None:
            assert isinstance(result, int)
            results.append(result)
            runner.deleteLater()

        runner.signals.succeeded.connect(succeeded)
        runner.start()
        runners.append(runner)
    del runners
    qtbot.waitUntil(lambda: len(results) == 200, timeout=60_000)
    assert sorted(results) == list(range(200))


def test_tracked_runners_do_not_pile_up(qtbot: Any) -> None:
    """A window keeps its running tasks in a list; finished (deleted) ones leave it."""
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QWidget

    from planner.ui.tasks import TaskRunner, run_with_progress, track

    parent = QWidget()
    qtbot.addWidget(parent)
    runners: list[TaskRunner] = []
    done: list[int] = []
    for number in range(5):
        track(runners, run_with_progress(parent, "Tâche", lambda _p, _c: 1, done.append))
        qtbot.waitUntil(lambda n=number: len(done) == n + 1, timeout=10_000)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert len(runners) == 1  # the last one, its deletion not yet seen by the list


def test_what_a_task_held_is_freed_on_the_gui_thread(qtbot: Any) -> None:
    """A Qt object that only a task (or its result) refers to must not die on a pool thread."""
    from planner.ui.tasks import TaskRunner

    freed: dict[str, int] = {}

    class Tracked:
        def __init__(self, name: str) -> None:
            self.name = name

        def __del__(self) -> None:
            freed[self.name] = threading.get_ident()

    def make_task() -> Any:
        held = Tracked("captured")

        def task(_progress: Any, _cancel: Any) -> Tracked:
            assert held.name == "captured"
            return Tracked("result")

        return task

    runner = TaskRunner(make_task())
    results: list[str] = []
    runner.signals.succeeded.connect(lambda r: results.append(r.name))
    runner.start()
    qtbot.waitUntil(lambda: len(freed) == 2, timeout=10_000)
    assert results == ["result"]
    assert freed == {"captured": threading.get_ident(), "result": threading.get_ident()}


def test_garbage_cycles_are_not_collected_on_a_worker_thread(qtbot: Any) -> None:
    """A cycle that dies while a worker allocates is left for the GUI thread's collector."""
    import gc

    from planner.ui.gui_thread_gc import collect_on_gui_thread

    collector = collect_on_gui_thread()
    assert not gc.isenabled()
    freed: list[int] = []

    class Cycle:
        def __init__(self) -> None:
            self.me = self

        def __del__(self) -> None:
            freed.append(threading.get_ident())

    Cycle()  # unreachable at once, collectable only by the cyclic collector

    def allocate() -> None:
        junk = [[i] for i in range(200_000)]  # far past the collector's thresholds
        assert len(junk) == 200_000

    worker = threading.Thread(target=allocate)
    worker.start()
    worker.join()
    assert freed == []  # with automatic collection, the worker would have freed it
    while not freed and gc.get_count()[0] > gc.get_threshold()[0]:
        collector.check()
    gc.collect()  # whatever generation it reached, on this thread
    assert freed == [threading.get_ident()]


def _visible_boxes(title: str) -> list[Any]:
    from PySide6.QtWidgets import QApplication, QDialog

    return [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, QDialog) and w.isVisible() and w.windowTitle() == title
    ]


def test_a_finished_task_box_is_gone_and_never_comes_back_over_the_result(qtbot: Any) -> None:
    """The read-back of an already imported workbook: a quick task, then the result's own
    dialog (a nested event loop). The box must not come back at 0 % over it."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QWidget

    from planner.ui.tasks import run_with_progress

    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    seen: list[int] = []

    def task(progress: Any, _cancel: Any) -> str:
        progress(0, 1, "Lecture des classeurs")
        return "aperçu"

    def show_result(_result: object) -> None:
        seen.append(len(_visible_boxes("Relecture")))
        loop = QEventLoop()  # what QDialog.exec() does for the preview
        QTimer.singleShot(900, loop.quit)  # past any delayed show of the box
        loop.exec()
        seen.append(len(_visible_boxes("Relecture")))

    for writes in (False, True):
        seen.clear()
        run_with_progress(parent, "Relecture", task, show_result, writes=writes)
        qtbot.waitUntil(lambda: len(seen) == 2, timeout=10_000)
        assert seen == [0, 0]
        assert _visible_boxes("Relecture") == []


def test_cancel_stops_the_worker_and_closes_the_box(qtbot: Any) -> None:
    from PySide6.QtWidgets import QWidget

    from planner.ui.tasks import TaskProgressDialog, run_with_progress

    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    started, stopped = threading.Event(), threading.Event()
    outcome: list[str] = []

    def endless(progress: Any, cancel: Any) -> None:
        started.set()
        try:
            step = 0
            while True:
                cancel.check()
                step += 1
                progress(step % 100, 100, "Travail en cours")
                threading.Event().wait(0.005)
        finally:
            stopped.set()

    run_with_progress(parent, "Longue tâche", endless, outcome.append, outcome.append)
    qtbot.waitUntil(started.is_set, timeout=10_000)
    (box,) = _visible_boxes("Longue tâche")
    assert isinstance(box, TaskProgressDialog)
    box.cancel_button.click()
    assert box.label.text() == "Annulation en cours…"
    assert not box.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: len(outcome) == 1, timeout=10_000)
    assert stopped.is_set()
    assert outcome == ["Opération annulée : la campagne est restée telle qu'elle était."]
    assert _visible_boxes("Longue tâche") == []


def test_writing_actions_are_disabled_while_a_task_writes(qtbot: Any) -> None:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QWidget

    from planner.ui.tasks import WRITING_ACTIONS, run_with_progress, writes_campaign

    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    write = writes_campaign(QAction("Répartir", parent))
    locked = writes_campaign(QAction("Verrouiller", parent))
    locked.setEnabled(False)  # disabled for its own reasons: stays so
    reading = QAction("Exporter", parent)  # not registered: reads only
    release = threading.Event()
    done: list[object] = []

    def task(_progress: Any, _cancel: Any) -> int:
        release.wait(10)
        return 1

    seen: list[bool] = []
    run_with_progress(parent, "Lecture", task, done.append, writes=False)
    seen.append(write.isEnabled())
    release.set()
    qtbot.waitUntil(lambda: len(done) == 1, timeout=10_000)

    release.clear()
    run_with_progress(parent, "Écriture", task, done.append)
    assert WRITING_ACTIONS.held
    assert (write.isEnabled(), locked.isEnabled(), reading.isEnabled()) == (False, False, True)
    late = writes_campaign(QAction("Ajouter une séance", parent))  # created meanwhile
    assert not late.isEnabled()
    release.set()
    qtbot.waitUntil(lambda: len(done) == 2, timeout=10_000)
    assert seen == [True]
    assert not WRITING_ACTIONS.held
    assert (write.isEnabled(), locked.isEnabled(), late.isEnabled()) == (True, False, True)


def test_a_task_that_cannot_stop_shows_no_cancel_button(qtbot: Any) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QWidget

    from planner.ui.tasks import TaskProgressDialog, run_with_progress

    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    release = threading.Event()
    done: list[object] = []

    def one_transaction(_progress: Any, _cancel: Any) -> int:
        release.wait(10)
        return 5

    run_with_progress(parent, "Enregistrement", one_transaction, done.append, cancellable=False)
    (box,) = _visible_boxes("Enregistrement")
    assert isinstance(box, TaskProgressDialog)
    assert not box.cancel_button.isVisible()
    qtbot.keyClick(box, Qt.Key.Key_Escape)  # nothing to stop: the box stays, says nothing false
    assert box.isVisible() and not box.cancelling
    release.set()
    qtbot.waitUntil(lambda: done == [5], timeout=10_000)
    assert _visible_boxes("Enregistrement") == []


def test_cancel_drops_the_result_of_a_reading_task_that_never_checks(qtbot: Any) -> None:
    from PySide6.QtWidgets import QWidget

    from planner.ui.tasks import run_with_progress

    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    release = threading.Event()
    shown: list[object] = []
    told: list[str] = []

    def read(_progress: Any, _cancel: Any) -> str:
        release.wait(10)  # a read that never looks at its token
        return "aperçu"

    run_with_progress(parent, "Relecture", read, shown.append, told.append, writes=False)
    qtbot.waitUntil(lambda: len(_visible_boxes("Relecture")) == 1, timeout=10_000)
    _visible_boxes("Relecture")[0].cancel_button.click()
    release.set()
    qtbot.waitUntil(lambda: len(told) == 1, timeout=10_000)
    assert shown == []
    assert told == ["Opération annulée : la campagne est restée telle qu'elle était."]
