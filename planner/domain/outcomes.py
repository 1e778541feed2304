"""The eight outcomes a partner can record for a call, and how typed values map to them."""

from __future__ import annotations

import datetime as dt
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


# Bounds of what a partner can plausibly type back (anything outside is rejected).
MAX_POSTS = 1000
EARLIEST_CALL = dt.date(2000, 1, 1)


def implausible_posts(posts: int | None) -> str | None:
    """Why a number of posts cannot be right, or None."""
    if posts is not None and posts > MAX_POSTS:
        return f"nombre de postes invraisemblable : {posts} (au plus {MAX_POSTS})"
    return None


def implausible_call_date(date: dt.date, today: dt.date) -> str | None:
    """Why a call date cannot be right (before 2000, or after ``today``), or None."""
    if date < EARLIEST_CALL:
        return f"date de l'appel invraisemblable ({date:%d/%m/%Y}, avant le 01/01/2000)"
    if date > today:
        return f"date de l'appel dans le futur ({date:%d/%m/%Y})"
    return None
