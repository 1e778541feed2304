"""Signatures of an exported call list: HMAC-SHA256 with the campaign's secret key.

A workbook carries the campaign id, the partner id, an export id and the export
date, signed together (the *head*), and for every firm row its key, SIRET,
adviser id and exported (locked) values, signed with the head's identity (the
*row*), so that a row whose key or locked values were changed is rejected alone
and a row cannot be moved to another export, partner or campaign. A second,
shorter row signature covers only the SIRET and the name: it lets a row typed
by the partner without its key (SIRET and name) be tied to the export.

Values are signed in a canonical text form that survives the round trip
through Excel, LibreOffice and openpyxl (numbers read back as floats, dates as
datetimes, strings with surrounding spaces or OOXML ``_xHHHH_`` escapes).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from planner.domain.cell_text import strip_invisible

SIGNATURE_VERSION = "planner-signature-1"
KEY_BYTES = 32
_SEP = "\x1f"
_ROW_DIGEST = 16  # bytes of a row signature kept (128 bits, RFC 2104 truncation)
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what a cell cannot hold


def new_secret() -> bytes:
    """A fresh campaign key (32 random bytes)."""
    return secrets.token_bytes(KEY_BYTES)


@dataclass(frozen=True)
class ExportIdentity:
    """What ties a workbook to one export of one campaign for one partner.

    ``partner_id`` is empty for the coordinator's workbook (all partners).
    """

    campaign_id: str
    partner_id: str
    export_id: str
    exported_at: dt.datetime

    def fields(self) -> tuple[str, ...]:
        return (
            self.campaign_id,
            self.partner_id,
            self.export_id,
            self.exported_at.replace(microsecond=0).isoformat(),
        )


def _unescape(text: str) -> str:
    """``text`` with OOXML ``_xHHHH_`` escapes undone until none is left.

    openpyxl leaves the escaped form of an inline string as it is, LibreOffice
    does not: both forms then sign alike.
    """
    for _ in range(4):
        undone = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
        if undone == text:
            break
        text = undone
    return text


_EXCEL_1900_BUG_END = dt.date(1900, 3, 1)


def canonical(value: object) -> str:
    """The text a cell value is signed as, the same after any spreadsheet round trip."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    day = value.date() if isinstance(value, dt.datetime) else value
    if isinstance(day, dt.date) and day < _EXCEL_1900_BUG_END:
        # Excel's phantom 29/02/1900 shifts serials below 61 by a day between
        # writers and readers (openpyxl, LibreOffice): SIRENE's "unknown"
        # creation date 01/01/1900 would never verify. Such dates sign as one.
        return "<1900-03-01"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    # What the workbook writer drops (planner.domain.cell_text) is not signed either.
    text = strip_invisible(_CONTROL.sub("", _unescape(str(value))))
    return " ".join(text.split())


def _mac(secret: bytes, parts: Iterable[str]) -> bytes:
    message = _SEP.join((SIGNATURE_VERSION, *parts)).encode("utf-8", "surrogatepass")
    return hmac.new(secret, message, hashlib.sha256).digest()


def head_signature(secret: bytes, identity: ExportIdentity, campaign: str, partner: str) -> str:
    """The signature of the workbook's head (identity and names shown in messages).

    The names are signed as :func:`canonical` reads them, so that a name with a
    control character (which the workbook cannot hold) verifies once written.
    """
    parts = ("head", *identity.fields(), canonical(campaign), canonical(partner))
    return _mac(secret, parts).hex()


def row_signature(
    secret: bytes,
    identity: ExportIdentity,
    key: str,
    siret: str,
    adviser_id: str,
    values: Iterable[object],
) -> str:
    """The signature of one exported row: its key, SIRET, adviser and locked values."""
    parts = ("row", *identity.fields(), key, siret, adviser_id, *map(canonical, values))
    return _mac(secret, parts)[:_ROW_DIGEST].hex()


def name_signature(
    secret: bytes, identity: ExportIdentity, key: str, siret: str, adviser_id: str, name: object
) -> str:
    """The signature of a row's SIRET, adviser and name, for a row re-typed without its key."""
    parts = ("name", *identity.fields(), key, siret, adviser_id, canonical(name))
    return _mac(secret, parts)[:_ROW_DIGEST].hex()


def verify(expected: str, found: str | None) -> bool:
    """Whether a signature read back is the expected one (constant-time compare)."""
    if not found:
        return False
    return hmac.compare_digest(expected.encode("ascii"), found.strip().lower().encode())
