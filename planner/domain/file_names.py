"""File names made from user text (partner names…): portable, bounded, unique."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

from planner.domain.cell_text import neutralise_bidi, strip_controls

MAX_STEM = 80
"""Characters of a name's part in a file name (and at most twice as many UTF-8
bytes): with a prefix, a date and an extension the whole name stays far below
the 255 bytes of every file system."""

_NOT_PORTABLE = re.compile(r"[^\w\- ]+", re.UNICODE)
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10))} | {
    f"lpt{i}" for i in range(10)
}


def file_stem(name: str, *, fallback: str = "sans_nom", limit: int = MAX_STEM) -> str:
    """``name`` as a portable file name part: NFC, letters, digits, ``-`` and ``_``.

    A name longer than ``limit`` is cut and ends with a short digest of the
    whole name, so that two long names sharing their start stay apart.
    """
    text = unicodedata.normalize("NFC", neutralise_bidi(strip_controls(name, one_line=True)))
    cleaned = _NOT_PORTABLE.sub("", text).strip()
    cleaned = re.sub(r"\s+", "_", cleaned).strip("._") or fallback
    if cleaned.casefold() in _RESERVED:
        cleaned = f"{cleaned}_"
    max_bytes = 2 * limit  # file systems count bytes: 𝐀 or 𝑒 take 4 in UTF-8
    if len(cleaned) > limit or len(cleaned.encode()) > max_bytes:
        digest = hashlib.sha256(text.encode()).hexdigest()[:8]
        head = cleaned[: limit - 9]
        while len(head.encode()) > max_bytes - 9:
            head = head[:-1]
        cleaned = f"{head.rstrip('_')}_{digest}"
    return cleaned


def unique_stems(names: Iterable[str], *, limit: int = MAX_STEM) -> dict[str, str]:
    """A distinct file name part for each name, in the order given.

    Names that clean to the same part, ignoring case ("A.B", "AB", "ab", or the
    NFD and NFC spellings of "Société"), get ``_2``, ``_3``… after the first.
    """
    used: set[str] = set()
    stems: dict[str, str] = {}
    for name in names:
        if name in stems:
            continue
        base = file_stem(name, limit=limit)
        stem, n = base, 2
        while stem.casefold() in used:
            stem, n = f"{base}_{n}", n + 1
        used.add(stem.casefold())
        stems[name] = stem
    return stems
