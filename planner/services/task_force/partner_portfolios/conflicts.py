"""Firms claimed by two partners' portfolios: list them with every claim, and settle them.

The coordinator chooses the partner: the firm is assigned and locked to that
partner, the other claims are marked lost (a later re-import keeps it so).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select

from planner.db.models import Adviser, Establishment, Partner, PortfolioClaim
from planner.db.store import CampaignStore
from planner.domain.errors import PlannerError
from planner.domain.json_types import JsonObject
from planner.services.shared_campaign.conflicts import (
    Conflict,
    StaleVersion,
    last_change,
    retry_transient,
)
from planner.services.task_force.partner_portfolios.claim_states import CONFLICT, LOST, SETTLED
from planner.services.task_force.partner_portfolios.claim_writes import lock_claims, recompute_firms

NON_DIFFUSIBLE_NAME = "Établissement non diffusible"


@dataclass(frozen=True, slots=True)
class ClaimView:
    """One partner's claim on a firm in conflict.

    Attributes:
        claim_id: the claim's row; ``version`` its version (what a settlement expects).
        partner_id: the claiming partner; ``partner`` its name.
        adviser: the adviser's name (or the e-mail as given when it matched no adviser).
        since: since when the partner follows the firm.
        source_file: the portfolio file; ``source_line`` the line in it.
    """

    claim_id: int
    version: int
    partner_id: int
    partner: str
    adviser: str | None
    since: dt.date | None
    source_file: str | None
    source_line: int | None

    def describe(self) -> str:
        """One French line: partner, adviser, since, where."""
        parts = [self.partner]
        if self.adviser:
            parts.append(f"conseiller {self.adviser}")
        if self.since is not None:
            parts.append(f"depuis le {self.since:%d/%m/%Y}")
        if self.source_file:
            line = f", ligne {self.source_line}" if self.source_line else ""
            parts.append(f"{self.source_file}{line}")
        return " — ".join(parts)


@dataclass(frozen=True, slots=True)
class PortfolioConflict:
    """A firm two or more partners claim, not assigned until settled.

    Attributes:
        siret: the firm.
        name: its name (« Établissement non diffusible » when its owner objected).
        commune: its commune's name.
        claims: every pending claim, in partner name order.
    """

    siret: str
    name: str
    commune: str
    claims: tuple[ClaimView, ...]

    def to_json(self) -> JsonObject:
        return {
            "siret": self.siret,
            "name": self.name,
            "commune": self.commune,
            "claims": [
                {
                    "claim_id": c.claim_id,
                    "version": c.version,
                    "partner": c.partner,
                    "adviser": c.adviser,
                    "since": f"{c.since:%d/%m/%Y}" if c.since else None,
                    "file": c.source_file,
                    "line": c.source_line,
                }
                for c in self.claims
            ],
        }


@dataclass(frozen=True, slots=True)
class Settlement:
    """A conflict settled.

    Attributes:
        siret: the firm; ``name`` its name.
        partner: the partner it now belongs to.
        lost: the partners whose claim was lost.
    """

    siret: str
    name: str
    partner: str
    lost: tuple[str, ...]


def sirets_in_conflict(store: CampaignStore) -> set[str]:
    """The firms claimed by several partners and not settled yet (a division leaves them out)."""
    with store.session() as session:
        return set(
            session.scalars(select(PortfolioClaim.siret).where(PortfolioClaim.state == CONFLICT))
        )


def list_conflicts(store: CampaignStore) -> list[PortfolioConflict]:
    """Every firm in conflict, with its claims, by SIRET."""
    with store.session() as session:
        rows = session.execute(
            select(
                PortfolioClaim.siret,
                PortfolioClaim.id,
                PortfolioClaim.version,
                PortfolioClaim.partner_id,
                Partner.name,
                Adviser.name,
                PortfolioClaim.adviser_email,
                PortfolioClaim.since,
                PortfolioClaim.source_file,
                PortfolioClaim.source_line,
            )
            .join(Partner, Partner.id == PortfolioClaim.partner_id)
            .outerjoin(Adviser, Adviser.id == PortfolioClaim.adviser_id)
            .where(PortfolioClaim.state == CONFLICT)
            .order_by(PortfolioClaim.siret, Partner.name)
        ).all()
        claims: dict[str, list[ClaimView]] = defaultdict(list)
        for siret, cid, version, pid, partner, adviser, email, since, file, line in rows:
            claims[siret].append(
                ClaimView(cid, int(version), pid, partner, adviser or email, since, file, line)
            )
        firms = {
            siret: (name, commune, bool(nd))
            for siret, name, commune, nd in session.execute(
                select(
                    Establishment.siret,
                    Establishment.name,
                    Establishment.libelle_commune,
                    Establishment.non_diffusible,
                ).where(Establishment.siret.in_(sorted(claims)))
            )
        }
    result = []
    for siret, views in claims.items():
        name, commune, non_diffusible = firms.get(siret, ("", "", False))
        shown = NON_DIFFUSIBLE_NAME if non_diffusible else (name or "—")
        result.append(PortfolioConflict(siret, shown, commune or "", tuple(views)))
    return result


def settle_conflict(
    store: CampaignStore,
    siret: str,
    partner_id: int,
    expected: Mapping[int, int] | None = None,
) -> Settlement:
    """Give a firm in conflict to ``partner_id``: assigned and locked to it, other claims lost.

    Args:
        store: the campaign.
        siret: the firm in conflict.
        partner_id: the partner the coordinator chose.
        expected: claim id → version as listed; a claim changed since is refused.

    Raises:
        StaleVersion: a claim changed (or went) since it was listed; nothing written.
        PlannerError: the firm is not in conflict, or the partner has no claim on it.
    """

    def once() -> Settlement:
        with store.session() as session:
            lock_claims(session)
            claims = session.scalars(
                select(PortfolioClaim)
                .where(PortfolioClaim.siret == siret)
                .order_by(PortfolioClaim.id)
            ).all()
            seen = {c.id: int(c.version) for c in claims}
            for claim_id, version in (expected or {}).items():
                if seen.get(claim_id) != version:
                    login, at = last_change(session, "portfolio_claim", str(claim_id))
                    raise StaleVersion(
                        Conflict(
                            table="portfolio_claim",
                            key=str(claim_id),
                            label=f"Revendications du SIRET {siret}",
                            expected_version=version,
                            current_version=seen.get(claim_id),
                            login=login,
                            at=at,
                        )
                    )
            pending = [c for c in claims if c.state == CONFLICT]
            winner = next((c for c in pending if c.partner_id == partner_id), None)
            if winner is None or len(pending) < 2:
                raise PlannerError(
                    f"Le SIRET {siret} n'est pas (ou plus) en conflit pour ce partenaire : "
                    "rechargez la liste des conflits."
                )
            winner.state = SETTLED
            for claim in pending:
                if claim is not winner:
                    claim.state = LOST
            session.flush()
            recompute_firms(session, [siret])
            names = dict(
                session.execute(
                    select(Partner.id, Partner.name).where(
                        Partner.id.in_([c.partner_id for c in pending])
                    )
                )
                .tuples()
                .all()
            )
            name = session.scalar(select(Establishment.name).where(Establishment.siret == siret))
            return Settlement(
                siret,
                name or "—",
                names[partner_id],
                tuple(sorted(names[c.partner_id] for c in pending if c is not winner)),
            )

    return retry_transient(once)
