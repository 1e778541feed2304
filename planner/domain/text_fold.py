"""What a user typed, folded for comparison: accents dropped, case folded, spaces collapsed."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """``"  Réalisée "`` → ``"realisee"``: typed values compare equal whatever their accents,
    case and spacing."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())
