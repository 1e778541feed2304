"""planner's folders in the user's home, as each system names them."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def user_cache_folder() -> Path:
    """planner's cache folder: ``~/.cache/planner`` on Linux (``XDG_CACHE_HOME``),
    ``~/Library/Caches/planner`` on macOS, ``%LOCALAPPDATA%\\planner`` on Windows."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "planner"
