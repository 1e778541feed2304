"""The eight outcomes a partner can record for a call, and how typed values map to them."""

from __future__ import annotations

import unicodedata

OUTCOMES: tuple[str, ...] = (
    "Non joint",
    "À rappeler",
    "Pas de besoin",
    "Besoin recueilli",
    "Offre déposée",
    "Refus",
    "Entreprise fermée / injoignable",
    "Déjà accompagnée",
)

# Outcomes where someone at the firm was actually spoken to.
REACHED: frozenset[str] = frozenset(
    {"Pas de besoin", "Besoin recueilli", "Offre déposée", "Refus", "Déjà accompagnée"}
)

# Outcomes that carry a need (number of posts, ROME métier).
WITH_NEED: frozenset[str] = frozenset({"Besoin recueilli", "Offre déposée"})


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().replace("/", " / ").split())


_BY_FOLDED: dict[str, str] = {_fold(label): label for label in OUTCOMES}


def normalize_outcome(value: str) -> str | None:
    """The canonical label for what was typed (case, accents and spaces ignored), or None."""
    return _BY_FOLDED.get(_fold(value))
