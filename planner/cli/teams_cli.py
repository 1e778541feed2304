"""Task force: ``teams import`` and ``divide``."""

from __future__ import annotations

from typing import Any


def add_parsers(sub: Any, import_sub: Any) -> None:
    """Register this area's sub-commands; each sets handler=function(args) -> int.

    Args:
        sub: the top-level sub-parsers (``planner <command>``).
        import_sub: the sub-parsers of ``planner import <source>``.
    """
    del sub, import_sub
