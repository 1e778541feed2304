"""How a firm's values read in French: state and nomenclature labels, SIRET and
date formats, and the accent-free text that name search compares."""

from __future__ import annotations

import datetime as dt
import unicodedata

import polars as pl

from planner.domain.nomenclature import (
    NAF2025_SIRENE_NAMES,
)

STATE_LABELS: dict[str, str] = {"A": "Actif", "F": "Fermé"}

NOMENCLATURE_LABELS: dict[str, str] = {
    "NAFRev2": "NAF rév. 2",
    "NAFRev1": "NAF rév. 1",
    "NAF1993": "NAF 1993",
    "NAP": "NAP 1973",
    "NAPCD": "NAP 1973",
    **dict.fromkeys(NAF2025_SIRENE_NAMES, "NAF 2025"),
}

GEO_SOURCE_LABELS: dict[str, str] = {
    "geoloc": "Fichier de géolocalisation de l'INSEE",
    "etalab": "Stock géocodé d'Etalab",
    "sirene": "Coordonnées Lambert du stock SIRENE",
}

# Shown on the card of a firm placed more than 200 m outside its commune (see
# services.sirene_import.commune_check); empty otherwise.
POSITION_OUTSIDE_COMMUNE = "Position hors de la commune déclarée (géocodage à vérifier)"


def _fold_table() -> dict[str, str]:
    # Latin letters with diacritics (U+00C0 to U+024F) to their base letters,
    # plus ligatures and the typographic apostrophe. A fixed table rather than
    # Unicode normalisation: polars applies it several times faster.
    table: dict[str, str] = {}
    for point in range(0xC0, 0x250):
        char = chr(point)
        decomposed = unicodedata.normalize("NFKD", char)
        base = "".join(c for c in decomposed if not unicodedata.combining(c))
        if base and base != char:
            table[char] = base
    table.update({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "’": "'"})
    return table


_FOLD = _fold_table()
_FOLD_TRANSLATION = str.maketrans(_FOLD)


def normalize_text(text: str) -> str:
    """Lower case without accents, as ``name_key`` holds names: ``"Café"`` → ``"cafe"``."""
    return text.translate(_FOLD_TRANSLATION).lower()


def normalize_text_expr(expr: pl.Expr) -> pl.Expr:
    """The vectorised twin of :func:`normalize_text`."""
    return expr.str.replace_many(list(_FOLD), list(_FOLD.values())).str.to_lowercase()


def format_siret(siret: str | None) -> str:
    """``"12345678900012"`` → ``"123 456 789 00012"`` (a SIREN gets three groups)."""
    if not siret:
        return ""
    digits = "".join(siret.split())
    if len(digits) == 14:
        return f"{digits[:3]} {digits[3:6]} {digits[6:9]} {digits[9:]}"
    if len(digits) == 9:
        return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    return siret


def format_siret_expr(expr: pl.Expr) -> pl.Expr:
    """The vectorised twin of :func:`format_siret` for 14-digit SIRETs."""
    return pl.concat_str(
        [expr.str.slice(0, 3), expr.str.slice(3, 3), expr.str.slice(6, 3), expr.str.slice(9)],
        separator=" ",
    )


def format_date(value: dt.date | None) -> str:
    """A date as French users write it, ``jj/mm/aaaa``; empty for no date."""
    if value is None:
        return ""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def format_date_expr(expr: pl.Expr) -> pl.Expr:
    """The vectorised twin of :func:`format_date` (null stays null)."""
    return expr.dt.strftime("%d/%m/%Y")
