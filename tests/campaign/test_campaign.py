"""Creating a campaign stores its bassin's communes with their boundaries."""

from __future__ import annotations

from pathlib import Path

import pytest
import shapely
from shapely.geometry import shape

from planner.db.store import open_store
from planner.geo.reference import CommuneReference
from planner.services.campaign.bassin import BassinSpec, resolve_bassin
from planner.services.campaign.campaign_file import create_campaign, read_header
from planner.services.map.bassin_geometry import bassin_geojson


def test_bassin_communes_keep_their_boundaries(campaign_target: str | Path) -> None:
    reference = CommuneReference.load()
    bassin = resolve_bassin(BassinSpec("ept", "T6"), reference)
    create_campaign(campaign_target, "Plaine Commune", bassin, reference).close()
    store = open_store(campaign_target)
    header = read_header(store)
    communes, outline = bassin_geojson(store)
    store.close()
    assert header.communes == bassin.communes and len(header.communes) == 8
    assert [f["properties"]["code"] for f in communes["features"]] == bassin.communes
    saint_denis = next(f for f in communes["features"] if f["properties"]["code"] == "93066")
    assert saint_denis["properties"]["nom"] == "Saint-Denis"
    # Saint-Denis now includes Pierrefitte: its centre of 2018 lies inside.
    assert shape(saint_denis["geometry"]).contains(shapely.Point(2.3617, 48.9650))
    hull = shape(outline["features"][0]["geometry"])
    west, south, east, north = hull.bounds
    assert 2.25 < west < east < 2.45 and 48.88 < south < north < 49.0


def test_failed_creation_leaves_no_file(tmp_path: Path) -> None:
    reference = CommuneReference.load()
    bassin = resolve_bassin(BassinSpec("ept", "T6"), reference)
    target = tmp_path / "x.planner"

    class Broken(CommuneReference):
        def geometries(self, codes):  # type: ignore[no-untyped-def,override]
            raise OSError("lecture impossible")

    broken = Broken.__new__(Broken)
    broken.__dict__.update(reference.__dict__)
    with pytest.raises(OSError, match="lecture impossible"):
        create_campaign(target, "X", bassin, broken)
    assert not target.exists()
