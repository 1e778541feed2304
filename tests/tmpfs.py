"""A small tmpfs mounted for one test: a full disk or a read-only folder, for real.

The tests run as root on CI; where mounting is not permitted the test is skipped
with the reason.
"""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def mounted_tmpfs(folder: Path, options: str) -> Iterator[Path]:
    """Mount a tmpfs with ``options`` (``size=64k``, ``size=1m,ro``…) on ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"montage d'un tmpfs impossible ici : {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def remount_read_only(folder: Path) -> None:
    """Make a mounted tmpfs read-only (root ignores file modes, not this)."""
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
