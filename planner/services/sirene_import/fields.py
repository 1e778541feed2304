"""The stored columns of an establishment and of a legal unit, and the SIRENE
column each comes from.
"""

from __future__ import annotations

# Stored columns of ``establishment`` and the SIRENE column each comes from.
FIELD_SOURCES: dict[str, str] = {
    "siren": "siren",
    "nic": "nic",
    "enseigne": "enseigne1Etablissement",
    "denomination_usuelle": "denominationUsuelleEtablissement",
    "etat": "etatAdministratifEtablissement",
    "date_creation": "dateCreationEtablissement",
    "tranche_effectifs": "trancheEffectifsEtablissement",
    "annee_effectifs": "anneeEffectifsEtablissement",
    "caractere_employeur": "caractereEmployeurEtablissement",
    "siege": "etablissementSiege",
    "naf_code": "activitePrincipaleEtablissement",
    "naf_nomenclature": "nomenclatureActivitePrincipaleEtablissement",
    "naf25_code": "activitePrincipaleNAF25Etablissement",
    "registre_metiers": "activitePrincipaleRegistreMetiersEtablissement",
    "numero_voie": "numeroVoieEtablissement",
    "indice_repetition": "indiceRepetitionEtablissement",
    "type_voie": "typeVoieEtablissement",
    "libelle_voie": "libelleVoieEtablissement",
    "complement_adresse": "complementAdresseEtablissement",
    "code_postal": "codePostalEtablissement",
    "commune_code_source": "codeCommuneEtablissement",
    "libelle_commune": "libelleCommuneEtablissement",
    "date_dernier_traitement": "dateDernierTraitementEtablissement",
}


STORED = [
    "siret", "name", *FIELD_SOURCES, "commune_code", "lon", "lat", "geo_source", "in_target",
]  # fmt: skip


HASHED = [c for c in STORED if c != "in_target"]
# Not from SIRENE but from the bassin's boundaries (see commune_check): written with
# the row, outside its hash, so that adding it changed no stored hash.
CHECKED = "position_outside_commune"


# Line of each legal unit in StockUniteLegale, for messages.
UNIT_LINE = "_unit_line"


# Marks the rows joined to a legal unit (from the file or stored earlier).
LEGAL_UNIT = "_legal_unit"


LEGAL_UNIT_FIELDS: dict[str, str] = {
    "siren": "siren",
    "denomination": "denominationUniteLegale",
    "sigle": "sigleUniteLegale",
    "nom": "nomUniteLegale",
    "nom_usage": "nomUsageUniteLegale",
    "prenom": "prenomUsuelUniteLegale",
    "categorie_juridique": "categorieJuridiqueUniteLegale",
    "categorie_entreprise": "categorieEntreprise",
    "tranche_effectifs": "trancheEffectifsUniteLegale",
    "date_creation": "dateCreationUniteLegale",
    "etat": "etatAdministratifUniteLegale",
}
