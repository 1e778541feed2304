"""The bassin's communes and outline as GeoJSON, for maps and exports."""

from __future__ import annotations

import shapely
from shapely.geometry import mapping
from sqlalchemy import select

from planner.db import models
from planner.db.store import CampaignStore
from planner.domain.json_types import GeoJson

# A small buffer (degrees, ~50 m) closes the slivers left between simplified communes.
_SLIVER_BUFFER = 0.0005


def bassin_geojson(store: CampaignStore) -> tuple[GeoJson, GeoJson]:
    """The communes (code, nom, population) and the bassin's outline, in WGS84.

    Returns:
        Two GeoJSON FeatureCollections: the communes, and the outline (one feature,
        the communes dissolved into one shape).
    """
    with store.session() as session:
        rows = session.execute(
            select(
                models.BassinCommune.code,
                models.BassinCommune.name,
                models.BassinCommune.population,
                models.BassinCommune.geometry_wkb,
            )
            .where(models.BassinCommune.geometry_wkb.is_not(None))
            .order_by(models.BassinCommune.code)
        ).all()
    # WGS84 longitude/latitude, no CRS object: building one asks PROJ, and this
    # runs off the GUI thread, where a PROJ call crashed the test run. Shapely
    # alone (no geopandas, hence no pandas at start-up).
    geometries = shapely.from_wkb([r.geometry_wkb for r in rows])
    features = [
        {
            "type": "Feature",
            "properties": {"code": row.code, "nom": row.name, "population": row.population},
            "geometry": mapping(geometry),
        }
        for row, geometry in zip(rows, geometries, strict=True)
    ]
    outline_features = []
    if len(geometries):
        grown = shapely.union_all(shapely.buffer(geometries, _SLIVER_BUFFER))
        union = shapely.buffer(grown, -_SLIVER_BUFFER)
        outline_features.append({"type": "Feature", "properties": {}, "geometry": mapping(union)})
    return (
        {"type": "FeatureCollection", "features": features},
        {"type": "FeatureCollection", "features": outline_features},
    )
