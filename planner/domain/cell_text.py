"""Text written to a spreadsheet cell so that it can never start a formula."""

from __future__ import annotations

FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def starts_formula(text: str) -> bool:
    """Whether a spreadsheet would read ``text`` as a formula (or DDE call)."""
    return text.startswith(FORMULA_STARTS)


def safe_text(text: str) -> str:
    """``text`` for a CSV cell: as-is when harmless, else prefixed with an apostrophe.

    Workbook cells do not need this: the writer stores such values as typed
    strings, which no spreadsheet evaluates.
    """
    return "'" + text if starts_formula(text) else text
