"""The README's first command, in a real X window: Xvfb and Qt's xcb platform.

The other UI tests run on Qt's offscreen platform, which never loads the xcb
plugin or its X11 libraries; this one starts ``planner --demo`` as a user
would on a fresh desktop (empty home folder, so the demo is built first) and
checks that a visible window appeared and that every placed firm was drawn.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from planner.ui.platform_check import check_platform

pytestmark = pytest.mark.slow


def _missing_tools() -> list[str]:
    return [tool for tool in ("Xvfb", "xdotool") if shutil.which(tool) is None]


@pytest.fixture
def x_display(tmp_path: Path) -> Iterator[str]:
    """A fresh Xvfb server; its display name."""
    missing = _missing_tools()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs {', '.join(missing)} (.ci/apt-packages installs them)")
        pytest.skip(f"{', '.join(missing)} not installed")
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1400x900x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "xvfb.log").open("w"),
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()
    assert number, (tmp_path / "xvfb.log").read_text()
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(10)


def _visible_windows(display: str) -> list[str]:
    found = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", "planner"],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
        check=False,
    )
    return found.stdout.split()


def test_demo_opens_and_draws_in_a_real_x_window(x_display: str, tmp_path: Path) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("QT_", "QTWEBENGINE_", "WAYLAND"))
    }
    env.update(
        DISPLAY=x_display,
        QT_QPA_PLATFORM="xcb",
        HOME=str(tmp_path / "home"),
        XDG_DATA_HOME=str(tmp_path / "home" / ".local" / "share"),
        XDG_CONFIG_HOME=str(tmp_path / "home" / ".config"),
        XDG_CACHE_HOME=str(tmp_path / "home" / ".cache"),
        PLANNER_STARTUP_PROBE=str(time.time()),
    )
    assert check_platform(env) is None, "the xcb libraries must be installed"
    stderr_log = tmp_path / "stderr.log"
    with stderr_log.open("w") as stderr:
        app = subprocess.Popen(
            [sys.executable, "-m", "planner", "--demo"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
        windows: list[str] = []
        try:
            # The probe quits the app once the map has drawn every placed firm;
            # look for the window while it is up.
            deadline = time.monotonic() + 600
            while app.poll() is None and time.monotonic() < deadline:
                windows = windows or _visible_windows(x_display)
                time.sleep(0.5)
            out, _ = app.communicate(timeout=30)
        finally:
            if app.poll() is None:
                app.kill()
    log = stderr_log.read_text(errors="replace")
    assert app.returncode == 0, log[-3000:]
    assert "Traceback" not in log, log[-3000:]
    assert windows, "no visible planner window appeared on the X display"
    probe = json.loads(out.strip().splitlines()[-1])
    # The demo holds about 15,000 fictitious firms; every placed one is drawn.
    assert probe["drawn"] > 10_000
