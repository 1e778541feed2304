"""Vectorised steps of the SIRENE import: exclusion reasons, names, positions.

Each function takes and returns polars frames whose columns carry INSEE's
names, so the rules read like the documentation. The scalar versions of the
same rules live in ``planner.domain`` and tests check that both agree.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import polars as pl
from pyproj import Transformer
from pyproj.exceptions import CRSError

from planner.domain.import_filters import ImportFilters

STATUS = "statutDiffusionEtablissement"
STATE = "etatAdministratifEtablissement"
BAND = "trancheEffectifsEtablissement"
EMPLOYER = "caractereEmployeurEtablissement"
COMMUNE = "codeCommuneEtablissement"
REASON = "_reason"

# Projection of the stock's Lambert columns by département: metropolitan
# France uses Lambert-93, overseas départements their own UTM systems.
OVERSEAS_EPSG = {"971": 5490, "972": 5490, "973": 2972, "974": 2975, "975": 4467, "976": 4471}
METROPOLE_EPSG = 2154


WITHHELD_STATUSES = ("P", "N")
"""Diffusion statuses that withhold a unit: INSEE's ``P`` (partially diffusible)
and ``N`` (non-diffusible, as INSEE's API and older files write it)."""


def withheld(column: str) -> pl.Expr:
    """Whether a ``statutDiffusion…`` column withholds the row (any case, any spaces).

    Only « O » (diffusible) lets a row through: INSEE's « P », the API's « N »,
    and anything else (empty, unknown, a value with invisible characters) are
    withheld: when in doubt, a firm's owner is taken to have objected.
    """
    status = pl.col(column).str.strip_chars().str.to_uppercase()
    return (status != "O").fill_null(True)


def reason_expr(filters: ImportFilters) -> pl.Expr:
    """Why a row of the bassin is not kept (null when it is), first reason wins."""
    band = pl.col(BAND).fill_null("NN")
    unknown = band == "NN"
    expr: Any = pl.when(withheld(STATUS)).then(pl.lit("non_diffusible"))
    if not filters.include_closed:
        expr = expr.when(pl.col(STATE) != "A").then(pl.lit("ferme"))
    if not filters.include_unknown_band:
        expr = expr.when(unknown).then(pl.lit("tranche_inconnue"))
    if filters.bands is not None:
        expr = expr.when(~unknown & ~band.is_in(sorted(filters.bands))).then(pl.lit("tranche"))
    if not filters.include_non_employers:
        expr = expr.when(pl.col(EMPLOYER).fill_null("") != "O").then(pl.lit("non_employeur"))
    result: pl.Expr = expr.otherwise(pl.lit(None, dtype=pl.String)).alias(REASON)
    return result


def display_name_expr(has_legal_units: bool) -> pl.Expr:
    """Enseigne, usual name, legal name, then the entrepreneur's first and last name."""

    def clean(name: str) -> pl.Expr:
        value = pl.col(name).str.strip_chars()
        return pl.when(value == "").then(None).otherwise(value)

    candidates = [clean("enseigne1Etablissement"), clean("denominationUsuelleEtablissement")]
    if has_legal_units:
        person = pl.concat_str(
            [
                clean("prenomUsuelUniteLegale").fill_null(clean("prenom1UniteLegale")),
                clean("nomUsageUniteLegale").fill_null(clean("nomUniteLegale")),
            ],
            separator=" ",
            ignore_nulls=True,
        )
        candidates += [
            clean("denominationUniteLegale"),
            pl.when(person == "").then(None).otherwise(person),
        ]
    return pl.coalesce(candidates).fill_null("").alias("name")


def project_lambert(frame: pl.DataFrame, x: str, y: str, epsg: pl.Expr) -> pl.DataFrame:
    """Add ``lon``/``lat`` (WGS84) from projected coordinates, vectorised per EPSG.

    Rows with empty, ``[ND]`` or non-finite results get null positions.
    """
    frame = frame.with_columns(
        pl.col(x).cast(pl.Float64, strict=False).alias("_x"),
        pl.col(y).cast(pl.Float64, strict=False).alias("_y"),
        epsg.alias("_epsg"),
    )
    lon = np.full(frame.height, np.nan)
    lat = np.full(frame.height, np.nan)
    xs = frame["_x"].to_numpy()
    ys = frame["_y"].to_numpy()
    codes = frame["_epsg"].to_numpy()
    for code in np.unique(codes[~np.isnan(xs) & ~np.isnan(ys)]):
        mask = (codes == code) & ~np.isnan(xs) & ~np.isnan(ys)
        if code == 4326:
            lon[mask], lat[mask] = xs[mask], ys[mask]
            continue
        try:
            transformer = _transformer(int(code))
        except (CRSError, OverflowError, ValueError):
            continue  # an EPSG code pyproj does not know: those rows are not placed
        lon[mask], lat[mask] = transformer.transform(xs[mask], ys[mask])
    ok = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    return frame.drop("_x", "_y", "_epsg").with_columns(
        pl.Series("lon", np.where(ok, lon, np.nan)).fill_nan(None),
        pl.Series("lat", np.where(ok, lat, np.nan)).fill_nan(None),
    )


_TRANSFORMERS: dict[int, Transformer] = {}


def _transformer(epsg: int) -> Transformer:
    if epsg not in _TRANSFORMERS:
        _TRANSFORMERS[epsg] = Transformer.from_crs(epsg, 4326, always_xy=True)
    return _TRANSFORMERS[epsg]


def stock_epsg_expr() -> pl.Expr:
    """EPSG of the stock's Lambert columns, from the commune's département."""
    dep = pl.col(COMMUNE).str.slice(0, 3)
    return dep.replace_strict(OVERSEAS_EPSG, default=METROPOLE_EPSG, return_dtype=pl.Int64)


def row_hashes(frame: pl.DataFrame, columns: list[str]) -> list[str]:
    """A stable 16-hex-digit digest of each row's stored fields.

    Stable across library versions (unlike polars' own hash), so a later
    import can tell changed establishments from unchanged ones.
    """
    joined = frame.select(
        pl.concat_str(
            [pl.col(c).cast(pl.String).fill_null("\x00") for c in columns], separator="\x1f"
        )
    ).to_series()
    return [hashlib.blake2b(s.encode(), digest_size=8).hexdigest() for s in joined]
