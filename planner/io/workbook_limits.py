"""Bounds checked on a workbook sent back by someone else, before it is parsed.

An ``.xlsx`` is a zip of XML parts: a small file can declare parts of
hundreds of megabytes (an 11 MB workbook took 90 s and 950 MB to read), or
compress a part a thousandfold. The zip's central directory declares every
part's size; Python's ``zipfile`` never inflates a part beyond its declared
size (it stops there and reports a bad CRC), so checking the declared sizes
and ratios first bounds what openpyxl will ever parse.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from planner.domain.errors import InputError

_MB = 1024 * 1024


@dataclass(frozen=True)
class WorkbookLimits:
    """What a workbook read back may hold."""

    max_uncompressed: int = 200 * _MB  # all parts together, as declared
    max_ratio: float = 100.0  # uncompressed / compressed size of one part
    ratio_from: int = 1 * _MB  # parts smaller than this are not ratio-checked
    max_parts: int = 10_000
    max_rows: int = 200_000  # rows per sheet, counted while reading


DEFAULT_LIMITS = WorkbookLimits()


def _size(n: int) -> str:
    return f"{n / _MB:,.0f} Mo".replace(",", "\u202f")


def check_workbook_archive(path: Path, limits: WorkbookLimits = DEFAULT_LIMITS) -> None:
    """Refuse (``InputError`` naming the file) a workbook too big to be read safely.

    Also refuses a file that is not a zip at all (not a workbook).
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
                rate = f"{ratio:,.0f}".replace(",", "\u202f")
                raise InputError(
                    f"classeur refusé : la partie « {part.filename} » déclare "
                    f"{_size(part.file_size)} pour {part.compress_size} octets compressés "
                    f"(taux {rate}:1, au plus {limits.max_ratio:.0f}:1)",
                    file=name,
                )
    if total > limits.max_uncompressed:
        raise InputError(
            f"classeur refusé : trop volumineux ({_size(total)} une fois décompressé, "
            f"au plus {_size(limits.max_uncompressed)})",
            file=name,
        )
