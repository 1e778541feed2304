"""The task force views: partners, teams, advisers, division and manual assignment."""

from __future__ import annotations

from typing import Any

from planner.ui.task_force.task_force_panel import TaskForcePanel


def install(window: Any) -> None:
    """Add this area's menus, docks and actions to the main window."""
    window.task_force = TaskForcePanel(window)
