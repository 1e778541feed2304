"""New-campaign dialog: time to open it, and to preview a bassin.

``open_cold``: constructing the dialog in a fresh process (the commune
reference read from ``maps/`` included); ``open_warm``: a second dialog,
the reference cached; ``preview_t6``: building the map preview of EPT T6
(8 communes) once the dialog is open: the GUI thread's share
(``preview_t6_call``) and the time until the map has it (boundaries decoded
in a worker, only these communes').
Run: ``uv run python bench/bench_new_campaign.py`` (every figure), or
``uv run python bench/run.py new_campaign_open``: the median of five opens (or
``--runs``), interleaved with the floor, each
with the reference read again, against a floor measured in the same run: the
same reference read, and a bare dialog listing the same commune names in a
``QListView`` over a ``QStringListModel`` (the most direct way to show them).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

from timing import Pair

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")


def main() -> dict[str, float]:
    import PySide6.QtWebEngineWidgets  # noqa: F401  (before the QApplication)
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from planner.ui.campaign.new_campaign import NewCampaignDialog

    figures: dict[str, float] = {}

    def timed(name: str, work: Callable[[], object]) -> object:
        # Wall clock, and this process's CPU time (the GUI thread's work,
        # less sensitive to a loaded machine than the wall clock).
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        figures[f"{name}_wall_s"] = time.perf_counter() - wall
        figures[f"{name}_cpu_s"] = time.process_time() - cpu
        return result

    dialog = timed("open_cold", NewCampaignDialog)
    assert isinstance(dialog, NewCampaignDialog)
    app.processEvents()
    second = timed("open_warm", NewCampaignDialog)

    page = dialog.pages.currentWidget()
    page.combo.setCurrentIndex(page.combo.findData("T6"))  # type: ignore[attr-defined]
    # The call returns at once; the boundaries come from a worker thread.
    wall = time.perf_counter()
    timed("preview_t6_call", dialog._update_preview)
    while dialog.preview._layers.geography is None:
        app.processEvents()
        time.sleep(0.001)
    figures["preview_t6_shown_wall_s"] = time.perf_counter() - wall
    assert dialog.create_button.isEnabled()
    for widget in (dialog, second):
        widget.deleteLater()  # type: ignore[attr-defined]
    app.processEvents()
    return figures


def open_with_floor() -> Pair:
    """Opening the new-campaign dialog, the commune reference read again each time.

    Floor: the same reference read, and a bare dialog listing the same commune
    names in a ``QListView`` over a ``QStringListModel``.
    """
    import PySide6.QtWebEngineWidgets  # noqa: F401  (before the QApplication)
    from PySide6.QtCore import QStringListModel
    from PySide6.QtWidgets import QApplication, QDialog, QListView, QVBoxLayout

    app = QApplication.instance() or QApplication([])
    from planner.geo.reference import CommuneReference
    from planner.ui.campaign.new_campaign import NewCampaignDialog

    def floor() -> QDialog:
        reference = CommuneReference.load()
        codes, names, _departements = reference.listing()
        labels = [f"{name} ({code})" for code, name in zip(codes, names, strict=True)]
        dialog = QDialog()
        view = QListView(dialog)
        view.setModel(QStringListModel(labels, view))
        QVBoxLayout(dialog).addWidget(view)
        return dialog

    def timed(build: Callable[[], Any]) -> Callable[[], float]:
        def run() -> float:
            CommuneReference.clear_cache()
            start = time.perf_counter()
            widget = build()
            elapsed = time.perf_counter() - start
            widget.deleteLater()
            app.processEvents()
            return elapsed

        return run

    return Pair(timed(NewCampaignDialog), timed(floor), min_runs=5)


PAIRS = {"new_campaign_open": open_with_floor}


if __name__ == "__main__":
    for name, value in main().items():
        print(f"{name}: {value:.3f}")
