"""The command line as a contract: bassins, imports, info, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from planner.cli.main import run
from planner.domain import clock
from planner.domain.nomenclature import default_nomenclature

ZE_FILE = "zonages/ZE2020_au_01-01-2022__INSEE.xlsx"
BMO_FILE = "zonages/bassins_BMO_communes__odis__bassins_93.csv"
STOCK = "sirene/StockEtablissement_utf8__trackdechets_sample.csv"
UNITS = "sirene/StockUniteLegale_utf8__trackdechets_sample.csv"


def _info(capsys: pytest.CaptureFixture[str], target: str | Path) -> dict:
    capsys.readouterr()
    assert run(["info", str(target), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_bmo_bassin_maps_pierrefitte_to_saint_denis(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "plaine.planner"
    code = run(
        [
            "campaign",
            "create",
            str(target),
            "--name",
            "Plaine Commune",
            "--bmo",
            "1147",
            "--bmo-file",
            str(shared_data / BMO_FILE),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "93059 remplacé par 93066" in out
    info = _info(capsys, target)
    assert info["bassin"]["communes"] == 8
    assert info["bassin"]["commune_codes"] == [
        "93001",
        "93027",
        "93031",
        "93039",
        "93066",
        "93070",
        "93072",
        "93079",
    ]


def test_zones_d_emploi_from_the_insee_workbook(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for code, name, low, high in (("1109", "Paris", 100, 130), ("1112", "Roissy", 60, 90)):
        target = tmp_path / f"ze{code}.planner"
        assert (
            run(
                [
                    "campaign",
                    "create",
                    str(target),
                    "--name",
                    name,
                    "--ze",
                    code,
                    "--ze-file",
                    str(shared_data / ZE_FILE),
                ]
            )
            == 0
        )
        info = _info(capsys, target)
        assert name in info["bassin"]["label"]
        assert low <= info["bassin"]["communes"] <= high
    assert "75056" not in info["bassin"]["commune_codes"]  # Roissy, last checked


def test_ept_and_departement(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        run(["campaign", "create", str(tmp_path / "t6.planner"), "--name", "T6", "--ept", "T6"])
        == 0
    )
    info = _info(capsys, tmp_path / "t6.planner")
    assert info["bassin"]["communes"] == 8
    # A new campaign reads NAF rév. 2 until 1 January 2027, NAF 2025 from then on.
    assert info["establishments"]["naf_reference"] == default_nomenclature(clock.today())
    assert (
        run(
            [
                "campaign",
                "create",
                str(tmp_path / "d93.planner"),
                "--name",
                "93",
                "--departement",
                "93",
            ]
        )
        == 0
    )
    assert _info(capsys, tmp_path / "d93.planner")["bassin"]["communes"] == 39


def test_sample_import_counts_on_departement_80(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "somme.planner"
    assert run(["campaign", "create", str(target), "--name", "Somme", "--departement", "80"]) == 0
    capsys.readouterr()
    assert (
        run(["import", "sirene", str(target), "--stock", str(shared_data / STOCK), "--json"]) == 0
    )
    default = json.loads(capsys.readouterr().out)
    assert default["rows_read"] == 299 and default["rows_active"] == 15

    everything = tmp_path / "somme-tout.planner"
    assert (
        run(["campaign", "create", str(everything), "--name", "Somme", "--departement", "80"]) == 0
    )
    capsys.readouterr()
    assert (
        run(
            [
                "import",
                "sirene",
                str(everything),
                "--stock",
                str(shared_data / STOCK),
                "--unites-legales",
                str(shared_data / UNITS),
                "--include-closed",
                "--all-sizes",
                "--include-non-employers",
                "--json",
            ]
        )
        == 0
    )
    summary = json.loads(capsys.readouterr().out)
    rows_80 = sum(
        1
        for line in (shared_data / STOCK).read_text(encoding="utf-8").splitlines()[1:]
        if line.split(",")[22].startswith("80")
    )
    assert rows_80 == 115
    assert summary["kept"] == rows_80
    # 115 establishments of 109 legal units (a few units have several sites)
    assert summary["legal_units_matched"] == 109
    assert summary["establishments_with_legal_name"] == 115
    # Re-imported without StockUniteLegale: the stored units give the same names.
    assert (
        run(
            [
                "import",
                "sirene",
                str(everything),
                "--stock",
                str(shared_data / STOCK),
                "--include-closed",
                "--all-sizes",
                "--include-non-employers",
            ]
        )
        == 0
    )
    text = capsys.readouterr().out
    assert "inchangés 115" in text
    assert "Unités légales trouvées : 109 ; établissements ayant une raison sociale" in text
    info = _info(capsys, everything)
    assert info["establishments"]["total"] == rows_80
    assert info["name"] == "Somme"


def test_bad_input_exits_2_with_a_french_message(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "c.planner"
    assert run(["campaign", "create", str(target), "--name", "X", "--ept", "T6"]) == 0
    not_sirene = tmp_path / "clients.csv"
    not_sirene.write_text("nom;ville\nDupont;Paris\n", encoding="utf-8")
    capsys.readouterr()
    assert run(["import", "sirene", str(target), "--stock", str(not_sirene)]) == 2
    assert "n'est pas un fichier SIRENE" in capsys.readouterr().err
    assert (
        run(["campaign", "create", str(tmp_path / "y.planner"), "--name", "Y", "--ept", "T99"]) == 2
    )
    assert "T99" in capsys.readouterr().err
    assert (
        run(["campaign", "create", str(tmp_path / "z.planner"), "--name", "Z", "--ze", "1109"]) == 2
    )
    assert run(["info"]) == 2


@pytest.mark.postgres
def test_campaign_on_postgresql(
    shared_data: Path, pg_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        run(["campaign", "create", pg_database, "--name", "Partagée", "--departement", "80"]) == 0
    )
    assert (
        run(
            [
                "import",
                "sirene",
                pg_database,
                "--stock",
                str(shared_data / STOCK),
                "--include-closed",
                "--all-sizes",
                "--include-non-employers",
            ]
        )
        == 0
    )
    assert _info(capsys, pg_database)["establishments"]["total"] == 115


def test_entry_points(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "planner", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and result.stdout.startswith("planner ")
    result = subprocess.run(
        [sys.executable, "-m", "planner", "info", str(tmp_path / "x.planner"), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "n'existe pas" in result.stderr


def test_a_campaign_file_or_url_given_alone_opens_the_app() -> None:
    opened: list[tuple[str | None, bool]] = []

    def launch(campaign: str | None, demo: bool) -> int:
        opened.append((campaign, demo))
        return 0

    url = "postgresql+psycopg://marie@serveur/plaine"
    assert run([url], launch_app=launch) == 0
    assert run(["plaine.planner"], launch_app=launch) == 0
    assert opened == [(url, False), ("plaine.planner", False)]
