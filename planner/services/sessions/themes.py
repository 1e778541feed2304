"""A session's theme as people read it: codes with their NAF or ROME labels."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from planner.domain.errors import PlannerError
from planner.domain.nomenclature import NAF2025, REV2
from planner.io.naf_labels import load_naf_labels
from planner.io.naf_rome import rome_labels
from planner.io.nomenclatures import load_nomenclature


@lru_cache(maxsize=1)
def _naf_labels() -> dict[str, str]:
    try:
        return load_naf_labels()
    except OSError:
        return {}


@lru_cache(maxsize=1)
def _naf2025_labels() -> dict[str, str]:
    try:
        return dict(load_nomenclature(NAF2025).labels)
    except PlannerError:
        return {}


def theme_label(kind: str, code: str, nomenclature: str | None = None) -> str:
    """``ROME N1103 — Magasinier / Magasinière``; the bare code when no label is known.

    NAF codes are labelled in ``nomenclature``, the campaign's reference
    (``NAF 2025 62.10Y — …`` in NAF 2025); when it is not given, a code that
    only NAF 2025 knows (``62.10Y``) is labelled in NAF 2025, any other in rév. 2.
    """
    if nomenclature is None:
        nomenclature = REV2 if code in _naf_labels() or code not in _naf2025_labels() else NAF2025
    if kind == "rome":
        labels, prefix = rome_labels(), f"ROME {code}"
    elif nomenclature == NAF2025:
        labels, prefix = _naf2025_labels(), f"NAF 2025 {code}"
    else:
        labels, prefix = _naf_labels(), f"NAF {code}"
    label = labels.get(code)
    return f"{prefix} — {label}" if label else prefix


def theme_text(
    themes: Sequence[tuple[str, str]], separator: str = " ; ", nomenclature: str | None = None
) -> str:
    """Every theme of a session, labelled, in the order they were given."""
    return separator.join(theme_label(kind, code, nomenclature) for kind, code in themes)
