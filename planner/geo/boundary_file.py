"""The communes' boundaries as stored in the reference's GeoParquet file, still encoded.

A bassin previewed or created needs a few hundred boundaries out of 35,000: they are
kept WKB-encoded (one bytes object per commune) and decoded only when asked for.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow.parquet as pq

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pyarrow as pa

#: Attributes (code, nom, population), WKB per row, row of each code, geometry column, CRS.
Boundaries = tuple["pa.Table", "npt.NDArray[np.object_]", dict[str, int], str, Any]


def geometry_spec(parquet: pq.ParquetFile) -> tuple[str, dict[str, Any]]:
    """The GeoParquet primary geometry column and its metadata."""
    raw_meta = (parquet.schema_arrow.metadata or {}).get(b"geo")
    geo = json.loads(raw_meta) if raw_meta else {}
    column = geo.get("primary_column", "geometry")
    return column, geo.get("columns", {}).get(column, {})


def read_encoded_boundaries(path: Path) -> Boundaries | None:
    """The boundaries of ``path`` still WKB-encoded, with each code's row; None if not WKB.

    Indexed with numpy, not pyarrow's ``take``, which would import
    ``pyarrow.compute`` (seconds on a loaded machine).
    """
    parquet = pq.ParquetFile(path)
    column, spec = geometry_spec(parquet)
    if spec.get("encoding", "").upper() != "WKB":
        return None
    import numpy as np

    table = parquet.read(columns=["code", "nom", "population", column])
    # to_pylist: ChunkedArray.to_numpy imports pandas and pyarrow.compute.
    encoded = table.column(column).to_pylist()
    wkb = np.empty(len(encoded), dtype=object)
    wkb[:] = encoded
    codes = table.column("code").to_pylist()
    rows = {str(code): i for i, code in enumerate(codes)}
    # GeoParquet: no "crs" key means OGC:CRS84 (longitude, latitude).
    crs = spec.get("crs", "OGC:CRS84")
    return table.drop_columns([column]), wkb, rows, column, crs
