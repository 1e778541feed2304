"""Where the app's resources live (icons, web assets, nomenclatures): see ``planner.io``."""

from __future__ import annotations

from planner.io.resources import resource_path, resources_dir

__all__ = ["resource_path", "resources_dir"]
