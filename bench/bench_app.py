"""Cold start of the desktop app: ``planner --demo`` to a drawn map.

Measured in fresh processes (offscreen platform), against a floor measured in
the same run: a bare QtWebEngine process that shows a local page.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

_FLOOR = """
import os, sys, time, tempfile, pathlib
import PySide6.QtWebEngineWidgets
from PySide6.QtWidgets import QApplication
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtCore import QUrl
app = QApplication(sys.argv[:1])
page = pathlib.Path(tempfile.mkdtemp()) / "p.html"
page.write_text("<html><body>ok</body></html>")
view = QWebEngineView(); view.resize(1000, 700); view.show()
view.loadFinished.connect(lambda ok: app.quit())
view.load(QUrl.fromLocalFile(str(page)))
app.exec()
"""


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "cfg"),
        QT_QPA_PLATFORM="offscreen",
        QTWEBENGINE_DISABLE_SANDBOX="1",
    )
    return env


def _run_app(home: Path) -> tuple[float, float]:
    start = time.time()
    env = _env(home) | {"PLANNER_STARTUP_PROBE": str(start)}
    out = subprocess.run(
        [sys.executable, "-m", "planner", "--demo"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("{"))
    return float(json.loads(line)["seconds"]), time.time() - start


def app_cold_start() -> dict[str, object]:
    """First launch (builds the demo), then warm launches on the existing demo."""
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        first, _ = _run_app(home)
        runs = [_run_app(home)[0] for _ in range(3)]
        floor = []
        for _ in range(3):
            start = time.time()
            subprocess.run(
                [sys.executable, "-c", _FLOOR],
                env=_env(home),
                check=True,
                capture_output=True,
                timeout=120,
            )
            floor.append(time.time() - start)
    return {
        "seconds": round(min(runs), 3),
        "floor_seconds": round(min(floor), 3),
        "runs_s": [round(r, 2) for r in runs],
        "first_launch_with_demo_build_s": round(first, 2),
    }


BENCHMARKS: dict[str, Callable[[], dict[str, object]]] = {"app_cold_start": app_cold_start}
