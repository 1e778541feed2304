"""Which firms are not to be solicited on a given day, and why.

Two rules, for every partner together: a firm marked *ne pas solliciter*
(``firm_block``, until its end date), and a firm that already had the cap's
number of contacts within the cap's period (default 2 in 30 days; every
recorded contact counts, whoever made it and whatever its outcome: an
unanswered call solicits the firm too). Call lists leave these firms out and
invitee suggestions skip them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from planner.db.models import Contact, FirmBlock, Setting
from planner.domain.solicitation import BLOCK_REASONS, EXCLUSION_LABELS, SolicitationCap

CAP_SETTING_KEY = "solicitation_cap"


@dataclass(frozen=True, slots=True)
class Exclusion:
    """Why a firm is not to be solicited.

    Attributes:
        siret: the firm.
        reason: ``"blocked"`` or ``"over_cap"`` (``EXCLUSION_LABELS``).
        detail: a French sentence for reports (« Refus exprimé, jusqu'au 31/12/2026 »,
            « 2 contacts depuis le 07/11/2026 »).
    """

    siret: str
    reason: str
    detail: str

    @property
    def label(self) -> str:
        """The reason in French."""
        return EXCLUSION_LABELS[self.reason]


def read_cap(session: Session) -> SolicitationCap:
    """The campaign's cap (the default, 2 in 30 days, until the coordinator sets one)."""
    setting = session.get(Setting, CAP_SETTING_KEY)
    if setting is None or not isinstance(setting.value, dict):
        return SolicitationCap()
    try:
        return SolicitationCap(int(setting.value["count"]), int(setting.value["days"]))
    except (KeyError, TypeError, ValueError):
        return SolicitationCap()


def write_cap(session: Session, cap: SolicitationCap) -> None:
    """Set the campaign's cap (the caller commits)."""
    value = {"count": cap.count, "days": cap.days}
    setting = session.get(Setting, CAP_SETTING_KEY)
    if setting is None:
        session.add(Setting(key=CAP_SETTING_KEY, value=value))
    else:
        setting.value = value


def solicitation_exclusions(
    session: Session, on_date: dt.date, sirets: Collection[str] | None = None
) -> dict[str, Exclusion]:
    """The firms not to solicit on ``on_date`` (among ``sirets``, or all), SIRET → why.

    A firm both marked and over the cap is reported as marked.
    """
    cap = read_cap(session)
    since = on_date - dt.timedelta(days=cap.days - 1)
    counted = (
        select(Contact.siret, func.count(), func.min(Contact.date))
        .where(Contact.date >= since, Contact.date <= on_date)
        .group_by(Contact.siret)
        .having(func.count() >= cap.count)
    )
    blocks = select(FirmBlock.siret, FirmBlock.reason, FirmBlock.until).where(
        or_(FirmBlock.until.is_(None), FirmBlock.until >= on_date)
    )
    wanted = None if sirets is None else set(sirets)
    excluded: dict[str, Exclusion] = {}
    for siret, count, first in session.execute(counted):
        if wanted is None or siret in wanted:
            detail = (
                f"{count} contacts depuis le {first:%d/%m/%Y} "
                f"(plafond : {cap.count} en {cap.days} jours)"
            )
            excluded[siret] = Exclusion(siret, "over_cap", detail)
    for siret, reason, until in session.execute(blocks):
        if wanted is None or siret in wanted:
            label = BLOCK_REASONS.get(reason, reason)
            detail = f"{label}, jusqu'au {until:%d/%m/%Y}" if until else f"{label}, sans échéance"
            excluded[siret] = Exclusion(siret, "blocked", detail)
    return excluded
