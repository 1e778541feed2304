"""What a call list workbook holds: its sheets and columns, and the records written
to it (the writer is :mod:`planner.io.call_list_workbook`, the reader
:mod:`planner.io.outcome_workbook`)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from planner.domain.cell_text import workbook_text
from planner.domain.export_signature import (
    ExportIdentity,
)
from planner.domain.outcomes import OUTCOMES
from planner.domain.service_offer import SERVICE_STATUSES

MARKER = "planner-liste-appels"
FORMAT_VERSION = 1  # unsigned (before signatures)
SIGNED_FORMAT_VERSION = 2
META_SHEET = "_planner"
GUIDE_SHEET = "Mode d'emploi"
KEY_HEADER = "Clé (ne pas modifier)"

# (header, width, explanation)
KEY_COLUMNS: tuple[tuple[str, int, str], ...] = (
    ("Rang", 7, "Ordre de priorité dans la liste (1 = à appeler en premier)."),
    ("SIRET", 17, "Identifiant de l'établissement (14 chiffres)."),
    ("Nom", 34, "Enseigne ou nom usuel de l'établissement."),
    ("Raison sociale", 30, "Dénomination de l'unité légale."),
    ("Adresse", 36, "Adresse de l'établissement."),
    ("Commune", 20, "Commune de l'établissement."),
    ("Code NAF", 9, "Activité principale, dans la nomenclature NAF indiquée plus haut."),
    (
        "Libellé NAF",
        34,
        "Libellé de l'activité principale (« Code … absent » : pas de code dans cette "
        "nomenclature).",
    ),
    ("Effectif", 22, "Tranche d'effectif salarié (SIRENE)."),
    ("Date de création", 12, "Date de création de l'établissement."),
    ("Conseiller", 20, "Conseiller attitré."),
    (
        "Déjà accompagnée",
        11,
        "« oui » : l'entreprise figure dans la liste des entreprises déjà accompagnées.",
    ),
)
SERVICE_HEADER = "Service"
SERVICE_STATUS_HEADER = "Statut du service"
SERVICE_DATE_HEADER = "Date du service"
SERVICE_QUANTITY_HEADER = "Nombre (postes/personnes)"
NO_MORE_HEADER = "Ne plus solliciter"
FILL_COLUMNS: tuple[tuple[str, int, str], ...] = (
    ("Interlocuteur", 22, "Personne jointe dans l'entreprise."),
    ("Téléphone", 15, "Téléphone de l'interlocuteur."),
    ("Courriel", 26, "Courriel de l'interlocuteur."),
    ("Date de l'appel", 11, "Date de l'appel, jj/mm/aaaa (obligatoire si un résultat est saisi)."),
    ("Résultat", 20, "Choisir dans la liste : " + ", ".join(OUTCOMES) + "."),
    ("Nombre de postes", 10, "Nombre de postes à pourvoir (nombre entier)."),
    ("Métier ROME", 14, "Code ROME du métier recherché (ex. : N1103)."),
    ("Intérêt session découverte", 14, "Oui / Non / Peut-être."),
    ("Prochaine étape", 26, "Ce qui est convenu pour la suite."),
    ("Commentaire", 30, "Toute information utile."),
    (
        SERVICE_HEADER,
        16,
        "Service de l'offre commune proposé ou réalisé (code choisi dans la liste ; les codes "
        "sont expliqués plus bas).",
    ),
    (
        SERVICE_STATUS_HEADER,
        12,
        "Choisir dans la liste : " + ", ".join(SERVICE_STATUSES.values()) + ".",
    ),
    (
        SERVICE_DATE_HEADER,
        12,
        "Date du service, jj/mm/aaaa (vide : la date de l'appel).",
    ),
    (
        SERVICE_QUANTITY_HEADER,
        12,
        "Nombre de postes ou de personnes concernés par le service (nombre entier).",
    ),
    (
        NO_MORE_HEADER,
        11,
        "« Oui » avec le résultat « Refus » : l'entreprise demande à ne plus être sollicitée "
        "(elle sort des listes d'appels de tous les partenaires).",
    ),
)
OPTIONAL_HEADERS: frozenset[str] = frozenset(
    {SERVICE_HEADER, SERVICE_STATUS_HEADER, SERVICE_DATE_HEADER, SERVICE_QUANTITY_HEADER}
    | {NO_MORE_HEADER}
)
"""Columns added after the first exports: a workbook exported without them still reads back."""

PRINTED: tuple[tuple[str, int], ...] = (
    ("Rang", 5),
    ("Nom", 21),
    ("Adresse", 21),
    ("Commune", 13),
    ("Libellé NAF", 19),
    ("Effectif", 10),
    ("Téléphone", 12),
    ("Date de l'appel", 10),
    ("Résultat", 13),
    ("Commentaire", 14),
)
"""What a caller needs on paper, in sheet order, with its width: the printed area of
each data sheet is these columns (landscape A4, one page wide); the others follow them
in the sheet, outside the printed area. The widths add up to about 140 characters, so
that the page prints at about 9 points (LibreOffice scaled 180 to 7 points)."""
PRINTED_WRAPPED: frozenset[str] = frozenset(
    {"Nom", "Adresse", "Commune", "Libellé NAF", "Effectif"}
)
"""Printed columns whose text wraps within the column (the row grows to hold it)
rather than running into the next column."""
PRINT_TITLE_COLUMNS = 2
"""Rank and name: the identification columns repeated on each printed page."""

_PRINTED_NAMES = tuple(h for h, _w in PRINTED)
HEADERS: tuple[str, ...] = (
    *_PRINTED_NAMES,
    *(c[0] for c in KEY_COLUMNS + FILL_COLUMNS if c[0] not in _PRINTED_NAMES),
    KEY_HEADER,
)
"""The data sheet's columns, in sheet order (the printed ones first)."""
KEY_COLUMN = len(HEADERS)  # 1-based column of the row key (last, hidden)
FILL_HEADERS: frozenset[str] = frozenset(c[0] for c in FILL_COLUMNS)

_KEY_BLUE = "#1F4E79"
_FILL_GREEN = "#548235"
_TO_FILL = "#F2F8EE"
_DATE = "dd/mm/yyyy"
_EXCEL_EPOCH = dt.date(1899, 12, 30).toordinal()
_GUIDE_LINE = 85  # characters of the guide's wide column on one line
_ADDED_ROWS = 200  # rows below the list left editable for firms the partner adds
_VALIDATED_ROWS = 500  # validation reaches this far below the list
_FOOTER_NAME = 80  # characters of the partner's name in the printed footer
_ROW_HEIGHT = 15  # points of one line of 11-point text
_MAX_ROW_LINES = 6  # a firm's row grows to this many lines at most


@dataclass(frozen=True)
class CallListRow:
    """One firm of a call list: the exported (key) values."""

    siret: str
    name: str
    legal_name: str
    address: str
    commune: str
    naf_code: str
    naf_label: str
    band_label: str
    created: dt.date | None
    adviser: str
    supported: bool = False
    adviser_id: int | None = None

    def key_values(self, rank: int) -> list[object]:
        return [
            rank,
            self.siret,
            self.name,
            self.legal_name,
            self.address,
            self.commune,
            self.naf_code,
            self.naf_label,
            self.band_label,
            self.created,
            self.adviser,
            "oui" if self.supported else "",
        ]


@dataclass(frozen=True)
class ExportSigning:
    """The campaign's identity and key, and the ids this export is signed with."""

    campaign_id: str
    partner_id: str  # empty for the coordinator's workbook
    export_id: str
    secret: bytes = field(repr=False)


@dataclass(frozen=True)
class CallListMeta:
    """What the hidden sheet records about the export (``signing``: None writes format 1)."""

    campaign: str
    partner: str
    batch: str
    exported_at: dt.datetime
    signing: ExportSigning | None = None
    nomenclature: str = "NAF rév. 2"  # the campaign's reference, as people name it
    services: tuple[tuple[str, str], ...] = ()
    """(code, name) of the services the partner delivers: the « Service » drop-down."""

    def identity(self) -> ExportIdentity | None:
        if self.signing is None:
            return None
        return ExportIdentity(
            self.signing.campaign_id,
            self.signing.partner_id,
            self.signing.export_id,
            self.exported_at.replace(microsecond=0),
        )


@dataclass(frozen=True)
class LeftOutRow:
    """A firm left out of the call lists (coordinator's workbook), and why."""

    siret: str
    name: str
    partner: str
    reason: str
    detail: str


LEFT_OUT_SHEET = "Non sollicitées"
LEFT_OUT_HEADERS: tuple[tuple[str, int], ...] = (
    ("SIRET", 17),
    ("Nom", 34),
    ("Partenaire", 24),
    ("Motif", 34),
    ("Détail", 60),
)


def row_checksum(siret: str, name: str) -> str:
    """A short digest of a row's identifying exported values."""
    digest: str = hashlib.sha256(f"{siret}\x1f{name}".encode()).hexdigest()
    return digest[:16]


def cell_text(value: str) -> str:
    """``value`` without the control characters a worksheet cannot hold.

    xlsxwriter would store them as ``_xHHHH_`` escapes, which openpyxl reads
    back literally; the checksum is taken on this cleaned text.
    """
    return workbook_text(value)
