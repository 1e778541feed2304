"""Second pass of an import: legal units, geolocation and positions joined to the
bassin's rows, then the columns as they are stored.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl
from sqlalchemy import select

from planner.db import models
from planner.db.store import CampaignStore
from planner.io.csv_source import CsvSource
from planner.io.sirene_layout import (
    GEOLOCATION_COLUMNS,
    LEGAL_UNIT_COLUMNS,
    OPTIONAL_GEOLOCATION_COLUMNS,
)
from planner.io.sirene_parquet import ParquetSource
from planner.io.sirene_reader import LINE, read_frames
from planner.services.sirene_import.checks import require_rows
from planner.services.sirene_import.fields import (
    FIELD_SOURCES,
    LEGAL_UNIT,
    LEGAL_UNIT_FIELDS,
    STORED,
    UNIT_LINE,
)
from planner.services.sirene_import.scan import hidden_rows
from planner.services.sirene_import.summary import ImportSummary, Step
from planner.services.sirene_import.transform import (
    COMMUNE,
    REASON,
    display_name_expr,
    project_lambert,
    stock_epsg_expr,
    withheld,
)


def _stream_matching(
    source: CsvSource | ParquetSource,
    columns: Iterable[str],
    optional: Iterable[str],
    key: str,
    wanted: pl.Series,
    step: Step,
    start: float,
    span: float,
) -> pl.DataFrame:
    if isinstance(source, ParquetSource):
        require_rows(source.rows, source)
        source.require_text(key)
        found = source.read(list(columns), list(optional), source.text(key).is_in(wanted.implode()))
        step.report(start, span, 1, 1, f"Lecture de {source.name}")
        return found.unique(subset=key, keep="last", maintain_order=True)
    parts = []
    rows = 0
    for chunk in read_frames(source, list(columns), list(optional)):
        rows += chunk.frame.height
        part = chunk.frame.filter(pl.col(key).is_in(wanted.implode()))
        if part.height:
            parts.append(part)
        step.report(start, span, chunk.end_offset, source.size, f"Lecture de {source.name}")
    require_rows(rows, source)
    if not parts:
        return pl.DataFrame(
            schema={c: pl.String for c in [*columns, *optional] if c in source.header}
        )
    return pl.concat(parts, how="diagonal_relaxed").unique(subset=key, keep="last")


def join_legal_units(
    frame: pl.DataFrame,
    source: CsvSource | ParquetSource,
    known: pl.Series,
    aliases: dict[str, str],
    step: Step,
    start: float,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    units = _stream_matching(
        source, LEGAL_UNIT_COLUMNS, (), "siren", frame["siren"].unique(), step, start, 0.05
    )
    units = (
        units.rename({LINE: UNIT_LINE})
        if LINE in units.columns
        else units.with_columns(pl.lit(None, dtype=pl.Int64).alias(UNIT_LINE))
    )
    frame = frame.join(
        units.with_columns(pl.lit(value=True).alias(LEGAL_UNIT)), on="siren", how="left"
    )
    # A legal unit that objected to publication hides its establishments too.
    # (An establishment whose unit is not in the file is not withheld for it.)
    unit_private = withheld("statutDiffusionUniteLegale") & pl.col(LEGAL_UNIT).fill_null(False)
    newly = unit_private & (pl.col(REASON).is_null() | (pl.col(REASON) != "non_diffusible"))
    hidden = hidden_rows(frame.filter(newly), aliases)
    frame = frame.with_columns(
        pl.when(unit_private).then(pl.lit("non_diffusible")).otherwise(pl.col(REASON)).alias(REASON)
    )
    frame = frame.filter(
        (pl.col(REASON) != "non_diffusible")
        | pl.col(REASON).is_null()
        | pl.col("siret").is_in(known.implode())
    )
    return frame, hidden


def join_geolocation(
    frame: pl.DataFrame,
    source: CsvSource | ParquetSource,
    summary: ImportSummary,
    step: Step,
    start: float,
) -> pl.DataFrame:
    geo = _stream_matching(
        source,
        GEOLOCATION_COLUMNS,
        OPTIONAL_GEOLOCATION_COLUMNS,
        "siret",
        frame["siret"],
        step,
        start,
        0.1,
    ).drop(LINE, strict=False)
    epsg = pl.col("epsg").cast(pl.Int64, strict=False).fill_null(2154)
    geo = project_lambert(geo, "x", "y", epsg).rename({"lon": "geo_lon", "lat": "geo_lat"})
    summary.geolocated = int(geo["geo_lon"].is_not_null().sum())
    return frame.join(geo.select("siret", "geo_lon", "geo_lat"), on="siret", how="left")


def _on_earth(lon: pl.Expr, lat: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """Both coordinates, or both null when either is missing, not finite or out of range."""
    valid = (lon.is_finite() & lat.is_finite() & (lon.abs() <= 180) & (lat.abs() <= 90)).fill_null(
        False
    )
    return (
        pl.when(valid).then(lon).otherwise(None),
        pl.when(valid).then(lat).otherwise(None),
    )


def positions(frame: pl.DataFrame, *, has_geo_columns: bool) -> pl.DataFrame:
    frame = project_lambert(
        frame,
        "coordonneeLambertAbscisseEtablissement",
        "coordonneeLambertOrdonneeEtablissement",
        stock_epsg_expr(),
    )
    sources = [(pl.col("lon"), pl.col("lat"), "sirene")]
    if has_geo_columns:
        sources.insert(
            0,
            (
                pl.col("longitude").cast(pl.Float64, strict=False),
                pl.col("latitude").cast(pl.Float64, strict=False),
                "etalab",
            ),
        )
    if "geo_lon" in frame.columns:
        sources.insert(0, (pl.col("geo_lon"), pl.col("geo_lat"), "geoloc"))
    # A source counts only when both its coordinates are finite and on Earth: an
    # infinite, swapped or half-missing position falls through to the next one.
    sources = [(*_on_earth(src_lon, src_lat), label) for src_lon, src_lat, label in sources]
    lon = pl.coalesce([s[0] for s in sources])
    lat = pl.coalesce([s[1] for s in sources])
    origin: pl.Expr = pl.lit(None, dtype=pl.String)
    for src_lon, _src_lat, label in reversed(sources):
        origin = pl.when(src_lon.is_not_null()).then(pl.lit(label)).otherwise(origin)
    return frame.with_columns(lon.alias("lon"), lat.alias("lat"), origin.alias("geo_source"))


def stored_columns(
    frame: pl.DataFrame, aliases: dict[str, str], has_legal_units: bool
) -> pl.DataFrame:
    for column in (
        *FIELD_SOURCES.values(),
        "prenomUsuelUniteLegale",
        "prenom1UniteLegale",
        "nomUsageUniteLegale",
        "nomUniteLegale",
        "denominationUniteLegale",
    ):
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(column))
    date = pl.col("dateCreationEtablissement").str.to_date("%Y-%m-%d", strict=False)
    return frame.select(
        pl.col("siret"),
        display_name_expr(has_legal_units),
        *[
            pl.col(src).alias(dst)
            for dst, src in FIELD_SOURCES.items()
            if dst not in {"date_creation", "annee_effectifs", "siege"}
        ],
        date.dt.to_string("%Y-%m-%d").alias("date_creation"),
        _year("anneeEffectifsEtablissement").alias("annee_effectifs"),
        (pl.col("etablissementSiege") == "true").alias("siege"),
        pl.col(COMMUNE).replace_strict(aliases, default=pl.col(COMMUNE)).alias("commune_code"),
        pl.col("lon"),
        pl.col("lat"),
        pl.col("geo_source"),
        pl.col(REASON).is_null().alias("in_target"),
        pl.col(REASON),
        pl.col(LINE),
    ).select([*STORED, REASON, LINE])


def _year(column: str) -> pl.Expr:
    """A year as a number, null when it is not a plausible one (it fits any integer column)."""
    year = pl.col(column).cast(pl.Int64, strict=False)
    return pl.when(year.is_between(1000, 9999)).then(year).otherwise(None)


def legal_unit_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """Diffusible legal units joined to kept establishments, in stored form."""
    units = frame.filter(pl.col("statutDiffusionUniteLegale").is_not_null())
    # The first name stored is the one the display name used, so that a later
    # import without StockUniteLegale gives every establishment the same name.
    usual = pl.col("prenomUsuelUniteLegale").str.strip_chars()
    first = pl.col("prenom1UniteLegale").str.strip_chars()
    first_name = (
        pl.when(usual == "")
        .then(None)
        .otherwise(usual)
        .fill_null(pl.when(first == "").then(None).otherwise(first))
    )
    return units.select(
        *[
            pl.col(src).alias(dst)
            for dst, src in LEGAL_UNIT_FIELDS.items()
            if dst not in {"date_creation", "prenom"}
        ],
        first_name.alias("prenom"),
        pl.col(UNIT_LINE),
        pl.col("dateCreationUniteLegale")
        .str.to_date("%Y-%m-%d", strict=False)
        .dt.to_string("%Y-%m-%d")
        .alias("date_creation"),
        withheld("statutDiffusionUniteLegale").alias("_private"),
    ).unique(subset="siren")


def count_legal_units(frame: pl.DataFrame, summary: ImportSummary) -> None:
    """Legal units found for the establishments written, and those establishments
    that got a legal name (company name or entrepreneur's name) from them."""
    if LEGAL_UNIT not in frame.columns:
        return
    written = frame.filter(pl.col(REASON).is_null() | (pl.col(REASON) != "non_diffusible"))
    matched = written.filter(pl.col(LEGAL_UNIT).fill_null(value=False))
    summary.legal_units_matched = matched["siren"].n_unique()
    named = pl.lit(value=False)
    for column in ("denominationUniteLegale", "nomUniteLegale", "nomUsageUniteLegale"):
        if column in matched.columns:
            named = named | (pl.col(column).str.strip_chars().fill_null("") != "")
    summary.establishments_with_legal_name = matched.filter(named).height


def join_stored_legal_units(store: CampaignStore, frame: pl.DataFrame) -> pl.DataFrame:
    """Without a StockUniteLegale file, names come from units stored earlier."""
    with store.session() as session:
        rows = session.execute(
            select(
                *[
                    getattr(models.LegalUnit, c)
                    for c in ("siren", "denomination", "nom", "nom_usage", "prenom")
                ]
            )
        )
        # An explicit schema: inferred from the first rows, a column that is
        # empty there (or everywhere) would not be a string column.
        stored = pl.DataFrame(
            list(rows),
            schema=dict.fromkeys(
                (
                    "siren",
                    "denominationUniteLegale",
                    "nomUniteLegale",
                    "nomUsageUniteLegale",
                    "prenomUsuelUniteLegale",
                ),
                pl.String,
            ),
            orient="row",
        )
    if stored.is_empty():
        return frame
    stored = stored.with_columns(pl.lit(value=True).alias(LEGAL_UNIT))
    return frame.join(stored, on="siren", how="left")
