"""``planner teams template|import|list`` and ``planner divide --json``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from planner.cli.main import run
from planner.services.demo.demo_campaign import create_demo


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("teams") / "demo.planner"
    create_demo(path, rows=2500, seed=5)
    return path


def test_divide_prints_quality_as_json(demo_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["divide", str(demo_file), "--seed", "5", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["assigned"] + sum(report["unassigned"].values()) == report["firms"]
    assert report["moved"] == 0 and report["problems"] == []
    assert report["max_deviation_pct"] == max(abs(t["deviation_pct"]) for t in report["teams"])
    assert report["max_deviation_pct"] <= 2.0
    for row in report["teams"]:
        assert {
            "team",
            "partner",
            "firms",
            "target",
            "capacity",
            "mean_km",
            "p90_km",
            "pieces",
        } <= set(row)
        assert row["pieces"] >= 1 and 0 < row["mean_km"] <= row["p90_km"]
    assert 0 < report["mean_km"] <= report["p90_km"]


def test_template_import_then_infeasible_divide(
    demo_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = tmp_path / "equipes.xlsx"
    assert run(["teams", "template", str(template)]) == 0
    assert load_workbook(template).sheetnames[:4] == [
        "Partenaires",
        "Règles",
        "Équipes",
        "Conseillers",
    ]
    campaign = tmp_path / "c.planner"
    campaign.write_bytes(demo_file.read_bytes())
    capsys.readouterr()
    assert run(["teams", "import", str(campaign), "--from", str(template), "--json"]) == 0
    counts = json.loads(capsys.readouterr().out)
    assert counts["partners"] == 3 and counts["teams"] == 3 and counts["removed_teams"] >= 9
    assert run(["teams", "list", str(campaign), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["capacity"] for r in rows] == [1200, 400, 300]
    # the text output writes numbers the French way (narrow no-break space)
    assert run(["teams", "list", str(campaign)]) == 0
    text = capsys.readouterr().out
    assert " / 1\u202f200 entreprises" in text and "1200" not in text
    # the template's capacities cannot hold the bassin fairly: said plainly, exit 2
    assert run(["divide", str(campaign)]) == 2
    err = capsys.readouterr().err
    assert "Répartition équitable impossible" in err and "Règle en cause" in err


def test_bad_workbook_names_sheet_row_and_column(
    demo_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = tmp_path / "equipes.xlsx"
    run(["teams", "template", str(template)])
    wb = load_workbook(template)
    wb["Équipes"]["C3"] = "beaucoup"
    wb.save(template)
    capsys.readouterr()
    assert run(["teams", "import", str(demo_file), "--from", str(template)]) == 2
    err = capsys.readouterr().err
    assert "equipes.xlsx" in err and "ligne 3" in err and "colonne C" in err
    assert "Équipes" in err and "beaucoup" in err
