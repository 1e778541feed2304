"""Qt set-up for UI tests: offscreen, software rendering, no sandbox (root).

Everything here must happen before a QApplication exists, hence at import
time: pytest imports conftest files before running pytest-qt's ``qapp``.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# QtWebEngine refuses to start as root with its sandbox on.
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
_flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "").split()
for _flag in (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-gpu-compositing",
    "--disable-dev-shm-usage",
):
    if _flag not in _flags:
        _flags.append(_flag)
os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = " ".join(_flags)

import shutil  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

# QtWebEngineWidgets must be imported before the QApplication is created.
import PySide6.QtWebEngineWidgets  # noqa: E402, F401
import pytest  # noqa: E402
from PySide6.QtCore import QCoreApplication, QEvent  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def _delete_web_pages_at_exit() -> Iterator[None]:
    """Delete closed web views before the profile goes away.

    pytest-qt closes widgets with ``deleteLater``; if nothing processes those
    events, QtWebEngine warns at exit that a page outlived its profile.
    """
    yield
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QCoreApplication.processEvents()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo campaign of 2,500 firms (seed 11), built once for the whole run."""
    from planner.services.demo import create_demo

    path = tmp_path_factory.mktemp("demo-template") / "demo.planner"
    create_demo(path, rows=2500, seed=11)
    return path


@pytest.fixture(scope="module")
def demo_file(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo template for one test module, which may change it."""
    path = tmp_path_factory.mktemp("demo") / "demo.planner"
    shutil.copyfile(demo_template, path)
    return path


@pytest.fixture
def isolated_settings(tmp_path: Path) -> Path:
    """QSettings and QStandardPaths pointed at the test's temporary folder."""
    from PySide6.QtCore import QSettings, QStandardPaths

    QStandardPaths.setTestModeEnabled(True)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    return tmp_path
