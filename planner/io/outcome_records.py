"""What reading a filled call list workbook gives back: rows, rejections, and the
campaign key a workbook must match."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from planner.domain.errors import InputError
from planner.domain.export_signature import (
    ExportIdentity,
)
from planner.io.call_list_layout import (
    FILL_COLUMNS,
    KEY_COLUMNS,
)

UNSIGNED_WARNING = (
    "classeur non signé (exporté avant la signature des listes d'appels) : "
    "son origine et ses colonnes verrouillées ne peuvent pas être vérifiées"
)
_LOCKED = tuple(c[0] for c in KEY_COLUMNS)
_FILLED = tuple(c[0] for c in FILL_COLUMNS)
# What the contact table's columns hold (PostgreSQL refuses longer text).
_TEXT_LIMITS = {"Interlocuteur": 200, "Téléphone": 30, "Courriel": 200, "Conseiller": 200}


@dataclass(frozen=True)
class CampaignKey:
    """The campaign a workbook is read back into: its id, name and secret key."""

    campaign_id: str
    name: str
    secret: bytes = field(repr=False)
    withheld: bool = False
    """The key exists but this login may not read it (a partner's or adviser's login on
    a shared campaign): reading back a signed workbook is coordination's job."""


@dataclass(frozen=True)
class FilledRow:
    """One row read back with an outcome, tied to an exported firm."""

    file: str
    sheet: str
    row: int
    key: str
    siret: str
    date: dt.date
    outcome: str
    contact_person: str | None
    phone: str | None
    email: str | None
    posts: int | None
    rome_code: str | None
    session_interest: str | None
    next_step: str | None
    comment: str | None
    adviser: str | None
    adviser_id: int | None = None  # from the signed hidden sheet, never from the name
    service: str | None = None
    """The service as typed (a code or a name; the campaign's catalogue decides)."""
    service_status: str | None = None  # a code of SERVICE_STATUSES
    service_date: dt.date | None = None  # the call's date when none was typed
    service_quantity: int | None = None
    no_more: bool = False
    """« Ne plus solliciter » ticked on a « Refus »: mark the firm *ne pas solliciter*."""


@dataclass(frozen=True)
class Rejection:
    """A row that cannot be taken, and why (in French)."""

    file: str
    sheet: str
    row: int
    column: str | None
    siret: str | None
    reason: str
    values: tuple[Any, ...] = ()
    exported_siret: str | None = None
    """The SIRET the row's key was exported for, when it differs from ``siret`` or is known."""

    @property
    def message(self) -> str:
        return InputError(
            f"onglet « {self.sheet} » : {self.reason}",
            file=self.file,
            line=self.row,
            column=self.column,
        ).message


@dataclass
class ReadBack:
    """Everything read from one workbook."""

    file: str
    campaign: str
    partner: str
    batch: str
    exported_at: dt.datetime  # the signed one when the workbook is signed
    exported: dict[str, str]  # key -> siret
    filled: list[FilledRow] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    blank: int = 0
    signed: bool = False
    campaign_id: str | None = None
    partner_id: int | None = None  # None: unsigned, or the coordinator's workbook
    export_id: str | None = None
    warnings: list[str] = field(default_factory=list)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _is_id(text: str) -> bool:
    """Whether ``text`` is a database id as the export writes it (ASCII digits)."""
    return text.isascii() and text.isdigit() and len(text) < 19


def _siret(value: Any) -> str | None:
    text = _text(value)
    if text is None:
        return None
    digits = text.replace(" ", "").replace("\xa0", "")
    return digits.zfill(14) if digits.isdigit() and len(digits) <= 14 else digits


@dataclass(frozen=True)
class _Entry:
    """One firm row of the hidden sheet."""

    siret: str
    signature: str  # format 1: the checksum of SIRET and name
    adviser_id: str
    name_signature: str


@dataclass
class _Reading:
    """What every row of one workbook is checked against."""

    back: ReadBack
    keys: dict[str, _Entry]
    by_siret: dict[str, str]
    identity: ExportIdentity | None  # None: an unsigned workbook
    secret: bytes
    today: dt.date
    seen: set[str] = field(default_factory=set)
