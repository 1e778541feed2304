"""New-campaign dialog: time to open it, and to preview a bassin.

``open_cold``: constructing the dialog in a fresh process (the commune
reference read from ``maps/`` included); ``open_warm``: a second dialog,
the reference cached; ``preview_t6``: building the map preview of EPT T6
(8 communes) once the dialog is open: the GUI thread's share
(``preview_t6_call``) and the time until the map has it (boundaries decoded
in a worker, only these communes').
Run: ``uv run python bench/bench_new_campaign.py``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

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


if __name__ == "__main__":
    for name, value in main().items():
        print(f"{name}: {value:.3f}")
