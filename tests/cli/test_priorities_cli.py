"""``planner import bmo``, ``bmo``, ``import supported``, ``priorities``; French usage errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.cli.main import run

BMO_BASSINS = "zonages/bassins_BMO_communes__odis__bassins_93.csv"
BMO_2024 = "bmo/Base_open_data_BMO_2024__bassins_93.xlsx"


@pytest.fixture
def t6(shared_data: Path, tmp_path: Path) -> Path:
    if not (shared_data / BMO_2024).exists():
        pytest.fail("classeur BMO absent")
    target = tmp_path / "t6.planner"
    args = ["campaign", "create", str(target), "--name", "T6", "--bmo", "1147"]
    assert run([*args, "--bmo-file", str(shared_data / BMO_BASSINS)]) == 0
    return target


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict:
    capsys.readouterr()
    assert run(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_bmo_import_and_ranking(
    t6: Path, shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workbook = str(shared_data / BMO_2024)
    summary = _json(capsys, ["import", "bmo", str(t6), "--from", workbook, "--json"])
    assert summary["bassins"] == {"1147": "T6 Plaine Commune"}
    assert summary["rows"] == 177
    top = _json(capsys, ["bmo", str(t6), "--limit", "2", "--json"])
    first = top["metiers"][0]
    assert (top["year"], first["code"]) == (2024, "U1X91")
    assert first["difficult"] == {"value": None, "withheld": True, "partial": False}
    assert first["difficulty_share"] is None
    hard = _json(capsys, ["bmo", str(t6), "--by", "difficulty", "--min-projects", "100", "--json"])
    shares = [m["difficulty_share"] for m in hard["metiers"]]
    assert shares == sorted(shares, reverse=True) and None not in shares
    assert all(m["projects"]["value"] >= 100 for m in hard["metiers"])
    capsys.readouterr()
    assert run(["bmo", str(t6), "--limit", "1"]) == 0
    assert "secret statistique" in capsys.readouterr().out


def test_supported_and_priorities(
    t6: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listing = tmp_path / "liste.csv"
    listing.write_text("siret\n732 829 320 00074\n12345678901234\n", encoding="utf-8")
    result = _json(capsys, ["import", "supported", str(t6), "--from", str(listing), "--json"])
    assert (result["sirets"], result["matched"], result["unknown"]) == (1, 0, 1)
    assert result["bad_rows"][0]["line"] == 3
    assert result["bad_rows"][0]["column"] == "A (siret)"

    settings = ["--set", "distance=2,5", "--set", "sectors=56, 47.11B", "--set"]
    weights = _json(
        capsys, ["priorities", str(t6), *settings, "supported_policy=exclude", "--json"]
    )
    assert weights == _json(capsys, ["priorities", str(t6), "--json"])
    assert weights["distance"] == 2.5
    assert weights["sectors"] == ["56", "4711B"]
    assert weights["supported_policy"] == "exclude"
    capsys.readouterr()
    assert run(["priorities", str(t6), "--set", "vitesse=3"]) == 2
    assert "réglage inconnu « vitesse »" in capsys.readouterr().err
    assert _json(capsys, ["priorities", str(t6), "--json"]) == weights


def test_usage_errors_are_french(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["export", "call-lists"], ["import", "bmo"], ["bmo", "x", "--by", "nom"]):
        capsys.readouterr()
        assert run(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith("utilisation : planner ")
        assert "planner : erreur : " in err
        assert "required" not in err and "invalid choice" not in err


def test_priority_sectors_are_checked_in_the_reference_nomenclature(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from planner.db.store import create_store
    from planner.services.campaign.naf_reference import write_reference

    target = tmp_path / "s.planner"
    with create_store(target) as store, store.session() as session:
        write_reference(session, "naf2025")
    capsys.readouterr()
    # A rév. 2 code and a code of no nomenclature are refused, nothing is written.
    for bad in ("47.11B", "99.99", "55.10Z"):
        assert run(["priorities", str(target), "--set", f"sectors=56,{bad}"]) == 2
        assert f"« {bad} » inconnu en NAF 2025" in capsys.readouterr().err
    assert _json(capsys, ["priorities", str(target), "--json"])["sectors"] == []
    # A section letter stands for its divisions (NAF 2025's K is 61–63); shown dotted.
    assert run(["priorities", str(target), "--set", "sectors=K,47.11G,5611"]) == 0
    assert "61, 62, 63, 47.11G, 56.11" in capsys.readouterr().out
    assert _json(capsys, ["priorities", str(target), "--json"])["sectors"] == [
        "61",
        "62",
        "63",
        "4711G",
        "5611",
    ]
