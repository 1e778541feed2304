"""Numbers written the French way: a narrow no-break space between thousands, a decimal comma."""

from __future__ import annotations

NARROW_NBSP = "\u202f"


def integer(value: int) -> str:
    """``15256`` → ``15 256`` (narrow no-break space)."""
    return f"{value:,}".replace(",", NARROW_NBSP)


def decimal(value: float, digits: int) -> str:
    """``1.456, 2`` → ``1,46``; thousands separated as :func:`integer` does."""
    return f"{value:,.{digits}f}".replace(",", NARROW_NBSP).replace(".", ",")


def percent(share: float, digits: int = 1) -> str:
    """``0.001`` → ``0,1 %`` (a share of 1, narrow no-break space before the sign)."""
    return f"{decimal(100 * share, digits)}{NARROW_NBSP}%"
