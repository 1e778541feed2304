"""Read a call list workbook back once a partner has filled it in.

The reader finds the data sheets by their header row (sheets may be renamed
or re-ordered, rows re-sorted or deleted), ties each row to the export by its
key (or, for a row added without key, by a SIRET of the export), and turns
what was typed into checked values. Each problem becomes a rejection naming
the file, the sheet, the row and the column, in French. A workbook that is not
one of ours is refused with an ``InputError``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

from openpyxl import load_workbook
from openpyxl.utils.escape import unescape
from openpyxl.utils.exceptions import InvalidFileException

from planner.domain.errors import InputError
from planner.domain.outcomes import WITH_NEED, normalize_outcome
from planner.domain.typed_dates import parse_typed_count, parse_typed_date
from planner.io.call_list_workbook import HEADERS, KEY_HEADER, MARKER, META_SHEET, row_checksum


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
    exported_at: dt.datetime
    exported: dict[str, str]  # key -> siret
    filled: list[FilledRow] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    blank: int = 0


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _siret(value: Any) -> str | None:
    text = _text(value)
    if text is None:
        return None
    digits = text.replace(" ", "").replace("\xa0", "")
    return digits.zfill(14) if digits.isdigit() and len(digits) <= 14 else digits


def _name_matches(siret: str, value: Any, checksum: str) -> bool:
    """Whether the name read matches the checksum of the name exported."""
    if row_checksum(siret, _text(value) or "") == checksum:
        return True
    if value is None:
        return False
    # Surrounding spaces were exported too; openpyxl leaves an escaped ``_x005F_``
    # of an inline string as it is.
    raw = str(value)
    return any(row_checksum(siret, name) == checksum for name in (raw, unescape(raw)))


def _meta(wb: Any, name: str) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    if META_SHEET not in wb.sheetnames:
        raise InputError(
            "ce classeur n'est pas une liste d'appels exportée par planner "
            "(onglet technique « _planner » absent)",
            file=name,
        )
    rows = list(_sheet_rows(wb[META_SHEET]))
    head: dict[str, str] = {}
    for row in rows[:3]:
        cells = [_text(v) or "" for v in row[:4]] + [""] * 4
        head[cells[0]] = cells[1]
        head[cells[2]] = cells[3]
    if head.get("marker") != MARKER:
        raise InputError("ce classeur n'est pas une liste d'appels exportée par planner", file=name)
    keys: dict[str, tuple[str, str]] = {}
    for row in rows[4:]:
        key, siret, checksum = (list(row[:3]) + [None] * 3)[:3]
        if key:
            keys[str(key)] = (_siret(siret) or "", _text(checksum) or "")
    return head, keys


def read_outcome_workbook(path: Path) -> ReadBack:
    """Read one filled call list; raises ``InputError`` if the file is not ours."""
    name = path.name
    try:
        # Read-only mode streams each sheet's XML instead of building every
        # cell object of the workbook first.
        wb = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InputError(f"classeur Excel illisible ({exc})", file=name) from exc
    try:
        return _read_workbook(wb, name)
    finally:
        wb.close()


def _sheet_rows(ws: Any) -> Iterator[tuple[Any, ...]]:
    """The rows' values, from row 1; the size the file declares is not trusted
    (a wrong ``<dimension>`` written by another program would cut rows off)."""
    ws.reset_dimensions()
    yield from ws.iter_rows(values_only=True)


def _read_workbook(wb: Any, name: str) -> ReadBack:
    head, keys = _meta(wb, name)
    try:
        exported_at = dt.datetime.fromisoformat(head.get("exported_at", ""))
    except ValueError:
        raise InputError("date d'export illisible dans l'onglet technique", file=name) from None
    back = ReadBack(
        file=name,
        campaign=head.get("campaign", ""),
        partner=head.get("partner", ""),
        batch=head.get("batch", ""),
        exported_at=exported_at,
        exported={k: s for k, (s, _c) in keys.items()},
    )
    by_siret = {s: k for k, (s, _c) in keys.items()}
    seen: set[str] = set()
    found = False
    for ws in wb.worksheets:
        if ws.title == META_SHEET:
            continue
        rows = _sheet_rows(ws)
        header = next(rows, None)
        titles = [(_text(v) or "") for v in header or ()]
        if "SIRET" not in titles or "Résultat" not in titles:
            continue
        found = True
        missing = [h for h in HEADERS if h not in titles and h != KEY_HEADER]
        if missing:
            raise InputError(
                f"onglet « {ws.title} » : colonne(s) supprimée(s) : {', '.join(missing)}",
                file=name,
                line=1,
            )
        col = {h: titles.index(h) for h in HEADERS if h in titles}
        for number, values in enumerate(rows, start=2):
            _read_row(back, ws.title, number, values, col, keys, by_siret, seen)
    if not found:
        raise InputError("aucun onglet de liste d'appels (colonnes SIRET et Résultat)", file=name)
    return back


def _read_row(
    back: ReadBack,
    sheet: str,
    number: int,
    values: tuple[Any, ...],
    col: dict[str, int],
    keys: dict[str, tuple[str, str]],
    by_siret: dict[str, str],
    seen: set[str],
) -> None:
    def get(header: str) -> Any:
        index = col.get(header)
        return values[index] if index is not None and index < len(values) else None

    exported: list[str] = []  # the SIRET the row's key stands for, once known

    def reject(reason: str, column: str | None = None) -> None:
        back.rejected.append(
            Rejection(
                back.file,
                sheet,
                number,
                column,
                siret,
                reason,
                tuple(values),
                exported[0] if exported else None,
            )
        )

    if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
        return
    siret = _siret(get("SIRET"))
    outcome_text = _text(get("Résultat"))
    key = _text(get(KEY_HEADER))
    if key is not None and key not in keys:
        reject(f"clé inconnue « {key} » (ligne copiée d'un autre fichier ?)", KEY_HEADER)
        return
    if key is None:
        if siret is None or siret not in by_siret:
            if outcome_text is None:
                back.blank += 1
                return
            reject("ligne ajoutée sans clé pour un SIRET absent de cette liste", "SIRET")
            return
        key = by_siret[siret]
    expected_siret, checksum = keys[key]
    exported.append(expected_siret)
    if siret != expected_siret:
        reject(f"SIRET modifié (attendu {expected_siret})", "SIRET")
        return
    if checksum and not _name_matches(expected_siret, get("Nom"), checksum):
        reject("colonne verrouillée modifiée (le nom ne correspond plus à l'export)", "Nom")
        return
    if key in seen:
        reject("entreprise présente deux fois dans le fichier", "SIRET")
        return
    seen.add(key)
    if outcome_text is None:
        back.blank += 1
        return
    outcome = normalize_outcome(outcome_text)
    if outcome is None:
        reject(f"résultat inconnu « {outcome_text} »", "Résultat")
        return
    try:
        date = parse_typed_date(get("Date de l'appel"))
    except ValueError as exc:
        reject(str(exc), "Date de l'appel")
        return
    if date is None:
        reject("date de l'appel manquante", "Date de l'appel")
        return
    if date > dt.date.today():
        reject(f"date de l'appel dans le futur ({date:%d/%m/%Y})", "Date de l'appel")
        return
    try:
        posts = parse_typed_count(get("Nombre de postes"))
    except ValueError as exc:
        reject(str(exc), "Nombre de postes")
        return
    rome = _text(get("Métier ROME"))
    if rome is not None:
        rome = rome.upper().replace(" ", "")
        if not (len(rome) == 5 and rome[0].isalpha() and rome[1:].isdigit()):
            reject(f"code ROME invalide « {rome} » (ex. : N1103)", "Métier ROME")
            return
    if outcome not in WITH_NEED and posts:
        reject(f"postes saisis alors que le résultat est « {outcome} »", "Nombre de postes")
        return
    back.filled.append(
        FilledRow(
            file=back.file,
            sheet=sheet,
            row=number,
            key=key,
            siret=expected_siret,
            date=date,
            outcome=outcome,
            contact_person=_text(get("Interlocuteur")),
            phone=_text(get("Téléphone")),
            email=_text(get("Courriel")),
            posts=posts,
            rome_code=rome,
            session_interest=_text(get("Intérêt session découverte")),
            next_step=_text(get("Prochaine étape")),
            comment=_text(get("Commentaire")),
            adviser=_text(get("Conseiller")),
        )
    )
