"""Tests of the fictitious SIRENE stock generator, checked against INSEE's real formats."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import polars as pl
import pytest
import shapely
from pyproj import Transformer
from stdnum import luhn
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from planner.services.demo.fictitious_stock import (
    ESTABLISHMENT_COLUMNS,
    LEGAL_UNIT_COLUMNS,
    NAF25_COLUMN,
    ND_ESTABLISHMENT_COLUMNS,
    ND_LEGAL_UNIT_COLUMNS,
    NOT_DIFFUSED,
    CommuneArea,
    GeneratedStock,
    generate_stock,
)
from planner.services.demo.fictitious_stock import arrays as fs_arrays
from planner.services.demo.fictitious_stock import generator as fs
from planner.services.demo.fictitious_stock import tables as fs_tables

# The real public samples copied into tests/data/public (see its README).
SHARED = Path(__file__).resolve().parents[1] / "data" / "public"
ESTABLISHMENT_SAMPLE = SHARED / "sirene" / "StockEtablissement_utf8__trackdechets_sample.csv"
LEGAL_UNIT_SAMPLE = SHARED / "sirene" / "StockUniteLegale_utf8__trackdechets_sample.csv"
COMMUNES_93 = SHARED / "geo" / "communes-93-seine-saint-denis.geojson"
NAF_LIST = SHARED / "nomenclatures" / "naf" / "naf2008_liste_n5__labonneboite.csv"

POSTAL_CODES = {
    "93001": "93300",
    "93008": "93000",
    "93048": "93100",
    "93066": "93200",
    "93070": "93400",
    "93031": "93800",
}
ROWS = 20_000
SEED = 7


@dataclass(frozen=True)
class Stock:
    result: GeneratedStock
    establishments: pl.DataFrame
    legal_units: pl.DataFrame
    geometries: dict[str, shapely.Geometry]


def _communes() -> list[CommuneArea]:
    frame = gpd.read_file(COMMUNES_93)
    return [
        CommuneArea(
            code=row.code,
            name=row.nom,
            postal_code=POSTAL_CODES.get(row.code, "93" + row.code[2:]),
            geometry=row.geometry,
            weight=float(index % 5 + 1),
        )
        for index, row in enumerate(frame.itertuples())
    ]


def _read(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False)


def _first_line(path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.readline().rstrip("\r\n")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def communes() -> list[CommuneArea]:
    return _communes()


@pytest.fixture(scope="module")
def stock(tmp_path_factory: pytest.TempPathFactory, communes: list[CommuneArea]) -> Stock:
    out = tmp_path_factory.mktemp("stock")
    result = generate_stock(
        out,
        communes[:10],
        ROWS,
        seed=SEED,
        closed_share=0.05,
        non_diffusible_share=0.05,
        outside_communes=communes[10:],
        outside_share=0.3,
    )
    assert result.legal_units is not None
    return Stock(
        result=result,
        establishments=_read(result.establishments),
        legal_units=_read(result.legal_units),
        geometries={area.code: area.geometry for area in communes},
    )


def _generate(out: Path, communes: list[CommuneArea], **options: Any) -> GeneratedStock:
    rows = options.pop("rows", 2_000)
    return generate_stock(out, communes[:5], rows, seed=SEED, **options)


# --------------------------------------------------------------------------
# Layout
# --------------------------------------------------------------------------


def test_headers_equal_insee_samples(stock: Stock) -> None:
    assert _first_line(stock.result.establishments) == _first_line(ESTABLISHMENT_SAMPLE)
    assert stock.result.legal_units is not None
    assert _first_line(stock.result.legal_units) == _first_line(LEGAL_UNIT_SAMPLE)
    assert ",".join(ESTABLISHMENT_COLUMNS) == _first_line(ESTABLISHMENT_SAMPLE)
    assert ",".join(LEGAL_UNIT_COLUMNS) == _first_line(LEGAL_UNIT_SAMPLE)


def test_csv_module_reads_53_fields_on_every_row(stock: Stock) -> None:
    with stock.result.establishments.open(encoding="utf-8", newline="") as handle:
        records = list(csv.reader(handle))
    assert len(records) == ROWS + 1
    assert {len(record) for record in records} == {53}
    assert stock.result.legal_units is not None
    with stock.result.legal_units.open(encoding="utf-8", newline="") as handle:
        legal = list(csv.reader(handle))
    assert {len(record) for record in legal} == {33}
    assert len(legal) == stock.result.legal_unit_rows + 1


def test_fields_are_quoted_only_when_needed(stock: Stock) -> None:
    raw_lines = stock.result.establishments.read_text(encoding="utf-8").splitlines()
    quoted = 0
    for raw in raw_lines:
        record = next(csv.reader([raw]))
        buffer = io.StringIO()
        csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="").writerow(record)
        assert buffer.getvalue() == raw
        quoted += '"' in raw
    # Some complements carry a comma, so minimal quoting is exercised.
    assert quoted > 0


def test_formats(stock: Stock) -> None:
    df = stock.establishments
    diffusible = df.filter(pl.col("statutDiffusionEtablissement") == "O")

    def all_match(frame: pl.DataFrame, column: str, pattern: str) -> bool:
        values = frame[column].drop_nulls()
        return bool(values.str.contains(pattern).all()) and len(values) > 0

    assert all_match(df, "dateCreationEtablissement", r"^\d{4}-\d{2}-\d{2}$")
    assert all_match(df, "dateDebut", r"^\d{4}-\d{2}-\d{2}$")
    assert all_match(
        df, "dateDernierTraitementEtablissement", r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$"
    )
    assert all_match(df, "activitePrincipaleEtablissement", r"^\d{2}\.\d{2}[A-Z]$")
    assert all_match(df, "activitePrincipaleRegistreMetiersEtablissement", r"^\d{4}[A-Z]{2}$")
    assert all_match(diffusible, "coordonneeLambertAbscisseEtablissement", r"^\d{6}\.\d$")
    assert all_match(diffusible, "coordonneeLambertOrdonneeEtablissement", r"^\d{7}\.\d$")
    assert all_match(diffusible, "numeroVoieEtablissement", r"^\d{1,4}$")
    assert all_match(diffusible, "libelleVoieEtablissement", r"^[A-Z0-9' -]+$")
    assert set(df["nomenclatureActivitePrincipaleEtablissement"]) == {"NAFRev2"}
    assert set(df["etablissementSiege"]) == {"true", "false"}
    assert set(df["caractereEmployeurEtablissement"]) == {"O", "N"}
    assert set(df["etatAdministratifEtablissement"]) == {"A", "F"}
    assert df["libelleCommuneEtablissement"].str.contains(r"^[A-Z' -]+$").all()
    assert "EPINAY-SUR-SEINE" in set(df["libelleCommuneEtablissement"])
    assert set(diffusible["typeVoieEtablissement"].drop_nulls()) <= {
        "RUE", "AV", "BD", "ALL", "IMP", "PL", "CHE", "PAS", "RTE", "QUAI", "SQ", "CITE",
        "VLA", "SEN",
    }  # fmt: skip


def test_activity_codes_exist_in_naf_rev2() -> None:
    with NAF_LIST.open(encoding="utf-8") as handle:
        official = {line.split("|")[0] for line in handle}
    embedded = {code for code, *_ in fs_tables._NAF_TABLE}
    assert 60 <= len(embedded) <= 160
    assert embedded <= official


# --------------------------------------------------------------------------
# Identifiers
# --------------------------------------------------------------------------


def test_sirets_are_valid_and_unique(stock: Stock) -> None:
    df = stock.establishments
    sirets = df["siret"].to_list()
    assert len(set(sirets)) == len(sirets) == ROWS
    assert all(stdnum_siret.is_valid(value) for value in sirets)
    assert all(stdnum_siren.is_valid(value) for value in df["siren"].unique().to_list())
    assert (df["siren"] + df["nic"]).to_list() == sirets
    # Sorted by SIREN then NIC, as INSEE's stock.
    assert sirets == sorted(sirets)
    assert stock.result.multi_site_sirens > 0
    assert df["siren"].n_unique() < ROWS


def test_one_head_office_per_siren_and_legal_units_join(stock: Stock) -> None:
    df, ul = stock.establishments, stock.legal_units
    heads = df.group_by("siren").agg(
        (pl.col("etablissementSiege") == "true").sum().alias("heads"),
        pl.col("nic").filter(pl.col("etablissementSiege") == "true").first().alias("nic"),
    )
    assert heads["heads"].to_list() == [1] * heads.height
    assert ul["siren"].n_unique() == ul.height == heads.height
    joined = heads.join(ul, on="siren", how="inner")
    assert joined.height == ul.height
    assert (joined["nic"] == joined["nicSiegeUniteLegale"]).all()


# --------------------------------------------------------------------------
# Positions
# --------------------------------------------------------------------------


def test_points_fall_inside_their_commune(stock: Stock) -> None:
    placed = stock.establishments.filter(
        pl.col("coordonneeLambertAbscisseEtablissement").is_not_null()
        & (pl.col("coordonneeLambertAbscisseEtablissement") != NOT_DIFFUSED)
    )
    assert placed.height > ROWS * 0.9
    to_wgs84 = Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True)
    lon, lat = to_wgs84.transform(
        placed["coordonneeLambertAbscisseEtablissement"].cast(pl.Float64).to_numpy(),
        placed["coordonneeLambertOrdonneeEtablissement"].cast(pl.Float64).to_numpy(),
    )
    codes = placed["codeCommuneEtablissement"].to_numpy()
    for code in np.unique(codes):
        mask = codes == code
        inside = shapely.contains_xy(stock.geometries[str(code)], lon[mask], lat[mask])
        assert inside.all(), f"{code}: {int((~inside).sum())} points outside"


def test_outside_share_and_not_geocoded(stock: Stock, communes: list[CommuneArea]) -> None:
    df = stock.establishments
    inside_codes = {area.code for area in communes[:10]}
    outside = df.filter(~pl.col("codeCommuneEtablissement").is_in(inside_codes)).height
    assert outside == stock.result.outside
    assert 0.27 < outside / ROWS < 0.33
    assert sum(stock.result.per_commune.values()) == ROWS
    diffusible = df.filter(pl.col("statutDiffusionEtablissement") == "O")
    missing = diffusible["coordonneeLambertAbscisseEtablissement"].null_count()
    assert missing == stock.result.not_geocoded
    assert 0.015 < missing / diffusible.height < 0.045


# --------------------------------------------------------------------------
# Content
# --------------------------------------------------------------------------


def test_non_diffusible_rows_are_masked_like_insee(stock: Stock) -> None:
    df, ul = stock.establishments, stock.legal_units
    hidden = df.filter(pl.col("statutDiffusionEtablissement") == "P")
    assert hidden.height == stock.result.non_diffusible
    assert 0.035 < hidden.height / ROWS < 0.065
    for column in ND_ESTABLISHMENT_COLUMNS:
        assert (hidden[column] == NOT_DIFFUSED).all(), column
    # The commune stays published.
    assert hidden["codeCommuneEtablissement"].str.contains(r"^\d{5}$").all()
    assert hidden["codePostalEtablissement"].str.contains(r"^\d{5}$").all()
    # [ND] never appears in a diffusible row.
    shown = df.filter(pl.col("statutDiffusionEtablissement") == "O")
    for column in ESTABLISHMENT_COLUMNS:
        assert not (shown[column] == NOT_DIFFUSED).any(), column

    hidden_units = ul.filter(pl.col("statutDiffusionUniteLegale") == "P")
    assert hidden_units.height > 0
    assert set(hidden_units["categorieJuridiqueUniteLegale"]) == {"1000"}
    for column in ND_LEGAL_UNIT_COLUMNS:
        assert (hidden_units[column] == NOT_DIFFUSED).all(), column
    assert set(hidden["siren"]) == set(hidden_units["siren"])


def test_realistic_mix(stock: Stock) -> None:
    df, ul = stock.establishments, stock.legal_units
    closed = (df["etatAdministratifEtablissement"] == "F").sum()
    assert closed == stock.result.closed
    assert 0.04 < closed / ROWS < 0.06

    bands = df["trancheEffectifsEtablissement"].fill_null("")
    small = bands.is_in(["", "NN", "00", "01", "02", "03", "11", "12"]).sum()
    assert small > 0.9 * ROWS
    assert bands.is_in(["21", "22", "31", "32"]).sum() > 0
    has_year = df["anneeEffectifsEtablissement"].is_not_null()
    assert (has_year == ~bands.is_in(["", "NN"])).all()
    employers = df.filter(pl.col("caractereEmployeurEtablissement") == "O")
    assert employers["trancheEffectifsEtablissement"].is_in(["NN"]).sum() == 0

    craft = df["activitePrincipaleRegistreMetiersEtablissement"].drop_nulls()
    assert 0.05 < len(craft) / ROWS < 0.5
    created = sorted(df["dateCreationEtablissement"].to_list())
    assert created[0] >= "1975-01-01"
    assert created[-1] <= "2025-12-31"
    assert (df["dateDebut"] >= df["dateCreationEtablissement"]).all()
    named = (
        df["enseigne1Etablissement"].is_not_null()
        | df["denominationUsuelleEtablissement"].is_not_null()
    )
    assert 0.3 * ROWS < named.sum() < 0.5 * ROWS

    sole = ul.filter(pl.col("categorieJuridiqueUniteLegale") == "1000")
    assert 0.18 < sole.height / ul.height < 0.35
    assert sole["denominationUniteLegale"].null_count() == sole.height
    assert sole["nomUniteLegale"].null_count() == 0
    companies = ul.filter(pl.col("categorieJuridiqueUniteLegale") != "1000")
    assert companies["denominationUniteLegale"].null_count() == 0
    assert companies["nomUniteLegale"].null_count() == companies.height
    assert {"5710", "5499", "5720"} <= set(companies["categorieJuridiqueUniteLegale"])
    assert set(ul["categorieEntreprise"].drop_nulls()) <= {"PME", "ETI", "GE"}


# --------------------------------------------------------------------------
# Options
# --------------------------------------------------------------------------


def test_zip_variant_holds_the_same_csv(tmp_path: Path, communes: list[CommuneArea]) -> None:
    plain = _generate(tmp_path / "plain", communes)
    zipped = _generate(tmp_path / "zip", communes, zip_output=True)
    assert zipped.establishments.name == "StockEtablissement_utf8.zip"
    assert zipfile.is_zipfile(zipped.establishments)
    with zipfile.ZipFile(zipped.establishments) as archive:
        assert archive.testzip() is None
        infos = archive.infolist()
        assert [info.filename for info in infos] == ["StockEtablissement_utf8.csv"]
        assert infos[0].compress_type == zipfile.ZIP_DEFLATED
        assert archive.read(infos[0]) == plain.establishments.read_bytes()
    assert zipped.legal_units is not None and plain.legal_units is not None
    with zipfile.ZipFile(zipped.legal_units) as archive:
        assert archive.namelist() == ["StockUniteLegale_utf8.csv"]
        assert archive.read("StockUniteLegale_utf8.csv") == plain.legal_units.read_bytes()


def test_layout_54_appends_naf25_last(tmp_path: Path, communes: list[CommuneArea]) -> None:
    old = _generate(tmp_path / "53", communes)
    new = _generate(tmp_path / "54", communes, layout=54)
    with new.establishments.open(encoding="utf-8", newline="") as handle:
        records = list(csv.reader(handle))
    assert records[0] == [*ESTABLISHMENT_COLUMNS, NAF25_COLUMN]
    assert {len(record) for record in records} == {54}
    with old.establishments.open(encoding="utf-8", newline="") as handle:
        assert [record[:53] for record in records] == list(csv.reader(handle))
    df = _read(new.establishments)
    active = df.filter(pl.col("etatAdministratifEtablissement") == "A")
    assert active[NAF25_COLUMN].str.contains(r"^\d{2}\.\d{2}[A-Z]$").all()


def test_same_seed_same_bytes(tmp_path: Path, communes: list[CommuneArea]) -> None:
    first = _generate(tmp_path / "a", communes)
    second = _generate(tmp_path / "b", communes)
    third = generate_stock(tmp_path / "c", communes[:5], 2_000, seed=SEED + 1)
    assert _digest(first.establishments) == _digest(second.establishments)
    assert first.legal_units is not None and second.legal_units is not None
    assert _digest(first.legal_units) == _digest(second.legal_units)
    assert _digest(first.establishments) != _digest(third.establishments)


def test_without_legal_units_the_establishments_do_not_change(
    tmp_path: Path, communes: list[CommuneArea]
) -> None:
    with_units = _generate(tmp_path / "a", communes)
    without = _generate(tmp_path / "b", communes, legal_units=False)
    assert without.legal_units is None
    assert not (tmp_path / "b" / "StockUniteLegale_utf8.csv").exists()
    assert _digest(with_units.establishments) == _digest(without.establishments)


def test_crlf_line_endings(tmp_path: Path, communes: list[CommuneArea]) -> None:
    result = _generate(tmp_path, communes, rows=500, line_ending="\r\n")
    data = result.establishments.read_bytes()
    assert data.count(b"\r\n") == data.count(b"\n") == 501
    with result.establishments.open(encoding="utf-8", newline="") as handle:
        assert {len(record) for record in csv.reader(handle)} == {53}


def test_batches_keep_order_and_uniqueness(
    tmp_path: Path, communes: list[CommuneArea], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fs, "_BATCH_ROWS", 1_500)
    result = _generate(tmp_path, communes, rows=5_000)
    df = _read(result.establishments)
    assert df.height == 5_000
    sirets = df["siret"].to_list()
    assert sirets == sorted(sirets)
    assert len(set(sirets)) == 5_000
    assert result.legal_units is not None
    ul = _read(result.legal_units)
    assert ul["siren"].n_unique() == ul.height == df["siren"].n_unique()


def test_zero_rows_writes_headers_only(tmp_path: Path, communes: list[CommuneArea]) -> None:
    result = _generate(tmp_path, communes, rows=0)
    assert result.rows == 0
    assert (
        result.establishments.read_text(encoding="utf-8") == ",".join(ESTABLISHMENT_COLUMNS) + "\n"
    )


@pytest.mark.parametrize(
    "options",
    [
        {"outside_share": 0.5},  # no outside_communes
        {"layout": 55},
        {"closed_share": 1.5},
        {"line_ending": "\r"},
        {"rows": -1},
    ],
)
def test_invalid_arguments_are_refused(
    tmp_path: Path, communes: list[CommuneArea], options: dict[str, Any]
) -> None:
    with pytest.raises(ValueError):
        _generate(tmp_path, communes, **options)


def test_communes_are_required(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate_stock(tmp_path, [], 10)


# --------------------------------------------------------------------------
# Golden output
# --------------------------------------------------------------------------

# Digests of stocks written by the generator as it stood before its tables
# moved to resources/demo and its code was split (commit 90be4a6). Any change
# to the bytes written for a given seed is a change of behaviour: the demo
# campaign and the benchmarks rely on it.
GOLDEN_MIXED = (
    "4a0199875f57c1861cd00b44013967acfc26d7a454dbd3a77790890e1dbe423d",
    "d0b6be65d92ad52a5c2f25c7dc3fb54654584ced2d1475f0f818abea95581ac4",
)
GOLDEN_BATCHED = (
    "c29b6408ffe469f3184c634648f5bf3d5f01b73d9febeea2761df69acef7a3ff",
    "ce037770b85b2a282ff0d2fc246b367659ffee0351062bcba8aff57a054d4c47",
)


def test_golden_bytes_for_a_seed(tmp_path: Path, communes: list[CommuneArea]) -> None:
    result = generate_stock(
        tmp_path,
        communes[:6],
        3_000,
        seed=11,
        closed_share=0.05,
        non_diffusible_share=0.05,
        outside_communes=communes[6:12],
        outside_share=0.2,
        layout=54,
    )
    assert result.legal_units is not None
    assert (_digest(result.establishments), _digest(result.legal_units)) == GOLDEN_MIXED


def test_golden_bytes_across_batches(
    tmp_path: Path, communes: list[CommuneArea], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fs, "_BATCH_ROWS", 700)
    result = generate_stock(tmp_path, communes[:6], 2_000, seed=12)
    assert result.legal_units is not None
    assert (_digest(result.establishments), _digest(result.legal_units)) == GOLDEN_BATCHED
    assert (result.legal_unit_rows, result.closed, result.non_diffusible) == (1_608, 41, 37)
    assert (result.not_geocoded, result.multi_site_sirens) == (56, 119)


def test_vectorised_luhn_key_agrees_with_stdnum() -> None:
    rng = np.random.default_rng(16)
    for n_digits in (8, 13):
        payload = rng.integers(0, 10**n_digits, 20_000, dtype=np.int64)
        edges = np.array([0, 1, 9, 10**n_digits - 1, 10 ** (n_digits - 1)], dtype=np.int64)
        payload = np.concatenate([payload, edges])
        keys = fs_arrays._luhn_check_digit(payload, n_digits)
        expected = [int(luhn.calc_check_digit(f"{p:0{n_digits}d}")) for p in payload.tolist()]
        assert keys.tolist() == expected
