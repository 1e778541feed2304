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

from openpyxl import load_workbook
from openpyxl.utils.escape import unescape

from planner.domain.errors import InputError
from planner.domain.export_signature import (
    ExportIdentity,
    head_signature,
    name_signature,
    row_signature,
    verify,
)
from planner.domain.outcomes import (
    WITH_NEED,
    implausible_call_date,
    implausible_posts,
    normalize_outcome,
)
from planner.domain.typed_dates import parse_typed_count, parse_typed_date
from planner.io.call_list_workbook import (
    FILL_COLUMNS,
    HEADERS,
    KEY_COLUMNS,
    KEY_HEADER,
    MARKER,
    META_SHEET,
    row_checksum,
)
from planner.io.workbook_limits import DEFAULT_LIMITS, WorkbookLimits, check_workbook_archive

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


def _name_matches(siret: str, value: Any, checksum: str) -> bool:
    """Whether the name read matches the checksum of the name exported (format 1)."""
    if row_checksum(siret, _text(value) or "") == checksum:
        return True
    if value is None:
        return False
    # Surrounding spaces were exported too; openpyxl leaves an escaped ``_x005F_``
    # of an inline string as it is.
    raw = str(value)
    return any(row_checksum(siret, name) == checksum for name in (raw, unescape(raw)))


def _unreadable(name: str, exc: BaseException, sheet: str | None = None) -> InputError:
    """The French refusal of a workbook that openpyxl could not parse."""
    while exc.__cause__ is not None:  # openpyxl wraps the parser's error in a ValueError
        exc = exc.__cause__
    kind = type(exc).__name__
    if kind in ("EntitiesForbidden", "DTDForbidden", "ExternalReferenceForbidden"):
        reason = "entités XML interdites dans le fichier (classeur piégé ou endommagé)"
    elif kind in ("ParseError", "XMLSyntaxError", "SAXParseException"):
        reason = f"XML endommagé ({str(exc)[:120]})"
    else:
        reason = f"{kind} : {str(exc)[:120]}" if str(exc) else kind
    where = f"onglet « {sheet} » : " if sheet else ""
    return InputError(f"{where}classeur Excel illisible ({reason})", file=name)


def read_outcome_workbook(
    path: Path,
    campaign: CampaignKey | None = None,
    *,
    limits: WorkbookLimits = DEFAULT_LIMITS,
    today: dt.date | None = None,
) -> ReadBack:
    """Read one filled call list.

    A signed workbook is checked against ``campaign`` (its id and key); an
    unsigned one (exported before signatures) is read with a warning.

    Raises:
        InputError: the file is not one of ours, is too big or unreadable,
            comes from another campaign, or its signed head was changed.
    """
    name = path.name
    check_workbook_archive(path, limits)
    try:
        # Read-only mode streams each sheet's XML instead of building every
        # cell object of the workbook first. Formulas are read as formulas
        # (data_only=False): reported, never evaluated nor taken for values.
        wb = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # anything openpyxl raises on a hostile file
        raise _unreadable(name, exc) from exc
    try:
        return _read_workbook(wb, name, campaign, limits, today or dt.date.today())
    finally:
        wb.close()


def _sheet_rows(
    ws: Any, name: str, limits: WorkbookLimits
) -> Iterator[tuple[tuple[Any, ...], frozenset[int]]]:
    """Each row's values and the indexes of its formula cells, from row 1.

    The size the file declares is not trusted (a wrong ``<dimension>`` written
    by another program would cut rows off); rows are counted instead.
    """
    ws.reset_dimensions()
    rows = ws.iter_rows()
    count = 0
    while True:
        try:
            cells = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # damaged XML, forbidden entities, bad zip member
            raise _unreadable(name, exc, ws.title) from exc
        count += 1
        if count > limits.max_rows:
            raise InputError(
                f"onglet « {ws.title} » : plus de {limits.max_rows:,} lignes, "
                "classeur refusé".replace(",", "\u202f"),
                file=name,
            )
        values = tuple(c.value for c in cells)
        formulas = frozenset(i for i, c in enumerate(cells) if c.data_type == "f")
        yield values, formulas


def _meta(wb: Any, name: str, limits: WorkbookLimits) -> tuple[dict[str, str], dict[str, _Entry]]:
    if META_SHEET not in wb.sheetnames:
        raise InputError(
            "ce classeur n'est pas une liste d'appels exportée par planner "
            "(onglet technique « _planner » absent)",
            file=name,
        )
    head: dict[str, str] = {}
    keys: dict[str, _Entry] = {}
    in_head = True
    for row, _formulas in _sheet_rows(wb[META_SHEET], name, limits):
        cells = [_text(v) or "" for v in row[:6]] + [""] * 6
        if in_head:
            if cells[0] == "key":
                in_head = False
            else:
                head[cells[0]] = cells[1]
                head[cells[2]] = cells[3]
            continue
        if cells[0]:
            keys[cells[0]] = _Entry(_siret(row[1]) or "", cells[2], cells[4], cells[5])
    if head.get("marker") != MARKER or in_head:
        raise InputError("ce classeur n'est pas une liste d'appels exportée par planner", file=name)
    return head, keys


def _check_head(
    head: dict[str, str], name: str, campaign: CampaignKey | None, exported_at: dt.datetime
) -> ExportIdentity | None:
    """The signed identity of a signed workbook (None for an unsigned one).

    Raises ``InputError`` for another campaign's workbook or a changed head.
    """
    version = head.get("version", "")
    if version == "1":
        return None
    if version != "2":
        raise InputError(
            f"format de liste d'appels inconnu (version {version or '?'}) : "
            "ce classeur vient d'une version plus récente de planner",
            file=name,
        )
    origin = head.get("campaign", "") or "?"
    known = campaign is not None and campaign.campaign_id and campaign.secret
    if not known or campaign is None or head.get("campaign_id") != campaign.campaign_id:
        # Two campaigns may share a name (a copy, a campaign made again): the
        # identifiers and the export date tell them apart.
        theirs = f" (identifiant {head.get('campaign_id', '')[:8] or '?'}, exporté le " + (
            f"{exported_at:%d/%m/%Y})"
        )
        ours = f" (identifiant {campaign.campaign_id[:8]})" if known and campaign else ""
        here = f" : il ne peut pas être relu dans « {campaign.name} »{ours}" if campaign else ""
        raise InputError(
            f"ce classeur vient d'une autre campagne, « {origin} »{theirs}{here}", file=name
        )
    identity = ExportIdentity(
        head.get("campaign_id", ""),
        head.get("partner_id", ""),
        head.get("export_id", ""),
        exported_at,
    )
    expected = head_signature(
        campaign.secret, identity, head.get("campaign", ""), head.get("partner", "")
    )
    if not verify(expected, head.get("signature")):
        raise InputError(
            "onglet technique « _planner » modifié : la signature de l'export (campagne, "
            "partenaire, identifiant ou date d'export) ne correspond plus, classeur refusé",
            file=name,
        )
    return identity


def _read_workbook(
    wb: Any, name: str, campaign: CampaignKey | None, limits: WorkbookLimits, today: dt.date
) -> ReadBack:
    head, keys = _meta(wb, name, limits)
    try:
        exported_at = dt.datetime.fromisoformat(head.get("exported_at", ""))
    except ValueError:
        raise InputError("date d'export illisible dans l'onglet technique", file=name) from None
    if exported_at.tzinfo is not None:  # never written so; compared with local times
        raise InputError("date d'export illisible dans l'onglet technique", file=name)
    identity = _check_head(head, name, campaign, exported_at)
    partner_id = head.get("partner_id", "")
    back = ReadBack(
        file=name,
        campaign=head.get("campaign", ""),
        partner=head.get("partner", ""),
        batch=head.get("batch", ""),
        exported_at=exported_at,
        exported={k: e.siret for k, e in keys.items()},
        signed=identity is not None,
        campaign_id=head.get("campaign_id") or None,
        partner_id=int(partner_id) if identity is not None and _is_id(partner_id) else None,
        export_id=head.get("export_id") or None,
    )
    if identity is None:
        back.warnings.append(UNSIGNED_WARNING)
    reading = _Reading(
        back=back,
        keys=keys,
        by_siret={e.siret: k for k, e in keys.items()},
        identity=identity,
        secret=campaign.secret if campaign is not None and identity is not None else b"",
        today=today,
    )
    found = False
    for ws in wb.worksheets:
        if ws.title == META_SHEET:
            continue
        rows = _sheet_rows(ws, name, limits)
        header, _formulas = next(rows, ((), frozenset()))
        titles = [(_text(v) or "") for v in header]
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
        for number, (values, formulas) in enumerate(rows, start=2):
            _read_row(reading, ws.title, number, values, formulas, col)
    if not found:
        raise InputError("aucun onglet de liste d'appels (colonnes SIRET et Résultat)", file=name)
    return back


def _tampered(reading: _Reading, key: str, entry: _Entry, get: Any, keyless: bool) -> str | None:
    """Why a row does not match what was exported (and signed), or None."""
    if reading.identity is None:
        # Every list exported before signatures carried a name checksum per row.
        if not entry.signature:
            return "ligne sans somme de contrôle dans l'onglet technique : ajoutée, refusée"
        if not _name_matches(entry.siret, get("Nom"), entry.signature):
            return "colonne verrouillée modifiée (le nom ne correspond plus à l'export)"
        return None
    secret, identity = reading.secret, reading.identity
    name_ok = verify(
        name_signature(secret, identity, key, entry.siret, entry.adviser_id, get("Nom")),
        entry.name_signature,
    )
    if keyless:
        if name_ok:
            return None
        return "ligne ajoutée sans clé : SIRET et nom ne correspondent pas à l'export signé"
    locked = [get(h) for h in _LOCKED]
    expected = row_signature(secret, identity, key, entry.siret, entry.adviser_id, locked)
    if verify(expected, entry.signature):
        return None
    if name_ok:
        return (
            "colonne verrouillée modifiée : les valeurs exportées de la ligne "
            "ne correspondent plus à leur signature"
        )
    return (
        "ligne non signée pour cet export : clé, SIRET, nom ou conseiller modifiés "
        "(dans la liste ou dans l'onglet technique)"
    )


def _read_row(
    reading: _Reading,
    sheet: str,
    number: int,
    values: tuple[Any, ...],
    formulas: frozenset[int],
    col: dict[str, int],
) -> None:
    back, keys = reading.back, reading.keys

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
    typed = [h for h in _FILLED if col.get(h) in formulas]
    if key is not None and key not in keys:
        reject(f"clé inconnue « {key} » (ligne copiée d'un autre fichier ?)", KEY_HEADER)
        return
    keyless = key is None
    if key is None:
        if siret is None or siret not in reading.by_siret:
            if outcome_text is None and not typed:
                back.blank += 1
                return
            reject("ligne ajoutée sans clé pour un SIRET absent de cette liste", "SIRET")
            return
        key = reading.by_siret[siret]
    entry = keys[key]
    exported.append(entry.siret)
    if siret != entry.siret:
        reject(f"SIRET modifié (attendu {entry.siret})", "SIRET")
        return
    problem = _tampered(reading, key, entry, get, keyless)
    if problem:
        reject(problem, None if reading.identity is not None else "Nom")
        return
    if key in reading.seen:
        reject("entreprise présente deux fois dans le fichier", "SIRET")
        return
    reading.seen.add(key)
    if typed:
        header = typed[0]
        reject(
            f"formule saisie dans « {header} » ({str(get(header))[:60]}) : saisissez une "
            "valeur ; la formule n'a été ni calculée ni enregistrée",
            header,
        )
        return
    if outcome_text is None:
        back.blank += 1
        return
    _take_row(reading, sheet, number, key, entry, get, reject, outcome_text, keyless)


def _take_row(
    reading: _Reading,
    sheet: str,
    number: int,
    key: str,
    entry: _Entry,
    get: Any,
    reject: Any,
    outcome_text: str,
    keyless: bool = False,
) -> None:
    """Check the values typed on a row that matches the export; keep it if they hold.

    The adviser's name of a signed row re-typed without its key is not signed:
    it is left out (the service names the adviser from the signed id).
    """
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
    if problem := implausible_call_date(date, reading.today):
        reject(problem, "Date de l'appel")
        return
    try:
        posts = parse_typed_count(get("Nombre de postes"))
    except ValueError as exc:
        reject(str(exc), "Nombre de postes")
        return
    if problem := implausible_posts(posts):
        reject(problem, "Nombre de postes")
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
    for header, longest in _TEXT_LIMITS.items():
        text = _text(get(header))
        if text is not None and len(text) > longest:
            reject(f"texte trop long ({len(text)} caractères, au plus {longest})", header)
            return
    signed_adviser = reading.identity is not None and _is_id(entry.adviser_id)
    back = reading.back
    back.filled.append(
        FilledRow(
            file=back.file,
            sheet=sheet,
            row=number,
            key=key,
            siret=entry.siret,
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
            adviser=None if keyless and signed_adviser else _text(get("Conseiller")),
            adviser_id=int(entry.adviser_id) if signed_adviser else None,
        )
    )
