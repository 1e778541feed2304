"""Wire the desktop application together and run it.

This is the only module (with ``planner.ui``) that knows about Qt; it builds
the QApplication, finds or builds the demo campaign, and opens the window.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _prepare_environment() -> None:
    # QtWebEngine refuses to start as root without this (see FIELD-NOTES.md).
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")


def _probe_startup(app: object, window: object) -> None:
    """Benchmarks: print the time to a drawn map, then quit (``PLANNER_STARTUP_PROBE``)."""
    import json
    import time

    started = float(os.environ["PLANNER_STARTUP_PROBE"])

    def on_drawn(count: int) -> None:
        campaign = window.campaign  # type: ignore[attr-defined]
        if campaign is None or count == 0:
            return
        placed = int(campaign.firms["lon"].is_not_null().sum())
        if count == placed:
            print(
                json.dumps({"drawn": count, "seconds": round(time.time() - started, 3)}), flush=True
            )
            app.quit()  # type: ignore[attr-defined]

    window.map.drawn.connect(on_drawn)  # type: ignore[attr-defined]


def main(campaign: str | None = None, *, demo: bool = False) -> int:
    """Start the GUI, optionally on a campaign file or on the demo campaign."""
    _prepare_environment()
    from planner.ui.platform_check import check_platform

    problem = check_platform()
    if problem is not None:
        # Before Qt aborts with its own English message: say what to install.
        print(problem.message, file=sys.stderr)
        return 2
    import PySide6.QtWebEngineWidgets  # noqa: F401  (must come before QApplication)
    from PySide6.QtWidgets import QApplication

    from planner.ui.application import configure_application
    from planner.ui.crash_dialog import install_excepthook
    from planner.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    configure_application(app)
    install_excepthook()
    window = MainWindow()
    window.show()
    if os.environ.get("PLANNER_STARTUP_PROBE"):
        _probe_startup(app, window)
    if demo:
        window.open_demo()
    elif campaign:
        # A shared campaign's URL stays a URL (Path would fold its « // »).
        window.open_campaign(campaign if "://" in campaign else Path(campaign))
    return app.exec()
