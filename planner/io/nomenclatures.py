"""Read NAF rév. 2, NAF 2025 and INSEE's correspondence from ``resources/nomenclatures``.

See ``naf_rev2.csv`` (README.md), ``naf2025.md`` and
``correspondance_naf_rev2_naf2025.md`` beside the files for their sources.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from planner.domain.nomenclature import (
    NAF2025,
    REV2,
    Correspondence,
    Nomenclature,
    check_nomenclature,
    level_of,
)
from planner.io.naf_labels import NafLabelsError, default_naf_path, load_naf_labels
from planner.io.resources import resource_path

NAF2025_PARTS = ("nomenclatures", "naf2025.csv")
CORRESPONDENCE_PARTS = ("nomenclatures", "correspondance_naf_rev2_naf2025.csv")


def _sentence_case(text: str) -> str:
    """INSEE writes NAF 2025 section labels in capitals: « COMMERCE » → « Commerce »."""
    return text[:1] + text[1:].lower() if text.isupper() else text


def _with_sections(labels: dict[str, str]) -> dict[str, str]:
    """Division → section, from the file order (each section precedes its codes)."""
    found: dict[str, str] = {}
    section = ""
    for code in labels:
        if level_of(code) == 1:
            section = code
        elif level_of(code) == 2:
            found[code] = section
    return found


def load_nomenclature(key: str) -> Nomenclature:
    """NAF rév. 2 (``rev2``) or NAF 2025 (``naf2025``), every level, French labels.

    Read once per installation.

    Raises:
        NafLabelsError: a shipped file is missing or unreadable.
        ValueError: unknown key.
    """
    check_nomenclature(key)
    if key == REV2:
        return _rev2(default_naf_path())
    return _naf2025(resource_path(*NAF2025_PARTS))


@cache
def _rev2(path: Path) -> Nomenclature:
    labels = load_naf_labels(path)
    return Nomenclature(REV2, labels, _with_sections(labels))


@cache
def _naf2025(path: Path) -> Nomenclature:
    labels: dict[str, str] = {}
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle, delimiter=";")
            next(reader, None)
            for line, row in enumerate(reader, start=2):
                if len(row) != 3:
                    raise NafLabelsError(f"{path}, ligne {line} : 3 colonnes attendues.")
                nace, naf, label = (cell.strip() for cell in row)
                if nace:
                    labels[nace] = _sentence_case(label) if len(nace) == 1 else label
                if naf:
                    labels[naf] = label
    except OSError as exc:
        raise NafLabelsError(
            f"Nomenclature NAF 2025 introuvable ({path}) : l'installation est incomplète."
        ) from exc
    return Nomenclature(NAF2025, labels, _with_sections(labels))


def load_correspondence() -> Correspondence:
    """INSEE's NAF rév. 2 → NAF 2025 table with both nomenclatures (read once).

    Raises:
        NafLabelsError: a shipped file is missing or unreadable.
    """
    return _correspondence(resource_path(*CORRESPONDENCE_PARTS))


@cache
def _correspondence(path: Path) -> Correspondence:
    forward: dict[str, list[str]] = {}
    notes: dict[tuple[str, str], str] = {}
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                pair = (row["naf_rev2"].strip(), row["naf_2025"].strip())
                forward.setdefault(pair[0], []).append(pair[1])
                notes.setdefault(pair, (row.get("contenu_commun") or "").strip())
    except (OSError, KeyError) as exc:
        raise NafLabelsError(
            f"Correspondance NAF rév. 2 → NAF 2025 illisible ({path}) : "
            "l'installation est incomplète."
        ) from exc
    return Correspondence(
        load_nomenclature(REV2),
        load_nomenclature(NAF2025),
        {source: tuple(dict.fromkeys(targets)) for source, targets in forward.items()},
        notes=notes,
    )


__all__ = ["NAF2025", "REV2", "load_correspondence", "load_nomenclature"]
