"""Marking a firm *ne pas solliciter*, lifting the mark, and listing the marks."""

from __future__ import annotations

import datetime as dt
import getpass
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from planner.db.models import Establishment, FirmBlock
from planner.domain import clock
from planner.domain.errors import PlannerError
from planner.domain.solicitation import BLOCK_REASONS
from planner.domain.text_fold import fold

BLOCK_SOURCES: dict[str, str] = {
    "manual": "saisie",
    "workbook": "classeur de suivi",
    "import": "import",
}
"""Where a mark came from → French label."""

MAX_NOTE = 2000


class BlockError(PlannerError):
    """A mark that cannot be set (unknown firm, unknown reason, past date…)."""


@dataclass(frozen=True, slots=True)
class FirmBlockView:
    """A firm's *ne pas solliciter* mark, as the UI and the command line show it."""

    siret: str
    reason: str
    reason_label: str
    note: str | None
    until: dt.date | None
    blocked_at: dt.datetime
    blocked_by: str | None
    source: str
    version: int

    def holds_on(self, day: dt.date) -> bool:
        """Whether the mark is still in force on ``day``."""
        return self.until is None or self.until >= day


_REASON_BY_FOLDED = {
    **{fold(label): code for code, label in BLOCK_REASONS.items()},
    **{code: code for code in BLOCK_REASONS},
    fold("refus"): "refusal",
    fold("fermée"): "closed",
    fold("fermee"): "closed",
    fold("déjà suivie"): "followed_elsewhere",
}


def parse_reason(text: str) -> tuple[str, str | None]:
    """A typed reason → (reason code, note): a known reason (« Refus exprimé », « refus »,
    « entreprise fermée »…) gives its code; any other text is « Autre » with the text as
    its note."""
    cleaned = " ".join(text.split())
    if not cleaned:
        raise BlockError("Le motif de « ne pas solliciter » est vide.")
    code = _REASON_BY_FOLDED.get(fold(cleaned))
    return (code, None) if code else ("other", cleaned[:MAX_NOTE])


def _view(block: FirmBlock) -> FirmBlockView:
    return FirmBlockView(
        siret=block.siret,
        reason=block.reason,
        reason_label=BLOCK_REASONS.get(block.reason, block.reason),
        note=block.note,
        until=block.until,
        blocked_at=block.blocked_at,
        blocked_by=block.blocked_by,
        source=block.source,
        version=block.version,
    )


def block_firm(
    session: Session,
    siret: str,
    reason: str,
    *,
    until: dt.date | None = None,
    note: str | None = None,
    by: str | None = None,
    source: str = "manual",
    today: dt.date | None = None,
) -> FirmBlockView:
    """Mark ``siret`` *ne pas solliciter* (or replace its mark); the caller commits.

    Raises:
        BlockError: unknown firm or reason, an end date already past, a note too long.
    """
    if reason not in BLOCK_REASONS:
        raise BlockError(
            f"Motif inconnu « {reason} » : choisissez parmi "
            + ", ".join(f"« {label} »" for label in BLOCK_REASONS.values())
            + "."
        )
    if source not in BLOCK_SOURCES:
        raise BlockError(f"Origine inconnue « {source} ».")
    day = today or clock.today()
    if until is not None and until < day:
        raise BlockError(
            f"La date de fin {until:%d/%m/%Y} est déjà passée : la marque ne tiendrait pas."
        )
    if note is not None and len(note) > MAX_NOTE:
        raise BlockError(f"La note dépasse {MAX_NOTE} caractères.")
    if session.get(Establishment, siret) is None:
        raise BlockError(f"L'établissement {siret} n'est pas dans la campagne.")
    block = session.get(FirmBlock, siret)
    if block is None:
        block = FirmBlock(siret=siret)
        session.add(block)
    else:
        _check_own_mark(session, block)
    block.login = _os_login()  # on PostgreSQL a trigger writes session_user instead
    block.reason = reason
    block.note = note
    block.until = until
    block.blocked_at = dt.datetime.now()
    block.blocked_by = by
    block.source = source
    session.flush()
    return _view(block)


def _os_login() -> str | None:
    try:
        return getpass.getuser()[:63]
    except (KeyError, OSError):  # no passwd entry (containers)
        return None


def _check_own_mark(session: Session, block: FirmBlock) -> None:
    """On a shared campaign, a partner's or adviser's login changes only the marks it set:
    another's (coordination's above all) stays as it is, and the login is told why rather
    than refused by row-level security (``planner/db/pg_access.py``)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    login, role = session.execute(text("SELECT session_user, planner_access_role()")).one()
    if role not in ("partenaire", "conseiller") or block.login == login:
        return
    until = f", jusqu'au {block.until:%d/%m/%Y}" if block.until else ", sans date de fin"
    reason = BLOCK_REASONS.get(block.reason, block.reason)
    raise BlockError(
        f"L'entreprise {block.siret} est déjà marquée « ne pas solliciter » par la "
        f"coordination ou un autre compte ({block.login or 'inconnu'} : {reason}{until}) : "
        "la marque reste telle quelle. Pour la changer, voyez avec le coordinateur."
    )


def lift_block(session: Session, siret: str) -> bool:
    """Lift ``siret``'s mark; False when it had none (the caller commits)."""
    block = session.get(FirmBlock, siret)
    if block is None:
        return False
    session.delete(block)
    session.flush()
    return True


def firm_block(session: Session, siret: str) -> FirmBlockView | None:
    """The firm's mark, in force or not, or None."""
    block = session.get(FirmBlock, siret)
    return None if block is None else _view(block)


def list_blocks(session: Session, on_date: dt.date | None = None) -> list[FirmBlockView]:
    """Every mark (those in force on ``on_date`` when given), by SIRET."""
    views = [_view(b) for b in session.scalars(select(FirmBlock).order_by(FirmBlock.siret))]
    return views if on_date is None else [v for v in views if v.holds_on(on_date)]
