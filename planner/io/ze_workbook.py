"""Read INSEE's zones d'emploi workbook (ZE2020): which communes make each zone.

INSEE puts a few title rows above the header; the header row is found by its
``CODGEO`` cell, never by a fixed row number.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from planner.domain.errors import InputError


@dataclass(frozen=True)
class Zone:
    """A zone (d'emploi, bassin BMO…) as its source lists it.

    Attributes:
        code: the zone's code, e.g. ``1109``.
        label: its name, e.g. ``Paris``.
        communes: commune codes as the source gives them (maybe former codes).
    """

    code: str
    label: str
    communes: tuple[str, ...]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_ze_workbook(path: Path) -> dict[str, Zone]:
    """Every zone d'emploi of the workbook, by code.

    Raises:
        InputError: the file is not an xlsx workbook, or has no
            ``CODGEO``/``ZE…`` header.
    """
    name = Path(path).name
    from openpyxl import load_workbook  # kept off the app's start-up

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a non-workbook
        raise InputError(
            f"ce fichier n'est pas un classeur Excel lisible ({type(exc).__name__}).", file=name
        ) from exc
    try:
        sheets = sorted(workbook.worksheets, key=lambda ws: ws.title != "Composition_communale")
        for sheet in sheets:
            zones = _read_sheet(sheet, name)
            if zones is not None:
                return zones
    finally:
        workbook.close()
    raise InputError(
        "ce classeur n'est pas celui des zones d'emploi de l'INSEE : aucune feuille n'a "
        "d'en-tête avec les colonnes CODGEO et ZE2020.",
        file=name,
    )


def _read_sheet(sheet: object, name: str) -> dict[str, Zone] | None:
    rows = sheet.iter_rows(values_only=True)  # type: ignore[attr-defined]
    header: list[str] | None = None
    header_line = 0
    for line, row in enumerate(rows, start=1):
        cells = [_text(v) for v in row]
        if "CODGEO" in cells:
            header = cells
            header_line = line
            break
        if line > 50:
            return None
    if header is None:
        return None
    code_col = header.index("CODGEO")
    ze_cols = [i for i, c in enumerate(header) if c.startswith("ZE") and c[2:].isdigit()]
    if not ze_cols:
        raise InputError(
            "l'en-tête n'a pas de colonne ZE2020 (code de la zone d'emploi).",
            file=name,
            line=header_line,
        )
    ze_col = ze_cols[0]
    label_name = "LIB" + header[ze_col]
    label_col = header.index(label_name) if label_name in header else None
    members: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    for line, row in enumerate(rows, start=header_line + 1):
        cells = [_text(v) for v in row]
        if len(cells) <= max(code_col, ze_col) or not any(cells):
            continue
        commune, zone = cells[code_col], cells[ze_col]
        if not commune and not zone:
            continue
        if not (commune.isalnum() and len(commune) == 5):
            from openpyxl.utils import get_column_letter

            raise InputError(
                f"code commune invalide « {commune} » (5 caractères attendus).",
                file=name,
                line=line,
                column=f"{get_column_letter(code_col + 1)} (CODGEO)",
            )
        members.setdefault(zone, []).append(commune)
        if label_col is not None and label_col < len(cells):
            labels.setdefault(zone, cells[label_col])
    return {
        code: Zone(code, labels.get(code, code), tuple(communes))
        for code, communes in members.items()
    }
