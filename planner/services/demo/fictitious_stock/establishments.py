"""One batch of fictitious establishments (and of their legal units)."""

from __future__ import annotations

import math

import numpy as np
import polars as pl

from planner.services.demo.fictitious_stock.arrays import (
    _choice,
    _format_lambert,
    _IntArray,
    _iso_date,
    _iso_datetime,
    _luhn_check_digit,
    _probabilities,
)
from planner.services.demo.fictitious_stock.context import _BatchResult, _Context
from planner.services.demo.fictitious_stock.layout import (
    ESTABLISHMENT_COLUMNS,
    NAF25_COLUMN,
    ND_ESTABLISHMENT_COLUMNS,
    NOT_DIFFUSED,
)
from planner.services.demo.fictitious_stock.legal_units import _legal_unit_frame
from planner.services.demo.fictitious_stock.tables import (
    _BAND_00,
    _BAND_01,
    _BAND_P_CLOSED,
    _BAND_P_COMPANY,
    _BAND_P_SOLE,
    _COMPLEMENTS,
    _CREATION_MIN,
    _FANTASY,
    _HEADCOUNT_YEAR_P,
    _KIND_ASSOCIATION,
    _KIND_COMPANY,
    _KIND_SOLE,
    _LAST_PREFIX,
    _MASS_UPDATE,
    _MAX_SITES,
    _NAF_ASSOCIATION,
    _NAF_COMPANY_ONLY,
    _NAF_CRAFT,
    _NAF_HAIRDRESSING,
    _NAF_P,
    _PLACES,
    _S_BANDS,
    _S_COMPLEMENTS,
    _S_CRAFT,
    _S_HEADCOUNT_YEARS,
    _S_NAF,
    _S_NAF25,
    _S_STREET_LABEL,
    _S_STREET_TYPE,
    _STOCK_DAY,
    _STREETS_PER_COMMUNE,
    _TREATMENT_MIN,
    _WORD_GROUPS,
    _WORD_OFFSET,
    _phrase,
)


def _draw_firms(
    rng: np.random.Generator, ctx: _Context, n_rows: int
) -> tuple[_IntArray, _IntArray, _IntArray]:
    """Kind, NAF index and site count of just enough firms to fill ``n_rows``."""
    naf = _choice(rng, _NAF_P, n_rows)
    u = rng.random(n_rows)
    kind = np.where(
        _NAF_ASSOCIATION[naf],
        np.where(u < 0.85, _KIND_ASSOCIATION, _KIND_COMPANY),
        np.where(~_NAF_COMPANY_ONLY[naf] & (u < ctx.sole_probability), _KIND_SOLE, _KIND_COMPANY),
    ).astype(np.int64)
    u = rng.random(n_rows)
    several = 2 + np.minimum(rng.geometric(0.45, n_rows) - 1, 10)
    chain = rng.integers(10, _MAX_SITES + 1, n_rows)
    company_sites = np.where(u < 0.92, 1, np.where(u < 0.996, several, chain))
    sites = np.where(kind == _KIND_SOLE, np.where(u < 0.97, 1, 2), company_sites).astype(np.int64)
    cumulated = np.cumsum(sites)
    last = int(np.searchsorted(cumulated, n_rows))
    sites = sites[: last + 1].copy()
    sites[last] -= int(cumulated[last]) - n_rows
    return kind[: last + 1], naf[: last + 1], sites


def _generate_batch(ctx: _Context, batch_no: int, n_rows: int) -> _BatchResult:
    rng = np.random.default_rng(np.random.SeedSequence([ctx.seed, batch_no, 0]))

    # ---- firms (legal units) -------------------------------------------
    kind, firm_naf, sites = _draw_firms(rng, ctx, n_rows)
    n_firms = len(sites)
    gaps = rng.integers(1, ctx.gap_max + 1, n_firms)
    prefixes = ctx.last_prefix + np.cumsum(gaps)
    if n_firms and int(prefixes[-1]) > _LAST_PREFIX:
        raise RuntimeError("ran out of SIREN numbers; lower the row count")
    ctx.last_prefix = int(prefixes[-1]) if n_firms else ctx.last_prefix
    sirens = prefixes * 10 + _luhn_check_digit(prefixes, 8)

    is_sole = kind == _KIND_SOLE
    sole_rows = int(sites[is_sole].sum())
    p_hidden = min(1.0, ctx.non_diffusible_share * n_rows / sole_rows) if sole_rows else 0.0
    firm_hidden = is_sole & (rng.random(n_firms) < p_hidden)

    # ---- establishments ------------------------------------------------
    firm_of_row = np.repeat(np.arange(n_firms, dtype=np.int64), sites)
    starts = np.cumsum(sites) - sites
    local = np.arange(n_rows, dtype=np.int64) - starts[firm_of_row]
    nic_order = local + 1
    siret_payload = sirens[firm_of_row] * 10_000 + nic_order
    nic = nic_order * 10 + _luhn_check_digit(siret_payload, 13)
    hidden = firm_hidden[firm_of_row]
    row_kind = kind[firm_of_row]

    naf = firm_naf[firm_of_row].copy()
    other_activity = (local > 0) & (rng.random(n_rows) < 0.05)
    naf[other_activity] = _choice(rng, _NAF_P, int(other_activity.sum()))

    closed = rng.random(n_rows) < ctx.closed_share

    # Creation dates: a mixture of recent creations and older firms, sorted
    # within each SIREN so that NIC order follows creation order.
    recent = rng.random(n_rows) < 0.45
    age_years = np.where(
        recent,
        rng.exponential(4.5, n_rows),
        50.9 * (1.0 - rng.random(n_rows) ** (1.0 / 1.6)),
    )
    creation = np.clip(
        _STOCK_DAY - 1 - (age_years * 365.25).astype(np.int64), _CREATION_MIN, _STOCK_DAY - 1
    )
    creation = creation[np.lexsort((creation, firm_of_row))]

    after = creation + (rng.random(n_rows) * (_STOCK_DAY - creation)).astype(np.int64)
    after = np.minimum(after, _STOCK_DAY - 1)
    changed = closed | (rng.random(n_rows) < 0.35)
    period_start = np.where(changed, after, creation)
    periods = np.where(changed, 2 + rng.integers(0, 3, n_rows), 1)

    treatment_low = np.maximum(period_start, _TREATMENT_MIN).astype(np.int64) * 86_400
    treatment = treatment_low + (rng.random(n_rows) * (_STOCK_DAY * 86_400 - treatment_low)).astype(
        np.int64
    )
    mass_update = (rng.random(n_rows) < 0.25) & (treatment_low <= _MASS_UPDATE)
    treatment = np.where(mass_update, _MASS_UPDATE, treatment)

    # Head office: the last active site of the firm, else its last site.
    score = local + np.where(closed, 0, 1_000)
    best = np.maximum.reduceat(score, starts) if n_firms else score[:0]
    head_local = best % 1_000
    is_head = local == head_local[firm_of_row]

    # Headcount bands and employer character.
    band = np.where(
        closed,
        _choice(rng, _probabilities(_BAND_P_CLOSED), n_rows),
        np.where(
            row_kind == _KIND_SOLE,
            _choice(rng, _probabilities(_BAND_P_SOLE), n_rows),
            _choice(rng, _probabilities(_BAND_P_COMPANY), n_rows),
        ),
    )
    u = rng.random(n_rows)
    employer = ~closed & np.where(band >= _BAND_01, u < 0.93, (band == _BAND_00) & (u < 0.15))
    headcount_year = _choice(rng, _probabilities(_HEADCOUNT_YEAR_P), n_rows)

    craft = _NAF_CRAFT[naf] & (rng.random(n_rows) < 0.7)
    craft_alt = (naf == _NAF_HAIRDRESSING) & (rng.random(n_rows) < 0.2)

    # Communes and positions.
    if ctx.outside_p is not None and ctx.outside_share > 0:
        outside = rng.random(n_rows) < ctx.outside_share
        area = np.where(
            outside,
            ctx.n_inside + _choice(rng, ctx.outside_p, n_rows),
            _choice(rng, ctx.inside_p, n_rows),
        )
    else:
        outside = np.zeros(n_rows, dtype=np.bool_)
        area = _choice(rng, ctx.inside_p, n_rows)
    lon, lat = ctx.sampler.sample(rng, area)
    x, y = ctx.transformer.transform(lon, lat)
    geocoded = rng.random(n_rows) >= 0.03

    # Addresses.
    street = (area * 613 + (_STREETS_PER_COMMUNE * rng.random(n_rows) ** 2).astype(np.int64)) % len(
        _S_STREET_LABEL
    )
    number = np.exp(rng.random(n_rows) * math.log(260)).astype(np.int64)
    u = rng.random(n_rows)
    has_number = u >= 0.07
    repetition = np.where(u > 0.985, 2, np.where(u > 0.955, 1, 0))
    last_number = number + 2 * rng.integers(1, 5, n_rows)
    has_last_number = has_number & (rng.random(n_rows) < 0.01)
    has_complement = rng.random(n_rows) < 0.06
    complement = rng.integers(0, len(_COMPLEMENTS), n_rows)
    has_po_box = rng.random(n_rows) < 0.004
    po_box = rng.integers(10, 99_999, n_rows)

    # Signs and usual names.
    u = rng.random(n_rows)
    sign_kind = np.where(u < 0.25, 1, np.where(u < 0.33, 2, np.where(u < 0.40, 3, 0)))
    sign_pattern = rng.integers(0, 4, n_rows)
    fantasy_word = _WORD_OFFSET["fantasy"] + rng.integers(0, len(_FANTASY), n_rows)
    sign = _phrase(
        np.select(
            [sign_pattern == 1, sign_pattern == 3],
            [_WORD_OFFSET["CHEZ"], _WORD_OFFSET["LE"]],
            _WORD_OFFSET["trade"] + naf,
        ),
        np.select(
            [sign_pattern == 0, sign_pattern == 1],
            [
                _WORD_OFFSET["place"] + rng.integers(0, len(_PLACES), n_rows),
                _WORD_OFFSET["first"] + rng.integers(0, len(_WORD_GROUPS["first"]), n_rows),
            ],
            fantasy_word,
        ),
    )

    frame = pl.DataFrame(
        {
            "_siren": sirens[firm_of_row],
            "_nic": nic,
            "_hidden": hidden,
            "_creation": creation.astype(np.int32),
            "_band": band,
            "_employer": employer,
            "_year": headcount_year,
            "_craft": craft,
            "_craft_alt": craft_alt,
            "_naf": naf,
            "_treatment": treatment,
            "_head": is_head,
            "_periods": periods,
            "_has_complement": has_complement,
            "_complement": complement,
            "_has_number": has_number,
            "_number": number,
            "_repetition": repetition,
            "_has_last": has_last_number,
            "_last": last_number,
            "_street": street,
            "_area": area,
            "_has_po_box": has_po_box,
            "_po_box": po_box,
            "_geocoded": geocoded & ~hidden,
            "_x": np.rint(np.asarray(x) * 10).astype(np.int64),
            "_y": np.rint(np.asarray(y) * 10).astype(np.int64),
            "_start": period_start.astype(np.int32),
            "_closed": closed,
            "_sign_kind": sign_kind,
            "_sign": sign,
        }
    )
    frame = frame.with_columns(
        _S_NAF.gather(naf).alias("_naf_code"),
        _S_NAF25.gather(naf).alias("_naf25_code"),
        _S_CRAFT.gather(naf).alias("_craft_code"),
        _S_BANDS.gather(band).alias("_band_code"),
        _S_HEADCOUNT_YEARS.gather(headcount_year).alias("_year_code"),
        _S_STREET_TYPE.gather(street).alias("_street_type"),
        _S_STREET_LABEL.gather(street).alias("_street_label"),
        _S_COMPLEMENTS.gather(complement).alias("_complement_text"),
        ctx.postal_codes.gather(area).alias("_postal_code"),
        ctx.commune_names.gather(area).alias("_commune_name"),
        ctx.commune_codes.gather(area).alias("_commune_code"),
    )
    null = pl.lit(None, dtype=pl.Utf8)
    has_year = pl.col("_band") >= _BAND_00
    columns: dict[str, pl.Expr] = {
        "siren": pl.col("_siren").cast(pl.Utf8).str.zfill(9),
        "nic": pl.col("_nic").cast(pl.Utf8).str.zfill(5),
        "siret": pl.concat_str(
            [
                pl.col("_siren").cast(pl.Utf8).str.zfill(9),
                pl.col("_nic").cast(pl.Utf8).str.zfill(5),
            ]
        ),
        "statutDiffusionEtablissement": pl.when(pl.col("_hidden"))
        .then(pl.lit("P"))
        .otherwise(pl.lit("O")),
        "dateCreationEtablissement": _iso_date("_creation"),
        "trancheEffectifsEtablissement": pl.col("_band_code"),
        "anneeEffectifsEtablissement": pl.when(has_year).then(pl.col("_year_code")).otherwise(null),
        "activitePrincipaleRegistreMetiersEtablissement": pl.when(pl.col("_craft"))
        .then(pl.when(pl.col("_craft_alt")).then(pl.lit("9602AB")).otherwise(pl.col("_craft_code")))
        .otherwise(null),
        "dateDernierTraitementEtablissement": _iso_datetime("_treatment"),
        "etablissementSiege": pl.col("_head").cast(pl.Utf8),
        "nombrePeriodesEtablissement": pl.col("_periods").cast(pl.Utf8),
        "complementAdresseEtablissement": pl.when(pl.col("_has_complement"))
        .then(pl.col("_complement_text"))
        .otherwise(null),
        "numeroVoieEtablissement": pl.when(pl.col("_has_number"))
        .then(pl.col("_number").cast(pl.Utf8))
        .otherwise(null),
        "indiceRepetitionEtablissement": pl.when(
            pl.col("_has_number") & (pl.col("_repetition") == 1)
        )
        .then(pl.lit("B"))
        .when(pl.col("_has_number") & (pl.col("_repetition") == 2))
        .then(pl.lit("T"))
        .otherwise(null),
        "dernierNumeroVoieEtablissement": pl.when(pl.col("_has_last"))
        .then(pl.col("_last").cast(pl.Utf8))
        .otherwise(null),
        "typeVoieEtablissement": pl.col("_street_type"),
        "libelleVoieEtablissement": pl.col("_street_label"),
        "codePostalEtablissement": pl.col("_postal_code"),
        "libelleCommuneEtablissement": pl.col("_commune_name"),
        "distributionSpecialeEtablissement": pl.when(pl.col("_has_po_box"))
        .then(pl.concat_str([pl.lit("BP"), pl.col("_po_box").cast(pl.Utf8)], separator=" "))
        .otherwise(null),
        "codeCommuneEtablissement": pl.col("_commune_code"),
        "coordonneeLambertAbscisseEtablissement": pl.when(pl.col("_geocoded"))
        .then(_format_lambert("_x"))
        .otherwise(null),
        "coordonneeLambertOrdonneeEtablissement": pl.when(pl.col("_geocoded"))
        .then(_format_lambert("_y"))
        .otherwise(null),
        "dateDebut": _iso_date("_start"),
        "etatAdministratifEtablissement": pl.when(pl.col("_closed"))
        .then(pl.lit("F"))
        .otherwise(pl.lit("A")),
        "enseigne1Etablissement": pl.when(pl.col("_sign_kind").is_in([1, 3]))
        .then(pl.col("_sign"))
        .otherwise(null),
        "denominationUsuelleEtablissement": pl.when(pl.col("_sign_kind").is_in([2, 3]))
        .then(pl.col("_sign"))
        .otherwise(null),
        "activitePrincipaleEtablissement": pl.col("_naf_code"),
        "nomenclatureActivitePrincipaleEtablissement": pl.lit("NAFRev2"),
        "caractereEmployeurEtablissement": pl.when(pl.col("_employer"))
        .then(pl.lit("O"))
        .otherwise(pl.lit("N")),
    }
    for name in ND_ESTABLISHMENT_COLUMNS:
        value = columns.get(name, null)
        columns[name] = pl.when(pl.col("_hidden")).then(pl.lit(NOT_DIFFUSED)).otherwise(value)
    header: list[str] = list(ESTABLISHMENT_COLUMNS)
    if ctx.layout == 54:
        columns[NAF25_COLUMN] = (
            pl.when(pl.col("_closed")).then(null).otherwise(pl.col("_naf25_code"))
        )
        header.append(NAF25_COLUMN)
    establishments = frame.select([columns.get(name, null).alias(name) for name in header])

    legal_units: pl.DataFrame | None = None
    if ctx.legal_units:
        legal_units = _legal_unit_frame(
            ctx,
            batch_no,
            n_firms=n_firms,
            sirens=sirens,
            kind=kind,
            firm_naf=firm_naf,
            firm_hidden=firm_hidden,
            starts=starts,
            head_row=starts + head_local,
            nic=nic,
            creation=creation,
            period_start=period_start,
            treatment=treatment,
            closed=closed,
            band=band,
            employer=employer,
            area=area,
        )

    return _BatchResult(
        establishments=establishments,
        legal_units=legal_units,
        n_firms=n_firms,
        closed=int(closed.sum()),
        non_diffusible=int(hidden.sum()),
        not_geocoded=int((~geocoded & ~hidden).sum()),
        outside=int(outside.sum()),
        multi_site=int((sites > 1).sum()),
        per_area=np.bincount(area, minlength=len(ctx.areas)).astype(np.int64),
    )
