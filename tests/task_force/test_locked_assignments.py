"""A manual assignment never moves nor unlocks a locked firm silently: the split lists
the locked firms with why (a partner's portfolio, or by hand), an unticked lock keeps
each firm's own lock, and ``planner firm assign`` refuses to move a locked firm unless
told what becomes of its lock. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import select

from planner.cli.main import run
from planner.db.journey_models import PortfolioClaim
from planner.db.models import Assignment, Partner, Team
from planner.db.store import CampaignStore, open_store
from planner.services.demo.demo_campaign import create_demo
from planner.services.firms.firm_query import load_firms
from planner.services.task_force.remit_refusals import MANUAL_LOCK, split_by_remit
from planner.services.task_force.task_force import assign_firms, set_locked


@pytest.fixture
def demo(campaign_target: str | Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CampaignStore]:
    monkeypatch.setenv("PLANNER_NO_FIRM_CACHE", "1")
    create_demo(campaign_target, rows=800, seed=5)
    store = open_store(campaign_target)
    yield store
    store.close()


def _held(store: CampaignStore, sirets: list[str]) -> dict[str, tuple[int, bool, str]]:
    with store.session() as session:
        rows = session.execute(
            select(
                Assignment.siret, Assignment.team_id, Assignment.locked, Assignment.source
            ).where(Assignment.siret.in_(sirets))
        )
        return {s: (t, bool(locked), source) for s, t, locked, source in rows}


def _cap_emploi_firm(store: CampaignStore) -> tuple[str, str]:
    """A firm assigned and locked from Cap emploi's portfolio (not a craft firm), and the
    partner's name."""
    craft = set(load_firms(store).filter(pl.col("craft"))["siret"])
    with store.session() as session:
        rows = session.execute(
            select(PortfolioClaim.siret, Partner.name)
            .join(Partner, Partner.id == PortfolioClaim.partner_id)
            .join(Assignment, Assignment.siret == PortfolioClaim.siret)
            .where(Partner.name.like("Cap emploi%"), PortfolioClaim.state == "assigned")
            .where(Assignment.locked.is_(True), Assignment.source == "portfolio")
            .order_by(PortfolioClaim.siret)
        ).all()
    siret, name = next((s, n) for s, n in rows if s not in craft)
    return siret, name


def _ft_team(store: CampaignStore) -> tuple[int, str]:
    with store.session() as session:
        team_id, name = session.execute(
            select(Team.id, Team.name).where(Team.name.like("FT %")).order_by(Team.id).limit(1)
        ).one()
    return int(team_id), str(name)


def test_locked_firms_are_left_with_their_reason_and_keep_their_lock(
    demo: CampaignStore,
) -> None:
    portfolio, cap_emploi = _cap_emploi_firm(demo)
    ft, _ft_name = _ft_team(demo)
    firms = load_firms(demo).filter(~pl.col("craft") & (pl.col("team_id") != ft))
    free = firms.filter(~pl.col("locked") & (pl.col("siret") != portfolio))["siret"]
    by_hand, unlocked = free[0], free[1]
    set_locked(demo, [by_hand], True)

    split = split_by_remit(demo, [portfolio, by_hand, unlocked], ft)
    assert split.allowed == (unlocked,)
    assert split.refused == ()
    assert [(r.siret, r.reason) for r in split.locked] == [
        (portfolio, f"verrouillée (portefeuille de {cap_emploi})"),
        (by_hand, MANUAL_LOCK),
    ]
    assert split.sirets(move_locked=True) == (unlocked, portfolio, by_hand)
    assert split.portfolios == {portfolio: cap_emploi}
    assert split.leaving(move_locked=False) == {}
    assert split.leaving(move_locked=True) == {cap_emploi: 1}

    before = _held(demo, [portfolio, by_hand])
    # The lock box unticked (None): the free firm moves unlocked, nothing else changes.
    assign_firms(demo, list(split.sirets(move_locked=False)), ft, locked=None)
    assert _held(demo, [unlocked])[unlocked][:2] == (ft, False)
    assert _held(demo, [portfolio, by_hand]) == before

    # Moving the locked ones too, still unticked: they move and stay locked.
    assign_firms(demo, list(split.sirets(move_locked=True)), ft, locked=None)
    after = _held(demo, [portfolio, by_hand, unlocked])
    assert {s: h[:2] for s, h in after.items()} == {
        portfolio: (ft, True),
        by_hand: (ft, True),
        unlocked: (ft, False),
    }
    # Now locked by the coordinator's hand in the FT team: the same team is no move.
    again = split_by_remit(demo, [portfolio], ft)
    assert again.allowed == (portfolio,) and again.locked == ()


def test_the_command_refuses_to_move_a_locked_firm_unless_told(
    demo: CampaignStore, campaign_target: str | Path, capsys: pytest.CaptureFixture[str]
) -> None:
    portfolio, cap_emploi = _cap_emploi_firm(demo)
    _ft, ft_name = _ft_team(demo)
    before = _held(demo, [portfolio])
    target = str(campaign_target)

    assert run(["firm", "assign", target, portfolio, "--team", ft_name]) == 2
    err = capsys.readouterr().err
    assert f"verrouillée (portefeuille de {cap_emploi})" in err
    assert "rien n'a été modifié" in err and "--lock" in err and "--unlock" in err
    assert "Traceback" not in err
    assert _held(demo, [portfolio]) == before

    assert run(["firm", "assign", target, portfolio, "--team", ft_name, "--lock"]) == 0
    team_id, locked, _source = _held(demo, [portfolio])[portfolio]
    assert (team_id, locked) == (_ft, True)
    # Locked by hand now: still refused elsewhere, and --unlock moves and unlocks it.
    _other_id, other = next((i, n) for i, n in _teams(demo) if n.startswith("FT ") and n != ft_name)
    assert run(["firm", "assign", target, portfolio, "--team", other]) == 2
    assert "verrouillée à la main" in capsys.readouterr().err
    assert run(["firm", "assign", target, portfolio, "--team", other, "--unlock"]) == 0
    assert _held(demo, [portfolio])[portfolio][1:2] == (False,)


def _teams(store: CampaignStore) -> list[tuple[int, str]]:
    with store.session() as session:
        return [(int(i), str(n)) for i, n in session.execute(select(Team.id, Team.name))]
