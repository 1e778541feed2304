"""The views each area adds to the main window: task force, sessions, follow-up.

Each area's package exposes ``install(window)``, which adds its menus, docks
and actions to the :class:`~planner.ui.main_window.MainWindow` and listens to
its ``campaignShown`` signal.
"""

from __future__ import annotations

from typing import Any


def install_extensions(window: Any) -> None:
    """Add every area's views to ``window``."""
    from planner.ui import followup, sessions, task_force

    for area in (task_force, sessions, followup):
        area.install(window)
