"""The NAF division ↔ ROME métier correspondence shipped in ``resources/nomenclatures``.

See ``naf_division_rome.md`` beside the file for its source and licence.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from planner.io.resources import resource_path

NAF_ROME_PARTS = ("nomenclatures", "naf_division_rome.csv")


def naf_rome_path() -> Path:
    """``<resources>/nomenclatures/naf_division_rome.csv``."""
    return resource_path(*NAF_ROME_PARTS)


@cache
def _rows(path: Path) -> tuple[tuple[str, str, str], ...]:
    """(NAF division, ROME code, ROME label) rows; raises ``OSError`` if unreadable."""
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(
            (row["naf_division"], row["rome_code"], row["rome_libelle"])
            for row in csv.DictReader(handle)
        )


def rome_labels() -> dict[str, str]:
    """ROME code → métier label; empty when the file is missing (codes are shown alone).

    Read once per file; callers must not modify the returned dict.
    """
    try:
        return _labels(naf_rome_path())
    except OSError:
        return {}


def rome_divisions() -> dict[str, frozenset[str]]:
    """ROME code → the NAF divisions it belongs to (read once per file).

    Raises:
        OSError: the shipped file is missing (a broken installation).
    """
    return _divisions(naf_rome_path())


@cache
def _labels(path: Path) -> dict[str, str]:
    return {code: label for _division, code, label in _rows(path)}


@cache
def _divisions(path: Path) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for division, code, _label in _rows(path):
        if division != "00":
            found.setdefault(code, set()).add(division)
    return {code: frozenset(divisions) for code, divisions in found.items()}
