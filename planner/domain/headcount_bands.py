"""INSEE headcount bands (tranches d'effectifs) and which of them are TPE/PME."""

from __future__ import annotations

BAND_LABELS: dict[str, str] = {
    "NN": "Non employeur ou effectif inconnu",
    "00": "0 salarié",
    "01": "1 ou 2 salariés",
    "02": "3 à 5 salariés",
    "03": "6 à 9 salariés",
    "11": "10 à 19 salariés",
    "12": "20 à 49 salariés",
    "21": "50 à 99 salariés",
    "22": "100 à 199 salariés",
    "31": "200 à 249 salariés",
    "32": "250 à 499 salariés",
    "41": "500 à 999 salariés",
    "42": "1 000 à 1 999 salariés",
    "51": "2 000 à 4 999 salariés",
    "52": "5 000 à 9 999 salariés",
    "53": "10 000 salariés et plus",
}
"""Labels as INSEE publishes them (``NN`` also stands for an empty band)."""

BAND_ORDER: tuple[str, ...] = tuple(BAND_LABELS)

TPE_BANDS = frozenset({"00", "01", "02", "03"})
"""Under 10 employees."""

DEFAULT_TARGET_BANDS = frozenset({"00", "01", "02", "03", "11", "12", "21", "22", "31", "32"})
"""The import's default: bands ``00`` to ``32``, as the task forces' brief sets it."""


def band_label(code: str | None) -> str:
    """French label of a band code; an empty code reads as ``NN``."""
    return BAND_LABELS.get(code or "NN", f"Tranche {code}")


def size_class(code: str | None) -> str:
    """``TPE``, ``PME``, ``ETI/GE`` or ``inconnue`` for a band code."""
    if not code or code == "NN":
        return "inconnue"
    if code in TPE_BANDS:
        return "TPE"
    if code in {"11", "12", "21", "22", "31"}:
        return "PME"
    return "ETI/GE"
