"""Read a commune → France Travail BMO bassin table (CSV).

Third-party reshapings of France Travail's list drop leading zeros and vary
in separator and line ends; columns are found by name.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from planner.domain.errors import InputError
from planner.io.ze_workbook import Zone

_COMMUNE_COLUMNS = ("code_commune_insee", "codgeo", "code_commune", "insee_com", "com")
_BASSIN_COLUMNS = ("code_bassin_bmo", "code_bassin", "be", "bassin")
_LABEL_COLUMNS = ("lib_bassin_bmo", "libelle_bassin", "lib_bassin", "nombe")


def _find(header: list[str], candidates: tuple[str, ...]) -> int | None:
    lowered = [h.strip().lower() for h in header]
    for candidate in candidates:
        if candidate in lowered:
            return lowered.index(candidate)
    return None


def read_bmo_bassins(path: Path) -> dict[str, Zone]:
    """Every BMO bassin of the table, by code.

    Raises:
        InputError: unreadable file, missing columns, or a bad commune code.
    """
    name = Path(path).name
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        text = Path(path).read_bytes().decode("cp1252")
    except OSError as exc:
        raise InputError(f"impossible de lire le fichier ({exc.strerror}).", file=name) from exc
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        raise InputError("le fichier est vide.", file=name, line=1)
    commune_col = _find(header, _COMMUNE_COLUMNS)
    bassin_col = _find(header, _BASSIN_COLUMNS)
    label_col = _find(header, _LABEL_COLUMNS)
    if commune_col is None or bassin_col is None:
        raise InputError(
            "ce fichier n'est pas une table des bassins BMO : colonnes "
            "code_commune_insee et code_bassin_BMO attendues.",
            file=name,
            line=1,
        )
    members: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    for record in reader:
        if not any(field.strip() for field in record):
            continue
        line = reader.line_num
        if len(record) <= max(commune_col, bassin_col):
            raise InputError("la ligne est incomplète.", file=name, line=line)
        commune = record[commune_col].strip()
        if commune.isdigit() and len(commune) == 4:
            commune = "0" + commune  # the leading zero was lost by a spreadsheet
        if not (len(commune) == 5 and commune.isalnum()):
            raise InputError(
                f"code commune invalide « {commune} ».",
                file=name,
                line=line,
                column=header[commune_col],
            )
        bassin = record[bassin_col].strip()
        members.setdefault(bassin, []).append(commune)
        if label_col is not None and label_col < len(record):
            labels.setdefault(bassin, record[label_col].strip())
    return {
        code: Zone(code, labels.get(code, code), tuple(communes))
        for code, communes in members.items()
    }
