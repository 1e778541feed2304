"""Parameters and reference tables of the fictitious stock, as arrays ready to draw from.

The tables themselves (activities, headcount bands, legal forms, street
types, words) are data files in ``resources/demo``, read once by
:mod:`planner.io.demo_tables`; this module turns them into the numpy arrays
and polars series the batch generator indexes.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Final

import numpy as np
import polars as pl

from planner.io.demo_tables import load_demo_tables
from planner.io.nomenclatures import load_correspondence
from planner.services.demo.fictitious_stock.arrays import (
    _choice,
    _IntArray,
    _probabilities,
    _series,
)

# SIRENs are drawn increasing from this 8-digit prefix: it stays clear of
# La Poste's SIREN 356000000, whose SIRETs follow a different check rule.
_FIRST_PREFIX: Final = 40_000_000
_LAST_PREFIX: Final = 99_999_999
_MAX_SITES: Final = 60

_EPOCH: Final = date(1970, 1, 1)
_CREATION_MIN: Final = (date(1975, 1, 1) - _EPOCH).days
#: Day after the last date the fictitious stock knows about.
_STOCK_DAY: Final = (date(2025, 12, 1) - _EPOCH).days
_TREATMENT_MIN: Final = (date(2017, 1, 1) - _EPOCH).days
_MASS_UPDATE: Final = int(
    (datetime(2024, 3, 22, 15, 40, 57) - datetime(1970, 1, 1)).total_seconds()
)
_HEADCOUNT_YEARS: Final = ("2023", "2022", "2021")
_HEADCOUNT_YEAR_P: Final = (0.86, 0.10, 0.04)
_CATEGORY_YEAR: Final = "2023"

_TABLES: Final = load_demo_tables()

# NAF rév.2 sous-classes common among TPE/PME of an urban bassin.
# (code, relative weight, trade word used to build names, flags)
# flags: C = craft sector (craft register code often filled),
#        A = mostly run by associations, S = companies only (no sole trader).
_NAF_TABLE: Final[tuple[tuple[str, float, str, str], ...]] = tuple(
    (row.code, row.weight, row.trade, row.flags) for row in _TABLES.activities
)

_BANDS: Final = tuple(band.code for band in _TABLES.bands)
_BAND_00: Final = 2
_BAND_01: Final = 3
_BAND_32: Final = _BANDS.index("32")
_BAND_52: Final = _BANDS.index("52")
_BAND_P_COMPANY: Final = tuple(band.p_company for band in _TABLES.bands)
_BAND_P_SOLE: Final = tuple(band.p_sole for band in _TABLES.bands)
_BAND_P_CLOSED: Final = tuple(band.p_closed for band in _TABLES.bands)

_KIND_SOLE: Final = 0
_KIND_COMPANY: Final = 1
_KIND_ASSOCIATION: Final = 2
_SOLE_SHARE: Final = 0.25

# categorieJuridiqueUniteLegale of companies: (code, short form used in names, weight)
_COMPANY_FORMS: Final[tuple[tuple[str, str, float], ...]] = tuple(
    (form.code, form.form, form.weight) for form in _TABLES.company_forms
)
_FORM_SCI: Final = ("6540", "SCI")
_FORM_ASSOCIATION: Final = ("9220", "ASSOCIATION")
_FORM_SOLE: Final = "1000"

_STREET_TYPES: Final = _TABLES.street_types

_WORDS: Final = _TABLES.words
_SURNAMES: Final = _WORDS["surnames"]
_MALE_NAMES: Final = _WORDS["male_first_names"]
_FEMALE_NAMES: Final = _WORDS["female_first_names"]
# Invented words for firm names and signs.
_FANTASY: Final = _WORDS["fantasy"]
_PLACES: Final = _WORDS["places"]
_STREET_TITLES: Final = _WORDS["street_titles"]
_STREET_DATES: Final = _WORDS["street_dates"]
_STREET_REGIONS: Final = _WORDS["street_regions"]
_COMPLEMENTS: Final = _WORDS["complements"]
_NAME_PREFIXES: Final = _WORDS["name_prefixes"]
_NAME_SUFFIXES: Final = _WORDS["name_suffixes"]
_ASSOCIATION_HEADS: Final = _WORDS["association_heads"]
_LETTERS: Final = "ABCDEFGHIJKLMNOPRSTV"


def _build_street_pool() -> tuple[pl.Series, pl.Series]:
    """A fixed pool of (street type, street label), independent of the user seed."""
    rng = np.random.default_rng(20_240_322)
    types = [name for name, _ in _STREET_TYPES]
    type_p = _probabilities([weight for _, weight in _STREET_TYPES])
    old_first_names = _MALE_NAMES[:20] + _FEMALE_NAMES[-20:]
    out_types: list[str] = []
    out_labels: list[str] = []
    for _ in range(2_400):
        pattern = rng.random()
        if pattern < 0.40:
            label = _PLACES[rng.integers(len(_PLACES))]
        elif pattern < 0.70:
            first = old_first_names[rng.integers(len(old_first_names))]
            label = f"{first} {_SURNAMES[rng.integers(110)]}"
        elif pattern < 0.82:
            title = _STREET_TITLES[rng.integers(len(_STREET_TITLES))]
            label = f"{title} {_SURNAMES[rng.integers(110)]}"
        elif pattern < 0.90:
            label = _STREET_DATES[rng.integers(len(_STREET_DATES))]
        else:
            label = _STREET_REGIONS[rng.integers(len(_STREET_REGIONS))]
        # INSEE mostly writes elisions with a space ("D INGLEMUR"), sometimes not.
        if rng.random() < 0.8:
            label = label.replace("'", " ")
        out_types.append(types[int(_choice(rng, type_p, 1)[0])])
        out_labels.append(label)
    return _series(out_types), _series(out_labels)


_NAF_CODES: Final = tuple(row[0] for row in _NAF_TABLE)
_NAF_P: Final = _probabilities([row[1] for row in _NAF_TABLE])
_NAF_CRAFT: Final = np.array(["C" in row[3] for row in _NAF_TABLE])
_NAF_ASSOCIATION: Final = np.array(["A" in row[3] for row in _NAF_TABLE])
_NAF_COMPANY_ONLY: Final = np.array(["S" in row[3] for row in _NAF_TABLE])
_NAF_SCI: Final = _NAF_CODES.index("68.20B")
_NAF_HAIRDRESSING: Final = _NAF_CODES.index("96.02A")

_S_NAF: Final = _series(_NAF_CODES)
# NAF 2025 code of each rév. 2 code: its first target in INSEE's correspondence
# table (resources/nomenclatures), as a stock coded after the switch might read.
_FIRST_NAF25: Final = {s: t[0] for s, t in load_correspondence().forward.items()}
_S_NAF25: Final = _series([_FIRST_NAF25.get(code, code) for code in _NAF_CODES])
# Craft register (NAFA) code: the NAF code without its dot plus one letter.
_S_CRAFT: Final = _series([code.replace(".", "") + "Z" for code in _NAF_CODES])
_S_BANDS: Final = _series([band or None for band in _BANDS])
_S_HEADCOUNT_YEARS: Final = _series(_HEADCOUNT_YEARS)
_S_STREET_TYPE, _S_STREET_LABEL = _build_street_pool()
_S_COMPLEMENTS: Final = _series(_COMPLEMENTS)
_S_LETTERS: Final = _series(list(_LETTERS))
_S_FORM_CODES: Final = _series(
    [code for code, _, _ in _COMPANY_FORMS] + [_FORM_SCI[0], _FORM_ASSOCIATION[0], _FORM_SOLE]
)
_FORM_P: Final = _probabilities([weight for _, _, weight in _COMPANY_FORMS])
_FORM_INDEX_SCI: Final = len(_COMPANY_FORMS)
_FORM_INDEX_ASSOCIATION: Final = len(_COMPANY_FORMS) + 1
_FORM_INDEX_SOLE: Final = len(_COMPANY_FORMS) + 2
_STREETS_PER_COMMUNE: Final = 320

# One pool of words for names: a name is a few slots, each an index into it.
_WORD_GROUPS: Final[dict[str, tuple[str, ...]]] = {
    "trade": tuple(row[2] for row in _NAF_TABLE),
    "surname": _SURNAMES,
    "place": _PLACES,
    "fantasy": _FANTASY,
    "prefix": _NAME_PREFIXES,
    "suffix": _NAME_SUFFIXES,
    "form": tuple(name for _, name, _ in _COMPANY_FORMS),
    "head": _ASSOCIATION_HEADS,
    "first": _MALE_NAMES + _FEMALE_NAMES,
    "ET FILS": ("ET FILS",),
    "SCI": ("SCI",),
    "CHEZ": ("CHEZ",),
    "LE": ("LE",),
}
_WORD_OFFSET: Final[dict[str, int]] = {}
_all_words: list[str | None] = []
for _group, _words in _WORD_GROUPS.items():
    _WORD_OFFSET[_group] = len(_all_words)
    _all_words.extend(_words)
_NO_WORD: Final = len(_all_words)
_S_WORDS: Final = _series([*_all_words, None])
del _all_words


def _phrase(*slots: _IntArray) -> pl.Series:
    """Words joined by spaces; slots equal to ``_NO_WORD`` are skipped.

    The result is null where the first slot is ``_NO_WORD``.
    """
    parts = pl.DataFrame([_S_WORDS.gather(slot).alias(f"w{i}") for i, slot in enumerate(slots)])
    joined = parts.select(
        pl.when(pl.col("w0").is_null())
        .then(pl.lit(None, dtype=pl.Utf8))
        .otherwise(pl.concat_str(parts.columns, separator=" ", ignore_nulls=True))
    )
    return joined.to_series()
