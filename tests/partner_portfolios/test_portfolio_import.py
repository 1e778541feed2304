"""Portfolio imports on SQLite and PostgreSQL: firms locked through a real division,
conflicts left unassigned then settled, unknown SIRETs and bad keys reported by line."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from planner.db.models import Adviser, Assignment, Partner, PortfolioClaim, Team
from planner.db.store import CampaignStore, open_store
from planner.domain.errors import Cancelled, PlannerError
from planner.domain.progress import CancelToken
from planner.io.partner_portfolio_file import read_portfolio_file
from planner.services.shared_campaign.conflicts import StaleVersion
from planner.services.task_force.division.run import IN_CONFLICT, divide_campaign
from planner.services.task_force.partner_portfolios.claims_import import (
    ClaimsWouldBeDropped,
    apply_portfolio,
    import_portfolio,
)
from planner.services.task_force.partner_portfolios.conflicts import list_conflicts, settle_conflict

ML = "Mission Locale Plaine Commune"
CCI = "CCI Seine-Saint-Denis"
UNKNOWN = "73282932000074"  # a valid SIRET the demo campaign does not have
BAD_KEY = "73282932000075"


def _partner(store: CampaignStore, name: str) -> tuple[int, list[int], list[tuple[int, str]]]:
    """The partner's id, its teams and its advisers (id, e-mail)."""
    with store.session() as session:
        partner_id = session.scalar(select(Partner.id).where(Partner.name == name))
        assert partner_id is not None
        teams = list(session.scalars(select(Team.id).where(Team.partner_id == partner_id)))
        advisers = [
            (a, e or "")
            for a, e in session.execute(
                select(Adviser.id, Adviser.email).where(Adviser.team_id.in_(teams))
            )
        ]
    return partner_id, teams, advisers


def _free_firms(store: CampaignStore, not_teams: list[int], n: int) -> list[str]:
    """Firms assigned by the division to other teams, and claimed by no portfolio."""
    with store.session() as session:
        claimed = set(session.scalars(select(PortfolioClaim.siret)))
        rows = session.scalars(
            select(Assignment.siret)
            .where(Assignment.team_id.not_in(not_teams), Assignment.locked.is_(False))
            .order_by(Assignment.siret)
        ).all()
    return [s for s in rows if s not in claimed][:n]


def _assignments(
    store: CampaignStore, sirets: list[str]
) -> dict[str, tuple[int, int | None, bool, str]]:
    with store.session() as session:
        return {
            s: (t, a, bool(locked), source)
            for s, t, a, locked, source in session.execute(
                select(
                    Assignment.siret,
                    Assignment.team_id,
                    Assignment.adviser_id,
                    Assignment.locked,
                    Assignment.source,
                ).where(Assignment.siret.in_(sirets))
            )
        }


def _write(path: Path, rows: list[tuple[str, str]]) -> Path:
    lines = ["Entreprise;N° SIRET;Conseiller (e-mail);Suivi depuis"]
    lines += [
        f"E{i};{s[:3]} {s[3:6]} {s[6:9]} {s[9:]};{mail};01/02/2025"
        for i, (s, mail) in enumerate(rows)
    ]
    path.write_bytes(("\n".join(lines) + "\n").encode("cp1252"))
    return path


def test_portfolio_firms_locked_through_a_division(campaign: str | Path, tmp_path: Path) -> None:
    store = open_store(campaign)
    try:
        partner_id, teams, advisers = _partner(store, ML)
        firms = _free_firms(store, teams, 5)
        adviser_id, email = advisers[-1]
        path = _write(
            tmp_path / "portefeuille-ml.csv",
            [
                (firms[0], email.upper()),
                *[(s, "") for s in firms[1:]],
                (UNKNOWN, ""),
                (BAD_KEY, ""),
            ],
        )
        result = import_portfolio(store, path, ML)
        assert result.claims == 6 and result.assigned == 5 and result.moved == 5
        assert [(u.line, u.siret) for u in result.unknown] == [(7, UNKNOWN)]
        assert [(b.line, b.column) for b in result.bad] == [(8, "B (N° SIRET)")]
        assert not result.conflicts and not result.unknown_emails
        with store.session() as session:
            adviser_team = session.scalar(select(Adviser.team_id).where(Adviser.id == adviser_id))
        before = _assignments(store, firms)
        assert before[firms[0]] == (adviser_team, adviser_id, True, "portfolio")
        assert all(
            t in teams and locked and src == "portfolio" for t, _, locked, src in before.values()
        )

        report = divide_campaign(store, seed=3, accept_overload=True)
        assert report.assigned > 100
        assert _assignments(store, firms) == before  # the division moved none of them
        with store.session() as session:
            states = dict(
                session.execute(
                    select(PortfolioClaim.siret, PortfolioClaim.state).where(
                        PortfolioClaim.partner_id == partner_id
                    )
                )
                .tuples()
                .all()
            )
        assert states == {**dict.fromkeys(firms, "assigned"), UNKNOWN: "unknown"}
    finally:
        store.close()


def test_two_portfolios_conflict_left_unassigned_then_settled(
    campaign: str | Path, tmp_path: Path
) -> None:
    store = open_store(campaign)
    try:
        ml_id, ml_teams, _ = _partner(store, ML)
        cci_id, cci_teams, _ = _partner(store, CCI)
        firm, other = _free_firms(store, ml_teams + cci_teams, 2)
        import_portfolio(store, _write(tmp_path / "ml.csv", [(other, ""), (firm, "")]), ML)
        assert _assignments(store, [firm])[firm][2:] == (True, "portfolio")
        result = import_portfolio(store, _write(tmp_path / "cci.xlsx.csv", [(firm, "")]), CCI)
        assert result.assigned == 0 and result.released == 1
        assert [(c.line, c.siret) for c in result.conflicts] == [(2, firm)]
        assert ML in result.conflicts[0].reason
        assert _assignments(store, [firm]) == {}  # not assigned until settled

        [conflict] = [c for c in list_conflicts(store) if c.siret == firm]
        assert [(c.partner, c.source_file, c.source_line) for c in conflict.claims] == [
            (CCI, "cci.xlsx.csv", 2),
            (ML, "ml.csv", 3),
        ]
        report = divide_campaign(store, seed=3, accept_overload=True)
        assert _assignments(store, [firm]) == {}  # a division leaves it to the coordinator
        assert report.unassigned[IN_CONFLICT] >= 1

        versions = {c.claim_id: c.version for c in conflict.claims}
        settled = settle_conflict(store, firm, cci_id, versions)
        assert (settled.partner, settled.lost) == (CCI, (ML,))
        team, _adviser, locked, source = _assignments(store, [firm])[firm]
        assert team in cci_teams and locked and source == "portfolio"
        assert firm not in {c.siret for c in list_conflicts(store)}
        with pytest.raises(StaleVersion, match="revendication de portefeuille modifiée"):
            settle_conflict(store, firm, ml_id, versions)  # listed before the settlement
        with pytest.raises(PlannerError, match="plus\\) en conflit"):
            settle_conflict(store, firm, ml_id)

        # ML sends its portfolio again: the settlement holds, the claim is reported lost.
        again = import_portfolio(store, tmp_path / "ml.csv", ML)
        assert [(r.line, r.siret) for r in again.lost] == [(3, firm)]
        assert _assignments(store, [firm])[firm][0] in cci_teams
        # CCI drops the firm: ML's claim stands again and the firm goes back to it
        # (once the replacement is confirmed: dropping a claim is never silent).
        with pytest.raises(ClaimsWouldBeDropped) as refused:
            import_portfolio(store, _write(tmp_path / "cci2.csv", [(other, "")]), CCI)
        assert (refused.value.dropped, refused.value.locked) == (1, 1)
        assert _assignments(store, [firm])[firm][0] in cci_teams  # nothing written
        import_portfolio(store, tmp_path / "cci2.csv", CCI, replace=True)
        assert other in {c.siret for c in list_conflicts(store)}
        assert _assignments(store, [firm])[firm][0] in ml_teams
    finally:
        store.close()


def test_cancelled_import_writes_nothing(sqlite_campaign: Path, tmp_path: Path) -> None:
    store = open_store(sqlite_campaign)
    try:
        _, teams, _ = _partner(store, ML)
        firms = _free_firms(store, teams, 3)
        before = _assignments(store, firms)
        listing = read_portfolio_file(_write(tmp_path / "ml.csv", [(s, "") for s in firms]))
        token = CancelToken()
        token.cancel()
        with pytest.raises(Cancelled):
            apply_portfolio(store, _partner(store, ML)[0], listing, cancel=token)
        assert _assignments(store, firms) == before
        with store.session() as session:
            assert not session.scalars(
                select(PortfolioClaim).where(PortfolioClaim.siret.in_(firms))
            ).all()
    finally:
        store.close()


def test_unknown_partner_and_adviser_email(sqlite_campaign: Path, tmp_path: Path) -> None:
    store = open_store(sqlite_campaign)
    try:
        _, teams, _ = _partner(store, ML)
        [firm] = _free_firms(store, teams, 1)
        path = _write(tmp_path / "ml.csv", [(firm, "personne@ailleurs.fr")])
        with pytest.raises(PlannerError, match="Partenaire « Inconnu » inconnu"):
            import_portfolio(store, path, "Inconnu")
        result = import_portfolio(store, path, ML.upper())
        assert [(u.line, u.siret) for u in result.unknown_emails] == [(2, firm)]
        team, adviser, locked, source = _assignments(store, [firm])[firm]
        assert (locked, source) == (True, "portfolio")
        # no adviser named: the team's least loaded one (the division names none for it)
        with store.session() as session:
            loads = dict(
                session.execute(
                    select(Assignment.adviser_id, func.count())
                    .where(Assignment.team_id == team)
                    .group_by(Assignment.adviser_id)
                )
                .tuples()
                .all()
            )
        assert adviser in [a for a, _ in _partner(store, ML)[2]]
        assert loads[adviser] - 1 <= min(loads.values())
    finally:
        store.close()


def _claims(store: CampaignStore, partner_id: int) -> dict[str, str]:
    with store.session() as session:
        return dict(
            session.execute(
                select(PortfolioClaim.siret, PortfolioClaim.state).where(
                    PortfolioClaim.partner_id == partner_id
                )
            )
            .tuples()
            .all()
        )


def test_reimport_dropping_claims_needs_replace_and_dry_run_writes_nothing(
    campaign: str | Path, tmp_path: Path
) -> None:
    store = open_store(campaign)
    try:
        ml_id, teams, _ = _partner(store, ML)
        firms = _free_firms(store, teams, 4)
        import_portfolio(store, _write(tmp_path / "ml.csv", [(s, "") for s in firms]), ML)
        claims, locked = _claims(store, ml_id), _assignments(store, firms)
        one_line = _write(tmp_path / "ml-une-ligne.csv", [(firms[0], "")])

        with pytest.raises(ClaimsWouldBeDropped, match="retirerait 3 entreprise") as refused:
            import_portfolio(store, one_line, ML)
        assert (refused.value.dropped, refused.value.locked, refused.value.claims) == (3, 3, 1)
        assert "--replace" in str(refused.value)
        assert (_claims(store, ml_id), _assignments(store, firms)) == (claims, locked)

        preview = import_portfolio(store, one_line, ML, dry_run=True)
        assert preview.dry_run and preview.to_json()["dry_run"] is True
        assert (preview.claims, preview.dropped, preview.released) == (1, 3, 3)
        assert (_claims(store, ml_id), _assignments(store, firms)) == (claims, locked)

        done = import_portfolio(store, one_line, ML, replace=True)
        assert not done.dry_run and (done.dropped, done.released) == (3, 3)
        assert set(_claims(store, ml_id)) == {firms[0]}
        assert set(_assignments(store, firms)) == {firms[0]}  # the locks released
        # the same file again drops nothing: no confirmation needed
        assert import_portfolio(store, one_line, ML).dropped == 0
    finally:
        store.close()
