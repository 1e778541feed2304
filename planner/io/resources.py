"""Where the shipped resources (nomenclatures, web assets, icons, help) live."""

from __future__ import annotations

import os
from pathlib import Path


def resources_dir() -> Path:
    """``<repo>/resources``, or ``PLANNER_RESOURCES_DIR`` (frozen builds set it)."""
    override = os.environ.get("PLANNER_RESOURCES_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "resources"


def resource_path(*parts: str) -> Path:
    """A file under the resources directory."""
    return resources_dir().joinpath(*parts)
