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


def main(campaign: str | None = None, *, demo: bool = False) -> int:
    """Start the GUI, optionally on a campaign file or on the demo campaign."""
    _prepare_environment()
    import PySide6.QtWebEngineWidgets  # noqa: F401  (must come before QApplication)
    from PySide6.QtWidgets import QApplication

    from planner.ui.application import configure_application
    from planner.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    configure_application(app)
    window = MainWindow()
    window.show()
    if demo:
        window.open_demo()
    elif campaign:
        window.open_campaign(Path(campaign))
    return app.exec()
