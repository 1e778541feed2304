"""The bassin's communes and outline as GeoJSON, for maps and exports."""

from __future__ import annotations

import shapely
from shapely.geometry import mapping
from sqlalchemy import select

from planner.db import models
from planner.db.store import CampaignStore
from planner.domain.json_types import GeoJson


def bassin_geojson(store: CampaignStore) -> tuple[GeoJson, GeoJson]:
    """The communes (code, nom, population) and the bassin's outline, in WGS84.

    Returns:
        Two GeoJSON FeatureCollections: the communes, and the outline (one feature).
    """
    with store.session() as session:
        rows = session.execute(
            select(
                models.BassinCommune.code,
                models.BassinCommune.name,
                models.BassinCommune.population,
                models.BassinCommune.geometry_wkb,
            ).order_by(models.BassinCommune.code)
        ).all()
    features = []
    shapes = []
    for code, name, population, wkb in rows:
        if wkb is None:
            continue
        geometry = shapely.from_wkb(wkb)
        shapes.append(geometry)
        features.append(
            {
                "type": "Feature",
                "properties": {"code": code, "nom": name, "population": population},
                "geometry": mapping(geometry),
            }
        )
    communes = {"type": "FeatureCollection", "features": features}
    outline_features = []
    if shapes:
        # A small buffer closes the slivers left between simplified communes.
        union = shapely.union_all([s.buffer(0.0005) for s in shapes]).buffer(-0.0005)
        outline_features.append({"type": "Feature", "properties": {}, "geometry": mapping(union)})
    return communes, {"type": "FeatureCollection", "features": outline_features}
