"""The demo's partners' portfolios: the CMA's and Cap emploi's, with one firm in both.

Each portfolio holds a dozen firms of the partner's remit, half of them with
the adviser's e-mail and a since-date, and goes through the real import, so
the demo shows locked portfolio firms and one conflict waiting for the
coordinator.
"""

from __future__ import annotations

import datetime as dt
import random

import polars as pl
from sqlalchemy import select

from planner.db.models import Adviser, Partner, Team
from planner.db.store import CampaignStore
from planner.domain import clock
from planner.domain.remit import eligibility
from planner.io.partner_portfolio_file import PortfolioFile, PortfolioRow
from planner.services.firms.firm_query import load_firms
from planner.services.task_force.partner_portfolios.claims_import import apply_portfolio
from planner.services.task_force.task_force import load_task_force

FIRMS_PER_PORTFOLIO = 12
_PORTFOLIOS = (("CMA", "portefeuille-cma.xlsx"), ("Cap emploi", "portefeuille-cap-emploi.csv"))


def add_demo_portfolios(store: CampaignStore, *, seed: int) -> None:
    """Import the CMA's and Cap emploi's portfolios (one firm in both: a conflict).

    Each partner claims firms of its own remit (the CMA's craft firms are its
    alone), so the division's rules still hold; the firm in both stays unassigned.
    """
    rng = random.Random(seed * 7919 + 14)
    force = load_task_force(store)
    index = {
        prefix: next((i for i, name in enumerate(force.partners) if name.startswith(prefix)), None)
        for prefix, _ in _PORTFOLIOS
    }
    if None in index.values():
        return  # a task force without these partners (a test's own)
    firms = load_firms(store).filter(pl.col("lon").is_not_null())
    allowed = eligibility(firms, force.remits).allowed
    sirets = firms["siret"].to_list()
    n = FIRMS_PER_PORTFOLIO
    chosen: dict[str, list[str]] = {}
    for prefix, _ in _PORTFOLIOS:
        column = index[prefix]
        assert column is not None
        pool = [s for s, ok in zip(sirets, allowed[:, column].tolist(), strict=True) if ok]
        if len(pool) < n:
            return  # too small a campaign
        chosen[prefix] = rng.sample(pool, n)
    chosen["Cap emploi"][-1] = chosen["CMA"][0]  # the firm both follow: a conflict
    with store.session() as session:
        partners = {
            prefix: session.scalar(
                select(Partner.id).where(Partner.name.startswith(prefix)).order_by(Partner.id)
            )
            for prefix, _ in _PORTFOLIOS
        }
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
    today = clock.today()
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
