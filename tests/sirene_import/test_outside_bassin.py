"""The import summary says where the stock's rows outside the bassin were: the
départements with most rows (CSV and Parquet stocks alike)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import polars as pl

from planner.domain.import_filters import ImportFilters
from planner.services.sirene_import.pipeline import SireneFiles, import_sirene
from planner.services.sirene_import.scan import departement_expr
from planner.services.sirene_import.summary import ImportSummary
from tests.sirene_csv import read_rows
from tests.sirene_import.test_parquet_import import _parquet, _store

STOCK = "StockEtablissement_utf8__trackdechets_sample.csv"


def _expected(rows: list[dict[str, str]], bassin: set[str]) -> Counter[str]:
    expected: Counter[str] = Counter()
    for row in rows:
        code = row["codeCommuneEtablissement"]
        if code in bassin:
            continue
        if not code or len(code) != 5:
            expected[""] += 1
        elif code.startswith(("97", "98")):
            expected[code[:3]] += 1
        else:
            expected[code[:2]] += 1
    return expected


def test_summary_counts_rows_outside_the_bassin_by_departement(
    sirene_dir: Path, tmp_path: Path, campaign_target: str | Path
) -> None:
    _, rows = read_rows(sirene_dir / STOCK)
    # The bassin: the communes of the sample's most common département.
    deps = Counter(r["codeCommuneEtablissement"][:2] for r in rows)
    top = deps.most_common(1)[0][0]
    bassin = {c for r in rows if (c := r["codeCommuneEtablissement"]).startswith(top)}
    aliases = {code: code for code in bassin}
    expected = _expected(rows, bassin)
    assert len(expected) > 3  # the sample spreads over many départements

    store = _store(campaign_target)
    try:
        summary = import_sirene(store, SireneFiles(sirene_dir / STOCK), ImportFilters(), aliases)
    finally:
        store.close()
    assert summary.outside_departements == dict(expected)
    assert sum(summary.outside_departements.values()) == summary.rows_read - summary.in_bassin
    counts = list(summary.outside_departements.values())
    assert counts == sorted(counts, reverse=True)
    line = next(line for line in summary.lines() if line.startswith("Hors du bassin"))
    first, count = expected.most_common(1)[0]
    assert f"{first} ({count})" in line

    parquet = _parquet(sirene_dir / STOCK, tmp_path / "s.parquet")
    store = _store(tmp_path / "parquet.planner")
    try:
        from_parquet = import_sirene(store, SireneFiles(parquet), ImportFilters(), aliases)
    finally:
        store.close()
    assert from_parquet.outside_departements == summary.outside_departements


def test_outside_line_names_the_top_departements_in_french_numbers() -> None:
    summary = ImportSummary(
        outside_departements={"75": 15256, "92": 3000, "": 12, "94": 5, "95": 4, "77": 3, "78": 1}
    )
    line = summary.outside_line()
    assert line == (
        "Hors du bassin : 18\u202f281, par département : 75 (15\u202f256), 92 (3\u202f000), "
        "commune absente ou masquée (12), 94 (5), 95 (4), 2 autres (4)"
    )


def test_departement_of_a_commune_code() -> None:
    codes = ["93066", "97411", "2A004", "98735", "[ND]", "", None, "7500"]
    deps = pl.DataFrame({"c": codes}).select(departement_expr(pl.col("c")))["c"].to_list()
    assert deps == ["93", "974", "2A", "987", "", "", "", ""]
