"""Cold start of the desktop app: ``planner --demo`` to a drawn map.

``app_cold_start``: a fresh ``planner --demo`` process (offscreen platform, the
demo campaign built by a first launch, not counted) until every placed firm of
the demo is drawn on the map, as the app reports it (``PLANNER_STARTUP_PROBE``);
median of ``--runs`` launches, interleaved with the floor. Floor: a fresh bare
Python process that starts QtWebEngine, opens one ``QWebEngineView`` on the
same map page file the app uses (built by the first launch and cached, as the
app caches it), reads the same placed target firms from the demo campaign with
the ``sqlite3`` driver, pushes them as the same typed arrays and waits until
the page reports them drawn: the app's path to a drawn map without its window,
table, docks, services and ORM. Both time from before the process is spawned,
with compiled modules (.pyc) as an installed app has them.
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

from timing import Pair

DEMO_FILE_NAME = "demo-plaine-commune.planner"  # planner.ui.campaign.controller

_FLOOR = """
import base64, json, os, sqlite3, sys, time
import numpy as np
import PySide6.QtWebEngineWidgets
from PySide6.QtCore import QTimer, QUrl
from PySide6.QtWidgets import QApplication
from PySide6.QtWebEngineWidgets import QWebEngineView
started = float(os.environ["PLANNER_STARTUP_PROBE"])
page, demo = sys.argv[1], sys.argv[2]
app = QApplication(sys.argv[:1])
view = QWebEngineView(); view.resize(1200, 800); view.show()
view.load(QUrl.fromLocalFile(page))
con = sqlite3.connect(demo)
rows = con.execute(
    "SELECT rowid, lon, lat, tranche_effectifs FROM establishment"
    " WHERE in_target = 1 AND lon IS NOT NULL AND lat IS NOT NULL"
).fetchall()
con.close()
ids = np.array([r[0] for r in rows], np.float64)
lon = np.array([r[1] for r in rows], np.float64)
lat = np.array([r[2] for r in rows], np.float64)
bands, cat = np.unique(np.array([r[3] or "" for r in rows]), return_inverse=True)
colors = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1", "#edc948"]
def col(a, kind):
    return {"dtype": kind, "b64": base64.b64encode(a.tobytes()).decode("ascii")}
payload = json.dumps({"ids": col(ids, "f8"), "lon": col(lon, "f8"), "lat": col(lat, "f8"),
    "cat": col(cat.astype("<u2"), "u2"),
    "legend": [[b, colors[i % len(colors)]] for i, b in enumerate(bands.tolist())],
    "title": "Tranche d'effectif"})
n = len(rows)
def poll():
    view.page().runJavaScript("window.__plannerDrawn || 0", 0, drawn)
def drawn(value):
    if value == n:
        print(json.dumps({"drawn": n, "seconds": round(time.time() - started, 3)}), flush=True)
        app.quit()
    else:
        QTimer.singleShot(5, poll)
def loaded(ok):
    view.page().runJavaScript("PlannerMap.setFirms(" + payload + ");", 0)
    poll()
view.loadFinished.connect(loaded)
app.exec()
"""


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    # An installed app has its modules compiled (pip and the installer write the
    # .pyc files): a machine that forbids them would time the compiler at every
    # launch, on the product's side far more than on the floor's. The first,
    # uncounted launch writes them.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "cfg"),
        XDG_CACHE_HOME=str(home / "cache"),
        QT_QPA_PLATFORM="offscreen",
        QTWEBENGINE_DISABLE_SANDBOX="1",
    )
    return env


def _probe(args: list[str], home: Path) -> dict[str, float]:
    """Spawn a process that prints its time to a drawn map (from before the spawn)."""
    env = _env(home) | {"PLANNER_STARTUP_PROBE": str(time.time())}
    out = subprocess.run(
        [sys.executable, *args], env=env, check=True, capture_output=True, text=True, timeout=600
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("{"))
    return json.loads(line)  # type: ignore[no-any-return]


def app_cold_start() -> Pair:
    """``planner --demo`` to a drawn map against a bare QtWebEngine process
    drawing the same firms on the same page."""
    tmp = tempfile.TemporaryDirectory()
    home = Path(tmp.name)
    first = _probe(["-m", "planner", "--demo"], home)
    demo = next(home.rglob(DEMO_FILE_NAME))
    page = next(p for p in home.rglob("*.html") if p.parent.parent.name == "carte")
    drawn: dict[str, int] = {}

    def product() -> float:
        result = _probe(["-m", "planner", "--demo"], home)
        drawn["drawn"] = int(result["drawn"])
        return float(result["seconds"])

    def floor() -> float:
        result = _probe(["-c", _FLOOR, str(page), str(demo)], home)
        drawn["floor_drawn"] = int(result["drawn"])
        return float(result["seconds"])

    def figures() -> dict[str, object]:
        return {"first_launch_with_demo_build_s": round(first["seconds"], 2), **drawn}

    return Pair(product, floor, figures, tmp.cleanup)


PAIRS: dict[str, Callable[[], Pair]] = {"app_cold_start": app_cold_start}
