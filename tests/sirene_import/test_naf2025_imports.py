"""SIRENE stocks of every vintage, read in NAF rév. 2 or NAF 2025, on SQLite and PostgreSQL.

The 53-column file is the shared real sample. No real rows with NAF 2025 codes
are published, so the 54-column stock and the stock with NAF 2025 as the main
code are made from that sample by ``tests/data/make_naf2025_stocks.py``: each
NAF rév. 2 code mapped through INSEE's correspondence table (the first target
where it is one-to-many). 48 of its 299 rows are coded in NAF rév. 2; the others
have an older code (NAP, NAF 1993, NAF rév. 1) or none.
"""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pytest

from planner.db import models
from planner.db.store import CampaignStore, create_store, open_store
from planner.domain.import_filters import ImportFilters
from planner.domain.nomenclature import NAF2025, REV2
from planner.services.campaign.campaign_file import campaign_info
from planner.services.campaign.naf_reference import write_reference
from planner.services.firms.firm_query import FirmFilter, load_firms
from planner.services.sirene_import.pipeline import SireneFiles, import_sirene

DATA = Path(__file__).resolve().parents[1] / "data"
STOCK_53 = "StockEtablissement_utf8__trackdechets_sample.csv"
STOCK_54 = DATA / "StockEtablissement_54col_naf25.csv"
STOCK_MAIN = DATA / "StockEtablissement_naf2025_main.csv"
EVERYTHING = ImportFilters(
    include_closed=True, bands=None, include_unknown_band=True, include_non_employers=True
)


def _campaign(target: str | Path, stock: Path, reference: str = REV2) -> CampaignStore:
    with stock.open(encoding="utf-8", newline="") as handle:
        communes = {row["codeCommuneEtablissement"] for row in csv.DictReader(handle)}
    store = create_store(target)
    with store.session() as session:
        session.add(
            models.Campaign(name="Test", bassin_kind="communes", bassin_code="*", bassin_label="T")
        )
        write_reference(session, reference)
    summary = import_sirene(store, SireneFiles(stock), EVERYTHING, {c: c for c in communes})
    assert (summary.rows_read, summary.kept, summary.new) == (299, 299, 299)
    return store


def test_committed_stocks_are_what_the_script_makes() -> None:
    spec = importlib.util.spec_from_file_location("make_stocks", DATA / "make_naf2025_stocks.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    made = script.derive()
    assert STOCK_54.read_text(encoding="utf-8") == made[STOCK_54.name]
    assert STOCK_MAIN.read_text(encoding="utf-8") == made[STOCK_MAIN.name]
    with STOCK_54.open(encoding="utf-8", newline="") as handle:
        assert len(next(csv.reader(handle))) == 54


def test_53_column_stock_has_rev2_codes_only(sirene_dir: Path, campaign_target: str | Path) -> None:
    with _campaign(campaign_target, sirene_dir / STOCK_53) as store:
        est = campaign_info(store).establishments
        assert est.naf_codes == {"rev2": 48, "naf2025": 0}
        assert est.by_naf_section["absent"] == 251
        assert sum(est.by_naf_section.values()) == 299
        assert est.by_naf_section["L"] == 13  # 68.20B, real estate, is L in rév. 2
    with _reopen(campaign_target, NAF2025) as store:
        est = campaign_info(store).establishments
        # In NAF 2025 the 53-column stock has no code at all: every firm is counted "absent".
        assert est.by_naf_section == {"absent": 299}
        firms = load_firms(store)
        assert firms.height == 299
        assert set(firms["naf_label"]) == {"Code NAF 2025 absent"}
        kept = FirmFilter(sections=frozenset({"absent"})).apply(firms)
        assert int(kept.sum()) == 299


def _reopen(target: str | Path, reference: str) -> CampaignStore:
    """Reopen a campaign with another reference written directly (no rule to translate)."""
    store = open_store(target)
    with store.session() as session:
        write_reference(session, reference)
    return store


@pytest.mark.parametrize("stock", [STOCK_54, STOCK_MAIN], ids=["54-columns", "naf2025-main"])
def test_naf2025_stocks_in_both_references(stock: Path, campaign_target: str | Path) -> None:
    with _campaign(campaign_target, stock, NAF2025) as store:
        est = campaign_info(store).establishments
        both = stock == STOCK_54
        assert est.naf_codes == {"rev2": 48 if both else 0, "naf2025": 48}
        sections = est.by_naf_section
        assert sections["absent"] == 251
        assert sections["M"] == 13  # 68.20H: real estate moved from L to M in NAF 2025
        assert sections["N"] == 3  # 70.10Y, head offices: M in rév. 2, N in NAF 2025
        firms = load_firms(store)
        row = firms.filter(firms["naf_code"] == "68.20H").row(0, named=True)
        assert row["section"] == "M" and row["division"] == "68"
        label = "Location et exploitation d'autres biens immobiliers propres ou loués"
        assert row["naf_label"] == label
        assert int((firms["naf_label"] == "Code NAF 2025 absent").sum()) == 251
    with _reopen(campaign_target, REV2) as store:
        est = campaign_info(store).establishments
        if both:
            assert est.by_naf_section["L"] == 13
            assert est.by_naf_section["absent"] == 251
        else:
            # NAF 2025 is the main code: no rév. 2 code anywhere, every firm "absent".
            assert est.by_naf_section == {"absent": 299}


def test_new_campaign_reference_depends_on_the_date(tmp_path: Path) -> None:
    import datetime as dt

    from planner.services.campaign.naf_reference import (
        initial_reference,
        reference_nomenclature,
    )

    with create_store(tmp_path / "c.planner") as store:
        assert reference_nomenclature(store) == REV2  # a campaign from before the setting
        with store.session() as session:
            assert initial_reference(session, dt.date(2026, 12, 31)) == REV2
        assert reference_nomenclature(store) == REV2
        with store.session() as session:
            assert initial_reference(session, dt.date(2027, 1, 1)) == NAF2025
        assert reference_nomenclature(store) == NAF2025
