"""The legal-unit rows of one batch, one per SIREN."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from planner.services.demo.fictitious_stock.arrays import (
    _BoolArray,
    _choice,
    _IntArray,
    _iso_date,
    _iso_datetime,
    _probabilities,
)
from planner.services.demo.fictitious_stock.context import _Context
from planner.services.demo.fictitious_stock.layout import (
    LEGAL_UNIT_COLUMNS,
    ND_LEGAL_UNIT_COLUMNS,
    NOT_DIFFUSED,
)
from planner.services.demo.fictitious_stock.tables import (
    _BAND_00,
    _BAND_32,
    _BAND_52,
    _CATEGORY_YEAR,
    _COMPANY_FORMS,
    _EPOCH,
    _FEMALE_NAMES,
    _FORM_INDEX_ASSOCIATION,
    _FORM_INDEX_SCI,
    _FORM_INDEX_SOLE,
    _FORM_P,
    _HEADCOUNT_YEAR_P,
    _KIND_ASSOCIATION,
    _KIND_SOLE,
    _MALE_NAMES,
    _NAF_SCI,
    _NO_WORD,
    _S_BANDS,
    _S_FORM_CODES,
    _S_HEADCOUNT_YEARS,
    _S_LETTERS,
    _S_NAF,
    _S_WORDS,
    _WORD_GROUPS,
    _WORD_OFFSET,
    _phrase,
)


def _legal_unit_frame(
    ctx: _Context,
    batch_no: int,
    *,
    n_firms: int,
    sirens: _IntArray,
    kind: _IntArray,
    firm_naf: _IntArray,
    firm_hidden: _BoolArray,
    starts: _IntArray,
    head_row: _IntArray,
    nic: _IntArray,
    creation: _IntArray,
    period_start: _IntArray,
    treatment: _IntArray,
    closed: _BoolArray,
    band: _IntArray,
    employer: _BoolArray,
    area: _IntArray,
) -> pl.DataFrame:
    """One row per SIREN, from per-firm draws and per-establishment aggregates."""
    if n_firms == 0:
        return pl.DataFrame(schema=dict.fromkeys(LEGAL_UNIT_COLUMNS, pl.Utf8))
    rng = np.random.default_rng(np.random.SeedSequence([ctx.seed, batch_no, 1]))

    firm_creation = np.minimum.reduceat(creation, starts)
    firm_band = np.maximum.reduceat(band, starts)
    firm_employer = np.maximum.reduceat(employer.astype(np.int64), starts) > 0
    firm_ceased = np.minimum.reduceat(closed.astype(np.int64), starts) > 0
    firm_end = np.maximum.reduceat(period_start, starts)
    firm_start = np.where(firm_ceased, firm_end, period_start[head_row])

    is_sole = kind == _KIND_SOLE
    is_association = kind == _KIND_ASSOCIATION
    form = np.where(
        is_sole,
        _FORM_INDEX_SOLE,
        np.where(
            is_association,
            _FORM_INDEX_ASSOCIATION,
            np.where(
                (firm_naf == _NAF_SCI) & (rng.random(n_firms) < 0.8),
                _FORM_INDEX_SCI,
                _choice(rng, _FORM_P, n_firms),
            ),
        ),
    )
    recent = firm_creation >= (date(2024, 1, 1) - _EPOCH).days
    category = np.where(
        firm_ceased | recent | (rng.random(n_firms) < 0.06),
        0,
        np.where(firm_band >= _BAND_52, 3, np.where(firm_band >= _BAND_32, 2, 1)),
    )
    female = rng.random(n_firms) < 0.38
    u = rng.random(n_firms)
    n_first = np.where(u < 0.62, 1, np.where(u < 0.90, 2, np.where(u < 0.98, 3, 4)))
    has_acronym = ~is_sole & (rng.random(n_firms) < 0.04)
    head_area = area[head_row]

    def draw(pool: pl.Series, name: str) -> pl.Series:
        return pool.gather(rng.integers(0, len(pool), n_firms)).alias(name)

    def word(group: str) -> _IntArray:
        offset = _WORD_OFFSET[group]
        return offset + rng.integers(0, len(_WORD_GROUPS[group]), n_firms)

    # Names of sole traders.
    n_male = len(_MALE_NAMES)
    first_names: list[pl.Series] = []
    for rank in (1, 2, 3, 4):
        male = _WORD_OFFSET["first"] + rng.integers(0, n_male, n_firms)
        woman = _WORD_OFFSET["first"] + n_male + rng.integers(0, len(_FEMALE_NAMES), n_firms)
        chosen = np.where(female, woman, male)
        first_names.append(
            _S_WORDS.gather(np.where(is_sole & (n_first >= rank), chosen, _NO_WORD)).alias(
                f"_first_{rank}"
            )
        )
    surname = word("surname")
    use_name = is_sole & female & (rng.random(n_firms) < 0.2)

    # Denominations of companies, SCIs and associations.
    pattern = rng.integers(0, 8, n_firms)
    trade = _WORD_OFFSET["trade"] + firm_naf
    fantasy, place = word("fantasy"), word("place")
    form_word = _WORD_OFFSET["form"] + np.minimum(form, len(_COMPANY_FORMS) - 1)
    no_word = np.full(n_firms, _NO_WORD, dtype=np.int64)
    company = (
        np.select(
            [pattern == 3, (pattern == 4) | (pattern == 6), pattern == 5],
            [form_word, fantasy, surname],
            trade,
        ),
        np.select(
            [
                (pattern == 0) | (pattern == 2),
                pattern == 1,
                pattern == 3,
                (pattern == 4) | (pattern == 5),
                pattern == 6,
            ],
            [surname, place, word("prefix"), trade, word("suffix")],
            fantasy,
        ),
        np.select([pattern == 2, pattern == 3], [_WORD_OFFSET["ET FILS"], fantasy], no_word),
    )
    sci = (
        np.full(n_firms, _WORD_OFFSET["SCI"], dtype=np.int64),
        np.select([pattern < 3, pattern < 6], [surname, fantasy], place),
        no_word,
    )
    association = (word("head"), np.where(pattern < 4, place, fantasy), no_word)
    is_sci = form == _FORM_INDEX_SCI
    denomination = _phrase(
        *(
            np.select([is_sole, is_association, is_sci], [no_word, a, b], c)
            for a, b, c in zip(association, sci, company, strict=True)
        )
    )
    usual = ~is_sole & (rng.random(n_firms) < 0.05)
    usual_name = _phrase(np.where(usual, trade, _NO_WORD), fantasy)

    frame = pl.DataFrame(
        [
            pl.Series("_siren", sirens),
            pl.Series("_hidden", firm_hidden),
            pl.Series("_sole", is_sole),
            pl.Series("_association", is_association),
            pl.Series("_creation", firm_creation.astype(np.int32)),
            pl.Series("_band", firm_band),
            _S_BANDS.gather(firm_band).alias("_band_code"),
            _S_HEADCOUNT_YEARS.gather(
                _choice(rng, _probabilities(_HEADCOUNT_YEAR_P), n_firms)
            ).alias("_year_code"),
            pl.Series("_treatment", treatment[head_row]),
            pl.Series(
                "_periods",
                np.where(firm_start > firm_creation, 2, 1)
                + rng.integers(0, 3, n_firms) * (firm_start > firm_creation),
            ),
            pl.Series("_category", category),
            pl.Series("_start", firm_start.astype(np.int32)),
            pl.Series("_ceased", firm_ceased),
            _S_NAF.gather(firm_naf).alias("_naf_code"),
            _S_FORM_CODES.gather(form).alias("_form_code"),
            pl.Series("_nic", nic[head_row]),
            pl.Series("_employer", firm_employer),
            pl.Series("_female", female),
            *first_names,
            _S_WORDS.gather(np.where(is_sole, surname, _NO_WORD)).alias("_surname"),
            _S_WORDS.gather(np.where(use_name, word("surname"), _NO_WORD)).alias("_use_name"),
            denomination.alias("_denomination"),
            usual_name.alias("_usual_name"),
            draw(_S_LETTERS, "_letter_1"),
            draw(_S_LETTERS, "_letter_2"),
            draw(_S_LETTERS, "_letter_3"),
            pl.Series("_has_acronym", has_acronym),
            pl.Series("_rna", rng.integers(0, 1_000_000, n_firms)),
            ctx.commune_codes.gather(head_area).str.slice(0, 2).alias("_dep"),
        ]
    )

    def col(name: str) -> pl.Expr:
        return pl.col(name)

    null = pl.lit(None, dtype=pl.Utf8)

    def flag(condition: pl.Expr, yes: str, no: str | None) -> pl.Expr:
        return pl.when(condition).then(pl.lit(yes)).otherwise(pl.lit(no, dtype=pl.Utf8))

    columns: dict[str, pl.Expr] = {
        "siren": col("_siren").cast(pl.Utf8).str.zfill(9),
        "statutDiffusionUniteLegale": flag(col("_hidden"), "P", "O"),
        "dateCreationUniteLegale": _iso_date("_creation"),
        "sigleUniteLegale": pl.when(col("_has_acronym"))
        .then(pl.concat_str([col("_letter_1"), col("_letter_2"), col("_letter_3")]))
        .otherwise(null),
        "sexeUniteLegale": pl.when(col("_sole"))
        .then(flag(col("_female"), "F", "M"))
        .otherwise(null),
        "prenom1UniteLegale": col("_first_1"),
        "prenom2UniteLegale": col("_first_2"),
        "prenom3UniteLegale": col("_first_3"),
        "prenom4UniteLegale": col("_first_4"),
        "prenomUsuelUniteLegale": col("_first_1"),
        "identifiantAssociationUniteLegale": pl.when(col("_association"))
        .then(
            pl.concat_str(
                [pl.lit("W"), col("_dep"), pl.lit("1"), col("_rna").cast(pl.Utf8).str.zfill(6)]
            )
        )
        .otherwise(null),
        "trancheEffectifsUniteLegale": col("_band_code"),
        "anneeEffectifsUniteLegale": pl.when(col("_band") >= _BAND_00)
        .then(col("_year_code"))
        .otherwise(null),
        "dateDernierTraitementUniteLegale": _iso_datetime("_treatment"),
        "nombrePeriodesUniteLegale": col("_periods").cast(pl.Utf8),
        "categorieEntreprise": pl.when(col("_category") == 1)
        .then(pl.lit("PME"))
        .when(col("_category") == 2)
        .then(pl.lit("ETI"))
        .when(col("_category") == 3)
        .then(pl.lit("GE"))
        .otherwise(null),
        "anneeCategorieEntreprise": flag(col("_category") > 0, _CATEGORY_YEAR, None),
        "dateDebut": _iso_date("_start"),
        "etatAdministratifUniteLegale": flag(col("_ceased"), "C", "A"),
        "nomUniteLegale": col("_surname"),
        "nomUsageUniteLegale": col("_use_name"),
        "denominationUniteLegale": col("_denomination"),
        "denominationUsuelle1UniteLegale": col("_usual_name"),
        "categorieJuridiqueUniteLegale": col("_form_code"),
        "activitePrincipaleUniteLegale": col("_naf_code"),
        "nomenclatureActivitePrincipaleUniteLegale": pl.lit("NAFRev2"),
        "nicSiegeUniteLegale": col("_nic").cast(pl.Utf8).str.zfill(5),
        "economieSocialeSolidaireUniteLegale": flag(col("_association"), "O", "N"),
        "caractereEmployeurUniteLegale": flag(col("_employer"), "O", "N"),
    }
    for name in ND_LEGAL_UNIT_COLUMNS:
        value = columns.get(name, null)
        columns[name] = pl.when(col("_hidden")).then(pl.lit(NOT_DIFFUSED)).otherwise(value)
    return frame.select([columns.get(name, null).alias(name) for name in LEGAL_UNIT_COLUMNS])
