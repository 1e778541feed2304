"""« Mon portefeuille »: one adviser's firms by priority, and a call recorded on one.

The second path next to the call-list workbooks: the firms are those of the
adviser's call list, in the same priority order (``call_list_frame``), and a
call is written as the read-back writes it (a ``contact`` and its
``contact_need`` rows, same outcomes, same checks), so both land in the same
history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import polars as pl
from sqlalchemy import Row, func, select

from planner.db import models
from planner.db.store import CampaignStore
from planner.domain import clock
from planner.domain.errors import InputError, PlannerError
from planner.domain.outcomes import (
    OUTCOMES,
    WITH_NEED,
    normalize_outcome,
)
from planner.io.naf_rome import rome_labels
from planner.services.followup.call_lists import call_list_frame
from planner.services.followup.outcomes_import import CHANNEL, NON_DIFFUSIBLE_REASON
from planner.services.followup.portfolio_input import (
    Need,
    checked_date,
    checked_needs,
    checked_text,
    parse_needs,
)
from planner.services.offers.catalogue import OfferView, list_offers
from planner.services.offers.recording import ServiceEntry, contact_partner, record_services
from planner.services.shared_campaign.access import current_access

__all__ = [
    "SOURCE",
    "AdviserChoice",
    "Need",
    "PortfolioChanged",
    "PortfolioLine",
    "RecordedCall",
    "advisers_for_portfolio",
    "line_after_call",
    "locked_adviser",
    "parse_needs",
    "portfolio",
    "record_call",
    "rome_choices",
    "service_choices",
]

SOURCE = "Mon portefeuille"
"""``contact.source_file`` of the calls recorded here (the read-back writes the workbook's name)."""


class PortfolioChanged(PlannerError):
    """The firm left the adviser's portfolio since it was read (reassigned meanwhile)."""


@dataclass(frozen=True, slots=True)
class AdviserChoice:
    """An adviser the portfolio can be opened for.

    Attributes:
        id: the adviser's id.
        name: the adviser's name.
        email: the adviser's e-mail, if known.
        team: the adviser's team.
        partner: the team's partner.
        firms: firms of the target assigned to the adviser.
    """

    id: int
    name: str
    email: str | None
    team: str
    partner: str
    firms: int

    @property
    def label(self) -> str:
        """« Nom — Partenaire, équipe (N entreprises) »."""
        return f"{self.name} — {self.partner}, {self.team} ({self.firms} entreprises)"


@dataclass(frozen=True, slots=True)
class PortfolioLine:
    """One firm of the portfolio, with its last contact and what saving a call needs.

    Attributes:
        siret, name, commune, address, naf_code, naf_label, band: the firm.
        priority: the call-list priority score (higher first).
        supported: on the list of firms already supported.
        contact_person, phone: the latest ones noted in the firm's contacts.
        contacts: how many contacts the firm has.
        last_date, last_outcome, last_by: the latest contact (date, outcome, adviser).
        next_step: the latest contact's next step.
        last_contact_id: the latest contact's id (a newer one means someone else called).
        assignment_version: the version of the firm's assignment when read;
            :func:`record_call` refuses a call if the firm moved since.
    """

    siret: str
    name: str
    commune: str
    address: str
    naf_code: str
    naf_label: str
    band: str
    priority: float
    supported: bool
    contact_person: str | None
    phone: str | None
    contacts: int
    last_date: dt.date | None
    last_outcome: str | None
    last_by: str | None
    next_step: str | None
    last_contact_id: int | None
    assignment_version: int


@dataclass(frozen=True, slots=True)
class RecordedCall:
    """A call written: the new contact, and the contacts others recorded since the line was read.

    Attributes:
        contact_id: the new contact's id.
        version: its row version.
        date, outcome, adviser, next_step: what was written.
        meanwhile: « jj/mm/aaaa, résultat, par X » of contacts recorded by
            others after the contact the line showed (none is overwritten: said
            to the adviser).
    """

    contact_id: int
    version: int
    date: dt.date
    outcome: str
    adviser: str
    next_step: str | None
    meanwhile: tuple[str, ...] = ()


def line_after_call(line: PortfolioLine, call: RecordedCall) -> PortfolioLine:
    """The line as the call changes it, before the portfolio is read again (the
    priority score is the one read; a reload recomputes it)."""
    count = line.contacts + 1 + len(call.meanwhile)
    if line.last_date is not None and call.date < line.last_date:
        return replace(line, contacts=count)
    return replace(
        line,
        contacts=count,
        last_date=call.date,
        last_outcome=call.outcome,
        last_by=call.adviser,
        next_step=call.next_step,
        last_contact_id=call.contact_id,
    )


# --- reading ------------------------------------------------------------------------


def advisers_for_portfolio(store: CampaignStore) -> list[AdviserChoice]:
    """Every adviser (the ones the login sees), by partner then name, with their firm count."""
    with store.session() as session:
        counts = dict(
            session.execute(
                select(models.Assignment.adviser_id, func.count())
                .join(models.Establishment, models.Establishment.siret == models.Assignment.siret)
                .where(
                    models.Assignment.adviser_id.is_not(None),
                    func.coalesce(models.Establishment.in_target, False).is_(True),
                )
                .group_by(models.Assignment.adviser_id)
            )
            .tuples()
            .all()
        )
        rows = session.execute(
            select(
                models.Adviser.id,
                models.Adviser.name,
                models.Adviser.email,
                models.Team.name,
                models.Partner.name,
            )
            .join(models.Team, models.Team.id == models.Adviser.team_id)
            .join(models.Partner, models.Partner.id == models.Team.partner_id)
            .order_by(models.Partner.name, models.Adviser.name, models.Adviser.id)
        ).all()
    return [
        AdviserChoice(int(id_), name, email, team, partner, int(counts.get(id_, 0)))
        for id_, name, email, team, partner in rows
    ]


def locked_adviser(store: CampaignStore) -> int | None:
    """The adviser a *conseiller* login is, or None (coordination and partners choose)."""
    try:
        access = current_access(store)
    except PlannerError:
        return None  # a login without a grant: the database shows it nothing anyway
    return access.adviser_id if access.role == "conseiller" else None


def _adviser(store: CampaignStore, adviser_id: int) -> models.Adviser:
    with store.session() as session:
        adviser = session.get(models.Adviser, adviser_id)
    if adviser is None:
        raise InputError(f"conseiller inconnu (n° {adviser_id}) : choisissez-en un de la liste.")
    return adviser


def portfolio(
    store: CampaignStore, adviser_id: int, *, sirets: Iterable[str] | None = None
) -> list[PortfolioLine]:
    """The adviser's firms, highest priority first: the firms and the order of their
    call list (so firms already supported are left out if the coordinator chose so).

    Args:
        store: the campaign.
        adviser_id: the adviser.
        sirets: only these firms (to refresh lines after a call), in the same order.

    Raises:
        InputError: unknown adviser.
    """
    _adviser(store, adviser_id)
    frame = call_list_frame(store).filter(pl.col("adviser_id") == adviser_id)
    if sirets is not None:
        frame = frame.filter(
            pl.col("siret").is_in(pl.Series(list(sirets), dtype=pl.String).implode())
        )
    wanted = frame["siret"].to_list()
    if not wanted:
        return []
    with store.session() as session:
        versions = dict(
            session.execute(
                select(models.Assignment.siret, models.Assignment.version).where(
                    models.Assignment.siret.in_(wanted)
                )
            )
            .tuples()
            .all()
        )
        contacts = session.execute(
            select(
                models.Contact.siret,
                models.Contact.id,
                models.Contact.date,
                models.Contact.outcome,
                models.Contact.adviser_name,
                models.Contact.next_step,
                models.Contact.contact_person,
                models.Contact.phone,
            )
            .where(models.Contact.siret.in_(wanted))
            .order_by(
                models.Contact.siret,
                models.Contact.date.desc(),
                models.Contact.recorded_at.desc(),
                models.Contact.id.desc(),
            )
        ).all()
    history: dict[str, list[Row[Any]]] = {}
    for contact in contacts:
        history.setdefault(contact.siret, []).append(contact)
    lines: list[PortfolioLine] = []
    columns = ("siret", "name", "commune_name", "address", "naf_code", "naf_label", "band_label")
    for row in frame.select(*columns, "priority", "supported").iter_rows():
        siret, name, commune, address, naf_code, naf_label, band, priority, supported = row
        seen = history.get(siret, [])
        latest = seen[0] if seen else None
        person = next((c.contact_person for c in seen if c.contact_person), None)
        phone = next((c.phone for c in seen if c.phone), None)
        lines.append(
            PortfolioLine(
                siret=siret,
                name=name or "(sans nom)",
                commune=commune or "",
                address=address or "",
                naf_code=naf_code or "",
                naf_label=naf_label or "",
                band=band or "",
                priority=float(priority or 0.0),
                supported=bool(supported),
                contact_person=person,
                phone=phone,
                contacts=len(seen),
                last_date=latest.date if latest else None,
                last_outcome=latest.outcome if latest else None,
                last_by=latest.adviser_name if latest else None,
                next_step=latest.next_step if latest else None,
                last_contact_id=latest.id if latest else None,
                assignment_version=int(versions[siret]),
            )
        )
    return lines


def rome_choices() -> list[tuple[str, str]]:
    """(ROME code, label) of the métiers planner knows, by code, for completion."""
    return sorted(rome_labels().items())


def service_choices(store: CampaignStore) -> list[OfferView]:
    """The services a call may record: the catalogue's active ones, in order."""
    with store.session() as session:
        return list_offers(session, include_archived=False)


# --- writing ------------------------------------------------------------------------


def record_call(
    store: CampaignStore,
    siret: str,
    outcome: str,
    needs: Sequence[Need] = (),
    next_step: str | None = None,
    date: dt.date | str | None = None,
    adviser_id: int | None = None,
    note: str | None = None,
    *,
    expected_version: int | None = None,
    last_seen_contact: int | None = None,
    today: dt.date | None = None,
    services: Sequence[ServiceEntry] = (),
) -> RecordedCall:
    """Record a call on a firm of the adviser's portfolio, in one transaction.

    Writes a ``contact`` (channel « téléphone », the adviser's name, source
    « Mon portefeuille ») and its ``contact_need`` rows, as the read-back of a
    call list does; an outcome with a need and no need typed gets one empty
    need, as a workbook row does.

    Args:
        store: the campaign.
        siret: the firm.
        outcome: one of the eight outcomes (case and accents ignored).
        needs: (ROME code, posts) pairs; see :func:`parse_needs`.
        next_step: the next step agreed.
        date: the call's date (a date or « jj/mm/aaaa »), today if None.
        adviser_id: the adviser who called; the firm must be in their portfolio.
        note: a free comment.
        expected_version: the assignment version the caller read: the call is
            refused with :class:`PortfolioChanged` if the firm left the
            adviser's portfolio since.
        last_seen_contact: the id of the latest contact the caller saw (0 for
            none); contacts recorded since are listed in the result (they are
            kept: a call never overwrites). None: not checked.
        today: for tests.
        services: services proposed, accepted, realised or refused in the call,
            checked as :mod:`planner.services.offers.recording` says (the
            adviser's partner must deliver a restricted service).

    Raises:
        InputError: unknown outcome, bad date, ROME code or posts, unknown
            firm or adviser, a firm not in the adviser's portfolio, a bad
            service; in French.
        PortfolioChanged: the firm was given to someone else since it was read.
    """
    today = today or clock.today()
    canonical = normalize_outcome(outcome or "")
    if canonical is None:
        raise InputError(
            f"résultat inconnu « {outcome} » (résultats possibles : {', '.join(OUTCOMES)})"
        )
    day = checked_date(date, today)
    checked = checked_needs(canonical, needs)
    step = checked_text(next_step, "prochaine étape")
    comment = checked_text(note, "note")
    if adviser_id is None:
        raise InputError("conseiller manquant : choisissez le conseiller qui a appelé")
    with store.session() as session:
        firm = session.get(models.Establishment, siret)
        if firm is None:
            if expected_version is not None:  # it was there: out of this login's sight now
                raise PortfolioChanged(
                    f"L'entreprise {siret} n'est plus dans votre portefeuille : elle a été "
                    "réattribuée depuis l'ouverture du portefeuille. Rien n'a été enregistré ; "
                    "actualisez (F5)."
                )
            raise InputError(f"établissement {siret} absent de la campagne")
        if firm.non_diffusible:
            raise InputError(NON_DIFFUSIBLE_REASON)
        adviser = session.get(models.Adviser, adviser_id)
        if adviser is None:
            raise InputError(f"conseiller inconnu (n° {adviser_id})")
        assignment = session.get(models.Assignment, siret)
        if assignment is None or assignment.adviser_id != adviser_id:
            holder = "n'est plus attribuée"
            if assignment is not None and assignment.adviser_id is not None:
                other = session.get(models.Adviser, assignment.adviser_id)
                holder = f"est attribuée à {other.name if other else 'un autre conseiller'}"
            elif assignment is not None:
                holder = "est attribuée à son équipe sans conseiller"
            message = f"l'entreprise {firm.name or siret} {holder}, pas à {adviser.name}"
            if expected_version is not None and (
                assignment is None or assignment.version != expected_version
            ):
                raise PortfolioChanged(
                    f"{message[:1].upper()}{message[1:]} : elle a été réattribuée depuis "
                    "l'ouverture du portefeuille. Rien n'a été enregistré ; actualisez (F5)."
                )
            raise InputError(f"{message} : rien n'a été enregistré")
        meanwhile: list[str] = []
        if last_seen_contact is not None:
            newer = session.execute(
                select(models.Contact.date, models.Contact.outcome, models.Contact.adviser_name)
                .where(models.Contact.siret == siret, models.Contact.id > last_seen_contact)
                .order_by(models.Contact.id)
            ).all()
            meanwhile = [
                f"{d:%d/%m/%Y}, {o}" + (f", par {who}" if who else "") for d, o, who in newer
            ]
        contact = models.Contact(
            siret=siret,
            date=day,
            adviser_id=adviser_id,
            adviser_name=adviser.name,
            channel=CHANNEL,
            outcome=canonical,
            next_step=step,
            comment=comment,
            source_file=SOURCE,
        )
        if not checked and canonical in WITH_NEED:
            checked = [(None, None)]
        for rome, posts in checked:
            contact.needs.append(
                models.ContactNeed(
                    rome_code=rome, posts=posts, offer_deposited=canonical == "Offre déposée"
                )
            )
        session.add(contact)
        session.flush()
        record_services(
            session,
            contact,
            services,
            partner_id=contact_partner(session, adviser_id, None),
            today=today,
        )
        return RecordedCall(
            contact.id, contact.version, day, canonical, adviser.name, step, tuple(meanwhile)
        )
