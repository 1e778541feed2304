"""Text rules for every file planner writes: no live formula, no control
character, no bidirectional override that could reverse printed text.

Pure functions; the writers in ``planner/io/`` apply them (workbooks, CSV,
iCalendar, printed PDFs).
"""

from __future__ import annotations

import re

FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
EXCEL_CELL_LIMIT = 32767
"""Characters a workbook cell holds (Excel refuses more)."""

# C0 controls but tab, LF and CR; DEL; C1 controls. CR is dropped in every format
# (a lone CR is a line break to some readers and not to others).
CONTROL_CLASS = r"[\x00-\x08\x0b-\x1f\x7f-\x9f]"
"""The characters stripped from text (a regular expression both ``re`` and polars read)."""
_CONTROLS = re.compile(CONTROL_CLASS)
_CONTROLS_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
BIDI_CLASS = "[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]"
"""Explicit bidirectional formatting characters, neutralised in printed text."""
_BIDI_CONTROLS = re.compile(BIDI_CLASS)
INVISIBLE_CLASS = "[\u202a-\u202e\u2066-\u2069\u200b-\u200f\u061c\u2060-\u2064\ufeff]"
"""Bidirectional formatting characters and zero-width ones (spaces, joiners, word joiner,
BOM): text holding them displays other than it reads; dropped from every file written."""
_INVISIBLE = re.compile(INVISIBLE_CLASS)


def strip_invisible(text: str) -> str:
    """``text`` without bidirectional formatting nor zero-width characters."""
    return _INVISIBLE.sub("", text) if _INVISIBLE.search(text) else text


def starts_formula(text: str) -> bool:
    """Whether a spreadsheet would read ``text`` as a formula (or DDE call)."""
    return text.startswith(FORMULA_STARTS)


def strip_controls(text: str, *, one_line: bool = False) -> str:
    """``text`` without control characters (NUL, 0x01–0x1F, DEL, C1).

    Tab and line feed are kept unless ``one_line``; CR is always dropped.
    """
    pattern = _CONTROLS_ONE_LINE if one_line else _CONTROLS
    text = text.replace("\r\n", "\n") if "\r" in text else text
    return pattern.sub("", text) if pattern.search(text) else text


def neutralise_bidi(text: str) -> str:
    """``text`` without explicit bidirectional embeddings, overrides, isolates and marks.

    A U+202E (RIGHT-TO-LEFT OVERRIDE) in a firm's name would otherwise print
    everything after it backwards. Arabic or Hebrew letters need none of these
    characters: the Unicode bidirectional algorithm orders them by itself.
    """
    return _BIDI_CONTROLS.sub("", text) if _BIDI_CONTROLS.search(text) else text


def workbook_text(text: str) -> str:
    """``text`` as a workbook cell holds it: no control character but tab and LF, no
    bidirectional nor zero-width character, at most 32,767 characters. Written as a
    typed string, it is never a formula."""
    text = strip_invisible(strip_controls(text))
    return text[:EXCEL_CELL_LIMIT] if len(text) > EXCEL_CELL_LIMIT else text


def csv_text(text: str) -> str:
    """``text`` for a CSV cell: no control character, and prefixed with an
    apostrophe when a spreadsheet would read it as a formula."""
    return safe_text(strip_invisible(strip_controls(text)))


def printed_text(text: str) -> str:
    """``text`` for a printed page: no control character (tabs become spaces),
    no bidirectional override."""
    return strip_invisible(strip_controls(text).replace("\t", " "))


def calendar_text(text: str) -> str:
    """``text`` for an iCalendar TEXT value: RFC 5545 allows no control
    character but tab (line feeds are escaped as ``\\n`` by the writer)."""
    return strip_invisible(strip_controls(text))


def safe_text(text: str) -> str:
    """``text`` for a CSV cell: as-is when harmless, else prefixed with an apostrophe.

    Workbook cells do not need this: the writer stores such values as typed
    strings, which no spreadsheet evaluates.
    """
    return "'" + text if starts_formula(text) else text
