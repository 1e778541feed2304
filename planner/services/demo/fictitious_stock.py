"""Generator of FICTITIOUS establishments in INSEE's SIRENE stock formats.

Everything written by this module is invented: firm names, people's names,
street names, street numbers, positions and SIREN/SIRET numbers are drawn at
random. These firms are fictitious; any resemblance to a real firm or person
is accidental. SIREN numbers are random numbers that pass INSEE's check digit,
so some of them will coincide with the number of a real firm: never look the
generated numbers up in a real register.

The files reproduce the layout of INSEE's ``StockEtablissement_utf8.csv``
(53 columns, or 54 with ``activitePrincipaleNAF25Etablissement`` as published
since December 2025) and ``StockUniteLegale_utf8.csv`` (33 columns): ``,``
separator, UTF-8, fields quoted only when needed, dates ``YYYY-MM-DD``,
Lambert-93 coordinates with one decimal, ``[ND]`` in the masked fields of
partially diffusible (``P``) units. Rows are sorted by SIREN, then NIC, as in
INSEE's stock.

Generation is vectorised (numpy, polars, shapely, pyproj) and streamed in
batches so that memory stays bounded for multi-million-row files.
"""

from __future__ import annotations

import io
import math
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Final, Literal

import numpy as np
import numpy.typing as npt
import polars as pl
import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

from planner.io.nomenclatures import load_correspondence

__all__ = [
    "ESTABLISHMENT_COLUMNS",
    "ESTABLISHMENT_FILE_NAME",
    "ESTABLISHMENT_ZIP_NAME",
    "LEGAL_UNIT_COLUMNS",
    "LEGAL_UNIT_FILE_NAME",
    "LEGAL_UNIT_ZIP_NAME",
    "NAF25_COLUMN",
    "ND_ESTABLISHMENT_COLUMNS",
    "ND_LEGAL_UNIT_COLUMNS",
    "NOT_DIFFUSED",
    "CommuneArea",
    "GeneratedStock",
    "generate_stock",
]

# --------------------------------------------------------------------------
# Layout facts
# --------------------------------------------------------------------------

ESTABLISHMENT_COLUMNS: Final[tuple[str, ...]] = (
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
    "nombrePeriodesEtablissement",
    "complementAdresseEtablissement",
    "numeroVoieEtablissement",
    "indiceRepetitionEtablissement",
    "dernierNumeroVoieEtablissement",
    "indiceRepetitionDernierNumeroVoieEtablissement",
    "typeVoieEtablissement",
    "libelleVoieEtablissement",
    "codePostalEtablissement",
    "libelleCommuneEtablissement",
    "libelleCommuneEtrangerEtablissement",
    "distributionSpecialeEtablissement",
    "codeCommuneEtablissement",
    "codeCedexEtablissement",
    "libelleCedexEtablissement",
    "codePaysEtrangerEtablissement",
    "libellePaysEtrangerEtablissement",
    "identifiantAdresseEtablissement",
    "coordonneeLambertAbscisseEtablissement",
    "coordonneeLambertOrdonneeEtablissement",
    "complementAdresse2Etablissement",
    "numeroVoie2Etablissement",
    "indiceRepetition2Etablissement",
    "typeVoie2Etablissement",
    "libelleVoie2Etablissement",
    "codePostal2Etablissement",
    "libelleCommune2Etablissement",
    "libelleCommuneEtranger2Etablissement",
    "distributionSpeciale2Etablissement",
    "codeCommune2Etablissement",
    "codeCedex2Etablissement",
    "libelleCedex2Etablissement",
    "codePaysEtranger2Etablissement",
    "libellePaysEtranger2Etablissement",
    "dateDebut",
    "etatAdministratifEtablissement",
    "enseigne1Etablissement",
    "enseigne2Etablissement",
    "enseigne3Etablissement",
    "denominationUsuelleEtablissement",
    "activitePrincipaleEtablissement",
    "nomenclatureActivitePrincipaleEtablissement",
    "caractereEmployeurEtablissement",
)

NAF25_COLUMN: Final = "activitePrincipaleNAF25Etablissement"

LEGAL_UNIT_COLUMNS: Final[tuple[str, ...]] = (
    "siren",
    "statutDiffusionUniteLegale",
    "unitePurgeeUniteLegale",
    "dateCreationUniteLegale",
    "sigleUniteLegale",
    "sexeUniteLegale",
    "prenom1UniteLegale",
    "prenom2UniteLegale",
    "prenom3UniteLegale",
    "prenom4UniteLegale",
    "prenomUsuelUniteLegale",
    "pseudonymeUniteLegale",
    "identifiantAssociationUniteLegale",
    "trancheEffectifsUniteLegale",
    "anneeEffectifsUniteLegale",
    "dateDernierTraitementUniteLegale",
    "nombrePeriodesUniteLegale",
    "categorieEntreprise",
    "anneeCategorieEntreprise",
    "dateDebut",
    "etatAdministratifUniteLegale",
    "nomUniteLegale",
    "nomUsageUniteLegale",
    "denominationUniteLegale",
    "denominationUsuelle1UniteLegale",
    "denominationUsuelle2UniteLegale",
    "denominationUsuelle3UniteLegale",
    "categorieJuridiqueUniteLegale",
    "activitePrincipaleUniteLegale",
    "nomenclatureActivitePrincipaleUniteLegale",
    "nicSiegeUniteLegale",
    "economieSocialeSolidaireUniteLegale",
    "caractereEmployeurUniteLegale",
)

ESTABLISHMENT_FILE_NAME: Final = "StockEtablissement_utf8.csv"
ESTABLISHMENT_ZIP_NAME: Final = "StockEtablissement_utf8.zip"
LEGAL_UNIT_FILE_NAME: Final = "StockUniteLegale_utf8.csv"
LEGAL_UNIT_ZIP_NAME: Final = "StockUniteLegale_utf8.zip"

#: What INSEE writes in a masked field of a partially diffusible unit.
NOT_DIFFUSED: Final = "[ND]"

#: Establishment fields masked with ``[ND]`` when statutDiffusionEtablissement = P.
#: The commune (code, name, postal code) stays published, as INSEE does.
ND_ESTABLISHMENT_COLUMNS: Final[tuple[str, ...]] = (
    "complementAdresseEtablissement",
    "numeroVoieEtablissement",
    "indiceRepetitionEtablissement",
    "dernierNumeroVoieEtablissement",
    "indiceRepetitionDernierNumeroVoieEtablissement",
    "typeVoieEtablissement",
    "libelleVoieEtablissement",
    "distributionSpecialeEtablissement",
    "identifiantAdresseEtablissement",
    "coordonneeLambertAbscisseEtablissement",
    "coordonneeLambertOrdonneeEtablissement",
    "enseigne1Etablissement",
    "enseigne2Etablissement",
    "enseigne3Etablissement",
    "denominationUsuelleEtablissement",
)

#: Legal-unit fields masked with ``[ND]`` when statutDiffusionUniteLegale = P
#: (only individual entrepreneurs can object to publication).
ND_LEGAL_UNIT_COLUMNS: Final[tuple[str, ...]] = (
    "sexeUniteLegale",
    "prenom1UniteLegale",
    "prenom2UniteLegale",
    "prenom3UniteLegale",
    "prenom4UniteLegale",
    "prenomUsuelUniteLegale",
    "pseudonymeUniteLegale",
    "nomUniteLegale",
    "nomUsageUniteLegale",
    "denominationUsuelle1UniteLegale",
    "denominationUsuelle2UniteLegale",
    "denominationUsuelle3UniteLegale",
)

_BATCH_ROWS: Final = 250_000
_MAX_ROWS: Final = 50_000_000
# SIRENs are drawn increasing from this 8-digit prefix: it stays clear of
# La Poste's SIREN 356000000, whose SIRETs follow a different check rule.
_FIRST_PREFIX: Final = 40_000_000
_LAST_PREFIX: Final = 99_999_999
_MAX_SITES: Final = 60

_EPOCH: Final = date(1970, 1, 1)
_CREATION_MIN: Final = (date(1975, 1, 1) - _EPOCH).days
#: Day after the last date the fictitious stock knows about.
_STOCK_DAY: Final = (date(2025, 12, 1) - _EPOCH).days
_TREATMENT_MIN: Final = (date(2017, 1, 1) - _EPOCH).days
_MASS_UPDATE: Final = int(
    (datetime(2024, 3, 22, 15, 40, 57) - datetime(1970, 1, 1)).total_seconds()
)
_HEADCOUNT_YEARS: Final = ("2023", "2022", "2021")
_HEADCOUNT_YEAR_P: Final = (0.86, 0.10, 0.04)
_CATEGORY_YEAR: Final = "2023"

# --------------------------------------------------------------------------
# Embedded reference tables (public facts, or invented words)
# --------------------------------------------------------------------------

# NAF rév.2 sous-classes common among TPE/PME of an urban bassin.
# (code, relative weight, trade word used to build names, flags)
# flags: C = craft sector (craft register code often filled),
#        A = mostly run by associations, S = companies only (no sole trader).
_NAF_TABLE: Final[tuple[tuple[str, float, str, str], ...]] = (
    ("10.13B", 0.5, "CHARCUTERIE", "C"),
    ("10.71C", 6.0, "BOULANGERIE", "C"),
    ("10.71D", 1.5, "PATISSERIE", "C"),
    ("14.13Z", 1.5, "CONFECTION", "C"),
    ("18.12Z", 0.8, "IMPRIMERIE", "C"),
    ("25.62B", 0.8, "MECANIQUE", "C"),
    ("33.12Z", 0.8, "MAINTENANCE", "C"),
    ("41.10A", 1.2, "PROMOTION", "S"),
    ("41.20A", 1.5, "CONSTRUCTION", ""),
    ("41.20B", 4.0, "BATIMENT", ""),
    ("42.11Z", 0.3, "TRAVAUX PUBLICS", "S"),
    ("43.11Z", 0.5, "DEMOLITION", "C"),
    ("43.12A", 0.8, "TERRASSEMENT", "C"),
    ("43.21A", 8.0, "ELECTRICITE", "C"),
    ("43.22A", 5.0, "PLOMBERIE", "C"),
    ("43.22B", 3.0, "CHAUFFAGE", "C"),
    ("43.29A", 1.5, "ISOLATION", "C"),
    ("43.31Z", 2.5, "PLATRERIE", "C"),
    ("43.32A", 3.0, "MENUISERIE", "C"),
    ("43.32B", 2.0, "SERRURERIE", "C"),
    ("43.33Z", 2.5, "CARRELAGE", "C"),
    ("43.34Z", 6.0, "PEINTURE", "C"),
    ("43.39Z", 6.0, "RENOVATION", "C"),
    ("43.91B", 1.5, "COUVERTURE", "C"),
    ("43.99C", 10.0, "MACONNERIE", "C"),
    ("43.99D", 1.5, "BTP", "C"),
    ("45.11Z", 2.5, "AUTOMOBILES", ""),
    ("45.20A", 5.0, "GARAGE", "C"),
    ("45.20B", 0.8, "GARAGE", "C"),
    ("45.32Z", 1.0, "PIECES AUTO", ""),
    ("45.40Z", 0.5, "MOTOS", ""),
    ("46.19B", 2.0, "NEGOCE", ""),
    ("46.31Z", 0.8, "PRIMEURS", ""),
    ("46.39B", 1.5, "DISTRIBUTION", ""),
    ("46.42Z", 3.0, "TEXTILE", ""),
    ("46.45Z", 0.5, "COSMETIQUES", ""),
    ("46.49Z", 1.5, "DIFFUSION", ""),
    ("46.69B", 0.8, "EQUIPEMENTS", ""),
    ("46.73A", 0.8, "MATERIAUX", ""),
    ("46.90Z", 2.0, "IMPORT EXPORT", ""),
    ("47.11B", 10.0, "ALIMENTATION", ""),
    ("47.11C", 3.0, "SUPERETTE", ""),
    ("47.11D", 1.5, "SUPERMARCHE", "S"),
    ("47.21Z", 3.0, "PRIMEUR", ""),
    ("47.22Z", 5.0, "BOUCHERIE", "C"),
    ("47.24Z", 1.5, "PATISSERIE", ""),
    ("47.25Z", 1.5, "CAVE", ""),
    ("47.26Z", 2.0, "TABAC", ""),
    ("47.29Z", 3.0, "EPICERIE", ""),
    ("47.30Z", 0.5, "STATION SERVICE", "S"),
    ("47.41Z", 1.0, "INFORMATIQUE", ""),
    ("47.42Z", 3.0, "TELEPHONIE", ""),
    ("47.51Z", 1.0, "TISSUS", ""),
    ("47.52A", 1.5, "QUINCAILLERIE", ""),
    ("47.54Z", 0.8, "ELECTROMENAGER", ""),
    ("47.59A", 2.0, "MEUBLES", ""),
    ("47.59B", 1.5, "BAZAR", ""),
    ("47.61Z", 0.5, "LIBRAIRIE", ""),
    ("47.62Z", 1.0, "PRESSE", ""),
    ("47.64Z", 0.5, "SPORTS", ""),
    ("47.71Z", 8.0, "MODE", ""),
    ("47.72A", 1.5, "CHAUSSURES", ""),
    ("47.73Z", 2.5, "PHARMACIE", ""),
    ("47.75Z", 2.0, "BEAUTE", ""),
    ("47.76Z", 1.5, "FLEURS", ""),
    ("47.77Z", 1.0, "BIJOUTERIE", ""),
    ("47.78A", 1.5, "OPTIQUE", ""),
    ("47.78C", 3.0, "BOUTIQUE", ""),
    ("47.79Z", 1.0, "BROCANTE", ""),
    ("47.81Z", 3.0, "MARCHE", ""),
    ("47.82Z", 3.0, "MARCHE", ""),
    ("47.89Z", 2.0, "MARCHE", ""),
    ("47.91B", 8.0, "E-COMMERCE", ""),
    ("47.99B", 1.5, "VENTE", ""),
    ("49.32Z", 9.0, "TAXI", ""),
    ("49.39B", 5.0, "VTC", ""),
    ("49.41A", 2.0, "TRANSPORTS", ""),
    ("49.41B", 6.0, "TRANSPORTS", ""),
    ("49.42Z", 1.0, "DEMENAGEMENT", ""),
    ("52.10B", 1.0, "LOGISTIQUE", "S"),
    ("52.29A", 1.0, "MESSAGERIE", ""),
    ("52.29B", 1.0, "FRET", ""),
    ("53.20Z", 8.0, "LIVRAISON", ""),
    ("55.10Z", 1.5, "HOTEL", ""),
    ("56.10A", 12.0, "RESTAURANT", ""),
    ("56.10B", 0.5, "CAFETERIA", ""),
    ("56.10C", 15.0, "SNACK", ""),
    ("56.21Z", 1.5, "TRAITEUR", ""),
    ("56.29B", 0.8, "RESTAURATION", ""),
    ("56.30Z", 4.0, "BAR", ""),
    ("58.29C", 0.5, "SOFTWARE", "S"),
    ("59.11B", 0.8, "PRODUCTION", ""),
    ("62.01Z", 5.0, "INFORMATIQUE", ""),
    ("62.02A", 4.0, "CONSEIL", ""),
    ("64.20Z", 4.0, "HOLDING", "S"),
    ("66.22Z", 1.0, "ASSURANCES", ""),
    ("68.10Z", 1.0, "IMMOBILIER", ""),
    ("68.20A", 3.0, "IMMOBILIER", ""),
    ("68.20B", 6.0, "PATRIMOINE", "S"),
    ("68.31Z", 2.5, "IMMOBILIER", ""),
    ("68.32A", 1.0, "GESTION", "S"),
    ("69.10Z", 2.0, "CABINET", ""),
    ("69.20Z", 1.5, "EXPERTISE COMPTABLE", ""),
    ("70.10Z", 1.0, "GROUPE", "S"),
    ("70.22Z", 8.0, "CONSEIL", ""),
    ("71.11Z", 1.0, "ARCHITECTURE", ""),
    ("71.12B", 3.0, "INGENIERIE", ""),
    ("73.11Z", 1.5, "COMMUNICATION", ""),
    ("74.10Z", 2.0, "DESIGN", ""),
    ("74.20Z", 1.5, "PHOTO", "C"),
    ("74.90B", 3.0, "EXPERTISE", ""),
    ("77.11A", 1.0, "LOCATION", ""),
    ("78.20Z", 1.0, "INTERIM", "S"),
    ("80.10Z", 2.0, "SECURITE", ""),
    ("81.10Z", 1.5, "MULTISERVICES", ""),
    ("81.21Z", 5.0, "NETTOYAGE", "C"),
    ("81.22Z", 1.0, "PROPRETE", "C"),
    ("81.30Z", 1.5, "PAYSAGE", "C"),
    ("82.99Z", 5.0, "SERVICES", ""),
    ("85.51Z", 2.0, "SPORT", ""),
    ("85.53Z", 1.5, "AUTO ECOLE", ""),
    ("85.59A", 3.0, "FORMATION", ""),
    ("85.59B", 3.0, "SOUTIEN SCOLAIRE", ""),
    ("86.21Z", 3.0, "CABINET MEDICAL", ""),
    ("86.22C", 2.0, "CABINET MEDICAL", ""),
    ("86.23Z", 2.0, "CABINET DENTAIRE", ""),
    ("86.90A", 0.8, "AMBULANCES", ""),
    ("86.90D", 4.0, "SOINS INFIRMIERS", ""),
    ("86.90E", 3.0, "KINESITHERAPIE", ""),
    ("87.10A", 0.3, "RESIDENCE", "S"),
    ("88.10A", 2.0, "AIDE A DOMICILE", ""),
    ("88.91A", 1.0, "CRECHE", ""),
    ("88.99B", 1.5, "SOLIDARITE", "A"),
    ("90.01Z", 2.0, "SPECTACLES", ""),
    ("93.12Z", 1.0, "CLUB", "A"),
    ("93.13Z", 0.8, "FITNESS", ""),
    ("94.99Z", 6.0, "ACTIVITES", "A"),
    ("95.12Z", 1.0, "REPARATION", "C"),
    ("95.23Z", 0.5, "CORDONNERIE", "C"),
    ("95.29Z", 0.5, "RETOUCHES", "C"),
    ("96.01B", 0.8, "PRESSING", "C"),
    ("96.02A", 6.0, "COIFFURE", "C"),
    ("96.02B", 4.0, "INSTITUT", "C"),
    ("96.04Z", 0.5, "BIEN ETRE", ""),
    ("96.09Z", 3.0, "SERVICES", ""),
)

_BANDS: Final = (
    "", "NN", "00", "01", "02", "03", "11", "12", "21", "22", "31", "32", "41", "42",
    "51", "52", "53",
)  # fmt: skip
_BAND_00: Final = 2
_BAND_01: Final = 3
_BAND_32: Final = _BANDS.index("32")
_BAND_52: Final = _BANDS.index("52")
_BAND_P_COMPANY: Final = (
    0.13, 0.17, 0.17, 0.14, 0.10, 0.08, 0.08, 0.055, 0.03, 0.015, 0.006, 0.003, 0.0012,
    0.0005, 0.0002, 0.00005, 0.00002,
)  # fmt: skip
_BAND_P_SOLE: Final = (
    0.25, 0.52, 0.09, 0.07, 0.035, 0.02, 0.012, 0.003, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
    0.0, 0.0,
)  # fmt: skip
_BAND_P_CLOSED: Final = (
    0.45, 0.35, 0.12, 0.05, 0.02, 0.01, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
)  # fmt: skip

_KIND_SOLE: Final = 0
_KIND_COMPANY: Final = 1
_KIND_ASSOCIATION: Final = 2
_SOLE_SHARE: Final = 0.25

# categorieJuridiqueUniteLegale of companies: (code, short form used in names, weight)
_COMPANY_FORMS: Final[tuple[tuple[str, str, float], ...]] = (
    ("5710", "SAS", 0.36),
    ("5720", "SASU", 0.22),
    ("5499", "SARL", 0.25),
    ("5498", "EURL", 0.12),
    ("5599", "SA", 0.02),
    ("5202", "SNC", 0.01),
    ("5485", "SELARL", 0.02),
)
_FORM_SCI: Final = ("6540", "SCI")
_FORM_ASSOCIATION: Final = ("9220", "ASSOCIATION")
_FORM_SOLE: Final = "1000"

_STREET_TYPES: Final[tuple[tuple[str, float], ...]] = (
    ("RUE", 0.55), ("AV", 0.16), ("BD", 0.05), ("ALL", 0.05), ("IMP", 0.04), ("PL", 0.03),
    ("CHE", 0.03), ("PAS", 0.02), ("RTE", 0.02), ("QUAI", 0.01), ("SQ", 0.01),
    ("CITE", 0.01), ("VLA", 0.01), ("SEN", 0.01),
)  # fmt: skip

_SURNAMES: Final = (
    "MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "RICHARD", "PETIT", "DURAND",
    "LEROY", "MOREAU", "SIMON", "LAURENT", "LEFEBVRE", "MICHEL", "GARCIA", "DAVID",
    "BERTRAND", "ROUX", "VINCENT", "FOURNIER", "MOREL", "GIRARD", "ANDRE", "MERCIER",
    "DUPONT", "LAMBERT", "BONNET", "FRANCOIS", "MARTINEZ", "LEGRAND", "GARNIER", "FAURE",
    "ROUSSEAU", "BLANC", "GUERIN", "MULLER", "HENRY", "ROUSSEL", "NICOLAS", "PERRIN",
    "MORIN", "MATHIEU", "CLEMENT", "GAUTHIER", "DUMONT", "LOPEZ", "FONTAINE", "CHEVALIER",
    "ROBIN", "MASSON", "SANCHEZ", "GERARD", "NGUYEN", "BOYER", "DENIS", "LEMAIRE", "DUVAL",
    "JOLY", "ROGER", "ROCHE", "ROY", "NOEL", "MEYER", "LUCAS", "MEUNIER", "PEREZ",
    "MARCHAND", "DUFOUR", "BLANCHARD", "BARBIER", "BRUN", "DUMAS", "BRUNET", "SCHMITT",
    "LEROUX", "COLIN", "FERNANDEZ", "RENARD", "ARNAUD", "ROLLAND", "CARON", "AUBERT",
    "GIRAUD", "LECLERC", "VIDAL", "BOURGEOIS", "RENAUD", "LEMOINE", "PICARD", "GAILLARD",
    "LACROIX", "FABRE", "DUPUIS", "OLIVIER", "RODRIGUEZ", "DA SILVA", "HUBERT", "RIVIERE",
    "LE GALL", "GUILLAUME", "MOULIN", "GONZALEZ", "BERGER", "LECOMTE", "MENARD", "FLEURY",
    "DESCHAMPS", "CARPENTIER", "BENOIT", "MAILLARD", "AUBRY", "VASSEUR", "LE ROUX",
    "JACQUET", "COLLET", "PREVOST", "POIRIER", "ROYER", "HUET", "BAILLY", "PEREIRA",
    "FERREIRA", "RODRIGUES", "DOS SANTOS", "OLIVEIRA", "COSTA", "MARTINS", "DIALLO",
    "TRAORE", "KONE", "CISSE", "DIOP", "SYLLA", "CAMARA", "KEITA", "TOURE", "COULIBALY",
    "DIARRA", "SOW", "NDIAYE", "FOFANA", "DIABY", "KANTE", "BENALI", "HADDAD", "BENSAID",
    "MANSOURI", "BOUZID", "CHERIF", "BRAHIMI", "AMRANI", "BELKACEM", "SAIDI", "HAMIDI",
    "MEZIANE", "BOUAZIZ", "KADDOUR", "YILMAZ", "KAYA", "DEMIR", "SAHIN", "CELIK", "TRAN",
    "PHAM", "HOANG", "WANG", "ZHANG", "CHEN", "HUANG", "KUMAR", "SINGH", "RAHMAN", "AHMED",
    "KHAN", "SILVA", "SANTOS", "MENDES", "LOPES", "GOMES", "CARVALHO", "RIBEIRO", "ALVES",
    "BALDE", "DIAKITE", "KAMARA", "MBAYE", "GUEYE", "SARR", "FALL", "NIANG",
)  # fmt: skip

_MALE_NAMES: Final = (
    "JEAN", "PIERRE", "MICHEL", "PHILIPPE", "ALAIN", "NICOLAS", "DAVID", "ERIC", "LAURENT",
    "FREDERIC", "STEPHANE", "SEBASTIEN", "JULIEN", "THOMAS", "ALEXANDRE", "MAXIME", "KEVIN",
    "ANTHONY", "LUCAS", "HUGO", "MEHDI", "KARIM", "SAMIR", "YACINE", "MOHAMED", "AHMED",
    "YOUSSEF", "BILAL", "IBRAHIMA", "MAMADOU", "MOUSSA", "SEKOU", "OUSMANE", "AMADOU",
    "ADAMA", "BOUBACAR", "JOAO", "CARLOS", "PAULO", "MIGUEL", "JOSE", "ANTONIO", "MEHMET",
    "MUSTAFA", "EMRE", "MINH", "WEI", "RAJ", "RAPHAEL", "GABRIEL", "ADAM", "NATHAN", "ENZO",
    "RAYAN", "ISMAEL", "SOFIANE", "WALID", "NABIL", "JORDAN", "DYLAN", "BRUNO", "OLIVIER",
    "PATRICK", "DIDIER", "THIERRY", "FRANCK", "YANNICK", "CEDRIC", "FRANCOIS", "LOUIS",
)  # fmt: skip

_FEMALE_NAMES: Final = (
    "MARIE", "NATHALIE", "ISABELLE", "SYLVIE", "CATHERINE", "SANDRINE", "VALERIE", "CELINE",
    "AURELIE", "JULIE", "CAMILLE", "LAURA", "SARAH", "EMMA", "LEA", "MANON", "CHLOE", "INES",
    "YASMINE", "SAMIRA", "FATIMA", "AICHA", "NADIA", "LEILA", "SOFIA", "MARIAM", "AMINATA",
    "FATOUMATA", "AWA", "KADIDIATOU", "MARIAMA", "ANA", "MARIA", "ELIF", "ZEYNEP", "LINH",
    "MEI", "PRIYA", "SABRINA", "SONIA", "KARINE", "STEPHANIE", "VIRGINIE", "ELODIE",
    "AMANDINE", "MELANIE", "CHRISTINE", "BRIGITTE", "MONIQUE", "SOPHIE", "CLAIRE", "AGNES",
    "HELENE", "NOUR", "LINA", "ZOE", "JADE", "ROSE", "ALICE", "ANAIS", "MYRIAM", "ASMA",
    "DJENEBA", "BINTOU", "OUMOU", "LOUISE", "JEANNE", "ANNE",
)  # fmt: skip

# Invented words for firm names and signs.
_FANTASY: Final = (
    "NOVA", "ALTEA", "KERYS", "OPALE", "AZUR", "ZENITH", "HORIZON", "ORIGAMI", "ARGOS",
    "ATLAS", "BOREAL", "CALYPSO", "CEDRA", "DELTA", "ECLAT", "ELYSE", "EMERAUDE", "EOLE",
    "EPSILON", "FLORA", "GALAXIE", "HELIOS", "IRIS", "JADIS", "KAIROS", "LUMEN", "MISTRAL",
    "NEXUS", "NOMADE", "OASIS", "OMEGA", "ONYX", "ORION", "PANGEE", "PEGASE", "PERLE",
    "PHENIX", "PRISME", "QUARTZ", "RIVAGE", "SAPHIR", "SEQUOIA", "SILEX", "SIRIUS",
    "SOLSTICE", "SORBIER", "TANGO", "TERRA", "TOPAZE", "TRIADE", "ULYSSE", "VEGA", "VERTIGE",
    "VOLTA", "ZEPHYR", "ALIZE", "AMBRE", "ARCADE", "AUBEPINE", "BAMBOU", "BASALTE",
    "BELVEDERE", "CANOPEE", "CARAVELLE", "CITADELLE", "COLIBRI", "CORAIL", "CRISTAL", "DUNE",
    "ESCALE", "ETOILE", "FARANDOLE", "GRENADE", "INDIGO", "LAGUNE", "LIBELLULE", "LOTUS",
    "MANDARINE", "MOSAIQUE", "NACRE", "OLIVINE", "PAPYRUS", "PASTEL", "PIVOINE", "RUBIS",
    "SAFRAN", "SEMAPHORE", "TOURMALINE", "VANILLE", "VELOURS", "AKILA", "NAELYS", "OKAPI",
    "SELENE", "TIKAL", "VALYS", "YLANG", "ZALYA", "KORALIS", "MYRTEA", "OSKELIA", "TAVERNY",
)  # fmt: skip

_PLACES: Final = (
    "DES TILLEULS", "DU CANAL", "DE LA GARE", "DU MARCHE", "DES LILAS", "DU MOULIN",
    "DES ACACIAS", "DU PARC", "DE LA FONTAINE", "DES ROSIERS", "DU CENTRE", "DE LA MAIRIE",
    "DU PONT", "DE L'EGLISE", "DES PLATANES", "DES PEUPLIERS", "DU VIEUX PAYS", "DES CHARMES",
    "DU CHATEAU", "DE LA PLAINE", "DU PLATEAU", "DES COTEAUX", "DU LAVOIR", "DES VIGNES",
    "DES JARDINS", "DE LA BUTTE", "DU VAL", "DES ORMES", "DES SAULES", "DU BOIS",
    "DE LA CROIX", "DES SOURCES", "DE LA REPUBLIQUE", "DE LA PAIX", "DE LA LIBERTE",
    "DU PORT", "DES ECOLES", "DU PRE", "DES MARRONNIERS", "DES CERISIERS", "DES BLEUETS",
    "DES COQUELICOTS", "DU STADE", "DES HALLES", "DES ARTS", "DU FAUBOURG", "DU CARREFOUR",
    "DES TROIS PONTS", "DU PASSAGE", "DE LA FORGE", "DES CHENES", "DU BOCAGE", "DU VERGER",
    "DES GLYCINES", "DE LA SOURCE", "DU BELVEDERE", "DES NOYERS", "DES MESANGES",
)  # fmt: skip

_STREET_TITLES: Final = (
    "DU GENERAL", "DU DOCTEUR", "DU PRESIDENT", "DU COLONEL", "DU COMMANDANT",
    "DU PROFESSEUR", "DU CAPITAINE", "DE L ABBE", "DU LIEUTENANT",
)  # fmt: skip
_STREET_DATES: Final = (
    "DU 8 MAI 1945", "DU 11 NOVEMBRE 1918", "DU 19 MARS 1962", "DU 14 JUILLET",
    "DU 4 SEPTEMBRE", "DU 18 JUIN 1940", "DU 25 AOUT 1944",
)  # fmt: skip
_STREET_REGIONS: Final = (
    "DE PARIS", "DE FLANDRE", "DE LYON", "DE NORMANDIE", "DE BRETAGNE", "D ALSACE",
    "DE LORRAINE", "DE PROVENCE", "DE VERDUN", "DE LA CONVENTION", "DE BOURGOGNE",
    "DU BERRY", "DE SAVOIE", "DES ARDENNES", "D AUVERGNE", "DE PICARDIE",
)  # fmt: skip

_COMPLEMENTS: Final = (
    "BATIMENT A", "BATIMENT B", "BAT C", "ESCALIER 2", "LOCAL 3", "REZ DE CHAUSSEE",
    "ZAC DES TILLEULS", "ZI DU MOULIN", "ZA DES SAULES", "PARC D ACTIVITES DU CANAL",
    "CENTRE COMMERCIAL LES ARCADES", "CENTRE COMMERCIAL DU MARCHE", "IMMEUBLE LE PRISME",
    "RESIDENCE LES ACACIAS", "LES JARDINS DU VAL", "ENTREE B", "2EME ETAGE",
    "BATIMENT C, 2EME ETAGE", "LOCAL 5, COUR INTERIEURE", "PORTE 12",
)  # fmt: skip

_NAME_PREFIXES: Final = (
    "ATELIER", "GROUPE", "MAISON", "STUDIO", "COMPAGNIE", "ESPACE", "LES ATELIERS",
)  # fmt: skip
_NAME_SUFFIXES: Final = (
    "SERVICES", "CONSEIL", "FRANCE", "PLUS", "TECH", "GROUP", "DEVELOPPEMENT", "IDF",
    "SOLUTIONS", "PARTNERS",
)  # fmt: skip
_ASSOCIATION_HEADS: Final = (
    "ASSOCIATION", "AMICALE", "COLLECTIF", "CLUB", "UNION", "LES AMIS",
)  # fmt: skip
_LETTERS: Final = "ABCDEFGHIJKLMNOPRSTV"

# --------------------------------------------------------------------------
# Public types
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class CommuneArea:
    """A commune that receives fictitious establishments."""

    code: str
    """INSEE commune code, e.g. ``"93066"``."""
    name: str
    """Commune name, e.g. ``"Saint-Denis"``; written upper case without accents."""
    postal_code: str
    """Postal code written in codePostalEtablissement, e.g. ``"93200"``."""
    geometry: BaseGeometry
    """Polygon or MultiPolygon in WGS84 lon/lat."""
    weight: float
    """Relative share of establishments."""


@dataclass(frozen=True)
class GeneratedStock:
    """What :func:`generate_stock` wrote, with counts useful to tests and benchmarks."""

    establishments: Path
    """The establishment CSV, or the zip containing it."""
    legal_units: Path | None
    """The legal-unit CSV (or zip), None when not requested."""
    rows: int
    """Establishment rows written (header excluded)."""
    legal_unit_rows: int
    """Distinct SIRENs, i.e. legal-unit rows (written or not)."""
    closed: int
    """Establishments with etatAdministratifEtablissement = F."""
    non_diffusible: int
    """Establishments with statutDiffusionEtablissement = P."""
    not_geocoded: int
    """Diffusible establishments written without Lambert coordinates."""
    outside: int
    """Establishments placed in ``outside_communes``."""
    multi_site_sirens: int
    """SIRENs with more than one establishment."""
    per_commune: Mapping[str, int] = field(default_factory=dict)
    """Establishment count per commune code (inside and outside)."""


# --------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------

_IntArray = npt.NDArray[np.int64]
_FloatArray = npt.NDArray[np.float64]
_BoolArray = npt.NDArray[np.bool_]


def _insee_upper(text: str) -> str:
    """Upper case without diacritics, as INSEE writes names and labels."""
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).upper()


def _probabilities(weights: Sequence[float]) -> _FloatArray:
    array = np.asarray(weights, dtype=np.float64)
    result: _FloatArray = array / array.sum()
    return result


def _luhn_check_digit(payload: _IntArray, n_digits: int) -> _IntArray:
    """Digit to append to ``payload`` (``n_digits`` long) so the whole passes Luhn.

    Vectorised ``stdnum.luhn.calc_check_digit`` (the demo tests compare them).
    """
    rest = payload.copy()
    total = np.zeros_like(payload)
    for position in range(n_digits):
        digit = rest % 10
        rest //= 10
        if position % 2 == 0:  # rightmost payload digit is doubled
            digit = digit * 2
            digit -= 9 * (digit > 9)
        total += digit
    result: _IntArray = (10 - total % 10) % 10
    return result


def _choice(rng: np.random.Generator, probabilities: _FloatArray, size: int) -> _IntArray:
    """Weighted draw of indices (inverse CDF, cheaper than Generator.choice)."""
    cdf = np.cumsum(probabilities)
    cdf /= cdf[-1]
    drawn = np.searchsorted(cdf, rng.random(size), side="right")
    return np.minimum(drawn, len(probabilities) - 1).astype(np.int64)


def _series(values: Sequence[str | None]) -> pl.Series:
    return pl.Series(values=list(values), dtype=pl.Utf8)


def _build_street_pool() -> tuple[pl.Series, pl.Series]:
    """A fixed pool of (street type, street label), independent of the user seed."""
    rng = np.random.default_rng(20_240_322)
    types = [name for name, _ in _STREET_TYPES]
    type_p = _probabilities([weight for _, weight in _STREET_TYPES])
    old_first_names = _MALE_NAMES[:20] + _FEMALE_NAMES[-20:]
    out_types: list[str] = []
    out_labels: list[str] = []
    for _ in range(2_400):
        pattern = rng.random()
        if pattern < 0.40:
            label = _PLACES[rng.integers(len(_PLACES))]
        elif pattern < 0.70:
            first = old_first_names[rng.integers(len(old_first_names))]
            label = f"{first} {_SURNAMES[rng.integers(110)]}"
        elif pattern < 0.82:
            title = _STREET_TITLES[rng.integers(len(_STREET_TITLES))]
            label = f"{title} {_SURNAMES[rng.integers(110)]}"
        elif pattern < 0.90:
            label = _STREET_DATES[rng.integers(len(_STREET_DATES))]
        else:
            label = _STREET_REGIONS[rng.integers(len(_STREET_REGIONS))]
        # INSEE mostly writes elisions with a space ("D INGLEMUR"), sometimes not.
        if rng.random() < 0.8:
            label = label.replace("'", " ")
        out_types.append(types[int(_choice(rng, type_p, 1)[0])])
        out_labels.append(label)
    return _series(out_types), _series(out_labels)


_NAF_CODES: Final = tuple(row[0] for row in _NAF_TABLE)
_NAF_P: Final = _probabilities([row[1] for row in _NAF_TABLE])
_NAF_CRAFT: Final = np.array(["C" in row[3] for row in _NAF_TABLE])
_NAF_ASSOCIATION: Final = np.array(["A" in row[3] for row in _NAF_TABLE])
_NAF_COMPANY_ONLY: Final = np.array(["S" in row[3] for row in _NAF_TABLE])
_NAF_SCI: Final = _NAF_CODES.index("68.20B")
_NAF_HAIRDRESSING: Final = _NAF_CODES.index("96.02A")

_S_NAF: Final = _series(_NAF_CODES)
# NAF 2025 code of each rév. 2 code: its first target in INSEE's correspondence
# table (resources/nomenclatures), as a stock coded after the switch might read.
_FIRST_NAF25: Final = {s: t[0] for s, t in load_correspondence().forward.items()}
_S_NAF25: Final = _series([_FIRST_NAF25.get(code, code) for code in _NAF_CODES])
# Craft register (NAFA) code: the NAF code without its dot plus one letter.
_S_CRAFT: Final = _series([code.replace(".", "") + "Z" for code in _NAF_CODES])
_S_BANDS: Final = _series([band or None for band in _BANDS])
_S_HEADCOUNT_YEARS: Final = _series(_HEADCOUNT_YEARS)
_S_STREET_TYPE, _S_STREET_LABEL = _build_street_pool()
_S_COMPLEMENTS: Final = _series(_COMPLEMENTS)
_S_LETTERS: Final = _series(list(_LETTERS))
_S_FORM_CODES: Final = _series(
    [code for code, _, _ in _COMPANY_FORMS] + [_FORM_SCI[0], _FORM_ASSOCIATION[0], _FORM_SOLE]
)
_FORM_P: Final = _probabilities([weight for _, _, weight in _COMPANY_FORMS])
_FORM_INDEX_SCI: Final = len(_COMPANY_FORMS)
_FORM_INDEX_ASSOCIATION: Final = len(_COMPANY_FORMS) + 1
_FORM_INDEX_SOLE: Final = len(_COMPANY_FORMS) + 2
_STREETS_PER_COMMUNE: Final = 320

# One pool of words for names: a name is a few slots, each an index into it.
_WORD_GROUPS: Final[dict[str, tuple[str, ...]]] = {
    "trade": tuple(row[2] for row in _NAF_TABLE),
    "surname": _SURNAMES,
    "place": _PLACES,
    "fantasy": _FANTASY,
    "prefix": _NAME_PREFIXES,
    "suffix": _NAME_SUFFIXES,
    "form": tuple(name for _, name, _ in _COMPANY_FORMS),
    "head": _ASSOCIATION_HEADS,
    "first": _MALE_NAMES + _FEMALE_NAMES,
    "ET FILS": ("ET FILS",),
    "SCI": ("SCI",),
    "CHEZ": ("CHEZ",),
    "LE": ("LE",),
}
_WORD_OFFSET: Final[dict[str, int]] = {}
_all_words: list[str | None] = []
for _group, _words in _WORD_GROUPS.items():
    _WORD_OFFSET[_group] = len(_all_words)
    _all_words.extend(_words)
_NO_WORD: Final = len(_all_words)
_S_WORDS: Final = _series([*_all_words, None])
del _all_words


def _phrase(*slots: _IntArray) -> pl.Series:
    """Words joined by spaces; slots equal to ``_NO_WORD`` are skipped.

    The result is null where the first slot is ``_NO_WORD``.
    """
    parts = pl.DataFrame([_S_WORDS.gather(slot).alias(f"w{i}") for i, slot in enumerate(slots)])
    joined = parts.select(
        pl.when(pl.col("w0").is_null())
        .then(pl.lit(None, dtype=pl.Utf8))
        .otherwise(pl.concat_str(parts.columns, separator=" ", ignore_nulls=True))
    )
    return joined.to_series()


# --------------------------------------------------------------------------
# Positions
# --------------------------------------------------------------------------


class _PointSampler:
    """Uniform random points strictly inside commune polygons, vectorised."""

    def __init__(self, areas: Sequence[CommuneArea]) -> None:
        self._areas = areas
        self._prepared: dict[int, tuple[BaseGeometry, tuple[float, float, float, float], float]]
        self._prepared = {}

    def _prepare(self, index: int) -> tuple[BaseGeometry, tuple[float, float, float, float], float]:
        cached = self._prepared.get(index)
        if cached is not None:
            return cached
        geometry = self._areas[index].geometry
        # Keep about a metre away from the border, so that rounding the
        # Lambert-93 coordinates to 0.1 m cannot push a point outside.
        inner = geometry.buffer(-1e-5)
        if inner.is_empty or inner.area < geometry.area * 0.5:
            inner = geometry
        shapely.prepare(inner)
        min_x, min_y, max_x, max_y = (float(v) for v in inner.bounds)
        box_area = (max_x - min_x) * (max_y - min_y)
        ratio = max(float(inner.area) / box_area, 1e-3) if box_area > 0 else 1.0
        entry = (inner, (min_x, min_y, max_x, max_y), ratio)
        self._prepared[index] = entry
        return entry

    def sample(
        self, rng: np.random.Generator, area_index: _IntArray
    ) -> tuple[_FloatArray, _FloatArray]:
        n = len(area_index)
        lon = np.empty(n, dtype=np.float64)
        lat = np.empty(n, dtype=np.float64)
        order = np.argsort(area_index, kind="stable")
        counts = np.bincount(area_index, minlength=len(self._areas))
        start = 0
        for index, count in enumerate(counts.tolist()):
            if count == 0:
                continue
            rows = order[start : start + count]
            start += count
            geometry, (min_x, min_y, max_x, max_y), ratio = self._prepare(index)
            got_x: list[_FloatArray] = []
            got_y: list[_FloatArray] = []
            missing = count
            while missing > 0:
                draw = int(missing / ratio * 1.2) + 16
                xs = rng.uniform(min_x, max_x, draw)
                ys = rng.uniform(min_y, max_y, draw)
                inside = shapely.contains_xy(geometry, xs, ys)
                xs, ys = xs[inside][:missing], ys[inside][:missing]
                got_x.append(xs)
                got_y.append(ys)
                missing -= len(xs)
            lon[rows] = np.concatenate(got_x)
            lat[rows] = np.concatenate(got_y)
        return lon, lat


# --------------------------------------------------------------------------
# Batch generation
# --------------------------------------------------------------------------


@dataclass
class _Context:
    seed: int
    closed_share: float
    non_diffusible_share: float
    outside_share: float
    sole_probability: float
    areas: Sequence[CommuneArea]
    inside_p: _FloatArray
    outside_p: _FloatArray | None
    n_inside: int
    sampler: _PointSampler
    transformer: Transformer
    commune_names: pl.Series
    commune_codes: pl.Series
    postal_codes: pl.Series
    layout: int
    legal_units: bool
    gap_max: int
    last_prefix: int


@dataclass
class _BatchResult:
    establishments: pl.DataFrame
    legal_units: pl.DataFrame | None
    n_firms: int
    closed: int
    non_diffusible: int
    not_geocoded: int
    outside: int
    multi_site: int
    per_area: _IntArray


def _draw_firms(
    rng: np.random.Generator, ctx: _Context, n_rows: int
) -> tuple[_IntArray, _IntArray, _IntArray]:
    """Kind, NAF index and site count of just enough firms to fill ``n_rows``."""
    naf = _choice(rng, _NAF_P, n_rows)
    u = rng.random(n_rows)
    kind = np.where(
        _NAF_ASSOCIATION[naf],
        np.where(u < 0.85, _KIND_ASSOCIATION, _KIND_COMPANY),
        np.where(~_NAF_COMPANY_ONLY[naf] & (u < ctx.sole_probability), _KIND_SOLE, _KIND_COMPANY),
    ).astype(np.int64)
    u = rng.random(n_rows)
    several = 2 + np.minimum(rng.geometric(0.45, n_rows) - 1, 10)
    chain = rng.integers(10, _MAX_SITES + 1, n_rows)
    company_sites = np.where(u < 0.92, 1, np.where(u < 0.996, several, chain))
    sites = np.where(kind == _KIND_SOLE, np.where(u < 0.97, 1, 2), company_sites).astype(np.int64)
    cumulated = np.cumsum(sites)
    last = int(np.searchsorted(cumulated, n_rows))
    sites = sites[: last + 1].copy()
    sites[last] -= int(cumulated[last]) - n_rows
    return kind[: last + 1], naf[: last + 1], sites


def _iso_date(column: str) -> pl.Expr:
    """Days since 1970-01-01 as ``YYYY-MM-DD``."""
    return pl.col(column).cast(pl.Int32).cast(pl.Date).cast(pl.Utf8)


def _iso_datetime(column: str) -> pl.Expr:
    """Seconds since 1970-01-01 as ``YYYY-MM-DDTHH:MM:SS``, as INSEE writes them."""
    return pl.from_epoch(column, time_unit="s").dt.strftime("%Y-%m-%dT%H:%M:%S")


def _format_lambert(column: str) -> pl.Expr:
    tenths = pl.col(column)
    return pl.concat_str([(tenths // 10).cast(pl.Utf8), pl.lit("."), (tenths % 10).cast(pl.Utf8)])


def _generate_batch(ctx: _Context, batch_no: int, n_rows: int) -> _BatchResult:
    rng = np.random.default_rng(np.random.SeedSequence([ctx.seed, batch_no, 0]))

    # ---- firms (legal units) -------------------------------------------
    kind, firm_naf, sites = _draw_firms(rng, ctx, n_rows)
    n_firms = len(sites)
    gaps = rng.integers(1, ctx.gap_max + 1, n_firms)
    prefixes = ctx.last_prefix + np.cumsum(gaps)
    if n_firms and int(prefixes[-1]) > _LAST_PREFIX:
        raise RuntimeError("ran out of SIREN numbers; lower the row count")
    ctx.last_prefix = int(prefixes[-1]) if n_firms else ctx.last_prefix
    sirens = prefixes * 10 + _luhn_check_digit(prefixes, 8)

    is_sole = kind == _KIND_SOLE
    sole_rows = int(sites[is_sole].sum())
    p_hidden = min(1.0, ctx.non_diffusible_share * n_rows / sole_rows) if sole_rows else 0.0
    firm_hidden = is_sole & (rng.random(n_firms) < p_hidden)

    # ---- establishments ------------------------------------------------
    firm_of_row = np.repeat(np.arange(n_firms, dtype=np.int64), sites)
    starts = np.cumsum(sites) - sites
    local = np.arange(n_rows, dtype=np.int64) - starts[firm_of_row]
    nic_order = local + 1
    siret_payload = sirens[firm_of_row] * 10_000 + nic_order
    nic = nic_order * 10 + _luhn_check_digit(siret_payload, 13)
    hidden = firm_hidden[firm_of_row]
    row_kind = kind[firm_of_row]

    naf = firm_naf[firm_of_row].copy()
    other_activity = (local > 0) & (rng.random(n_rows) < 0.05)
    naf[other_activity] = _choice(rng, _NAF_P, int(other_activity.sum()))

    closed = rng.random(n_rows) < ctx.closed_share

    # Creation dates: a mixture of recent creations and older firms, sorted
    # within each SIREN so that NIC order follows creation order.
    recent = rng.random(n_rows) < 0.45
    age_years = np.where(
        recent,
        rng.exponential(4.5, n_rows),
        50.9 * (1.0 - rng.random(n_rows) ** (1.0 / 1.6)),
    )
    creation = np.clip(
        _STOCK_DAY - 1 - (age_years * 365.25).astype(np.int64), _CREATION_MIN, _STOCK_DAY - 1
    )
    creation = creation[np.lexsort((creation, firm_of_row))]

    after = creation + (rng.random(n_rows) * (_STOCK_DAY - creation)).astype(np.int64)
    after = np.minimum(after, _STOCK_DAY - 1)
    changed = closed | (rng.random(n_rows) < 0.35)
    period_start = np.where(changed, after, creation)
    periods = np.where(changed, 2 + rng.integers(0, 3, n_rows), 1)

    treatment_low = np.maximum(period_start, _TREATMENT_MIN).astype(np.int64) * 86_400
    treatment = treatment_low + (rng.random(n_rows) * (_STOCK_DAY * 86_400 - treatment_low)).astype(
        np.int64
    )
    mass_update = (rng.random(n_rows) < 0.25) & (treatment_low <= _MASS_UPDATE)
    treatment = np.where(mass_update, _MASS_UPDATE, treatment)

    # Head office: the last active site of the firm, else its last site.
    score = local + np.where(closed, 0, 1_000)
    best = np.maximum.reduceat(score, starts) if n_firms else score[:0]
    head_local = best % 1_000
    is_head = local == head_local[firm_of_row]

    # Headcount bands and employer character.
    band = np.where(
        closed,
        _choice(rng, _probabilities(_BAND_P_CLOSED), n_rows),
        np.where(
            row_kind == _KIND_SOLE,
            _choice(rng, _probabilities(_BAND_P_SOLE), n_rows),
            _choice(rng, _probabilities(_BAND_P_COMPANY), n_rows),
        ),
    )
    u = rng.random(n_rows)
    employer = ~closed & np.where(band >= _BAND_01, u < 0.93, (band == _BAND_00) & (u < 0.15))
    headcount_year = _choice(rng, _probabilities(_HEADCOUNT_YEAR_P), n_rows)

    craft = _NAF_CRAFT[naf] & (rng.random(n_rows) < 0.7)
    craft_alt = (naf == _NAF_HAIRDRESSING) & (rng.random(n_rows) < 0.2)

    # Communes and positions.
    if ctx.outside_p is not None and ctx.outside_share > 0:
        outside = rng.random(n_rows) < ctx.outside_share
        area = np.where(
            outside,
            ctx.n_inside + _choice(rng, ctx.outside_p, n_rows),
            _choice(rng, ctx.inside_p, n_rows),
        )
    else:
        outside = np.zeros(n_rows, dtype=np.bool_)
        area = _choice(rng, ctx.inside_p, n_rows)
    lon, lat = ctx.sampler.sample(rng, area)
    x, y = ctx.transformer.transform(lon, lat)
    geocoded = rng.random(n_rows) >= 0.03

    # Addresses.
    street = (area * 613 + (_STREETS_PER_COMMUNE * rng.random(n_rows) ** 2).astype(np.int64)) % len(
        _S_STREET_LABEL
    )
    number = np.exp(rng.random(n_rows) * math.log(260)).astype(np.int64)
    u = rng.random(n_rows)
    has_number = u >= 0.07
    repetition = np.where(u > 0.985, 2, np.where(u > 0.955, 1, 0))
    last_number = number + 2 * rng.integers(1, 5, n_rows)
    has_last_number = has_number & (rng.random(n_rows) < 0.01)
    has_complement = rng.random(n_rows) < 0.06
    complement = rng.integers(0, len(_COMPLEMENTS), n_rows)
    has_po_box = rng.random(n_rows) < 0.004
    po_box = rng.integers(10, 99_999, n_rows)

    # Signs and usual names.
    u = rng.random(n_rows)
    sign_kind = np.where(u < 0.25, 1, np.where(u < 0.33, 2, np.where(u < 0.40, 3, 0)))
    sign_pattern = rng.integers(0, 4, n_rows)
    fantasy_word = _WORD_OFFSET["fantasy"] + rng.integers(0, len(_FANTASY), n_rows)
    sign = _phrase(
        np.select(
            [sign_pattern == 1, sign_pattern == 3],
            [_WORD_OFFSET["CHEZ"], _WORD_OFFSET["LE"]],
            _WORD_OFFSET["trade"] + naf,
        ),
        np.select(
            [sign_pattern == 0, sign_pattern == 1],
            [
                _WORD_OFFSET["place"] + rng.integers(0, len(_PLACES), n_rows),
                _WORD_OFFSET["first"] + rng.integers(0, len(_WORD_GROUPS["first"]), n_rows),
            ],
            fantasy_word,
        ),
    )

    frame = pl.DataFrame(
        {
            "_siren": sirens[firm_of_row],
            "_nic": nic,
            "_hidden": hidden,
            "_creation": creation.astype(np.int32),
            "_band": band,
            "_employer": employer,
            "_year": headcount_year,
            "_craft": craft,
            "_craft_alt": craft_alt,
            "_naf": naf,
            "_treatment": treatment,
            "_head": is_head,
            "_periods": periods,
            "_has_complement": has_complement,
            "_complement": complement,
            "_has_number": has_number,
            "_number": number,
            "_repetition": repetition,
            "_has_last": has_last_number,
            "_last": last_number,
            "_street": street,
            "_area": area,
            "_has_po_box": has_po_box,
            "_po_box": po_box,
            "_geocoded": geocoded & ~hidden,
            "_x": np.rint(np.asarray(x) * 10).astype(np.int64),
            "_y": np.rint(np.asarray(y) * 10).astype(np.int64),
            "_start": period_start.astype(np.int32),
            "_closed": closed,
            "_sign_kind": sign_kind,
            "_sign": sign,
        }
    )
    frame = frame.with_columns(
        _S_NAF.gather(naf).alias("_naf_code"),
        _S_NAF25.gather(naf).alias("_naf25_code"),
        _S_CRAFT.gather(naf).alias("_craft_code"),
        _S_BANDS.gather(band).alias("_band_code"),
        _S_HEADCOUNT_YEARS.gather(headcount_year).alias("_year_code"),
        _S_STREET_TYPE.gather(street).alias("_street_type"),
        _S_STREET_LABEL.gather(street).alias("_street_label"),
        _S_COMPLEMENTS.gather(complement).alias("_complement_text"),
        ctx.postal_codes.gather(area).alias("_postal_code"),
        ctx.commune_names.gather(area).alias("_commune_name"),
        ctx.commune_codes.gather(area).alias("_commune_code"),
    )
    null = pl.lit(None, dtype=pl.Utf8)
    has_year = pl.col("_band") >= _BAND_00
    columns: dict[str, pl.Expr] = {
        "siren": pl.col("_siren").cast(pl.Utf8).str.zfill(9),
        "nic": pl.col("_nic").cast(pl.Utf8).str.zfill(5),
        "siret": pl.concat_str(
            [
                pl.col("_siren").cast(pl.Utf8).str.zfill(9),
                pl.col("_nic").cast(pl.Utf8).str.zfill(5),
            ]
        ),
        "statutDiffusionEtablissement": pl.when(pl.col("_hidden"))
        .then(pl.lit("P"))
        .otherwise(pl.lit("O")),
        "dateCreationEtablissement": _iso_date("_creation"),
        "trancheEffectifsEtablissement": pl.col("_band_code"),
        "anneeEffectifsEtablissement": pl.when(has_year).then(pl.col("_year_code")).otherwise(null),
        "activitePrincipaleRegistreMetiersEtablissement": pl.when(pl.col("_craft"))
        .then(pl.when(pl.col("_craft_alt")).then(pl.lit("9602AB")).otherwise(pl.col("_craft_code")))
        .otherwise(null),
        "dateDernierTraitementEtablissement": _iso_datetime("_treatment"),
        "etablissementSiege": pl.col("_head").cast(pl.Utf8),
        "nombrePeriodesEtablissement": pl.col("_periods").cast(pl.Utf8),
        "complementAdresseEtablissement": pl.when(pl.col("_has_complement"))
        .then(pl.col("_complement_text"))
        .otherwise(null),
        "numeroVoieEtablissement": pl.when(pl.col("_has_number"))
        .then(pl.col("_number").cast(pl.Utf8))
        .otherwise(null),
        "indiceRepetitionEtablissement": pl.when(
            pl.col("_has_number") & (pl.col("_repetition") == 1)
        )
        .then(pl.lit("B"))
        .when(pl.col("_has_number") & (pl.col("_repetition") == 2))
        .then(pl.lit("T"))
        .otherwise(null),
        "dernierNumeroVoieEtablissement": pl.when(pl.col("_has_last"))
        .then(pl.col("_last").cast(pl.Utf8))
        .otherwise(null),
        "typeVoieEtablissement": pl.col("_street_type"),
        "libelleVoieEtablissement": pl.col("_street_label"),
        "codePostalEtablissement": pl.col("_postal_code"),
        "libelleCommuneEtablissement": pl.col("_commune_name"),
        "distributionSpecialeEtablissement": pl.when(pl.col("_has_po_box"))
        .then(pl.concat_str([pl.lit("BP"), pl.col("_po_box").cast(pl.Utf8)], separator=" "))
        .otherwise(null),
        "codeCommuneEtablissement": pl.col("_commune_code"),
        "coordonneeLambertAbscisseEtablissement": pl.when(pl.col("_geocoded"))
        .then(_format_lambert("_x"))
        .otherwise(null),
        "coordonneeLambertOrdonneeEtablissement": pl.when(pl.col("_geocoded"))
        .then(_format_lambert("_y"))
        .otherwise(null),
        "dateDebut": _iso_date("_start"),
        "etatAdministratifEtablissement": pl.when(pl.col("_closed"))
        .then(pl.lit("F"))
        .otherwise(pl.lit("A")),
        "enseigne1Etablissement": pl.when(pl.col("_sign_kind").is_in([1, 3]))
        .then(pl.col("_sign"))
        .otherwise(null),
        "denominationUsuelleEtablissement": pl.when(pl.col("_sign_kind").is_in([2, 3]))
        .then(pl.col("_sign"))
        .otherwise(null),
        "activitePrincipaleEtablissement": pl.col("_naf_code"),
        "nomenclatureActivitePrincipaleEtablissement": pl.lit("NAFRev2"),
        "caractereEmployeurEtablissement": pl.when(pl.col("_employer"))
        .then(pl.lit("O"))
        .otherwise(pl.lit("N")),
    }
    for name in ND_ESTABLISHMENT_COLUMNS:
        value = columns.get(name, null)
        columns[name] = pl.when(pl.col("_hidden")).then(pl.lit(NOT_DIFFUSED)).otherwise(value)
    header: list[str] = list(ESTABLISHMENT_COLUMNS)
    if ctx.layout == 54:
        columns[NAF25_COLUMN] = (
            pl.when(pl.col("_closed")).then(null).otherwise(pl.col("_naf25_code"))
        )
        header.append(NAF25_COLUMN)
    establishments = frame.select([columns.get(name, null).alias(name) for name in header])

    legal_units: pl.DataFrame | None = None
    if ctx.legal_units:
        legal_units = _legal_unit_frame(
            ctx,
            batch_no,
            n_firms=n_firms,
            sirens=sirens,
            kind=kind,
            firm_naf=firm_naf,
            firm_hidden=firm_hidden,
            starts=starts,
            head_row=starts + head_local,
            nic=nic,
            creation=creation,
            period_start=period_start,
            treatment=treatment,
            closed=closed,
            band=band,
            employer=employer,
            area=area,
        )

    return _BatchResult(
        establishments=establishments,
        legal_units=legal_units,
        n_firms=n_firms,
        closed=int(closed.sum()),
        non_diffusible=int(hidden.sum()),
        not_geocoded=int((~geocoded & ~hidden).sum()),
        outside=int(outside.sum()),
        multi_site=int((sites > 1).sum()),
        per_area=np.bincount(area, minlength=len(ctx.areas)).astype(np.int64),
    )


def _legal_unit_frame(
    ctx: _Context,
    batch_no: int,
    *,
    n_firms: int,
    sirens: _IntArray,
    kind: _IntArray,
    firm_naf: _IntArray,
    firm_hidden: _BoolArray,
    starts: _IntArray,
    head_row: _IntArray,
    nic: _IntArray,
    creation: _IntArray,
    period_start: _IntArray,
    treatment: _IntArray,
    closed: _BoolArray,
    band: _IntArray,
    employer: _BoolArray,
    area: _IntArray,
) -> pl.DataFrame:
    """One row per SIREN, from per-firm draws and per-establishment aggregates."""
    if n_firms == 0:
        return pl.DataFrame(schema=dict.fromkeys(LEGAL_UNIT_COLUMNS, pl.Utf8))
    rng = np.random.default_rng(np.random.SeedSequence([ctx.seed, batch_no, 1]))

    firm_creation = np.minimum.reduceat(creation, starts)
    firm_band = np.maximum.reduceat(band, starts)
    firm_employer = np.maximum.reduceat(employer.astype(np.int64), starts) > 0
    firm_ceased = np.minimum.reduceat(closed.astype(np.int64), starts) > 0
    firm_end = np.maximum.reduceat(period_start, starts)
    firm_start = np.where(firm_ceased, firm_end, period_start[head_row])

    is_sole = kind == _KIND_SOLE
    is_association = kind == _KIND_ASSOCIATION
    form = np.where(
        is_sole,
        _FORM_INDEX_SOLE,
        np.where(
            is_association,
            _FORM_INDEX_ASSOCIATION,
            np.where(
                (firm_naf == _NAF_SCI) & (rng.random(n_firms) < 0.8),
                _FORM_INDEX_SCI,
                _choice(rng, _FORM_P, n_firms),
            ),
        ),
    )
    recent = firm_creation >= (date(2024, 1, 1) - _EPOCH).days
    category = np.where(
        firm_ceased | recent | (rng.random(n_firms) < 0.06),
        0,
        np.where(firm_band >= _BAND_52, 3, np.where(firm_band >= _BAND_32, 2, 1)),
    )
    female = rng.random(n_firms) < 0.38
    u = rng.random(n_firms)
    n_first = np.where(u < 0.62, 1, np.where(u < 0.90, 2, np.where(u < 0.98, 3, 4)))
    has_acronym = ~is_sole & (rng.random(n_firms) < 0.04)
    head_area = area[head_row]

    def draw(pool: pl.Series, name: str) -> pl.Series:
        return pool.gather(rng.integers(0, len(pool), n_firms)).alias(name)

    def word(group: str) -> _IntArray:
        offset = _WORD_OFFSET[group]
        return offset + rng.integers(0, len(_WORD_GROUPS[group]), n_firms)

    # Names of sole traders.
    n_male = len(_MALE_NAMES)
    first_names: list[pl.Series] = []
    for rank in (1, 2, 3, 4):
        male = _WORD_OFFSET["first"] + rng.integers(0, n_male, n_firms)
        woman = _WORD_OFFSET["first"] + n_male + rng.integers(0, len(_FEMALE_NAMES), n_firms)
        chosen = np.where(female, woman, male)
        first_names.append(
            _S_WORDS.gather(np.where(is_sole & (n_first >= rank), chosen, _NO_WORD)).alias(
                f"_first_{rank}"
            )
        )
    surname = word("surname")
    use_name = is_sole & female & (rng.random(n_firms) < 0.2)

    # Denominations of companies, SCIs and associations.
    pattern = rng.integers(0, 8, n_firms)
    trade = _WORD_OFFSET["trade"] + firm_naf
    fantasy, place = word("fantasy"), word("place")
    form_word = _WORD_OFFSET["form"] + np.minimum(form, len(_COMPANY_FORMS) - 1)
    no_word = np.full(n_firms, _NO_WORD, dtype=np.int64)
    company = (
        np.select(
            [pattern == 3, (pattern == 4) | (pattern == 6), pattern == 5],
            [form_word, fantasy, surname],
            trade,
        ),
        np.select(
            [
                (pattern == 0) | (pattern == 2),
                pattern == 1,
                pattern == 3,
                (pattern == 4) | (pattern == 5),
                pattern == 6,
            ],
            [surname, place, word("prefix"), trade, word("suffix")],
            fantasy,
        ),
        np.select([pattern == 2, pattern == 3], [_WORD_OFFSET["ET FILS"], fantasy], no_word),
    )
    sci = (
        np.full(n_firms, _WORD_OFFSET["SCI"], dtype=np.int64),
        np.select([pattern < 3, pattern < 6], [surname, fantasy], place),
        no_word,
    )
    association = (word("head"), np.where(pattern < 4, place, fantasy), no_word)
    is_sci = form == _FORM_INDEX_SCI
    denomination = _phrase(
        *(
            np.select([is_sole, is_association, is_sci], [no_word, a, b], c)
            for a, b, c in zip(association, sci, company, strict=True)
        )
    )
    usual = ~is_sole & (rng.random(n_firms) < 0.05)
    usual_name = _phrase(np.where(usual, trade, _NO_WORD), fantasy)

    frame = pl.DataFrame(
        [
            pl.Series("_siren", sirens),
            pl.Series("_hidden", firm_hidden),
            pl.Series("_sole", is_sole),
            pl.Series("_association", is_association),
            pl.Series("_creation", firm_creation.astype(np.int32)),
            pl.Series("_band", firm_band),
            _S_BANDS.gather(firm_band).alias("_band_code"),
            _S_HEADCOUNT_YEARS.gather(
                _choice(rng, _probabilities(_HEADCOUNT_YEAR_P), n_firms)
            ).alias("_year_code"),
            pl.Series("_treatment", treatment[head_row]),
            pl.Series(
                "_periods",
                np.where(firm_start > firm_creation, 2, 1)
                + rng.integers(0, 3, n_firms) * (firm_start > firm_creation),
            ),
            pl.Series("_category", category),
            pl.Series("_start", firm_start.astype(np.int32)),
            pl.Series("_ceased", firm_ceased),
            _S_NAF.gather(firm_naf).alias("_naf_code"),
            _S_FORM_CODES.gather(form).alias("_form_code"),
            pl.Series("_nic", nic[head_row]),
            pl.Series("_employer", firm_employer),
            pl.Series("_female", female),
            *first_names,
            _S_WORDS.gather(np.where(is_sole, surname, _NO_WORD)).alias("_surname"),
            _S_WORDS.gather(np.where(use_name, word("surname"), _NO_WORD)).alias("_use_name"),
            denomination.alias("_denomination"),
            usual_name.alias("_usual_name"),
            draw(_S_LETTERS, "_letter_1"),
            draw(_S_LETTERS, "_letter_2"),
            draw(_S_LETTERS, "_letter_3"),
            pl.Series("_has_acronym", has_acronym),
            pl.Series("_rna", rng.integers(0, 1_000_000, n_firms)),
            ctx.commune_codes.gather(head_area).str.slice(0, 2).alias("_dep"),
        ]
    )

    def col(name: str) -> pl.Expr:
        return pl.col(name)

    null = pl.lit(None, dtype=pl.Utf8)

    def flag(condition: pl.Expr, yes: str, no: str | None) -> pl.Expr:
        return pl.when(condition).then(pl.lit(yes)).otherwise(pl.lit(no, dtype=pl.Utf8))

    columns: dict[str, pl.Expr] = {
        "siren": col("_siren").cast(pl.Utf8).str.zfill(9),
        "statutDiffusionUniteLegale": flag(col("_hidden"), "P", "O"),
        "dateCreationUniteLegale": _iso_date("_creation"),
        "sigleUniteLegale": pl.when(col("_has_acronym"))
        .then(pl.concat_str([col("_letter_1"), col("_letter_2"), col("_letter_3")]))
        .otherwise(null),
        "sexeUniteLegale": pl.when(col("_sole"))
        .then(flag(col("_female"), "F", "M"))
        .otherwise(null),
        "prenom1UniteLegale": col("_first_1"),
        "prenom2UniteLegale": col("_first_2"),
        "prenom3UniteLegale": col("_first_3"),
        "prenom4UniteLegale": col("_first_4"),
        "prenomUsuelUniteLegale": col("_first_1"),
        "identifiantAssociationUniteLegale": pl.when(col("_association"))
        .then(
            pl.concat_str(
                [pl.lit("W"), col("_dep"), pl.lit("1"), col("_rna").cast(pl.Utf8).str.zfill(6)]
            )
        )
        .otherwise(null),
        "trancheEffectifsUniteLegale": col("_band_code"),
        "anneeEffectifsUniteLegale": pl.when(col("_band") >= _BAND_00)
        .then(col("_year_code"))
        .otherwise(null),
        "dateDernierTraitementUniteLegale": _iso_datetime("_treatment"),
        "nombrePeriodesUniteLegale": col("_periods").cast(pl.Utf8),
        "categorieEntreprise": pl.when(col("_category") == 1)
        .then(pl.lit("PME"))
        .when(col("_category") == 2)
        .then(pl.lit("ETI"))
        .when(col("_category") == 3)
        .then(pl.lit("GE"))
        .otherwise(null),
        "anneeCategorieEntreprise": flag(col("_category") > 0, _CATEGORY_YEAR, None),
        "dateDebut": _iso_date("_start"),
        "etatAdministratifUniteLegale": flag(col("_ceased"), "C", "A"),
        "nomUniteLegale": col("_surname"),
        "nomUsageUniteLegale": col("_use_name"),
        "denominationUniteLegale": col("_denomination"),
        "denominationUsuelle1UniteLegale": col("_usual_name"),
        "categorieJuridiqueUniteLegale": col("_form_code"),
        "activitePrincipaleUniteLegale": col("_naf_code"),
        "nomenclatureActivitePrincipaleUniteLegale": pl.lit("NAFRev2"),
        "nicSiegeUniteLegale": col("_nic").cast(pl.Utf8).str.zfill(5),
        "economieSocialeSolidaireUniteLegale": flag(col("_association"), "O", "N"),
        "caractereEmployeurUniteLegale": flag(col("_employer"), "O", "N"),
    }
    for name in ND_LEGAL_UNIT_COLUMNS:
        value = columns.get(name, null)
        columns[name] = pl.when(col("_hidden")).then(pl.lit(NOT_DIFFUSED)).otherwise(value)
    return frame.select([columns.get(name, null).alias(name) for name in LEGAL_UNIT_COLUMNS])


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------


@contextmanager
def _open_sink(path: Path, member: str | None, large: bool) -> Iterator[IO[bytes]]:
    """A binary stream: a plain file, or one deflated member of a new zip."""
    if member is None:
        with path.open("wb") as handle:
            yield handle
        return
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open(member, "w", force_zip64=large) as handle,
    ):
        yield handle


def _write_batch(frame: pl.DataFrame, sink: IO[bytes], line_ending: str) -> None:
    buffer = io.BytesIO()
    frame.write_csv(
        buffer,
        include_header=False,
        line_terminator=line_ending,
        quote_style="necessary",
    )
    sink.write(buffer.getbuffer())


def _write_frames(
    targets: Sequence[tuple[pl.DataFrame | None, IO[bytes] | None]], line_ending: str
) -> None:
    for frame, sink in targets:
        if frame is not None and sink is not None:
            _write_batch(frame, sink, line_ending)


def _validate(
    communes: Sequence[CommuneArea],
    outside_communes: Sequence[CommuneArea],
    rows: int,
    shares: Mapping[str, float],
    layout: int,
    line_ending: str,
) -> None:
    if not communes:
        raise ValueError("at least one commune is needed")
    if rows < 0 or rows > _MAX_ROWS:
        raise ValueError(f"rows must be between 0 and {_MAX_ROWS}")
    for name, share in shares.items():
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"{name} must be between 0 and 1")
    if shares["outside_share"] > 0 and not outside_communes:
        raise ValueError("outside_share > 0 needs outside_communes")
    if layout not in (53, 54):
        raise ValueError("layout must be 53 or 54")
    if line_ending not in ("\n", "\r\n"):
        raise ValueError("line_ending must be '\\n' or '\\r\\n'")
    for area in (*communes, *outside_communes):
        if len(area.code) != 5 or area.code.startswith("97"):
            raise ValueError(f"{area.code}: a metropolitan INSEE commune code is expected")
        if not (len(area.postal_code) == 5 and area.postal_code.isdigit()):
            raise ValueError(f"{area.code}: bad postal code {area.postal_code!r}")
        if not (area.weight > 0 and math.isfinite(area.weight)):
            raise ValueError(f"{area.code}: weight must be positive")
        if area.geometry is None or area.geometry.is_empty or area.geometry.area <= 0:
            raise ValueError(f"{area.code}: an areal geometry is needed")


def generate_stock(
    out_dir: Path,
    communes: Sequence[CommuneArea],
    rows: int,
    *,
    seed: int = 0,
    closed_share: float = 0.02,
    non_diffusible_share: float = 0.02,
    outside_communes: Sequence[CommuneArea] = (),
    outside_share: float = 0.0,
    legal_units: bool = True,
    layout: Literal[53, 54] = 53,
    zip_output: bool = False,
    line_ending: str = "\n",
) -> GeneratedStock:
    """Write a fictitious SIRENE stock to ``out_dir`` and return what was written.

    ``StockEtablissement_utf8.csv`` (or ``.zip`` with ``zip_output``) gets
    ``rows`` establishments placed at random inside ``communes`` (by weight)
    and, for a share ``outside_share`` of rows, inside ``outside_communes``.
    ``StockUniteLegale_utf8.csv`` (or ``.zip``) gets one row per SIREN when
    ``legal_units`` is true. The establishment file does not depend on
    ``legal_units``, ``zip_output`` or ``line_ending`` beyond its container
    and line endings; the same arguments always give the same bytes.

    Partially diffusible rows are drawn among sole traders so that about
    ``non_diffusible_share`` of establishments are ``P``; closed rows are
    drawn with probability ``closed_share``.
    """
    _validate(
        communes,
        outside_communes,
        rows,
        {
            "closed_share": closed_share,
            "non_diffusible_share": non_diffusible_share,
            "outside_share": outside_share,
        },
        layout,
        line_ending,
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    areas: list[CommuneArea] = [*communes, *outside_communes]

    # Enough sole traders to carry the requested non-diffusible share.
    sole_share = min(1.0, max(_SOLE_SHARE, 1.25 * non_diffusible_share))
    eligible = float(_NAF_P[~_NAF_ASSOCIATION & ~_NAF_COMPANY_ONLY].sum())
    gap_max = max(1, min(1_000_000, 2 * (_LAST_PREFIX - _FIRST_PREFIX) // max(rows, 1) - 1))
    ctx = _Context(
        seed=seed,
        closed_share=closed_share,
        non_diffusible_share=non_diffusible_share,
        outside_share=outside_share,
        sole_probability=min(1.0, sole_share / eligible),
        areas=areas,
        inside_p=_probabilities([area.weight for area in communes]),
        outside_p=(
            _probabilities([area.weight for area in outside_communes]) if outside_communes else None
        ),
        n_inside=len(communes),
        sampler=_PointSampler(areas),
        transformer=Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True),
        commune_names=_series([_insee_upper(area.name) for area in areas]),
        commune_codes=_series([area.code for area in areas]),
        postal_codes=_series([area.postal_code for area in areas]),
        layout=layout,
        legal_units=legal_units,
        gap_max=gap_max,
        last_prefix=_FIRST_PREFIX - 1,
    )

    header = list(ESTABLISHMENT_COLUMNS) + ([NAF25_COLUMN] if layout == 54 else [])
    large = rows > 3_000_000
    est_path = out_dir / (ESTABLISHMENT_ZIP_NAME if zip_output else ESTABLISHMENT_FILE_NAME)
    ul_path: Path | None = None
    if legal_units:
        ul_path = out_dir / (LEGAL_UNIT_ZIP_NAME if zip_output else LEGAL_UNIT_FILE_NAME)

    totals: Counter[str] = Counter()
    per_area = np.zeros(len(areas), dtype=np.int64)
    with ExitStack() as stack:
        est_sink = stack.enter_context(
            _open_sink(est_path, ESTABLISHMENT_FILE_NAME if zip_output else None, large)
        )
        est_sink.write((",".join(header) + line_ending).encode())
        ul_sink: IO[bytes] | None = None
        if ul_path is not None:
            ul_sink = stack.enter_context(
                _open_sink(ul_path, LEGAL_UNIT_FILE_NAME if zip_output else None, large)
            )
            ul_sink.write((",".join(LEGAL_UNIT_COLUMNS) + line_ending).encode())
        # One writer thread: batch N is written while batch N + 1 is generated
        # (polars and numpy release the GIL). Writes stay in batch order.
        writer = stack.enter_context(ThreadPoolExecutor(max_workers=1))
        pending: Future[None] | None = None
        for batch_no, offset in enumerate(range(0, rows, _BATCH_ROWS)):
            batch = _generate_batch(ctx, batch_no, min(_BATCH_ROWS, rows - offset))
            if pending is not None:
                pending.result()
            pending = writer.submit(
                _write_frames,
                [(batch.establishments, est_sink), (batch.legal_units, ul_sink)],
                line_ending,
            )
            totals["firms"] += batch.n_firms
            totals["closed"] += batch.closed
            totals["non_diffusible"] += batch.non_diffusible
            totals["not_geocoded"] += batch.not_geocoded
            totals["outside"] += batch.outside
            totals["multi_site"] += batch.multi_site
            per_area += batch.per_area
        if pending is not None:
            pending.result()

    per_commune: dict[str, int] = {}
    for area, count in zip(areas, per_area.tolist(), strict=True):
        per_commune[area.code] = per_commune.get(area.code, 0) + int(count)
    return GeneratedStock(
        establishments=est_path,
        legal_units=ul_path,
        rows=rows,
        legal_unit_rows=totals["firms"],
        closed=totals["closed"],
        non_diffusible=totals["non_diffusible"],
        not_geocoded=totals["not_geocoded"],
        outside=totals["outside"],
        multi_site_sirens=totals["multi_site"],
        per_commune=per_commune,
    )
