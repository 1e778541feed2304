"""Dates and numbers as partners type them in a spreadsheet."""

from __future__ import annotations

import datetime as dt
import re

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")


def _year(text: str) -> int:
    year = int(text)
    return 2000 + year if len(text) == 2 else year


def parse_typed_date(value: object) -> dt.date | None:
    """A date from a cell: a date, an Excel serial, ``12/3/25``, ``12/03/2025``, ``2025-03-12``.

    Blank gives None; anything else unreadable raises ``ValueError`` with a French reason.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise ValueError(f"date illisible : {value!r}")
    if isinstance(value, int | float):
        serial = float(value)
        if not 1 <= serial < 2_958_466:
            raise ValueError(f"date illisible : {value!r}")
        return _EXCEL_EPOCH + dt.timedelta(days=int(serial))
    text = str(value).strip()
    if not text:
        return None
    try:
        if match := _DMY.match(text):
            day, month, year = match.groups()
            return dt.date(_year(year), int(month), int(day))
        if match := _ISO.match(text):
            year, month, day = match.groups()
            return dt.date(int(year), int(month), int(day))
        if text.isdigit():
            return parse_typed_date(int(text))
    except ValueError:
        pass
    raise ValueError(f"date illisible « {text} » (attendu jj/mm/aaaa)")


def parse_typed_count(value: object) -> int | None:
    """A whole, non-negative number from a cell, including numbers stored as text."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(f"nombre illisible : {value!r}")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"nombre non entier : {value}")
        number = int(value)
    else:
        text = str(value).strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
        text = text.replace(",", ".")
        try:
            as_float = float(text)
        except ValueError:
            raise ValueError(f"nombre illisible « {value} »") from None
        if not as_float.is_integer():
            raise ValueError(f"nombre non entier « {value} »")
        number = int(as_float)
    if number < 0:
        raise ValueError(f"nombre négatif : {number}")
    return number
