"""Tests of the reference geography shipped under maps/ and of its reader."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.geometry import Polygon

from planner.geo.reference import (
    ALIASES_FILE,
    COMMUNES_FILE,
    MAPS_DIR_ENV,
    CommuneReference,
    ReferenceDataError,
    ResolvedCodes,
    UnknownAreaError,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
MAPS_DIR = REPO_ROOT / "maps"
SHARED_93 = (
    REPO_ROOT / "tests" / "data" / "public" / "geo" / "communes-93-seine-saint-denis.geojson"
)

PLAINE_COMMUNE = [
    "93001",  # Aubervilliers
    "93027",  # La Courneuve
    "93031",  # Épinay-sur-Seine
    "93039",  # L'Île-Saint-Denis
    "93066",  # Saint-Denis (with Pierrefitte-sur-Seine since 2025)
    "93070",  # Saint-Ouen-sur-Seine
    "93072",  # Stains
    "93079",  # Villetaneuse
]
EXPECTED_COLUMNS = [
    "code",
    "nom",
    "population",
    "departement",
    "region",
    "epci",
    "epci_nom",
    "ept",
    "ept_siren",
    "ept_nom",
    "mairie_adresse",
    "mairie_code_postal",
    "mairie_lon",
    "mairie_lat",
    "geometry",
]
ALIAS_KINDS = {
    "fusion",
    "commune-deleguee",
    "commune-associee",
    "arrondissement-municipal",
    "ancien-code",
}


@pytest.fixture(scope="module")
def ref() -> CommuneReference:
    return CommuneReference.load(MAPS_DIR)


@pytest.fixture(scope="module")
def raw() -> gpd.GeoDataFrame:
    return gpd.read_parquet(MAPS_DIR / COMMUNES_FILE)


# --------------------------------------------------------------------------- files


def test_files_are_small() -> None:
    assert (MAPS_DIR / COMMUNES_FILE).stat().st_size < 8 * 1024 * 1024
    assert (MAPS_DIR / ALIASES_FILE).stat().st_size < 1024 * 1024


def test_parquet_columns_and_types(raw: gpd.GeoDataFrame) -> None:
    assert list(raw.columns) == EXPECTED_COLUMNS
    assert raw.crs is not None and raw.crs.to_epsg() == 4326
    assert str(raw["population"].dtype) == "Int64"
    assert raw["mairie_lon"].dtype == "float64"
    assert raw["mairie_lat"].dtype == "float64"
    assert raw["code"].is_unique
    assert raw["code"].str.fullmatch(r"\d[\dAB]\d{3}").all()
    assert raw["epci"].dropna().str.fullmatch(r"\d{9}").all()
    assert set(raw["ept"].dropna()) == {f"T{n}" for n in range(2, 13)}


def test_every_geometry_is_valid_and_not_empty(raw: gpd.GeoDataFrame) -> None:
    geoms = raw.geometry.values
    assert not raw.geometry.isna().any()
    assert not shapely.is_empty(geoms).any()
    assert shapely.is_valid(geoms).all()
    assert set(raw.geometry.geom_type) <= {"Polygon", "MultiPolygon"}


def test_geometries_stay_in_france(raw: gpd.GeoDataFrame) -> None:
    metro = raw[~raw["departement"].str.startswith("97")]
    minx, miny, maxx, maxy = metro.total_bounds
    assert minx > -5.3
    assert maxx < 9.7
    assert miny > 41.3
    assert maxy < 51.2


def test_communes_do_not_overlap_in_seine_saint_denis(raw: gpd.GeoDataFrame) -> None:
    dep = raw[raw["departement"] == "93"]
    assert shapely.coverage_is_valid(dep.geometry.values)


def test_town_hall_inside_its_commune(raw: gpd.GeoDataFrame) -> None:
    with_hall = raw.dropna(subset=["mairie_lon", "mairie_lat"])
    assert len(with_hall) > 0.95 * len(raw)
    assert raw["mairie_adresse"].notna().mean() > 0.99
    points = shapely.points(with_hall["mairie_lon"], with_hall["mairie_lat"])
    # The build drops positions more than 0.015° outside the commune (geocoding errors).
    assert shapely.dwithin(with_hall.geometry.values, points, 0.0151).all()
    assert shapely.contains(with_hall.geometry.values, points).mean() > 0.97
    saint_denis = raw.set_index("code").loc["93066"]
    assert saint_denis["mairie_code_postal"] == "93200"
    assert "Saint-Denis" in saint_denis["mairie_adresse"]


def test_aliases_csv_format(ref: CommuneReference) -> None:
    with (MAPS_DIR / ALIASES_FILE).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["alias_code", "current_code", "kind", "since"]
        rows = list(reader)
    assert rows
    aliases = {row["alias_code"] for row in rows}
    assert len(aliases) == len(rows)
    for row in rows:
        assert row["kind"] in ALIAS_KINDS
        assert row["since"] == "" or re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["since"])
        assert row["current_code"] in ref
        assert row["alias_code"] not in ref
    pierrefitte = next(row for row in rows if row["alias_code"] == "93059")
    assert pierrefitte["current_code"] == "93066"
    assert pierrefitte["since"] == "2025-01-01"


# --------------------------------------------------------------------------- loading


def test_load_is_cached() -> None:
    # No timing here (timed assertions fail on a busy machine): the speed is
    # the benchmarks' business. The cache must hand back the same object.
    CommuneReference.clear_cache()
    first = CommuneReference.load(MAPS_DIR)
    assert CommuneReference.load(MAPS_DIR) is first
    assert CommuneReference.load(MAPS_DIR / ".." / "maps") is first


def test_default_dir_is_repo_maps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MAPS_DIR_ENV, raising=False)
    assert CommuneReference.load().maps_dir == MAPS_DIR.resolve()


@pytest.fixture
def tiny_maps(tmp_path: Path) -> Iterator[Path]:
    frame = gpd.GeoDataFrame(
        {
            "code": ["93066", "93001"],
            "nom": ["Saint-Denis", "Aubervilliers"],
            "population": pd.array([149077, None], dtype="Int64"),
            "departement": ["93", "93"],
            "region": ["11", "11"],
            "epci": ["200054781", "200054781"],
            "epci_nom": ["Métropole du Grand Paris"] * 2,
            "ept": ["T6", "T6"],
            "ept_siren": ["200057867", "200057867"],
            "ept_nom": ["Plaine Commune", "Plaine Commune"],
            "mairie_adresse": ["2 place du Caquet, 93200 Saint-Denis", None],
            "mairie_code_postal": ["93200", None],
            "mairie_lon": [2.36, float("nan")],
            "mairie_lat": [48.94, float("nan")],
            "geometry": [
                Polygon([(2.3, 48.9), (2.4, 48.9), (2.4, 49.0), (2.3, 49.0)]),
                Polygon([(2.4, 48.9), (2.5, 48.9), (2.5, 49.0), (2.4, 49.0)]),
            ],
        },
        crs="EPSG:4326",
    )
    frame.to_parquet(tmp_path / COMMUNES_FILE, compression="zstd", index=False)
    (tmp_path / ALIASES_FILE).write_text(
        "alias_code,current_code,kind,since\n"
        "93059,93066,commune-deleguee,2025-01-01\n"
        "99999,12345,fusion,\n",  # points to no shipped commune: ignored
        encoding="utf-8",
    )
    yield tmp_path
    CommuneReference.clear_cache()


def test_env_var_selects_maps_dir(tiny_maps: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MAPS_DIR_ENV, str(tiny_maps))
    small = CommuneReference.load()
    assert small.maps_dir == tiny_maps.resolve()
    assert len(small) == 2
    assert small.resolve("93059") == "93066"
    assert small.resolve("99999") is None
    assert small.population("93001") is None
    assert small.communes_of_ept("T6") == ["93066", "93001"]
    frame = small.frame
    assert frame.index.name == "code"
    assert frame.crs is not None and frame.crs.to_epsg() == 4326
    assert frame.loc["93066", "mairie_code_postal"] == "93200"
    assert CommuneReference.load() is small


def test_missing_files_raise_a_french_error(tmp_path: Path) -> None:
    with pytest.raises(ReferenceDataError, match="introuvable"):
        CommuneReference.load(tmp_path)


# --------------------------------------------------------------------------- communes


def test_seine_saint_denis_has_39_communes(ref: CommuneReference) -> None:
    communes = ref.communes_of_departement("93")
    assert len(communes) == 39
    assert "93066" in communes
    assert "93059" not in communes


def test_pierrefitte_is_merged_into_saint_denis(ref: CommuneReference) -> None:
    assert ref.resolve("93059") == "93066"
    assert "93059" not in ref
    assert "93066" in ref
    assert ref.name("93066") == "Saint-Denis"
    assert ref.name("93059") == "Saint-Denis"
    assert ref.aliases_of(["93066"])["93059"] == "93066"
    alias = ref.alias("93059")
    assert alias is not None
    assert alias.kind == "commune-deleguee"
    assert alias.since == "2025-01-01"
    population = ref.population("93066")
    assert population is not None and population > 140_000


def test_plaine_commune_has_8_communes(ref: CommuneReference) -> None:
    assert sorted(ref.communes_of_ept("T6")) == PLAINE_COMMUNE
    for key in ("t6", " T6 ", "200057867", "Plaine Commune", "PLAINE-COMMUNE", "plaine commune"):
        assert sorted(ref.communes_of_ept(key)) == PLAINE_COMMUNE
    assert sorted(ref.communes_of_ept("Grand-Orly Seine Bievre")) == sorted(
        ref.communes_of_ept("T12")
    )


def test_epts(ref: CommuneReference) -> None:
    epts = ref.epts()
    assert [code for code, _siren, _name in epts] == [f"T{n}" for n in range(2, 13)]
    assert ("T6", "200057867", "Plaine Commune") in epts
    members = [c for code, _s, _n in epts for c in ref.communes_of_ept(code)]
    assert len(members) == len(set(members))
    assert {c[:2] for c in members} <= {"92", "93", "94", "91", "95"}


def test_unknown_ept_names_the_key(ref: CommuneReference) -> None:
    with pytest.raises(UnknownAreaError, match="« T99 »") as caught:
        ref.communes_of_ept("T99")
    message = str(caught.value)
    assert message.startswith("EPT inconnu")
    assert "T2" in message and "T12" in message
    assert isinstance(caught.value, ValueError)


def test_arrondissements_are_aliases(ref: CommuneReference) -> None:
    assert ref.resolve("75118") == "75056"
    assert ref.resolve("75101") == "75056"
    assert ref.resolve("75120") == "75056"
    assert ref.resolve("69381") == "69123"
    assert ref.resolve("69389") == "69123"
    assert ref.resolve("13201") == "13055"
    assert ref.resolve("13216") == "13055"
    paris = ref.aliases_of(["75056"])
    assert {f"751{n:02d}" for n in range(1, 21)} <= set(paris)
    assert set(paris.values()) == {"75056"}
    alias = ref.alias("75118")
    assert alias is not None and alias.kind == "arrondissement-municipal"


def test_resolve(ref: CommuneReference) -> None:
    assert ref.resolve("80021") == "80021"
    assert ref.resolve(" 80021 ") == "80021"
    assert ref.resolve("2a004") == "2A004"
    assert ref.resolve("1001") == "01001"
    assert ref.resolve("20004") == "2A004"  # pre-1976 Corsican code
    assert ref.resolve("00000") is None
    assert ref.resolve("") is None


def test_resolve_many(ref: CommuneReference) -> None:
    result = ref.resolve_many(["93059", "93066", "75118", "00000", "93001", "75056", "00000"])
    assert result == ResolvedCodes(
        current=["93066", "75056", "93001"],
        mapped={"93059": "93066", "75118": "75056"},
        unknown=["00000"],
    )
    assert ref.resolve_many([]) == ResolvedCodes(current=[], mapped={}, unknown=[])


def test_contains_only_current_codes(ref: CommuneReference) -> None:
    assert "80021" in ref
    assert "75118" not in ref
    assert 80021 not in ref
    assert None not in ref


def test_name_of_unknown_code_raises(ref: CommuneReference) -> None:
    with pytest.raises(KeyError, match="00000"):
        ref.name("00000")


# --------------------------------------------------------------------------- areas


def test_somme_exists(ref: CommuneReference) -> None:
    somme = ref.communes_of_departement("80")
    assert len(somme) > 700
    assert "80021" in somme  # Amiens
    assert ref.name("80021") == "Amiens"
    assert all(code.startswith("80") for code in somme)


def test_departements(ref: CommuneReference) -> None:
    deps = ref.departements()
    assert len(deps) == 101
    assert deps[:2] == ["01", "02"]
    assert deps.index("2A") == deps.index("19") + 1
    assert deps.index("2B") == deps.index("21") - 1
    assert deps[-5:] == ["971", "972", "973", "974", "976"]
    assert ref.communes_of_departement("1") == ref.communes_of_departement("01")
    assert ref.communes_of_departement("2a") == ref.communes_of_departement("2A")
    assert len(ref.communes_of_departement("976")) == 17
    corsica = ref.communes_of_departement("20")
    assert len(corsica) == len(ref.communes_of_departement("2A")) + len(
        ref.communes_of_departement("2B")
    )
    total = sum(len(ref.communes_of_departement(dep)) for dep in deps)
    assert total == len(ref)


def test_unknown_departement(ref: CommuneReference) -> None:
    with pytest.raises(UnknownAreaError, match="« 99 »"):
        ref.communes_of_departement("99")


def test_epcis(ref: CommuneReference) -> None:
    epcis = ref.epcis()
    assert len(epcis) > 1000
    names = dict(epcis)
    assert names["200054781"] == "Métropole du Grand Paris"
    assert len(ref.communes_of_epci("200054781")) == 130
    assert "93066" in ref.communes_of_epci("200054781")
    assert ref.communes_of_epci("200 054 781") == ref.communes_of_epci("200054781")
    assert ref.communes_of_epci("Métropole du Grand Paris") == ref.communes_of_epci("200054781")
    keys = [name.casefold() for _siren, name in epcis]
    assert keys[0] <= keys[len(keys) // 2] <= keys[-1]


def test_unknown_epci(ref: CommuneReference) -> None:
    with pytest.raises(UnknownAreaError, match="« 123 »"):
        ref.communes_of_epci("123")


# --------------------------------------------------------------------------- geometry


def test_geometries_subset(ref: CommuneReference) -> None:
    subset = ref.geometries(["93059", "93001", "00000", "93066"])
    assert list(subset.columns) == ["code", "nom", "population", "geometry"]
    assert subset["code"].tolist() == ["93066", "93001"]
    assert subset.crs is not None and subset.crs.to_epsg() == 4326
    assert shapely.is_valid(subset.geometry.values).all()
    assert ref.geometries([]).empty


def test_frame_is_indexed_by_code(ref: CommuneReference) -> None:
    frame = ref.frame
    assert frame.index.name == "code"
    assert frame.index.is_unique
    assert len(frame) == len(ref)
    assert frame.loc["80021", "nom"] == "Amiens"
    assert frame.loc["93066", "ept"] == "T6"


def test_attributes_without_geometry(ref: CommuneReference) -> None:
    attributes = ref.attributes
    assert attributes.index.name == "code"
    assert list(attributes.columns) == EXPECTED_COLUMNS[1:-1]
    assert attributes.loc["93066", "ept_nom"] == "Plaine Commune"
    assert attributes.index.equals(ref.frame.index)


def test_saint_denis_covers_pierrefitte(ref: CommuneReference) -> None:
    geoms = ref.geometries(PLAINE_COMMUNE).set_index("code").geometry
    # Saint-Denis grew northwards with Pierrefitte (about 12.4 km² + 3.4 km²).
    area_km2 = ref.geometries(["93066"]).to_crs(2154).area.iloc[0] / 1e6
    assert 14.5 < area_km2 < 17.5
    assert geoms.loc["93066"].covers(shapely.Point(2.362, 48.962))  # Pierrefitte centre


def test_matches_the_2018_sample_of_seine_saint_denis(ref: CommuneReference) -> None:
    sample = gpd.read_file(SHARED_93).set_index("code")
    ours = ref.geometries(ref.communes_of_departement("93")).set_index("code")
    assert set(sample.index) - set(ours.index) == {"93059"}
    for code, geom in ours.geometry.items():
        if code == "93066":
            old = shapely.union(sample.geometry.loc["93066"], sample.geometry.loc["93059"])
        else:
            old = sample.geometry.loc[code]
        assert old.buffer(0.002).contains(geom.representative_point()), code
        if geom.contains(geom.centroid):  # not for crescent-shaped L'Île-Saint-Denis
            assert old.buffer(0.002).contains(geom.centroid), code
        ratio = geom.area / old.area
        assert 0.85 < ratio < 1.15, (code, ratio)


def test_a_subset_of_boundaries_decodes_only_that_subset() -> None:
    fresh = CommuneReference.read(MAPS_DIR)
    codes = ["93059", "93001", "00000", "93066"]
    subset = fresh.geometries(codes)
    shapes = fresh.boundaries(codes)
    assert fresh._frame is None  # France's 35,000 boundaries were not decoded
    assert list(subset.columns) == ["code", "nom", "population", "geometry"]
    assert subset.crs is not None and subset.crs.to_epsg() == 4326
    whole = fresh.frame.loc[["93066", "93001"]]
    assert subset["code"].tolist() == [code for code, _shape in shapes] == ["93066", "93001"]
    assert subset["nom"].tolist() == whole["nom"].tolist()
    assert subset["population"].tolist() == whole["population"].tolist()
    assert subset["population"].dtype == fresh.geometries(codes)["population"].dtype
    for (_code, shape), geom, full in zip(shapes, subset.geometry, whole.geometry, strict=True):
        assert shapely.equals_exact(shape, full, tolerance=0)
        assert shapely.equals_exact(geom, full, tolerance=0)
