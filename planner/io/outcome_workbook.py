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
from pathlib import Path
from typing import Any

from planner.domain import clock
from planner.domain.errors import InputError
from planner.domain.export_signature import (
    ExportIdentity,
    head_signature,
    verify,
)
from planner.domain.french_numbers import integer
from planner.io.call_list_layout import (
    HEADERS,
    KEY_HEADER,
    MARKER,
    META_SHEET,
    OPTIONAL_HEADERS,
)
from planner.io.outcome_records import (
    UNSIGNED_WARNING,
    CampaignKey,
    FilledRow,
    ReadBack,
    Rejection,
    _Entry,
    _is_id,
    _Reading,
    _siret,
    _text,
)
from planner.io.outcome_rows import _read_row
from planner.io.workbook_limits import DEFAULT_LIMITS, WorkbookLimits, check_workbook_archive

__all__ = [
    "UNSIGNED_WARNING",
    "CampaignKey",
    "FilledRow",
    "ReadBack",
    "Rejection",
    "read_outcome_workbook",
]


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
    from openpyxl import load_workbook  # kept off the app's start-up

    try:
        # Read-only mode streams each sheet's XML instead of building every
        # cell object of the workbook first. Formulas are read as formulas
        # (data_only=False): reported, never evaluated nor taken for values.
        wb = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # anything openpyxl raises on a hostile file
        raise _unreadable(name, exc) from exc
    try:
        return _read_workbook(wb, name, campaign, limits, today or clock.today())
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
                f"onglet « {ws.title} » : plus de {integer(limits.max_rows)} lignes, "
                "classeur refusé",
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
    if campaign is not None and campaign.withheld:
        raise InputError(
            "relire un classeur signé demande le rôle coordination : confiez-le au "
            f"coordinateur de la campagne « {campaign.name} », qui détient la clé de "
            "signature des listes d'appels (rien n'a été relu)",
            file=name,
        )
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
        missing = [
            h for h in HEADERS if h not in titles and h != KEY_HEADER and h not in OPTIONAL_HEADERS
        ]
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
