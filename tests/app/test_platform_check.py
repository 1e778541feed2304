"""The pre-flight check that names the missing X11 packages, in French."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from planner.ui.platform_check import APT_PACKAGES, check_platform, uses_xcb


def test_missing_xcb_libraries_are_named_with_their_debian_packages() -> None:
    absent = {"libxcb-icccm.so.4", "libxcb-keysyms.so.1"}
    problem = check_platform(
        {"DISPLAY": ":0"}, platform="linux", can_load=lambda soname: soname not in absent
    )
    assert problem is not None
    assert problem.missing_packages == ("libxcb-icccm4", "libxcb-keysyms1")
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1" in problem.message
    assert "bibliothèques X11" in problem.message


def test_no_display_is_said_in_french() -> None:
    problem = check_platform({}, platform="linux", can_load=lambda soname: True)
    assert problem is not None
    assert "DISPLAY" in problem.message


def test_other_platforms_and_offscreen_are_not_checked() -> None:
    never = lambda soname: False  # noqa: E731
    offscreen = {"QT_QPA_PLATFORM": "offscreen"}
    assert check_platform(offscreen, platform="linux", can_load=never) is None
    assert check_platform({}, platform="win32", can_load=never) is None
    assert not uses_xcb({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert uses_xcb({"WAYLAND_DISPLAY": "wayland-0", "QT_QPA_PLATFORM": "xcb"}, "linux")


def test_readme_gives_the_apt_line_that_covers_every_library() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    line = next(text for text in readme.splitlines() if "apt-get install" in text and "xcb" in text)
    assert set(APT_PACKAGES) <= set(line.split())


def test_the_app_exits_with_the_french_message_instead_of_qt_aborting(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key != "DISPLAY"}
    env.update(QT_QPA_PLATFORM="xcb", HOME=str(tmp_path))
    env.pop("WAYLAND_DISPLAY", None)
    done = subprocess.run(
        [sys.executable, "-m", "planner", "--demo"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "planner ne" in done.stderr
    assert "Traceback" not in done.stderr
    assert "Could not load the Qt platform plugin" not in done.stderr
