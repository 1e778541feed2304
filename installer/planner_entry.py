"""Entry point of the frozen (PyInstaller) planner: CLI and desktop app.

Points ``PLANNER_RESOURCES_DIR`` at the bundled ``resources`` folder, then
hands over to ``planner.__main__.main`` exactly like the ``planner`` script.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _bundle_dir() -> Path:
    """``_internal`` of the one-folder build (``sys._MEIPASS``)."""
    return Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parents[1]))


def _arguments(argv: list[str]) -> list[str]:
    """Turn a lone campaign path (file manager, Explorer) into ``--open PATH``.

    Desktop launchers pass the double-clicked file as the only argument
    (``Exec=planner %f``, ``"%1"``); the CLI expects ``--open FILE``.
    """
    if len(argv) == 1 and not argv[0].startswith("-") and argv[0].lower().endswith(".planner"):
        return ["--open", argv[0]]
    return argv


if __name__ == "__main__":
    os.environ.setdefault("PLANNER_RESOURCES_DIR", str(_bundle_dir() / "resources"))
    from planner.__main__ import main

    sys.exit(main(_arguments(sys.argv[1:])))
