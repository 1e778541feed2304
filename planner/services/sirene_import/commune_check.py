"""Does each establishment's position lie in its own commune? A spatial join.

SIRENE and the geocoders sometimes place an establishment far from the commune
its address declares (a homonymous street elsewhere, a town hall used as a
fallback, a Lambert pair typed wrong). Each position is joined to the bassin's
commune boundaries lying within :data:`TOLERANCE_M` of it; a position whose own
commune is not among them is *outside its commune*: the firm's card says so and
the import summary counts it.

The tolerance (200 m) absorbs the boundaries' simplification (about 0.001°,
i.e. 70–110 m, see ``maps/README.md``) and a geocoder's placing on the street
rather than on the building. Distances are measured in a local equirectangular
projection centred on the bassin (metres; off by under 1 % across a bassin of
100 km), computed with numpy rather than PROJ: the import runs off the GUI
thread, where building PROJ objects proved fragile.

Establishments without a position, or whose commune has no boundary in the
campaign (outside the bassin, or a campaign without boundaries), are not
checked and count as inside.
"""

from __future__ import annotations

import math

import geopandas
import numpy as np
import numpy.typing as npt
import polars as pl
import shapely
from sqlalchemy import select

from planner.db import models
from planner.db.store import CampaignStore
from planner.services.sirene_import.fields import CHECKED

TOLERANCE_M = 200.0
_METRES_PER_DEGREE = 6_371_008.8 * math.pi / 180  # mean Earth radius


def bassin_boundaries(store: CampaignStore) -> geopandas.GeoDataFrame:
    """The campaign's commune boundaries (``code``, WGS84 geometry), one row each."""
    with store.session() as session:
        rows = session.execute(
            select(models.BassinCommune.code, models.BassinCommune.geometry_wkb).where(
                models.BassinCommune.geometry_wkb.is_not(None)
            )
        ).all()
    return geopandas.GeoDataFrame(
        {"code": [code for code, _ in rows]},
        geometry=geopandas.GeoSeries.from_wkb([wkb for _, wkb in rows]),
    )


def outside_own_commune(
    lon: npt.ArrayLike,
    lat: npt.ArrayLike,
    commune: list[str | None],
    boundaries: geopandas.GeoDataFrame,
    tolerance_m: float = TOLERANCE_M,
) -> npt.NDArray[np.bool_]:
    """Per establishment, whether its position lies beyond ``tolerance_m`` of its commune.

    Args:
        lon, lat: WGS84 positions (NaN or None when unknown).
        commune: the current commune code of each establishment.
        boundaries: ``code`` and geometry (WGS84) of the communes that can be checked.
    """
    lon_array = np.asarray(lon, dtype=np.float64)
    lat_array = np.asarray(lat, dtype=np.float64)
    result = np.zeros(len(lon_array), dtype=bool)
    known = set(boundaries["code"].tolist())
    checked = np.flatnonzero(
        np.isfinite(lon_array)
        & np.isfinite(lat_array)
        & np.array([code in known for code in commune], dtype=bool)
    )
    if checked.size == 0:
        return result
    minx, miny, maxx, maxy = boundaries.total_bounds
    origin = ((minx + maxx) / 2, (miny + maxy) / 2)
    x_scale = _METRES_PER_DEGREE * math.cos(math.radians(origin[1]))

    def to_metres(coords: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        metres: npt.NDArray[np.float64] = (coords - origin) * (x_scale, _METRES_PER_DEGREE)
        return metres

    points = geopandas.GeoDataFrame(
        {"row": checked, "own": [commune[i] for i in checked]},
        geometry=shapely.points(to_metres(np.column_stack([lon_array, lat_array])[checked])),
    )
    areas = geopandas.GeoDataFrame(
        {"code": boundaries["code"].to_numpy()},
        geometry=shapely.transform(boundaries.geometry.to_numpy(), to_metres),
    )
    near = geopandas.sjoin(points, areas, predicate="dwithin", distance=tolerance_m)
    inside = near.loc[near["own"] == near["code"], "row"].to_numpy()
    result[checked] = True
    result[inside] = False
    return result


def check_positions(store: CampaignStore, frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (stored columns) with :data:`CHECKED`: outside its own commune."""
    flags = outside_own_commune(
        frame["lon"].cast(pl.Float64, strict=False).to_numpy(),
        frame["lat"].cast(pl.Float64, strict=False).to_numpy(),
        frame["commune_code"].to_list(),
        bassin_boundaries(store),
    )
    return frame.with_columns(pl.Series(CHECKED, flags, dtype=pl.Boolean))
