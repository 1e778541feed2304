"""The name a coordinator sees for a firm, from SIRENE's many name fields."""

from __future__ import annotations


def display_name(
    enseigne: str | None,
    denomination_usuelle: str | None,
    denomination: str | None,
    prenom: str | None,
    nom: str | None,
) -> str:
    """First of: sign (enseigne1), usual name, legal name, entrepreneur's name."""
    for value in (enseigne, denomination_usuelle, denomination):
        if value and value.strip():
            return value.strip()
    person = " ".join(part.strip() for part in (prenom, nom) if part and part.strip())
    return person
