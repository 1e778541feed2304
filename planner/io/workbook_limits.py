"""Bounds checked on a workbook sent back by someone else, before it is parsed.

An ``.xlsx`` is a zip of XML parts: a small file can declare parts of
hundreds of megabytes (an 11 MB workbook took 90 s and 950 MB to read), or
compress a part a thousandfold. The zip's central directory declares every
part's size; Python's ``zipfile`` never inflates a part beyond its declared
size (it stops there and reports a bad CRC), so checking the declared sizes
and ratios first bounds what openpyxl will ever parse.
"""

from __future__ import annotations

import itertools
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from planner.domain.errors import InputError
from planner.domain.french_numbers import integer

_MB = 1024 * 1024


@dataclass(frozen=True)
class WorkbookLimits:
    """What a workbook read back may hold."""

    max_uncompressed: int = 200 * _MB  # all parts together, as declared
    max_ratio: float = 100.0  # uncompressed / compressed size of one part
    ratio_from: int = 1 * _MB  # parts smaller than this are not ratio-checked
    max_parts: int = 10_000
    max_rows: int = 200_000  # rows per sheet
    max_cells_per_row: int = 1_000  # a call list has a few dozen columns
    max_other_part: int = 10 * _MB  # styles, workbook, themes: a few kB when honest


DEFAULT_LIMITS = WorkbookLimits()


def _size(n: int) -> str:
    return f"{n / _MB:,.0f} Mo".replace(",", "\u202f")


def _is_bulk_part(filename: str) -> bool:
    """Parts whose size grows with the data (bounded by the total only)."""
    return filename.startswith("xl/worksheets/") or filename == "xl/sharedStrings.xml"


# Start tags of rows and cells, with any namespace prefix (``<row ``, ``<x:c>``).
# Text holds no raw "<", so these only match markup.
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?row[\s/>]")
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?c[\s/>]")
_CHUNK = 4 * _MB


def _scan_sheet(
    archive: zipfile.ZipFile, part: zipfile.ZipInfo, limits: WorkbookLimits, name: str
) -> None:
    """Count rows and cells per row in one sheet's XML, streaming, before openpyxl.

    openpyxl builds a whole row in memory: one row of millions of cells, a few
    megabytes compressed, took gigabytes. The count runs on the raw bytes with
    regular expressions (an XML parser here cost three quarters of openpyxl's
    own read); the XML itself is checked by the reader, with defusedxml.
    """
    rows = cells = 0

    def add_cells(count: int) -> None:
        nonlocal cells
        cells += count
        if cells > limits.max_cells_per_row:
            raise InputError(
                f"classeur refusé : la ligne {rows} de « {part.filename} » a "
                f"plus de {limits.max_cells_per_row} cellules",
                file=name,
            )

    try:
        with archive.open(part) as stream:
            carry = b""
            while True:
                chunk = stream.read(_CHUNK)
                data = carry + chunk
                if not data:
                    break
                # Only a tag starting at the last "<" can be cut by the chunk's end.
                cut = data.rfind(b"<") if chunk else len(data)
                cut = len(data) if cut <= 0 else cut
                starts = [m.start() for m in _ROW.finditer(data, 0, cut)]
                bounds = [*starts, cut]
                add_cells(len(_CELL.findall(data, 0, bounds[0])))
                for start, end in itertools.pairwise(bounds):
                    rows, cells = rows + 1, 0
                    if rows > limits.max_rows:
                        raise InputError(
                            f"classeur refusé : la feuille « {part.filename} » a plus de "
                            f"{integer(limits.max_rows)} lignes",
                            file=name,
                        )
                    add_cells(len(_CELL.findall(data, start, end)))
                carry = data[cut:]
                if not chunk:
                    break
                if len(carry) > _CHUNK:
                    raise InputError(
                        f"classeur illisible : XML endommagé dans « {part.filename} »", file=name
                    )
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise InputError(
            f"classeur illisible : « {part.filename} » endommagé ({exc})", file=name
        ) from None


def check_workbook_archive(path: Path, limits: WorkbookLimits = DEFAULT_LIMITS) -> None:
    """Refuse (``InputError`` naming the file) a workbook too big to be read safely.

    Checks the declared sizes and ratios, the size of the parts that do not grow
    with the data (a styles part of millions of entries), then streams each
    sheet to count its rows and the cells of each row. Also refuses a file that
    is not a zip at all (not a workbook).
    """
    name = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except zipfile.BadZipFile:
        raise InputError(
            "classeur Excel illisible (ce n'est pas un fichier .xlsx)", file=name
        ) from None
    except OSError as exc:
        raise InputError(f"classeur illisible ({exc.strerror or exc})", file=name) from None
    if len(parts) > limits.max_parts:
        raise InputError(
            f"classeur refusé : {len(parts)} parties dans l'archive (au plus {limits.max_parts})",
            file=name,
        )
    total = 0
    for part in parts:
        total += part.file_size
        if part.file_size >= limits.ratio_from:
            ratio = part.file_size / max(part.compress_size, 1)
            if ratio > limits.max_ratio:
                rate = integer(round(ratio))
                raise InputError(
                    f"classeur refusé : la partie « {part.filename} » déclare "
                    f"{_size(part.file_size)} pour {part.compress_size} octets compressés "
                    f"(taux {rate}:1, au plus {limits.max_ratio:.0f}:1)",
                    file=name,
                )
        if not _is_bulk_part(part.filename) and part.file_size > limits.max_other_part:
            raise InputError(
                f"classeur refusé : la partie « {part.filename} » déclare "
                f"{_size(part.file_size)} (au plus {_size(limits.max_other_part)})",
                file=name,
            )
    if total > limits.max_uncompressed:
        raise InputError(
            f"classeur refusé : trop volumineux ({_size(total)} une fois décompressé, "
            f"au plus {_size(limits.max_uncompressed)})",
            file=name,
        )
    with zipfile.ZipFile(path) as archive:
        for part in parts:
            if part.filename.startswith("xl/worksheets/") and part.filename.endswith(".xml"):
                _scan_sheet(archive, part, limits, name)
