"""What an adviser types for a call in « Mon portefeuille », checked as the
call-list read-back checks a workbook row (same outcomes, dates, ROME codes and
posts), with French messages."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from planner.domain.errors import InputError
from planner.domain.outcomes import WITH_NEED, implausible_call_date, implausible_posts
from planner.domain.typed_dates import parse_typed_count, parse_typed_date

NOTE_LIMIT = 2000
_ROME = re.compile(r"^[A-Z]\d{4}$")

Need = tuple[str | None, int | None]


def parse_needs(text: str) -> list[Need]:
    """Needs as typed in one field: ``N1103 2, G1602 x1; 3`` (ROME code, then posts).

    Each need is a ROME code, a number of posts, or both (``N1103 2``,
    ``N1103 x2``, ``N1103:2``, ``2 N1103``), needs separated by commas or
    semicolons; a label after the code (completion) is ignored.

    Raises:
        InputError: a part that is neither, in French.
    """
    needs: list[Need] = []
    for part in re.split(r"[,;]", text):
        words = part.replace(":", " ").split()
        if not words:
            continue
        code: str | None = None
        posts: int | None = None
        label = False
        for word in words:
            if code is None and _ROME.match(word.upper()):
                code = word.upper()
            elif posts is None and re.fullmatch(r"[xX×]?\d+", word):
                posts = int(word.lstrip("xX×"))
            elif not any(c.isdigit() for c in word):
                label = True  # « N1103 Magasinage… »: the completion's label, ignored
            else:
                code = None
                label = True
                break
        if label and code is None:
            raise InputError(
                f"besoin illisible « {part.strip()} » : un code ROME et un nombre de postes, "
                "ex. « N1103 2, G1602 1 »"
            )
        needs.append((code, posts))
    return needs


def checked_needs(outcome: str, needs: Sequence[Need]) -> list[Need]:
    """The needs as stored (ROME codes in capitals, posts as numbers, blanks dropped).

    Raises:
        InputError: a bad ROME code, an implausible number of posts, posts with
            an outcome that has no need, a ROME code twice; in French.
    """
    checked: list[Need] = []
    for code, typed_posts in needs:
        rome = code.upper().replace(" ", "") if code else None
        if rome is not None and not _ROME.match(rome):
            raise InputError(f"code ROME invalide « {code} » (ex. : N1103)")
        try:
            posts = parse_typed_count(typed_posts)
        except ValueError as exc:
            raise InputError(f"nombre de postes : {exc}") from None
        if problem := implausible_posts(posts):
            raise InputError(problem)
        if outcome not in WITH_NEED and posts:
            raise InputError(f"postes saisis alors que le résultat est « {outcome} »")
        if rome is not None and rome in {c for c, _p in checked}:
            raise InputError(f"métier ROME {rome} saisi deux fois : additionnez les postes")
        if rome is not None or posts is not None:
            checked.append((rome, posts))
    return checked


def checked_date(date: dt.date | str | None, today: dt.date) -> dt.date:
    """The call's date: a date or « jj/mm/aaaa », today if None; neither before 2000
    nor in the future.

    Raises:
        InputError: unreadable or implausible, in French.
    """
    if date is None or isinstance(date, dt.date):
        day = date or today
    else:
        try:
            parsed = parse_typed_date(date)
        except ValueError as exc:
            raise InputError(str(exc)) from None
        if parsed is None:
            raise InputError("date de l'appel manquante (jj/mm/aaaa)")
        day = parsed
    if problem := implausible_call_date(day, today):
        raise InputError(problem)
    return day


def checked_text(value: str | None, label: str) -> str | None:
    """A free text on one line (spaces collapsed), None if blank.

    Raises:
        InputError: longer than :data:`NOTE_LIMIT`, in French.
    """
    text = " ".join((value or "").split())
    if len(text) > NOTE_LIMIT:
        raise InputError(f"{label} trop long ({len(text)} caractères, au plus {NOTE_LIMIT})")
    return text or None
