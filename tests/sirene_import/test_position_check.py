"""Positions outside their declared commune: the spatial join, the stored flag,
the firm's card and the import summary."""

from __future__ import annotations

from pathlib import Path

import geopandas
import numpy as np
import shapely
from pyproj import Transformer
from sqlalchemy import text

from planner.db import models
from planner.db.store import create_store, open_store
from planner.domain.import_filters import ImportFilters
from planner.geo.reference import CommuneReference
from planner.services.campaign.bassin import BassinSpec, resolve_bassin
from planner.services.campaign.campaign_file import bassin_aliases, create_campaign
from planner.services.firms.firm_query import POSITION_OUTSIDE_COMMUNE, firm_details
from planner.services.sirene_import.commune_check import TOLERANCE_M, outside_own_commune
from planner.services.sirene_import.pipeline import SireneFiles, import_sirene
from tests.sirene_csv import read_rows, write_rows

STOCK = "StockEtablissement_utf8__trackdechets_sample.csv"
EVERYTHING = ImportFilters(
    include_closed=True, bands=None, include_unknown_band=True, include_non_employers=True
)
METRE = 1 / 111_195.0  # degrees of latitude


def _squares() -> geopandas.GeoDataFrame:
    """Commune A, 0.01° square at (2°E, 48°N), and commune B just east of it."""
    return geopandas.GeoDataFrame(
        {"code": ["A", "B"]},
        geometry=[shapely.box(2.0, 48.0, 2.01, 48.01), shapely.box(2.01, 48.0, 2.02, 48.01)],
    )


def test_positions_are_checked_against_their_own_commune_with_a_tolerance() -> None:
    cases = [
        # (lon, lat, declared commune, outside?)
        (2.005, 48.005, "A", False),  # inside
        (2.005, 48.01 + 0.5 * TOLERANCE_M * METRE, "A", False),  # 100 m out: tolerated
        (2.005, 48.01 + 1.5 * TOLERANCE_M * METRE, "A", True),  # 300 m out
        (2.015, 48.005, "A", True),  # inside the neighbouring commune
        (2.0101, 48.005, "A", False),  # just over the shared edge: tolerated
        (2.005, 48.005, "C", False),  # commune without a boundary: not checked
        (np.nan, 48.005, "A", False),  # no position: not checked
        (2.005, 48.005, None, False),
    ]
    lon, lat, commune, expected = zip(*cases, strict=True)
    flags = outside_own_commune(list(lon), list(lat), list(commune), _squares())
    assert flags.tolist() == list(expected)
    assert not outside_own_commune([], [], [], _squares()).any()


def _lambert(point: shapely.Point) -> tuple[str, str]:
    x, y = Transformer.from_crs(4326, 2154, always_xy=True).transform(point.x, point.y)
    return f"{x:.1f}", f"{y:.1f}"


def test_import_flags_a_firm_placed_in_another_commune(sirene_dir: Path, tmp_path: Path) -> None:
    reference = CommuneReference.load()
    bassin = resolve_bassin(BassinSpec("departement", "80"), reference)
    store = create_campaign(tmp_path / "somme.planner", "Somme", bassin, reference)
    aliases = bassin_aliases(store, reference)
    header, rows = read_rows(sirene_dir / STOCK)
    abbeville = [r for r in rows if r["codeCommuneEtablissement"] == "80001"]
    home, astray = abbeville[0], abbeville[1]
    shapes = reference.geometries(["80001", "80021"]).set_index("code").geometry
    x_col, y_col = (
        "coordonneeLambertAbscisseEtablissement",
        "coordonneeLambertOrdonneeEtablissement",
    )
    home[x_col], home[y_col] = _lambert(shapes["80001"].representative_point())
    astray[x_col], astray[y_col] = _lambert(shapes["80021"].representative_point())  # Amiens
    stock = write_rows(tmp_path / "StockEtablissement_utf8.csv", header, rows)

    summary = import_sirene(store, SireneFiles(stock), EVERYTHING, aliases)
    assert summary.outside_commune == 1
    assert any("hors de la commune déclarée" in line and ": 1" in line for line in summary.lines())
    assert firm_details(store, astray["siret"])["Contrôle de la position"] == (
        POSITION_OUTSIDE_COMMUNE
    )
    assert firm_details(store, home["siret"])["Contrôle de la position"] == ""
    assert firm_details(store, home["siret"])["Latitude"] != ""  # placed, and checked

    # a second import of the same stock leaves every row unchanged, flag included
    again = import_sirene(store, SireneFiles(stock), EVERYTHING, aliases)
    assert again.unchanged == again.kept and again.outside_commune == 1
    with store.session() as session:
        firm = session.get(models.Establishment, astray["siret"])
        assert firm is not None and firm.position_outside_commune
    store.close()


def test_migration_0009_flags_nothing_in_older_campaigns(tmp_path: Path) -> None:
    path = tmp_path / "ancienne.planner"
    store = create_store(path, revision="0008")
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "insert into establishment (siret, siren, nic, name, etat, commune_code,"
                " siege, in_target, source_hash, lon, lat) values"
                " ('73282932000074', '732829320', '00074', 'X', 'A', '80001', 1, 1, 'h', 2.3, 48.8)"
            )
        )
    store.close()
    store = open_store(path)
    with store.session() as session:
        firm = session.get(models.Establishment, "73282932000074")
        assert firm is not None and firm.position_outside_commune is False
    store.close()
