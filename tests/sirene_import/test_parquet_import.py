"""SIRENE stocks as Parquet: Parquet files made from the real CSV samples (same
columns) import with the same counts as the CSV, read with a pushed-down filter,
and a Parquet that is not a stock is refused by name, file and column."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import select

from planner.db import models
from planner.db.store import CampaignStore, create_store
from planner.domain.errors import InputError
from planner.domain.import_filters import ImportFilters
from planner.io.sirene_parquet import ParquetSource, is_parquet
from planner.services.sirene_import.files import describe
from planner.services.sirene_import.pipeline import SireneFiles, import_sirene
from tests.sirene_csv import read_rows

STOCK = "StockEtablissement_utf8__trackdechets_sample.csv"
UNITS = "StockUniteLegale_utf8__trackdechets_sample.csv"
EVERYTHING = ImportFilters(
    include_closed=True, bands=None, include_unknown_band=True, include_non_employers=True
)


def _parquet(csv_path: Path, target: Path, *, typed: bool = False) -> Path:
    """The CSV sample as Parquet, same columns (all text, or typed like data.gouv's)."""
    frame = pl.read_csv(csv_path, infer_schema=False)
    if typed:
        casts = {
            "dateCreationEtablissement": pl.col("dateCreationEtablissement").str.to_date(),
            "nombrePeriodesEtablissement": pl.col("nombrePeriodesEtablissement").cast(pl.Int64),
            "etablissementSiege": pl.col("etablissementSiege") == "true",
            "dateDernierTraitementEtablissement": pl.col(
                "dateDernierTraitementEtablissement"
            ).str.to_datetime("%Y-%m-%dT%H:%M:%S"),
            "etatAdministratifEtablissement": pl.col("etatAdministratifEtablissement").cast(
                pl.Categorical
            ),
        }
        frame = frame.with_columns(**{k: v for k, v in casts.items() if k in frame.columns})
    frame.write_parquet(target, row_group_size=50)
    return target


def _codes(sirene_dir: Path) -> dict[str, str]:
    _, rows = read_rows(sirene_dir / STOCK)
    return {r["codeCommuneEtablissement"]: r["codeCommuneEtablissement"] for r in rows}


def _store(target: str | Path) -> CampaignStore:
    store = create_store(target)
    with store.session() as session:
        session.add(
            models.Campaign(
                name="Test", bassin_kind="communes", bassin_code="*", bassin_label="Test"
            )
        )
    return store


def _rows(store: CampaignStore) -> list[tuple[object, ...]]:
    with store.session() as session:
        found = session.execute(select(models.Establishment).order_by("siret")).scalars()
        return [
            (e.siret, e.name, e.etat, e.in_target, e.source_hash, e.date_creation, e.siege)
            for e in found
        ]


def _import(
    target: str | Path, files: SireneFiles, filters: ImportFilters, codes: dict[str, str]
) -> tuple[dict[str, object], list[tuple[object, ...]]]:
    store = _store(target)
    summary = import_sirene(store, files, filters, codes).to_dict()
    rows = _rows(store)
    store.close()
    for key in ("import_id", "files"):
        summary.pop(key, None)
    return summary, rows


@pytest.mark.parametrize("typed", [False, True], ids=["text", "typed"])
def test_parquet_gives_the_same_counts_and_rows_as_csv(
    sirene_dir: Path, tmp_path: Path, typed: bool
) -> None:
    stock = _parquet(sirene_dir / STOCK, tmp_path / "StockEtablissement.parquet", typed=typed)
    units = _parquet(sirene_dir / UNITS, tmp_path / "StockUniteLegale.parquet")
    codes = _codes(sirene_dir)
    # Half the communes: the filter keeps some rows and drops others.
    bassin = dict(sorted(codes.items())[: len(codes) // 2])
    for filters in (ImportFilters(), EVERYTHING):
        from_csv = _import(
            tmp_path / f"csv{id(filters)}.planner",
            SireneFiles(sirene_dir / STOCK, sirene_dir / UNITS),
            filters,
            bassin,
        )
        from_parquet = _import(
            tmp_path / f"parquet{id(filters)}.planner", SireneFiles(stock, units), filters, bassin
        )
        assert from_parquet == from_csv
    summary = from_parquet[0]
    assert summary["rows_read"] == 299
    assert 0 < summary["kept"] < 299  # type: ignore[operator]


def test_parquet_sample_counts(
    sirene_dir: Path, tmp_path: Path, campaign_target: str | Path
) -> None:
    stock = _parquet(sirene_dir / STOCK, tmp_path / "s.parquet")
    store = _store(campaign_target)
    summary = import_sirene(store, SireneFiles(stock), ImportFilters(), _codes(sirene_dir))
    assert summary.rows_read == 299
    assert summary.rows_active == 15
    assert summary.excluded["ferme"] == 284
    store.close()


def test_parquet_filter_is_pushed_into_the_reader(sirene_dir: Path, tmp_path: Path) -> None:
    path = _parquet(sirene_dir / STOCK, tmp_path / "s.parquet")
    source = ParquetSource(path)
    wanted = pl.col("codeCommuneEtablissement").is_in(["75056"])
    plan = pl.scan_parquet(path).filter(wanted).explain()
    assert "SELECTION" in plan  # polars evaluates it inside the Parquet scan
    frame = source.read(["siret", "codeCommuneEtablissement"], (), wanted)
    assert set(frame["codeCommuneEtablissement"]) <= {"75056"}
    assert frame["_line"].min() is None or frame["_line"].min() >= 1  # type: ignore[operator]


def test_parquet_missing_column_is_named(sirene_dir: Path, tmp_path: Path) -> None:
    frame = pl.read_csv(sirene_dir / STOCK, infer_schema=False).drop("codeCommuneEtablissement")
    path = tmp_path / "StockEtablissement_sans_commune.parquet"
    frame.write_parquet(path)
    store = _store(tmp_path / "c.planner")
    with pytest.raises(InputError) as caught:
        import_sirene(store, SireneFiles(path), ImportFilters(), _codes(sirene_dir))
    message = str(caught.value)
    assert path.name in message and "codeCommuneEtablissement" in message
    assert _rows(store) == []
    store.close()


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("codeCommuneEtablissement", pl.col("codeCommuneEtablissement").cast(pl.Int64)),
        ("libelleVoieEtablissement", pl.concat_list(pl.col("libelleVoieEtablissement"))),
    ],
    ids=["commune_as_number", "list_column"],
)
def test_parquet_column_of_the_wrong_kind_is_named(
    sirene_dir: Path, tmp_path: Path, column: str, value: pl.Expr
) -> None:
    frame = pl.read_csv(sirene_dir / STOCK, infer_schema=False).with_columns(value.alias(column))
    path = tmp_path / "StockEtablissement_abime.parquet"
    frame.write_parquet(path)
    store = _store(tmp_path / "c.planner")
    with pytest.raises(InputError) as caught:
        import_sirene(store, SireneFiles(path), ImportFilters(), _codes(sirene_dir))
    message = str(caught.value)
    assert path.name in message and column in message
    assert _rows(store) == []
    store.close()


def test_legal_units_given_as_stock_are_refused(sirene_dir: Path, tmp_path: Path) -> None:
    units = _parquet(sirene_dir / UNITS, tmp_path / "StockUniteLegale.parquet")
    store = _store(tmp_path / "c.planner")
    with pytest.raises(InputError) as caught:
        import_sirene(store, SireneFiles(units), ImportFilters(), _codes(sirene_dir))
    assert units.name in str(caught.value)
    store.close()


def test_broken_parquet_is_refused_in_french(tmp_path: Path) -> None:
    path = tmp_path / "StockEtablissement.parquet"
    path.write_bytes(b"PAR1" + b"\x00" * 100)
    store = _store(tmp_path / "c.planner")
    with pytest.raises(InputError) as caught:
        import_sirene(store, SireneFiles(path), ImportFilters(), {"75056": "75056"})
    assert path.name in str(caught.value) and "Parquet" in str(caught.value)
    store.close()


def test_describe_a_parquet_stock(sirene_dir: Path, tmp_path: Path) -> None:
    path = _parquet(sirene_dir / STOCK, tmp_path / "StockEtablissement.parquet", typed=True)
    assert is_parquet(path)
    info = describe(path)
    assert info.kind is not None and info.problem == ""
    assert info.columns == len(pl.read_parquet_schema(path))
    assert len(info.vintage) == 10 and info.vintage[2] == "/"


def test_parquet_control_characters_are_cleaned_as_in_csv(sirene_dir: Path, tmp_path: Path) -> None:
    frame = pl.read_csv(sirene_dir / STOCK, infer_schema=False)
    first = frame["siret"][0]
    frame = frame.with_columns(
        pl.when(pl.col("siret") == first)
        .then(pl.lit("RUE\tDU\r\nPORT\x01\u0085 NORD"))
        .otherwise(pl.col("libelleVoieEtablissement"))
        .alias("libelleVoieEtablissement")
    )
    path = tmp_path / "s.parquet"
    frame.write_parquet(path)
    store = _store(tmp_path / "c.planner")
    import_sirene(store, SireneFiles(path), EVERYTHING, _codes(sirene_dir))
    with store.session() as session:
        street = session.scalar(
            select(models.Establishment.libelle_voie).where(models.Establishment.siret == first)
        )
    store.close()
    assert street == "RUE DU PORT NORD"


def test_cli_imports_a_parquet_stock_like_the_csv(
    sirene_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from planner.cli.main import run

    stock = _parquet(sirene_dir / STOCK, tmp_path / "StockEtablissement_utf8.parquet")
    units = _parquet(sirene_dir / UNITS, tmp_path / "StockUniteLegale_utf8.parquet")
    results = []
    for name, files in (("csv", (sirene_dir / STOCK, sirene_dir / UNITS)), ("pq", (stock, units))):
        target = tmp_path / f"{name}.planner"
        create = ["campaign", "create", str(target), "--name", "Somme", "--departement", "80"]
        assert run(create) == 0
        capsys.readouterr()
        command = ["import", "sirene", str(target), "--stock", str(files[0])]
        assert run([*command, "--unites-legales", str(files[1]), "--json"]) == 0
        summary = json.loads(capsys.readouterr().out)
        summary.pop("import_id", None)
        results.append(summary)
    assert results[0] == results[1]
    assert results[1]["rows_read"] == 299 and results[1]["rows_active"] == 15


def test_only_a_diffusible_status_lets_a_row_through(tmp_path: Path, sirene_dir: Path) -> None:
    """Empty, unknown or disguised (invisible characters) statuses are withheld: when in
    doubt, the firm's owner is taken to have objected."""
    import polars as pl

    from planner.services.sirene_import.transform import withheld

    statuses = pl.DataFrame({"s": ["O", " o ", "P", "N", None, "", "X", "P\u200b", "O\u200b"]})
    flags = statuses.select(withheld("s"))["s"].to_list()
    assert flags == [False, False, True, True, True, True, True, True, True]


def test_a_huge_value_is_refused_before_the_rows_are_kept(sirene_dir: Path, tmp_path: Path) -> None:
    """A few kilobytes of Parquet may hold a value of many megabytes: refused by name,
    measured while streaming, before any row is held in memory."""
    frame = pl.read_csv(sirene_dir / STOCK, infer_schema=False)
    huge = "A" * 5_000_000
    frame = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 3)
        .then(pl.lit(huge))
        .otherwise(pl.col("libelleVoieEtablissement"))
        .alias("libelleVoieEtablissement")
    )
    path = tmp_path / "StockEtablissement_bombe.parquet"
    frame.write_parquet(path, compression="zstd")
    assert path.stat().st_size < 1_000_000
    store = _store(tmp_path / "c.planner")
    with pytest.raises(InputError) as caught:
        import_sirene(store, SireneFiles(path), EVERYTHING, _codes(sirene_dir))
    message = str(caught.value)
    assert path.name in message and "libelleVoieEtablissement" in message
    assert "octets" in message
    assert _rows(store) == []
    store.close()


def test_a_siret_listed_twice_is_refused_not_a_crash(sirene_dir: Path, tmp_path: Path) -> None:
    frame = pl.read_csv(sirene_dir / STOCK, infer_schema=False)
    frame = pl.concat([frame, frame.slice(3, 1)])
    path = tmp_path / "StockEtablissement_double.parquet"
    frame.write_parquet(path)
    store = _store(tmp_path / "c.planner")
    with pytest.raises(InputError) as caught:
        import_sirene(store, SireneFiles(path), EVERYTHING, _codes(sirene_dir))
    message = str(caught.value)
    assert "figure deux fois" in message and frame["siret"][3] in message
    assert path.name in message
    assert _rows(store) == []
    store.close()


def test_a_csv_renamed_parquet_is_told_it_is_not_parquet(sirene_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "StockEtablissement.parquet"
    path.write_bytes((sirene_dir / STOCK).read_bytes())
    store = _store(tmp_path / "c.planner")
    with pytest.raises(InputError) as caught:
        import_sirene(store, SireneFiles(path), ImportFilters(), {"75056": "75056"})
    store.close()
    message = str(caught.value)
    assert path.name in message
    assert "n'est pas un fichier Parquet" in message and "CSV renommé" in message


def test_a_parquet_cut_short_is_told_truncated(sirene_dir: Path, tmp_path: Path) -> None:
    whole = _parquet(sirene_dir / STOCK, tmp_path / "entier.parquet")
    path = tmp_path / "StockEtablissement.parquet"
    path.write_bytes(whole.read_bytes()[:-100])
    with pytest.raises(InputError, match="tronqué"):
        ParquetSource(path)


INVISIBLE = "\u202eDLROW\u202c\u200b\u2066X\u2069\ufeff\u200d"


def test_invisible_format_characters_are_dropped_from_csv_and_parquet(
    sirene_dir: Path, tmp_path: Path
) -> None:
    """Bidirectional overrides and zero-width characters make a name display other than
    it reads (in the table, the map's popups, the printed lists): dropped at import, in
    both formats alike."""
    frame = pl.read_csv(sirene_dir / STOCK, infer_schema=False)
    first = frame["siret"][0]
    frame = frame.with_columns(
        pl.when(pl.col("siret") == first)
        .then(pl.lit(f"BOULANGERIE {INVISIBLE}DU PORT"))
        .otherwise(pl.col("enseigne1Etablissement"))
        .alias("enseigne1Etablissement")
    )
    parquet = tmp_path / "s.parquet"
    frame.write_parquet(parquet)
    csv = tmp_path / "StockEtablissement_invisibles.csv"
    frame.write_csv(csv)
    names = []
    for name, source in (("csv", csv), ("pq", parquet)):
        store = _store(tmp_path / f"{name}.planner")
        import_sirene(store, SireneFiles(source), EVERYTHING, _codes(sirene_dir))
        with store.session() as session:
            names.append(
                session.scalar(
                    select(models.Establishment.enseigne).where(models.Establishment.siret == first)
                )
            )
        store.close()
    assert names == ["BOULANGERIE DLROWXDU PORT"] * 2
