"""NAF rév. 2 sections: which division belongs to which section, and labels."""

from __future__ import annotations

SECTION_LABELS: dict[str, str] = {
    "A": "Agriculture, sylviculture et pêche",
    "B": "Industries extractives",
    "C": "Industrie manufacturière",
    "D": "Production et distribution d'électricité, de gaz, de vapeur et d'air conditionné",
    "E": "Production et distribution d'eau ; assainissement, gestion des déchets et dépollution",
    "F": "Construction",
    "G": "Commerce ; réparation d'automobiles et de motocycles",
    "H": "Transports et entreposage",
    "I": "Hébergement et restauration",
    "J": "Information et communication",
    "K": "Activités financières et d'assurance",
    "L": "Activités immobilières",
    "M": "Activités spécialisées, scientifiques et techniques",
    "N": "Activités de services administratifs et de soutien",
    "O": "Administration publique",
    "P": "Enseignement",
    "Q": "Santé humaine et action sociale",
    "R": "Arts, spectacles et activités récréatives",
    "S": "Autres activités de services",
    "T": "Activités des ménages en tant qu'employeurs",
    "U": "Activités extra-territoriales",
}

# First and last division (two-digit code) of each section, from INSEE's NAF rév. 2.
_SECTION_RANGES: tuple[tuple[str, int, int], ...] = (
    ("A", 1, 3), ("B", 5, 9), ("C", 10, 33), ("D", 35, 35), ("E", 36, 39),
    ("F", 41, 43), ("G", 45, 47), ("H", 49, 53), ("I", 55, 56), ("J", 58, 63),
    ("K", 64, 66), ("L", 68, 68), ("M", 69, 75), ("N", 77, 82), ("O", 84, 84),
    ("P", 85, 85), ("Q", 86, 88), ("R", 90, 93), ("S", 94, 96), ("T", 97, 98),
    ("U", 99, 99),
)  # fmt: skip

DIVISION_TO_SECTION: dict[str, str] = {
    f"{division:02d}": section
    for section, first, last in _SECTION_RANGES
    for division in range(first, last + 1)
}


def section_of(naf_code: str | None, nomenclature: str | None = "NAFRev2") -> str | None:
    """The NAF rév. 2 section letter of a code such as ``56.10A``.

    Codes of older nomenclatures (NAP, NAF 1993, NAF rév. 1) have no section
    here: they return None rather than a wrong guess.
    """
    if not naf_code or (nomenclature not in (None, "", "NAFRev2")):
        return None
    return DIVISION_TO_SECTION.get(naf_code[:2])
