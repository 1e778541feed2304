"""What a SIRENE file is, told from its header; columns are read by name.

INSEE adds columns over time (``activitePrincipaleNAF25Etablissement`` since
December 2025), so a layout is recognised by the columns it must have, never
by position or count.
"""

from __future__ import annotations

from enum import Enum

from planner.domain.errors import InputError


class SireneKind(Enum):
    """The kinds of file the SIRENE import understands."""

    ESTABLISHMENTS = "StockEtablissement"
    ESTABLISHMENTS_GEO = "StockEtablissement géocodé (Etalab)"
    LEGAL_UNITS = "StockUniteLegale"
    GEOLOCATION = "GeolocalisationEtablissement"


ESTABLISHMENT_COLUMNS: tuple[str, ...] = (
    "siren",
    "nic",
    "siret",
    "statutDiffusionEtablissement",
    "dateCreationEtablissement",
    "trancheEffectifsEtablissement",
    "anneeEffectifsEtablissement",
    "activitePrincipaleRegistreMetiersEtablissement",
    "dateDernierTraitementEtablissement",
    "etablissementSiege",
    "complementAdresseEtablissement",
    "numeroVoieEtablissement",
    "indiceRepetitionEtablissement",
    "typeVoieEtablissement",
    "libelleVoieEtablissement",
    "codePostalEtablissement",
    "libelleCommuneEtablissement",
    "codeCommuneEtablissement",
    "coordonneeLambertAbscisseEtablissement",
    "coordonneeLambertOrdonneeEtablissement",
    "etatAdministratifEtablissement",
    "enseigne1Etablissement",
    "denominationUsuelleEtablissement",
    "activitePrincipaleEtablissement",
    "nomenclatureActivitePrincipaleEtablissement",
    "caractereEmployeurEtablissement",
)
"""Columns the import needs from StockEtablissement (all present since 2019)."""

OPTIONAL_ESTABLISHMENT_COLUMNS: tuple[str, ...] = (
    "activitePrincipaleNAF25Etablissement",
    "longitude",
    "latitude",
    "geo_score",
)

LEGAL_UNIT_COLUMNS: tuple[str, ...] = (
    "siren",
    "statutDiffusionUniteLegale",
    "dateCreationUniteLegale",
    "sigleUniteLegale",
    "prenomUsuelUniteLegale",
    "prenom1UniteLegale",
    "trancheEffectifsUniteLegale",
    "categorieEntreprise",
    "etatAdministratifUniteLegale",
    "nomUniteLegale",
    "nomUsageUniteLegale",
    "denominationUniteLegale",
    "categorieJuridiqueUniteLegale",
)

GEOLOCATION_COLUMNS: tuple[str, ...] = ("siret", "x", "y", "epsg")
OPTIONAL_GEOLOCATION_COLUMNS: tuple[str, ...] = ("x_longitude", "y_latitude", "qualite_xy")

PRE_2019_MARKERS = ("L1_NORMALISEE", "L2_NORMALISEE", "NOMEN_LONG")


def detect_kind(header: list[str], file: str) -> SireneKind:
    """Tell which SIRENE file this header belongs to.

    Raises:
        InputError: for the pre-2019 layout, or a file that is not SIRENE.
    """
    names = set(header)
    if any(marker in names for marker in PRE_2019_MARKERS) or header[:2] == ["SIREN", "NIC"]:
        raise InputError(
            "ancien format SIRENE (avant 2019, colonnes SIREN, NIC, L1_NORMALISEE…) : "
            "ce format n'est plus publié ni pris en charge. Téléchargez le fichier "
            "StockEtablissement actuel sur data.gouv.fr.",
            file=file,
            line=1,
        )
    if names.issuperset(ESTABLISHMENT_COLUMNS):
        if {"longitude", "latitude"} <= names:
            return SireneKind.ESTABLISHMENTS_GEO
        return SireneKind.ESTABLISHMENTS
    if names.issuperset(LEGAL_UNIT_COLUMNS):
        return SireneKind.LEGAL_UNITS
    if names.issuperset(GEOLOCATION_COLUMNS):
        return SireneKind.GEOLOCATION
    if "siret" in names or "siren" in names:
        expected = ESTABLISHMENT_COLUMNS if "siret" in names else LEGAL_UNIT_COLUMNS
        missing = [c for c in expected if c not in names]
        raise InputError(
            "fichier SIRENE incomplet : colonne(s) manquante(s) "
            + ", ".join(missing[:6])
            + (" …" if len(missing) > 6 else "")
            + ".",
            file=file,
            line=1,
            column=missing[0],
        )
    raise InputError(
        "ce fichier n'est pas un fichier SIRENE de l'INSEE (colonnes siret, siren… absentes "
        f"de l'en-tête ; première colonne : « {header[0][:40] if header else ''} »).",
        file=file,
        line=1,
    )


def require_kind(header: list[str], file: str, wanted: set[SireneKind]) -> SireneKind:
    """Detect the kind and check it is one the caller expects."""
    kind = detect_kind(header, file)
    if kind not in wanted:
        names = " ou ".join(sorted(k.value for k in wanted))
        raise InputError(
            f"ce fichier est un {kind.value}, alors qu'un {names} est attendu ici.",
            file=file,
            line=1,
        )
    return kind
