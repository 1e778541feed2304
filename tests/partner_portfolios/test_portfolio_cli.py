"""``planner import portfolio`` and ``planner partner-portfolios conflicts|settle``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from planner.cli.main import run

CMA = "CMA Île-de-France — Seine-Saint-Denis"
CAP = "Cap emploi 93"


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> Any:
    capsys.readouterr()
    assert run(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_demo_conflict_listed_and_settled_from_the_command_line(
    sqlite_campaign: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conflicts = _json(capsys, ["partner-portfolios", "conflicts", str(sqlite_campaign), "--json"])
    assert len(conflicts) == 1  # the demo's firm in both the CMA's and Cap emploi's portfolios
    [conflict] = conflicts
    assert {c["partner"] for c in conflict["claims"]} == {CMA, CAP}
    assert {c["file"] for c in conflict["claims"]} == {
        "portefeuille-cma.xlsx",
        "portefeuille-cap-emploi.csv",
    }
    settled = _json(
        capsys,
        [
            "partner-portfolios",
            "settle",
            str(sqlite_campaign),
            conflict["siret"],
            "--partner",
            CAP,
            "--json",
        ],
    )
    assert settled == {"siret": conflict["siret"], "partner": CAP, "lost": [CMA]}
    assert _json(capsys, ["partner-portfolios", "conflicts", str(sqlite_campaign), "--json"]) == []


def test_import_portfolio_xlsx_json_and_errors(
    sqlite_campaign: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conflicts = _json(capsys, ["partner-portfolios", "conflicts", str(sqlite_campaign), "--json"])
    shared = conflicts[0]["siret"]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["siret", "email", "Entreprise"])
    sheet.append([float(shared), None, "A"])  # an Excel number
    sheet.append([73282932000074, None, "B"])  # unknown to the campaign
    sheet.append(["=1+1", None, "C"])  # a formula (no value saved): reported, not read
    sheet.append(['\'=HYPERLINK("x")', None, "D"])  # a formula's text: not a SIRET
    path = tmp_path / "portefeuille.xlsx"
    book.save(path)
    argv = [
        "import",
        "portfolio",
        str(sqlite_campaign),
        "--partner",
        "Mission Locale Plaine Commune",
    ]
    summary = _json(capsys, [*argv, "--from", str(path), "--json"])
    assert [c["line"] for c in summary["conflicts"]] == [2]
    assert [u["line"] for u in summary["unknown"]] == [3]
    assert [b["line"] for b in summary["bad_rows"]] == [4, 5]
    assert summary["columns"]["siret"] == "A (siret)"
    conflicts = _json(capsys, ["partner-portfolios", "conflicts", str(sqlite_campaign), "--json"])
    assert len(conflicts[0]["claims"]) == 3

    capsys.readouterr()
    assert run([*argv, "--from", str(tmp_path / "absent.csv")]) == 2
    assert "absent.csv" in capsys.readouterr().err
    assert (
        run(["import", "portfolio", str(sqlite_campaign), "--partner", "X", "--from", str(path)])
        == 2
    )
    assert "Partenaire « X » inconnu" in capsys.readouterr().err


def test_import_portfolio_dry_run_replace_and_siret_column(
    sqlite_campaign: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["import", "portfolio", str(sqlite_campaign), "--partner", CAP]
    current = _json(capsys, ["partner-portfolios", "conflicts", str(sqlite_campaign), "--json"])
    shared = current[0]["siret"]
    path = tmp_path / "une-ligne.csv"
    path.write_text(f"Nom;N° SIRET;SIRET ancien\nA;{shared};{shared}\n", encoding="utf-8")

    capsys.readouterr()
    assert run([*argv, "--from", str(path)]) == 2  # two SIRET columns
    assert "--siret-column" in capsys.readouterr().err
    with_column = [*argv, "--from", str(path), "--siret-column", "B"]
    assert run(with_column) == 2  # the demo's dozen firms would leave Cap emploi's portfolio
    err = capsys.readouterr().err
    assert "retirerait" in err and "--replace" in err

    preview = _json(capsys, [*with_column, "--dry-run", "--json"])
    assert preview["dry_run"] is True and preview["claims"] == 1 and preview["dropped"] > 5
    capsys.readouterr()
    assert run([*with_column, "--dry-run"]) == 0
    assert "Simulation (--dry-run) : rien n'a été écrit." in capsys.readouterr().out
    assert run(with_column) == 2  # the dry runs wrote nothing: still refused

    done = _json(capsys, [*with_column, "--replace", "--json"])
    assert done["dry_run"] is False and done["dropped"] == preview["dropped"]
    assert run(with_column) == 0  # the same file again drops nothing


def test_reimport_says_which_firms_left_the_portfolio(
    sqlite_campaign: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A partner's new portfolio without 12 of its firms: the text says they left it and
    have no team any more, as the JSON's ``dropped`` counts them."""
    from sqlalchemy import select

    from planner.db.models import Assignment, Establishment, PortfolioClaim
    from planner.db.store import open_store

    with open_store(sqlite_campaign) as store, store.session() as session:
        claimed = list(
            session.scalars(
                select(Establishment.siret)
                .outerjoin(PortfolioClaim, PortfolioClaim.siret == Establishment.siret)
                .where(Establishment.in_target, PortfolioClaim.siret.is_(None))
                .order_by(Establishment.siret)
                .limit(20)
            )
        )
    assert len(claimed) == 20
    kept, left = claimed[:-12], claimed[-12:]
    path = tmp_path / "portefeuille-cma.csv"
    path.write_text("SIRET\n" + "\n".join(claimed) + "\n", encoding="utf-8")
    # Firms leave the portfolio each time (the demo's own, then these): confirmed.
    argv = ["import", "portfolio", str(sqlite_campaign), "--partner", CMA, "--from", str(path)]
    argv.append("--replace")
    assert _json(capsys, [*argv, "--json"])["assigned"] == 20
    path.write_text("SIRET\n" + "\n".join(kept) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert run(argv) == 0
    out = capsys.readouterr().out
    assert "12 entreprises ne sont plus dans ce portefeuille : elles n'ont plus d'équipe" in out
    with open_store(sqlite_campaign) as store, store.session() as session:
        teams = session.scalars(select(Assignment.team_id).where(Assignment.siret.in_(left)))
        assert [t for t in teams if t is not None] == []
    # One more firm gone: the singular; the JSON counts it too.
    path.write_text("SIRET\n" + "\n".join(kept[1:]) + "\n", encoding="utf-8")
    assert run(argv) == 0
    assert "1 entreprise n'est plus dans ce portefeuille : elle n'a plus d'équipe" in (
        capsys.readouterr().out
    )
    path.write_text("SIRET\n" + "\n".join(kept[2:]) + "\n", encoding="utf-8")
    assert _json(capsys, [*argv, "--json"])["dropped"] == 1
