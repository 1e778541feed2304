"""Import a partner's portfolio: its claims replace the previous ones in one transaction.

Each SIRET becomes a claim of the partner (``portfolio_claim``). Firms that
only this partner claims are assigned to it (and to the adviser named by the
e-mail) and locked, so a division never moves them; firms that two partners
claim are conflicts, assigned to none until the coordinator settles them
(:mod:`planner.services.task_force.partner_portfolios.conflicts`); SIRETs the campaign
does not hold, or holds outside its target, are reported by line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import replace as replace_fields
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from planner.db.models import Adviser, Assignment, ImportRun, Partner, PortfolioClaim, Team
from planner.db.store import CampaignStore
from planner.domain.cell_text import strip_controls
from planner.domain.errors import PlannerError
from planner.domain.json_types import JsonObject
from planner.domain.progress import CancelToken, Progress, no_progress
from planner.io.partner_portfolio_file import (
    BadRow,
    PortfolioFile,
    PortfolioRow,
    read_portfolio_file,
)
from planner.services.shared_campaign.conflicts import retry_transient
from planner.services.task_force.partner_portfolios.claim_states import (
    ASSIGNED,
    CONFLICT,
    KEPT_STATES,
    PENDING,
    SETTLED,
)
from planner.services.task_force.partner_portfolios.claim_writes import lock_claims, recompute_firms


@dataclass(frozen=True, slots=True)
class ReportedLine:
    """A line of the portfolio that did not become an assignment, and why.

    Attributes:
        line: 1-based line in the file.
        siret: the SIRET on it.
        reason: why, in French.
    """

    line: int
    siret: str
    reason: str

    @property
    def message(self) -> str:
        return f"ligne {self.line}, SIRET {self.siret} : {self.reason}"


@dataclass(frozen=True)
class PortfolioImport:
    """What an import of a partner's portfolio did.

    Attributes:
        file: the file's name.
        partner: the partner's name.
        siret_column: the SIRET column used; ``email_column``, ``since_column`` likewise.
        claims: SIRETs claimed (one per firm).
        assigned: firms of this portfolio now assigned to the partner and locked.
        conflicts: lines whose firm another partner claims too (not assigned).
        lost: lines whose firm the coordinator gave to another partner before.
        unknown: lines whose SIRET the campaign does not hold.
        outside: lines whose firm the campaign holds outside its target (with why).
        unknown_emails: lines whose adviser e-mail is none of the partner's advisers.
        bad: rows or cells left out, with line, column and reason.
        duplicates: rows repeating a SIRET.
        dropped: claims of the previous import of this partner no longer in the file.
        released: firms that lost their portfolio assignment (now in conflict, or dropped).
        moved: firms that were in another team before.
        dry_run: a simulation: nothing was written.
    """

    file: str
    partner: str
    siret_column: str
    email_column: str | None
    since_column: str | None
    claims: int
    assigned: int
    conflicts: tuple[ReportedLine, ...]
    lost: tuple[ReportedLine, ...]
    unknown: tuple[ReportedLine, ...]
    outside: tuple[ReportedLine, ...]
    unknown_emails: tuple[ReportedLine, ...]
    bad: tuple[BadRow, ...]
    duplicates: int
    dropped: int
    released: int
    moved: int
    dry_run: bool = False

    def to_json(self) -> JsonObject:
        def lines(items: Sequence[ReportedLine]) -> list[JsonObject]:
            return [{"line": r.line, "siret": r.siret, "reason": r.reason} for r in items]

        return {
            "file": self.file,
            "partner": self.partner,
            "columns": {
                "siret": self.siret_column,
                "email": self.email_column,
                "since": self.since_column,
            },
            "claims": self.claims,
            "assigned": self.assigned,
            "conflicts": lines(self.conflicts),
            "lost": lines(self.lost),
            "unknown": lines(self.unknown),
            "outside": lines(self.outside),
            "unknown_emails": lines(self.unknown_emails),
            "bad_rows": [
                {"line": b.line, "column": b.column, "value": b.value, "reason": b.reason}
                for b in self.bad
            ],
            "duplicates": self.duplicates,
            "dropped": self.dropped,
            "released": self.released,
            "moved": self.moved,
            "dry_run": self.dry_run,
        }


class ClaimsWouldBeDropped(PlannerError):
    """The file leaves out firms of the partner's portfolio and the caller did not
    confirm the replacement: nothing was written.

    Attributes:
        partner: the partner's name.
        dropped: claims of the current portfolio the file no longer holds.
        locked: of those, firms now assigned to the partner and locked.
        claims: SIRETs in the file.
    """

    def __init__(self, partner: str, dropped: int, locked: int, claims: int) -> None:
        self.partner, self.dropped, self.locked, self.claims = partner, dropped, locked, claims
        super().__init__(
            f"Ce fichier ({claims} SIRET) retirerait {dropped} entreprise(s) du portefeuille "
            f"actuel de « {partner} » (dont {locked} attribuée(s) et verrouillée(s), qui "
            "seraient libérées). Rien n'a été écrit : relancez avec --replace pour confirmer "
            "le remplacement, ou --dry-run pour voir le détail sans rien écrire."
        )


class _DryRun(Exception):
    """Leaves a dry run's transaction, rolling it back, with its report."""

    def __init__(self, result: PortfolioImport) -> None:
        super().__init__("dry run")
        self.result = result


def find_partner(store: CampaignStore, name: str) -> tuple[int, str]:
    """The partner named ``name`` (exact, else case-insensitive): ``(id, name)``.

    Raises:
        PlannerError: no such partner (the message lists the campaign's partners).
    """
    with store.session() as session:
        partners = session.execute(select(Partner.id, Partner.name).order_by(Partner.name)).all()
    wanted = name.strip()
    for partner_id, partner_name in partners:
        if partner_name == wanted:
            return partner_id, partner_name
    matches = [(i, n) for i, n in partners if n.casefold() == wanted.casefold()]
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(f"« {n} »" for _, n in partners) or "aucun"
    raise PlannerError(f"Partenaire « {wanted} » inconnu. Partenaires de la campagne : {known}.")


def import_portfolio(
    store: CampaignStore,
    path: Path,
    partner: str | int,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
    replace: bool = False,
    dry_run: bool = False,
    siret_column: str | None = None,
) -> PortfolioImport:
    """Read ``path`` and replace ``partner``'s portfolio with it.

    Args:
        store: the campaign.
        path: CSV or XLSX portfolio file.
        partner: the partner's name (or id).
        progress: ``(done, total, message)`` callback.
        cancel: checked before writing; nothing is written if cancelled.
        replace: confirms dropping claims of the current portfolio the file leaves out.
        dry_run: compute the report only, write nothing.
        siret_column: the SIRET column's letter or header, when the file has several.

    Raises:
        InputError: unreadable file, no SIRET column, or no valid SIRET.
        ClaimsWouldBeDropped: the file drops claims and ``replace`` is not set.
        PlannerError: unknown partner, or a partner without a team.
    """
    partner_id = partner if isinstance(partner, int) else find_partner(store, partner)[0]
    progress(0, 3, f"Lecture de {Path(path).name}")
    listing = read_portfolio_file(path, siret_column)
    if cancel is not None:
        cancel.check()
    progress(1, 3, "Simulation de l'import" if dry_run else "Enregistrement du portefeuille")
    result = apply_portfolio(
        store, partner_id, listing, cancel=cancel, replace=replace, dry_run=dry_run
    )
    progress(3, 3, "Import terminé")
    return result


def apply_portfolio(
    store: CampaignStore,
    partner_id: int,
    listing: PortfolioFile,
    *,
    cancel: CancelToken | None = None,
    replace: bool = False,
    dry_run: bool = False,
) -> PortfolioImport:
    """Replace the partner's claims with ``listing``'s, in one transaction (retried
    on PostgreSQL's serialization failures); a cancel before the commit writes nothing.

    Dropping claims of the current portfolio needs ``replace`` (else
    :class:`ClaimsWouldBeDropped`, nothing written); ``dry_run`` computes the
    whole report in the transaction, then rolls it back.
    """

    def once() -> PortfolioImport:
        try:
            with store.session() as session:
                result = _apply(session, partner_id, listing, replace=replace or dry_run)
                if dry_run:
                    raise _DryRun(
                        replace_fields(result, dry_run=True)
                    )  # rolls the transaction back
                if cancel is not None:
                    cancel.check()  # raising here rolls the whole import back
                return result
        except _DryRun as done:
            return done.result

    return retry_transient(once)


def _apply(
    session: Session, partner_id: int, listing: PortfolioFile, *, replace: bool
) -> PortfolioImport:
    lock_claims(session)
    partner = session.get(Partner, partner_id)
    if partner is None:
        raise PlannerError("Ce partenaire n'existe plus : rechargez la campagne.")
    teams = session.scalar(
        select(func.count()).select_from(Team).where(Team.partner_id == partner_id)
    )
    if not teams:
        raise PlannerError(
            f"Le partenaire « {partner.name} » n'a aucune équipe : créez-en une (Task force › "
            "Partenaires et équipes…) avant d'importer son portefeuille."
        )
    advisers = {
        (email or "").strip().lower(): adviser_id
        for adviser_id, email in session.execute(
            select(Adviser.id, Adviser.email)
            .join(Team, Team.id == Adviser.team_id)
            .where(Team.partner_id == partner_id, Adviser.email.is_not(None))
            .order_by(Adviser.id.desc())  # the oldest adviser wins a shared e-mail
        )
    }
    previous: dict[str, str] = dict(
        session.execute(
            select(PortfolioClaim.siret, PortfolioClaim.state).where(
                PortfolioClaim.partner_id == partner_id
            )
        )
        .tuples()
        .all()
    )
    dropped = set(previous) - {row.siret for row in listing.rows}
    if dropped and not replace:
        locked = session.scalar(
            select(func.count())
            .select_from(Assignment)
            .join(Team, Team.id == Assignment.team_id)
            .where(
                Assignment.siret.in_(dropped),
                Assignment.locked.is_(True),
                Assignment.source == "portfolio",
                Team.partner_id == partner_id,
            )
        )
        raise ClaimsWouldBeDropped(partner.name, len(dropped), int(locked or 0), len(listing.rows))
    session.execute(delete(PortfolioClaim).where(PortfolioClaim.partner_id == partner_id))
    session.flush()
    source = strip_controls(listing.file, one_line=True)[:300]
    now = dt.datetime.now().replace(microsecond=0)
    unknown_emails: list[ReportedLine] = []
    by_siret: dict[str, PortfolioRow] = {}
    claims: list[PortfolioClaim] = []
    for row in listing.rows:
        by_siret[row.siret] = row
        adviser_id = advisers.get(row.email) if row.email else None
        if row.email and adviser_id is None:
            unknown_emails.append(
                ReportedLine(
                    row.line,
                    row.siret,
                    f"« {row.email} » n'est l'adresse d'aucun conseiller de {partner.name} "
                    "(le conseiller le moins chargé de l'équipe est choisi).",
                )
            )
        kept = previous.get(row.siret)
        claims.append(
            PortfolioClaim(
                partner_id=partner_id,
                siret=row.siret,
                adviser_email=row.email,
                adviser_id=adviser_id,
                since=row.since,
                state=kept if kept in KEPT_STATES else PENDING,
                source_file=source,
                source_line=row.line,
                imported_at=now,
            )
        )
    session.add_all(claims)
    session.flush()
    outcome = recompute_firms(session, set(previous) | set(by_siret))
    states = dict(
        session.execute(
            select(PortfolioClaim.siret, PortfolioClaim.state).where(
                PortfolioClaim.partner_id == partner_id
            )
        )
        .tuples()
        .all()
    )
    reported: dict[str, list[ReportedLine]] = {k: [] for k in (CONFLICT, "lost", "unk", "out")}
    for siret, row in by_siret.items():
        state = states[siret]
        fact = outcome.facts.get(siret)
        if fact is None:
            reported["unk"].append(
                ReportedLine(
                    row.line,
                    siret,
                    "SIRET inconnu de la campagne (hors du bassin, fermé avant l'import SIRENE "
                    "ou pas encore importé).",
                )
            )
        elif not fact.in_target:
            reported["out"].append(ReportedLine(row.line, siret, fact.why_outside))
        elif state == CONFLICT:
            others = _other_partners(session, siret, partner_id)
            reported[CONFLICT].append(
                ReportedLine(row.line, siret, f"revendiquée aussi par {others} (non attribuée).")
            )
        elif state == "lost":
            reported["lost"].append(
                ReportedLine(
                    row.line, siret, "attribuée à un autre partenaire lors d'un arbitrage."
                )
            )
    session.add(
        ImportRun(
            kind="portfolio",
            finished_at=now,
            files={"portfolio": listing.file},
            options={"partner": partner.name},
            summary={"claims": len(listing.rows), "bad": len(listing.bad)},
        )
    )
    mine = {s for s in by_siret if s in outcome.assigned and states[s] in (ASSIGNED, SETTLED)}
    return PortfolioImport(
        file=listing.file,
        partner=partner.name,
        siret_column=listing.siret_column,
        email_column=listing.email_column,
        since_column=listing.since_column,
        claims=len(listing.rows),
        assigned=len(mine),
        conflicts=tuple(reported[CONFLICT]),
        lost=tuple(reported["lost"]),
        unknown=tuple(reported["unk"]),
        outside=tuple(reported["out"]),
        unknown_emails=tuple(unknown_emails),
        bad=listing.bad,
        duplicates=listing.duplicates,
        dropped=len(set(previous) - set(by_siret)),
        released=len(outcome.released),
        moved=len(outcome.moved & mine),
    )


def _other_partners(session: Session, siret: str, partner_id: int) -> str:
    names = session.scalars(
        select(Partner.name)
        .join(PortfolioClaim, PortfolioClaim.partner_id == Partner.id)
        .where(
            PortfolioClaim.siret == siret,
            PortfolioClaim.partner_id != partner_id,
            PortfolioClaim.state == CONFLICT,
        )
        .order_by(Partner.name)
    ).all()
    return ", ".join(f"« {n} »" for n in names) or "un autre partenaire"


@dataclass(frozen=True, slots=True)
class PartnerChoice:
    """A partner the import dialog offers.

    Attributes:
        partner_id: the partner; ``name`` its name.
        claims: SIRETs of its portfolio now (0: never imported).
        teams: how many teams it has (a portfolio needs one).
    """

    partner_id: int
    name: str
    claims: int
    teams: int


def partner_choices(store: CampaignStore) -> list[PartnerChoice]:
    """Every partner, by name, with the size of its portfolio and its number of teams."""
    with store.session() as session:
        claims = dict(
            session.execute(
                select(PortfolioClaim.partner_id, func.count()).group_by(PortfolioClaim.partner_id)
            )
            .tuples()
            .all()
        )
        teams = dict(
            session.execute(select(Team.partner_id, func.count()).group_by(Team.partner_id))
            .tuples()
            .all()
        )
        partners = session.execute(select(Partner.id, Partner.name).order_by(Partner.name)).all()
    return [
        PartnerChoice(pid, name, int(claims.get(pid, 0)), int(teams.get(pid, 0)))
        for pid, name in partners
    ]
