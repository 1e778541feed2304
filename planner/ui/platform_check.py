"""Check, before Qt starts, that a Linux desktop can show the window.

Qt's xcb platform plugin aborts the process with an English message
("Could not load the Qt platform plugin xcb") when a few X11 libraries are
missing, which a bare Debian or Ubuntu does not install. This module looks
for them with ``ctypes`` only, so that it can run before PySide6 is imported,
and names the Debian packages to install, in French.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass

# Libraries that Qt 6's xcb plugin (libqxcb.so, libQt6XcbQpa.so) loads, with
# the Debian/Ubuntu package that ships each one. The package names are the same
# on Debian 12 and Ubuntu 22.04/24.04.
XCB_LIBRARIES: tuple[tuple[str, str], ...] = (
    ("libxcb.so.1", "libxcb1"),
    ("libX11-xcb.so.1", "libx11-xcb1"),
    ("libxcb-icccm.so.4", "libxcb-icccm4"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    ("libxcb-cursor.so.0", "libxcb-cursor0"),
    ("libxcb-image.so.0", "libxcb-image0"),
    ("libxcb-render-util.so.0", "libxcb-render-util0"),
    ("libxcb-randr.so.0", "libxcb-randr0"),
    ("libxcb-shape.so.0", "libxcb-shape0"),
    ("libxcb-xfixes.so.0", "libxcb-xfixes0"),
    ("libxcb-xkb.so.1", "libxcb-xkb1"),
    ("libxcb-sync.so.1", "libxcb-sync1"),
    ("libxcb-shm.so.0", "libxcb-shm0"),
    ("libxcb-render.so.0", "libxcb-render0"),
    ("libxcb-util.so.1", "libxcb-util1"),
    ("libxkbcommon.so.0", "libxkbcommon0"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
)

#: The one line the README gives for a fresh Debian or Ubuntu desktop.
APT_PACKAGES: tuple[str, ...] = tuple(package for _, package in XCB_LIBRARIES)


@dataclass(frozen=True)
class PlatformProblem:
    """Why the window cannot open, and what to do about it (in French)."""

    message: str
    missing_packages: tuple[str, ...] = ()


def _can_load(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def uses_xcb(environ: Mapping[str, str], platform: str = sys.platform) -> bool:
    """Whether Qt will pick its xcb (X11) platform plugin."""
    if not platform.startswith("linux"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "").split(":", 1)[0].strip()
    if chosen:
        return chosen == "xcb"
    # Qt 6 prefers Wayland when a Wayland session is running, else xcb.
    return not environ.get("WAYLAND_DISPLAY")


def check_platform(
    environ: Mapping[str, str] | None = None,
    *,
    platform: str = sys.platform,
    can_load: Callable[[str], bool] = _can_load,
) -> PlatformProblem | None:
    """What would stop Qt from opening a window here, or ``None``.

    Args:
        environ: the environment Qt will see (``os.environ`` by default).
        platform: ``sys.platform``.
        can_load: loads a shared library by its soname (tests replace it).
    """
    env = os.environ if environ is None else environ
    if not uses_xcb(env, platform):
        return None
    missing = tuple(package for soname, package in XCB_LIBRARIES if not can_load(soname))
    if missing:
        return PlatformProblem(
            "planner ne peut pas ouvrir sa fenêtre : des bibliothèques X11 dont Qt a "
            "besoin manquent sur ce poste ("
            + ", ".join(missing)
            + ").\nInstallez-les (droits d'administrateur), puis relancez planner :\n"
            "  sudo apt-get install " + " ".join(missing),
            missing,
        )
    if not env.get("DISPLAY"):
        return PlatformProblem(
            "planner ne trouve pas d'écran : la variable DISPLAY n'est pas définie.\n"
            "Lancez planner depuis une session graphique, ou sans écran avec "
            "QT_QPA_PLATFORM=offscreen."
        )
    return None
