"""One data row of a filled call list workbook: tamper checks, then typed values or
a rejection."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from planner.domain.export_signature import (
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
from planner.domain.service_offer import DONE, normalize_service_status
from planner.domain.typed_dates import parse_typed_count, parse_typed_date
from planner.io.call_list_layout import (
    KEY_HEADER,
    NO_MORE_HEADER,
    SERVICE_DATE_HEADER,
    SERVICE_HEADER,
    SERVICE_QUANTITY_HEADER,
    SERVICE_STATUS_HEADER,
    row_checksum,
)
from planner.io.outcome_records import (
    _FILLED,
    _LOCKED,
    _TEXT_LIMITS,
    FilledRow,
    Rejection,
    _Entry,
    _is_id,
    _Reading,
    _siret,
    _text,
)


def _name_matches(siret: str, value: Any, checksum: str) -> bool:
    """Whether the name read matches the checksum of the name exported (format 1)."""
    if row_checksum(siret, _text(value) or "") == checksum:
        return True
    if value is None:
        return False
    # Surrounding spaces were exported too; openpyxl leaves an escaped ``_x005F_``
    # of an inline string as it is.
    raw = str(value)
    from openpyxl.utils.escape import unescape  # loaded with the workbook by then

    return any(row_checksum(siret, name) == checksum for name in (raw, unescape(raw)))


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
    service = _service(get, reject, date, reading.today)
    if service is None:
        return
    no_more = _no_more(get, reject)
    if no_more is None:
        return
    back = reading.back
    if no_more and outcome != "Refus":
        back.warnings.append(
            f"onglet « {sheet} », ligne {number}, colonne « {NO_MORE_HEADER} » : coché alors "
            f"que le résultat est « {outcome} » (pas « Refus ») : contact enregistré, "
            "l'entreprise n'est pas marquée « ne pas solliciter »"
        )
        no_more = False
    signed_adviser = reading.identity is not None and _is_id(entry.adviser_id)
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
            service=service.text,
            service_status=service.status,
            service_date=service.date,
            service_quantity=service.quantity,
            no_more=no_more,
        )
    )


@dataclass(frozen=True)
class _Service:
    """The service columns of a row (all None: no service recorded)."""

    text: str | None = None
    status: str | None = None
    date: dt.date | None = None
    quantity: int | None = None


_MAX_SERVICE_TEXT = 200
_LATEST_PLANNED = 366  # days ahead a proposed or accepted service may be dated


def _service(get: Any, reject: Any, call_date: dt.date, today: dt.date) -> _Service | None:
    """The row's service columns checked (None: rejected). The service's name or code
    is checked against the campaign's catalogue by the import, which knows it."""
    text = _text(get(SERVICE_HEADER))
    status_text = _text(get(SERVICE_STATUS_HEADER))
    try:
        date = parse_typed_date(get(SERVICE_DATE_HEADER))
    except ValueError as exc:
        reject(str(exc), SERVICE_DATE_HEADER)
        return None
    try:
        quantity = parse_typed_count(get(SERVICE_QUANTITY_HEADER))
    except ValueError as exc:
        reject(str(exc), SERVICE_QUANTITY_HEADER)
        return None
    if text is None:
        if status_text is not None or date is not None or quantity is not None:
            reject("statut, date ou nombre saisis sans service", SERVICE_HEADER)
            return None
        return _Service()
    if len(text) > _MAX_SERVICE_TEXT:
        reject(f"texte trop long ({len(text)} caractères)", SERVICE_HEADER)
        return None
    if status_text is None:
        reject(f"statut du service « {text} » manquant", SERVICE_STATUS_HEADER)
        return None
    status = normalize_service_status(status_text)
    if status is None:
        reject(
            f"statut du service inconnu « {status_text[:60]} » "
            "(Proposé, Accepté, Réalisé ou Refusé)",
            SERVICE_STATUS_HEADER,
        )
        return None
    day = date or call_date
    if day < dt.date(2000, 1, 1):
        reject(f"date du service invraisemblable ({day:%d/%m/%Y})", SERVICE_DATE_HEADER)
        return None
    if status == DONE and day > today:
        reject(f"service réalisé à une date future ({day:%d/%m/%Y})", SERVICE_DATE_HEADER)
        return None
    if day > today + dt.timedelta(days=_LATEST_PLANNED):
        reject(f"date du service trop lointaine ({day:%d/%m/%Y})", SERVICE_DATE_HEADER)
        return None
    if problem := implausible_posts(quantity):
        reject(problem.replace("de postes", ""), SERVICE_QUANTITY_HEADER)
        return None
    return _Service(text, status, day, quantity)


_YES = frozenset({"oui", "o", "x", "yes", "vrai", "true", "1"})
_NO = frozenset({"non", "n", "no", "faux", "false", "0"})


def _no_more(get: Any, reject: Any) -> bool | None:
    """« Ne plus solliciter »: True, False, or None when unreadable (rejected)."""
    value = get(NO_MORE_HEADER)
    if isinstance(value, bool):
        return value
    text = _text(value)
    if text is None:
        return False
    folded = text.casefold()
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    reject(f"« {text[:40]} » : répondez Oui ou Non", NO_MORE_HEADER)
    return None
