"""Regenerate resources/screenshots/dashboard.png (the dashboard on a fresh demo campaign)
and dashboard-accompaniment.png (its « Accompagnement » tab, weekly view).

Usage: ``QT_QPA_PLATFORM=offscreen uv run python tools/dashboard_screenshot.py``
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from planner.services.campaign.campaign_store import open_campaign
from planner.services.demo.demo_campaign import create_demo
from planner.ui.followup.dashboard_window import DashboardWindow

SHOTS = Path(__file__).resolve().parents[1] / "resources" / "screenshots"
OUT = SHOTS / "dashboard.png"
ACCOMPANIED = SHOTS / "dashboard-accompaniment.png"


def main() -> int:
    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo.planner"
        create_demo(path)
        store = open_campaign(path)
        window = DashboardWindow(store)
        window.resize(1400, 900)
        empty = window.data
        window.show()
        while window.data is empty:
            app.processEvents()
        for _ in range(50):
            app.processEvents()
        window.grab().save(str(OUT))
        window.tabs.setCurrentWidget(window.journey_tab)
        window.journey_tab.tabs.setCurrentIndex(1)  # « Accompagnées par semaine »
        for _ in range(200):
            app.processEvents()
        window.grab().save(str(ACCOMPANIED))
        window.close()
        store.close()
    print(OUT, ACCOMPANIED, sep="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
