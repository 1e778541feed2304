"""PostgreSQL row-level security of a shared campaign (installed by migration 0010).

Placeholder until the access policies land: no statement yet.
"""

from __future__ import annotations

from collections.abc import Iterator


def install_statements() -> Iterator[str]:
    """The SQL that installs the access functions and policies (idempotent)."""
    yield from ()


def uninstall_statements() -> Iterator[str]:
    """The SQL that removes them."""
    yield from ()
