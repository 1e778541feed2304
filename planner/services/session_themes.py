"""A session's theme as people read it: codes with their NAF or ROME labels."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from planner.io.naf_labels import load_naf_labels
from planner.io.naf_rome import rome_labels


@lru_cache(maxsize=1)
def _naf_labels() -> dict[str, str]:
    try:
        return load_naf_labels()
    except OSError:
        return {}


def theme_label(kind: str, code: str) -> str:
    """``ROME N1103 — Magasinier / Magasinière``; the bare code when no label is known."""
    labels = rome_labels() if kind == "rome" else _naf_labels()
    prefix = f"{'ROME' if kind == 'rome' else 'NAF'} {code}"
    label = labels.get(code)
    return f"{prefix} — {label}" if label else prefix


def theme_text(themes: Sequence[tuple[str, str]], separator: str = " ; ") -> str:
    """Every theme of a session, labelled, in the order they were given."""
    return separator.join(theme_label(kind, code) for kind, code in themes)
