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
