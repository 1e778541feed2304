"""Shared fixtures: Qt set-up, real public samples, demo campaigns, and campaign
targets on SQLite and PostgreSQL.

The Qt environment (offscreen, software rendering, no sandbox as root) must be
set before a QApplication exists, hence at import time: pytest imports conftest
files before running pytest-qt's ``qapp``.
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
# One day for the whole run, in this process and in the ones it starts: a run
# that crosses midnight would otherwise build a campaign on one day and check
# "this week" or a mark's end date on the next (planner.domain.clock).
if not os.environ.get("PLANNER_TODAY"):
    import datetime as _dt

    os.environ["PLANNER_TODAY"] = _dt.date.today().isoformat()
# The firm frames' cache goes to a folder of this run, not the user's cache.
if "PLANNER_FIRM_CACHE" not in os.environ:
    import tempfile

    os.environ["PLANNER_FIRM_CACHE"] = tempfile.mkdtemp(prefix="planner-test-cache-")

import shutil  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

# QtWebEngineWidgets must be imported before the QApplication is created.
import PySide6.QtWebEngineWidgets  # noqa: E402, F401
import pytest  # noqa: E402
from PySide6.QtCore import QCoreApplication, QEvent  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402


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


@pytest.fixture(autouse=True)
def _deferred_deletes_at_the_end_of_each_test() -> Iterator[None]:
    """Run what a test's code deleted with ``deleteLater`` before the next test.

    In the app, the event loop runs deferred deletes as soon as control comes back
    to it. Tests mostly drive Qt without a running loop, so they piled up across
    tests and ran much later, in a batch, inside whichever test next spun a loop.
    """
    yield
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture(scope="session", autouse=True)
def _gc_on_the_gui_thread(qapp: object) -> None:
    """As in the app: reference cycles holding Qt objects die on the GUI thread only."""
    from planner.ui.gui_thread_gc import collect_on_gui_thread

    collect_on_gui_thread()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo campaign of 2,500 firms (seed 11), built once for the whole run."""
    from planner.services.demo.demo_campaign import create_demo

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


ROOT = Path(__file__).resolve().parents[1]
# Copies of the real public samples (provenance in tests/data/public/README.md).
SHARED_DATA = ROOT / "tests" / "data" / "public"
PG_SERVER = os.environ.get("PLANNER_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real public samples copied into ``tests/data/public``."""
    if not SHARED_DATA.exists():
        pytest.fail(f"Données de test introuvables : {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def sirene_dir(shared_data: Path) -> Path:
    return shared_data / "sirene"


def _pg_available() -> str | None:
    try:
        engine = create_engine(f"{PG_SERVER}/test")
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:
        return str(exc).splitlines()[0]
    return None


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The PostgreSQL server's URL without a database; skip (or fail on CI) if down."""
    problem = _pg_available()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL injoignable sur {PG_SERVER} : {problem}")
        pytest.skip(f"PostgreSQL injoignable : {problem}")
    return PG_SERVER


@pytest.fixture
def pg_database(pg_server: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped after the test."""
    name = f"planner_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(f"{pg_server}/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{pg_server}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            # Roles are the server's, not the database's: the group roles that
            # ``planner access grant`` made for this database go with it.
            groups = conn.execute(
                text("SELECT rolname FROM pg_roles WHERE rolname LIKE :prefix"),
                {"prefix": f"planner_{name}_%"},
            ).scalars()
            for group in list(groups):
                conn.execute(text(f'DROP ROLE IF EXISTS "{group}"'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def campaign_target(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """Where to create a campaign: a new ``.planner`` file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return tmp_path / "campagne.planner"
    return str(request.getfixturevalue("pg_database"))
