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

from planner.services.demo.fictitious_stock.generator import generate_stock
from planner.services.demo.fictitious_stock.layout import (
    ESTABLISHMENT_COLUMNS,
    ESTABLISHMENT_FILE_NAME,
    ESTABLISHMENT_ZIP_NAME,
    LEGAL_UNIT_COLUMNS,
    LEGAL_UNIT_FILE_NAME,
    LEGAL_UNIT_ZIP_NAME,
    NAF25_COLUMN,
    ND_ESTABLISHMENT_COLUMNS,
    ND_LEGAL_UNIT_COLUMNS,
    NOT_DIFFUSED,
)
from planner.services.demo.fictitious_stock.model import CommuneArea, GeneratedStock

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
