"""The demo's partners' portfolios: the CMA's and Cap emploi's, with one firm in both.

Each portfolio holds a dozen firms of the campaign (the CMA's among craft
firms), half of them with the adviser's e-mail and a since-date, and goes
through the real import, so the demo shows locked portfolio firms and one
conflict waiting for the coordinator.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import func, select

from planner.db.models import Adviser, Establishment, Partner, Team
from planner.db.store import CampaignStore
from planner.io.partner_portfolio_file import PortfolioFile, PortfolioRow
from planner.services.partner_portfolios.claims_import import apply_portfolio

FIRMS_PER_PORTFOLIO = 12
_PORTFOLIOS = (("CMA", "portefeuille-cma.xlsx"), ("Cap emploi", "portefeuille-cap-emploi.csv"))


def add_demo_portfolios(store: CampaignStore, *, seed: int) -> None:
    """Import the CMA's and Cap emploi's portfolios (one firm in both: a conflict)."""
    rng = random.Random(seed * 7919 + 14)
    with store.session() as session:
        partners = {
            prefix: session.scalar(
                select(Partner.id).where(Partner.name.startswith(prefix)).order_by(Partner.id)
            )
            for prefix, _ in _PORTFOLIOS
        }
        if None in partners.values():
            return  # a task force without these partners (a test's own)
        emails = {
            prefix: list(
                session.scalars(
                    select(Adviser.email)
                    .join(Team, Team.id == Adviser.team_id)
                    .where(Team.partner_id == partner_id, Adviser.email.is_not(None))
                    .order_by(Adviser.id)
                )
            )
            for prefix, partner_id in partners.items()
        }
        craft = func.coalesce(Establishment.registre_metiers, "") != ""
        targeted = select(Establishment.siret).where(Establishment.in_target.is_(True))
        crafts = list(session.scalars(targeted.where(craft).order_by(Establishment.siret)))
        others = list(session.scalars(targeted.where(~craft).order_by(Establishment.siret)))
    n = FIRMS_PER_PORTFOLIO
    if len(crafts) < n or len(others) < n:
        return  # too small a campaign
    chosen = {
        "CMA": rng.sample(crafts, n),
        "Cap emploi": rng.sample(others, n - 1),
    }
    chosen["Cap emploi"].append(chosen["CMA"][0])  # the firm both follow: a conflict
    today = dt.date.today()
    for prefix, file_name in _PORTFOLIOS:
        rows = []
        for line, siret in enumerate(chosen[prefix], start=2):
            with_adviser = line % 2 == 0 and emails[prefix]
            rows.append(
                PortfolioRow(
                    line,
                    siret,
                    rng.choice(emails[prefix]) if with_adviser else None,
                    today - dt.timedelta(days=rng.randint(30, 900)) if with_adviser else None,
                )
            )
        listing = PortfolioFile(
            file=file_name,
            siret_column="A (SIRET)",
            email_column="B (Conseiller)",
            since_column="C (Suivi depuis)",
            rows=tuple(rows),
            bad=(),
            duplicates=0,
        )
        partner_id = partners[prefix]
        assert partner_id is not None
        apply_portfolio(store, partner_id, listing)
