"""Which columns of a partner's portfolio hold the SIRET, the adviser's e-mail and the
since-date: found by their headers (never a siège or SIREN column, never the firm's own
e-mail nor its creation date), or by their content; and a SIRET read from one cell.

Used by :mod:`planner.io.partner_portfolio_file`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from openpyxl.utils import column_index_from_string, get_column_letter

from planner.domain.cell_text import strip_controls
from planner.domain.errors import InputError
from planner.io.supported_firms_file import normalise_siret

MAX_COLUMNS = 200
MAX_CELL_CHARS = 10_000
_SCAN_ROWS = 50
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?[eE]\+?\d+$")
_EMAIL_HEADERS = ("mail", "courriel")
_ADVISER_HEADERS = ("conseiller", "referent", "charge")
_FIRM_HEADERS = ("entreprise", "societe", "etablissement", "employeur", "client", "dirigeant")
_SINCE_HEADERS = ("depuis", "suivi", "debut", "since", "entree")
_NOT_SINCE_HEADERS = ("creation", "naissance", "immatriculation", *_ADVISER_HEADERS)
_NOT_SIRET_HEADERS = ("siege", "siren")


def _norm(value: str) -> str:
    text = unicodedata.normalize("NFKD", value.strip().lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def _text(value: object) -> str:
    """A cell as text: no control character, one line, bounded."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = strip_controls(str(value), one_line=True).strip()
    return text[:200] + "…" if len(text) > 200 else text


def siret_from_cell(raw: object) -> tuple[str | None, str | None]:
    """``(siret, None)`` for a usable SIRET, else ``(None, French reason)``.

    Beyond :func:`normalise_siret`: a number in scientific notation whose
    mantissa writes every digit (``1.2345678901234E13``, as a CSV written from a
    spreadsheet shows it) is read exactly; with fewer (``4.00465E13``) the last
    digits may be lost zeros or lost figures, so it is refused.
    """
    if isinstance(raw, str):
        text = raw.strip().lstrip("'")
        if _SCIENTIFIC.match(text):
            mantissa = text.split("e")[0].split("E")[0].replace(",", ".")
            significant = len(mantissa.replace(".", "").lstrip("0"))
            try:
                value = Decimal(text.replace(",", "."))
            except InvalidOperation:
                value = Decimal(-1)
            if value == value.to_integral_value() and value > 0:
                digits = str(int(value))
                if significant == len(digits) and 10 <= len(digits) <= 14:
                    return normalise_siret(int(value))
    return normalise_siret(raw)


@dataclass(frozen=True)
class _Columns:
    header_line: int  # index of the first data row
    siret: int
    siret_label: str
    email: int | None
    email_label: str | None
    since: int | None
    since_label: str | None


def _label(index: int, header: str) -> str:
    return str(get_column_letter(index + 1)) + (f" ({header})" if header else "")


def _has(header: str, words: tuple[str, ...]) -> bool:
    return any(w in header for w in words)


def _chosen_column(header: list[str], normed: list[str], chosen: str, name: str) -> int:
    """The column the user named: a letter (``C``) or a header."""
    wanted = _norm(chosen)
    matches = [i for i, h in enumerate(normed) if h and h == wanted]
    if not matches and re.fullmatch(r"[a-z]{1,3}", wanted):
        index = int(column_index_from_string(wanted.upper())) - 1
        if index < max(len(header), MAX_COLUMNS):
            return index
    if len(matches) == 1:
        return matches[0]
    shown = ", ".join(_label(i, h) for i, h in enumerate(header) if h) or "aucun"
    raise InputError(
        f"colonne SIRET « {chosen} » introuvable : donnez sa lettre ou son en-tête exact "
        f"(en-têtes du fichier : {shown}).",
        file=name,
        line=1,
    )


def _siret_by_header(header: list[str], normed: list[str], name: str) -> int | None:
    """The establishments' SIRET column by its header; refused when two qualify.

    A header that is exactly « SIRET » or names the establishment wins over one
    that merely contains « siret »; one naming the head office or the SIREN never
    qualifies (a head office's SIRET is not the followed establishment's).
    """
    candidates = [
        i for i, h in enumerate(normed) if "siret" in h and not _has(h, _NOT_SIRET_HEADERS)
    ]
    strong = [i for i in candidates if normed[i] == "siret" or "etablissement" in normed[i]]
    for group in (strong, candidates):
        if len(group) == 1:
            return group[0]
        if len(group) > 1:
            shown = ", ".join(_label(i, header[i]) for i in group)
            raise InputError(
                f"plusieurs colonnes peuvent donner le SIRET de l'établissement : {shown}. "
                "Choisissez-en une (option --siret-column en ligne de commande, champ "
                "« Colonne SIRET » dans la fenêtre d'import), ou renommez les autres.",
                file=name,
                line=1,
            )
    return None


def _adviser_email_column(normed: list[str], rows: list[list[object]], taken: int) -> int | None:
    """The adviser's e-mail column by header: one naming the adviser (conseiller,
    référent, chargé) with e-mails, else an e-mail header that names no firm."""

    def mostly_emails(i: int) -> bool:
        filled = [_text(r[i]) for r in rows[:_SCAN_ROWS] if i < len(r) and _text(r[i])]
        return bool(filled) and sum(bool(_EMAIL.match(v)) for v in filled) * 2 >= len(filled)

    for i, h in enumerate(normed):
        if (
            i != taken
            and _has(h, _ADVISER_HEADERS)
            and (_has(h, _EMAIL_HEADERS) or mostly_emails(i))
        ):
            return i
    for i, h in enumerate(normed):
        if i != taken and _has(h, _EMAIL_HEADERS) and not _has(h, _FIRM_HEADERS):
            return i
    return None


def _find_columns(
    rows: list[list[object]], name: str, chosen: str | None = None
) -> _Columns | None:
    start = next((i for i, r in enumerate(rows) if any(_text(v) for v in r)), None)
    if start is None:
        return None
    header = [_text(v) for v in rows[start]]
    normed = [_norm(h) for h in header]
    first_is_data = False
    if chosen is not None:
        siret: int | None = _chosen_column(header, normed, chosen, name)
        first_is_data = siret_from_cell(_cell(rows[start], siret))[0] is not None
    else:
        siret = _siret_by_header(header, normed, name)
    if siret is None:
        sample = rows[start : start + _SCAN_ROWS]
        width = max(len(r) for r in sample)
        counts = [
            0
            if _has(normed[i] if i < len(normed) else "", _NOT_SIRET_HEADERS)
            else sum(1 for r in sample if i < len(r) and siret_from_cell(r[i])[0] is not None)
            for i in range(width)
        ]
        best = max(range(width), key=counts.__getitem__) if width else None
        if best is None or counts[best] < max(1, len(sample) // 2):
            return None
        siret = best
        first_is_data = siret_from_cell(rows[start][best])[0] is not None
    data_start = start if first_is_data else start + 1
    shown = [""] * len(header) if first_is_data else header
    email = None if first_is_data else _adviser_email_column(normed, rows[data_start:], siret)
    if first_is_data:
        sample = rows[data_start : data_start + _SCAN_ROWS]
        width = max((len(r) for r in sample), default=0)
        for i in range(width):
            filled = [_text(r[i]) for r in sample if i < len(r) and _text(r[i])]
            if (
                i != siret
                and filled
                and sum(bool(_EMAIL.match(v)) for v in filled) * 2 >= len(filled)
            ):
                email = i
                break
    since = (
        None
        if first_is_data
        else next(
            (
                i
                for i, h in enumerate(normed)
                if i not in (siret, email)
                and _has(h, _SINCE_HEADERS)
                and not _has(h, _NOT_SINCE_HEADERS)
            ),
            None,
        )
    )
    return _Columns(
        header_line=data_start,
        siret=siret,
        siret_label=_label(siret, shown[siret] if siret < len(shown) else ""),
        email=email,
        email_label=None
        if email is None
        else _label(email, shown[email] if email < len(shown) else ""),
        since=since,
        since_label=None if since is None else _label(since, header[since]),
    )


def _cell(row: list[object], index: int | None) -> object:
    if index is None or index >= len(row):
        return None
    value = row[index]
    if isinstance(value, str):
        value = strip_controls(value, one_line=True).strip()
        if len(value) > MAX_CELL_CHARS:
            value = value[:MAX_CELL_CHARS]
    return value
