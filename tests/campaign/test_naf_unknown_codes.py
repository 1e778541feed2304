"""Malformed or unknown NAF codes count as absent, the same way everywhere, and the
import summary says how many there were (tests/data's 54-column stock, altered)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from planner.cli.main import run
from planner.db.store import open_store
from planner.domain.nomenclature import NAF2025, REV2
from planner.io.nomenclatures import load_nomenclature
from planner.services.campaign.naf_reference import write_reference
from planner.services.campaign.nomenclature_switch import plan_switch
from planner.services.firms.firm_query import load_firms
from tests.campaign.test_nomenclature_switch import EVERYTHING, STOCK_54, _campaign

BAD_NAF25 = ["47.11", "47.11Z", "4711Y", "NN", "G", "10.71B", " ", "47 11g"]


def _altered(path: Path) -> Path:
    with STOCK_54.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        header = list(reader.fieldnames or ())
    for row, bad in zip(rows, BAD_NAF25, strict=False):
        row["activitePrincipaleNAF25Etablissement"] = bad
    rows[len(BAD_NAF25)]["nomenclatureActivitePrincipaleEtablissement"] = "NAF2026"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_unknown_codes_are_absent_everywhere_and_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from planner.services.sirene_import.pipeline import SireneFiles, import_sirene

    _campaign(tmp_path / "c.planner").close()
    stock = _altered(tmp_path / "stock.csv")
    with open_store(tmp_path / "c.planner") as store:
        with STOCK_54.open(encoding="utf-8", newline="") as handle:
            communes = {row["codeCommuneEtablissement"] for row in csv.DictReader(handle)}
        summary = import_sirene(store, SireneFiles(stock), EVERYTHING, {c: c for c in communes})
        # 47.11, 47.11Z, 4711Y, NN, G, 10.71B are no NAF 2025 sous-classes; « 47 11g »
        # is 47.11G once case and spaces are set right; a blank cell is no code.
        unknown = summary.unknown_naf
        assert unknown["naf2025"]["count"] == 6
        assert "ligne 2 " in unknown["naf2025"]["example"]
        assert "« 47.11 »" in unknown["naf2025"]["example"]
        assert unknown["nomenclature"]["count"] == 1
        assert "« NAF2026 »" in unknown["nomenclature"]["example"]
        lines = "\n".join(summary.lines())
        assert "Codes NAF 2025 inconnus (comptés comme absents) : 6" in lines
        assert "Nomenclatures d'activité inconnues (comptés comme absents) : 1" in lines

        firms = load_firms(store, NAF2025)
        absent = int(firms["naf_2025"].is_null().sum())
        assert firms.filter(firms["siret"] == firms["siret"][0]).height == 1
        assert set(firms["naf_2025"].drop_nulls()) <= set(load_nomenclature(NAF2025).subclasses)
        assert "47.11G" in set(firms["naf_2025"])
        preview = plan_switch(store, NAF2025).firms_without_code
        with store.session() as session:
            write_reference(session, NAF2025)
        assert int(load_firms(store)["section"].is_null().sum()) == absent
        assert run(["info", str(tmp_path / "c.planner"), "--json"]) == 0
        info = json.loads(capsys.readouterr().out)["establishments"]
        # One count: the switch preview, planner info and the firms frame agree.
        assert info["by_naf_section"]["absent"] == absent == preview
        assert info["naf_codes"]["naf2025"] == firms.height - absent
        with store.session() as session:
            write_reference(session, REV2)


def test_info_always_counts_absent_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from planner.db import models
    from planner.db.store import create_store

    with create_store(tmp_path / "e.planner") as store, store.session() as session:
        session.add(
            models.Campaign(name="E", bassin_kind="communes", bassin_code="*", bassin_label="E")
        )
    assert run(["info", str(tmp_path / "e.planner"), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)["establishments"]
    assert info["by_naf_section"] == {"absent": 0}
