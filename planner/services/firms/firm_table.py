"""The campaign's target firms as one polars frame, read once as columns.

``load_firms`` reads every establishment in the target so that the table, the
filters and the map work on vectorised data; a firm is known by its row ``id``
there. ``firms_frame`` derives that frame from the stored columns.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from sqlalchemy import Select, SQLColumnExpression, String, case, cast, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from planner.db import models
from planner.db.store import CampaignStore
from planner.domain.headcount_bands import BAND_LABELS
from planner.domain.nomenclature import (
    NAF2025,
    NAF2025_SIRENE_NAMES,
    REV2,
    REV2_SIRENE_NAMES,
    absent_label,
)
from planner.io.naf_labels import load_naf_labels
from planner.io.nomenclatures import load_nomenclature
from planner.services.campaign.naf_reference import reference_in_session
from planner.services.firms import firm_cache
from planner.services.firms.assignments import ASSIGNMENT_SCHEMA, attach_assignments
from planner.services.firms.column_read import read_columns as _read
from planner.services.firms.firm_labels import (
    NOMENCLATURE_LABELS,
    normalize_text_expr,
)
from planner.services.firms.prospect_status import (
    ACCOMPANIED_COLUMN,
    attach_stage,
    attach_status,
)
from planner.services.offers.realised import accompanied_firms

E = models.Establishment
C = models.BassinCommune

# Columns of ``load_firms``' frame, in order (the last two are for search and sort).
FIRM_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64(),
    "siret": pl.String(),
    "name": pl.String(),
    "naf_code": pl.String(),
    "naf_label": pl.String(),
    "naf_rev2": pl.String(),
    "naf_2025": pl.String(),
    "section": pl.String(),
    "division": pl.String(),
    "band": pl.String(),
    "band_label": pl.String(),
    "commune_code": pl.String(),
    "commune_name": pl.String(),
    "etat": pl.String(),
    "date_creation": pl.Date(),
    "address": pl.String(),
    "lon": pl.Float64(),
    "lat": pl.Float64(),
    "craft": pl.Boolean(),
    "siege": pl.Boolean(),
    "name_key": pl.String(),
    "name_rank": pl.UInt32(),
    **ASSIGNMENT_SCHEMA,  # team_id, team, adviser_id, adviser, locked (load_firms only)
    "accompanied": pl.Boolean(),  # a realised service of accompaniment (idem)
    "status": pl.String(),  # latest contact outcome (load_firms only)
    "stage": pl.String(),  # furthest prospecting stage, prospect_status.STAGE_ORDER (idem)
}

# What is read from the database; everything else is derived in polars. Reading
# costs one Python object per value (the drivers' doing), so columns are few.
_RAW_COLUMNS: dict[str, SQLColumnExpression[Any]] = {
    "siret": E.siret,
    "name": E.name,
    "naf_code": E.naf_code,
    "naf_nomenclature": E.naf_nomenclature,
    "naf25_code": E.naf25_code,
    "band": E.tranche_effectifs,
    "commune_code": E.commune_code,
    "etat": E.etat,
    # Text on every backend: polars parses it faster than the drivers do.
    "date_creation": cast(E.date_creation, String),
    "numero_voie": E.numero_voie,
    "indice_repetition": E.indice_repetition,
    "type_voie": E.type_voie,
    "libelle_voie": E.libelle_voie,
    "code_postal": E.code_postal,
    "libelle_commune": E.libelle_commune,
    "lon": E.lon,
    "lat": E.lat,
    # 1 = head office, 2 = craft activity (registre des métiers).
    "flags": case((E.siege, 1), else_=0)
    + case((func.coalesce(E.registre_metiers, "") != "", 2), else_=0),
}
_RAW_TYPES: dict[str, pl.DataType] = {
    **{name: pl.String() for name in _RAW_COLUMNS},
    "lon": pl.Float64(),
    "lat": pl.Float64(),
    "flags": pl.Int64(),
}


def _firms_query() -> Select[Any]:
    # ``coalesce`` keeps SQLite from walking the ``in_target`` index: nearly
    # every row is in the target, and a plain scan is five times faster.
    return select(*[column.label(name) for name, column in _RAW_COLUMNS.items()]).where(
        func.coalesce(E.in_target, False).is_(True)
    )


def _communes_query() -> Select[Any]:
    return select(C.code.label("commune_code"), C.name.label("bassin_name"))


def _blank_to_null(name: str) -> pl.Expr:
    value = pl.col(name).str.strip_chars()
    return pl.when(value == "").then(None).otherwise(value)


def _address_expr() -> pl.Expr:
    town = pl.coalesce(pl.col("libelle_commune"), pl.col("commune_name").str.to_uppercase())
    parts = ["numero_voie", "indice_repetition", "type_voie", "libelle_voie", "code_postal"]
    # One regex pass to drop the spaces that empty (rather than null) parts leave.
    return (
        pl.concat_str([*[pl.col(p) for p in parts], town], separator=" ", ignore_nulls=True)
        .str.replace_all(r"\s{2,}", " ")
        .str.strip_chars()
    )


def _names(names: frozenset[str]) -> pl.Series:
    return pl.Series(sorted(names), dtype=pl.String).implode()


def naf_code_exprs() -> tuple[pl.Expr, pl.Expr]:
    """The firm's NAF rév. 2 code and its NAF 2025 code (null when SIRENE gives none).

    SIRENE gives the main code in ``activitePrincipaleEtablissement`` with its
    nomenclature, and since December 2025 the NAF 2025 code beside it; in a
    stock where NAF 2025 is the main code, the main code is the NAF 2025 one.
    """
    nomenclature = pl.col("naf_nomenclature").fill_null("").str.strip_chars()
    code = _blank_to_null("naf_code")
    rev2 = pl.when(nomenclature.is_in(_names(REV2_SIRENE_NAMES))).then(code)
    naf25 = pl.coalesce(
        _blank_to_null("naf25_code"),
        pl.when(nomenclature.is_in(_names(NAF2025_SIRENE_NAMES))).then(code),
    )
    return _known(rev2, REV2), _known(naf25, NAF2025)


def _known(expr: pl.Expr, key: str) -> pl.Expr:
    """``expr`` with codes that are not sous-classes of ``key`` read as absent
    (:meth:`Nomenclature.known_subclass`, as ``planner info`` counts them)."""
    naf = load_nomenclature(key)

    def known(series: pl.Series) -> pl.Series:
        mapping = {v: naf.known_subclass(v) for v in series.drop_nulls().unique().to_list()}
        return series.replace_strict(mapping, default=None, return_dtype=pl.String)

    return expr.map_batches(known, return_dtype=pl.String)


def reference_view(firms: pl.DataFrame, nomenclature: str) -> pl.DataFrame:
    """``firms`` (with ``naf_rev2`` and ``naf_2025``) with ``naf_code``, ``section`` and
    ``division`` read in ``nomenclature`` (null where the firm has no code in it)."""
    naf = load_nomenclature(nomenclature)
    code = pl.col("naf_rev2" if nomenclature == REV2 else "naf_2025")
    division = code.str.slice(0, 2)
    section = division.replace_strict(
        dict(naf.division_section), default=None, return_dtype=pl.String
    )
    return firms.with_columns(
        code.alias("naf_code"),
        section.alias("section"),
        pl.when(section.is_not_null()).then(division).alias("division"),
    )


def firms_frame(
    raw: pl.DataFrame,
    communes: pl.DataFrame | None = None,
    naf_labels: dict[str, str] | None = None,
    nomenclature: str = REV2,
) -> pl.DataFrame:
    """Derive the firm frame (see :data:`FIRM_SCHEMA`) from the stored columns.

    Args:
        raw: the establishments' stored columns (see ``_RAW_COLUMNS``).
        communes: ``commune_code``, ``bassin_name`` of the bassin's communes;
            a firm elsewhere keeps SIRENE's commune label.
        naf_labels: NAF rév. 2 labels by code (default: the shipped file).
        nomenclature: the campaign's reference, ``rev2`` or ``naf2025``:
            ``naf_code``, ``naf_label``, ``section`` and ``division`` are read
            in it. A firm without a code in it has ``naf_label`` « Code NAF
            2025 absent » (or rév. 2) and no section; in rév. 2, a code of an
            older nomenclature (NAF rév. 1…) is kept and said so.

    Rows are ordered by SIRET, so ``id`` stays the same from one load to the
    next as long as the target does not change.
    """
    if communes is None:
        communes = pl.DataFrame(schema={"commune_code": pl.String, "bassin_name": pl.String})
    if "naf25_code" not in raw.columns:
        raw = raw.with_columns(pl.lit(None, dtype=pl.String).alias("naf25_code"))
    naf = load_nomenclature(nomenclature)
    if nomenclature == REV2:
        labels = load_naf_labels() if naf_labels is None else naf_labels
    else:
        labels = dict(naf.labels)
    rev2, naf25 = naf_code_exprs()
    raw_nomenclature = pl.col("naf_nomenclature").fill_null("").str.strip_chars()
    if nomenclature == REV2:
        older = ~raw_nomenclature.is_in(_names(REV2_SIRENE_NAMES | NAF2025_SIRENE_NAMES))
        code = pl.coalesce(pl.col("naf_rev2"), pl.when(older).then(_blank_to_null("naf_code")))
        in_reference = pl.col("naf_rev2").is_not_null()
    else:
        code = pl.col("naf_2025")
        in_reference = code.is_not_null()
    division = code.str.slice(0, 2)
    section = division.replace_strict(
        dict(naf.division_section), default=None, return_dtype=pl.String
    )
    old_label = pl.concat_str(
        [pl.lit("Code "), raw_nomenclature.replace(NOMENCLATURE_LABELS), pl.lit(" (sans libellé)")]
    )
    band = pl.col("band").fill_null("NN").str.strip_chars().replace("", "NN")
    return (
        raw.sort("siret")
        .with_row_index("id")
        .join(communes, on="commune_code", how="left", maintain_order="left")
        .with_columns(
            rev2.alias("naf_rev2"),
            naf25.alias("naf_2025"),
            pl.coalesce("bassin_name", "libelle_commune").alias("commune_name"),
        )
        .select(
            pl.col("id").cast(pl.Int64),
            pl.col("siret"),
            pl.col("name").fill_null(""),
            code.alias("naf_code"),
            pl.when(in_reference)
            .then(code.replace_strict(labels, default=None, return_dtype=pl.String))
            .when(code.is_not_null())
            .then(old_label)
            .otherwise(pl.lit(absent_label(nomenclature)))
            .alias("naf_label"),
            pl.col("naf_rev2"),
            pl.col("naf_2025"),
            pl.when(in_reference).then(section).alias("section"),
            pl.when(in_reference & section.is_not_null()).then(division).alias("division"),
            band.alias("band"),
            band.replace_strict(BAND_LABELS, default=pl.lit("Tranche ") + band).alias("band_label"),
            pl.col("commune_code"),
            pl.col("commune_name"),
            pl.col("etat"),
            pl.col("date_creation").str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False),
            _address_expr().alias("address"),
            pl.col("lon"),
            pl.col("lat"),
            ((pl.col("flags") // 2) % 2 == 1).alias("craft"),
            (pl.col("flags") % 2 == 1).alias("siege"),
            normalize_text_expr(pl.col("name").fill_null("")).alias("name_key"),
        )
        # Sorting 200,000 strings takes a tenth of a second: done here, off the
        # GUI thread, so that the table sorts by name on integers.
        .with_columns(pl.col("name_key").rank("dense").cast(pl.UInt32).alias("name_rank"))
    )


def load_firms(store: CampaignStore, nomenclature: str | None = None) -> pl.DataFrame:
    """Every establishment in the target (``in_target``), one row each.

    Columns are those of :data:`FIRM_SCHEMA`: ``id`` (0..n-1, stable while
    the target does not change), ``siret``, ``name``, ``naf_code``,
    ``naf_label``, ``section`` and ``division`` (in the campaign's reference
    nomenclature, or ``nomenclature`` if given: see :func:`firms_frame`),
    ``naf_rev2`` and ``naf_2025`` (the firm's code in each, or null),
    ``band`` (``NN`` when empty), ``band_label``, ``commune_code``,
    ``commune_name``, ``etat``, ``date_creation``, ``address`` (one line),
    ``lon``, ``lat``, ``craft``, ``siege``, ``name_key`` (the name in
    lower case without accents, for search) and ``name_rank`` (the name's
    alphabetical rank on ``name_key``, 1 for the first, equal names equal),
    then the assignment (``team_id``, ``team``, ``adviser_id``, ``adviser``,
    ``locked``, ``team_capacity``, ``assignment_version``; null without a
    team), ``status`` (the latest outcome) and ``stage`` (how far prospecting
    went: :func:`prospect_status.attach_stage`).

    The frame comes from the columnar cache (:mod:`firm_cache`) when nothing
    changed since it was written.
    """
    with store.engine.connect() as conn:
        if nomenclature is None:
            with Session(conn) as session:
                nomenclature = reference_in_session(session)
        reference = nomenclature
        return firm_cache.cached_frame(conn, reference, lambda: _build(conn, reference))


def _build(conn: Connection, nomenclature: str) -> pl.DataFrame:
    raw = _read(conn, _firms_query(), _RAW_TYPES)
    communes = _read(
        conn, _communes_query(), {"commune_code": pl.String(), "bassin_name": pl.String()}
    )
    frame = firms_frame(raw, communes, nomenclature=nomenclature)
    firms = attach_accompanied(conn, attach_assignments(conn, frame))
    return attach_stage(conn, attach_status(conn, firms))


def attach_accompanied(conn: Connection, firms: pl.DataFrame) -> pl.DataFrame:
    """Add ``accompanied``: a service that counts as accompaniment was realised for the
    firm (recorded with a contact, or a held session it hosted or came to), at any date;
    ``stage`` then says « Accompagnée » (``prospect_status.ACCOMPANIED_COLUMN``)."""
    with Session(conn) as session:
        sirets = sorted(accompanied_firms(session))
    done = pl.Series(sirets, dtype=pl.String)
    return firms.with_columns(pl.col("siret").is_in(done.implode()).alias(ACCOMPANIED_COLUMN))
