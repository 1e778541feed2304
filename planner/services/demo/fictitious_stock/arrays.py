"""Small vectorised helpers of the fictitious stock generator."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import polars as pl

_IntArray = npt.NDArray[np.int64]
_FloatArray = npt.NDArray[np.float64]
_BoolArray = npt.NDArray[np.bool_]


def _insee_upper(text: str) -> str:
    """Upper case without diacritics, as INSEE writes names and labels."""
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).upper()


def _probabilities(weights: Sequence[float]) -> _FloatArray:
    array = np.asarray(weights, dtype=np.float64)
    result: _FloatArray = array / array.sum()
    return result


def _luhn_check_digit(payload: _IntArray, n_digits: int) -> _IntArray:
    """Digit to append to ``payload`` (``n_digits`` long) so the whole passes Luhn."""
    rest = payload.copy()
    total = np.zeros_like(payload)
    for position in range(n_digits):
        digit = rest % 10
        rest //= 10
        if position % 2 == 0:  # rightmost payload digit is doubled
            digit = digit * 2
            digit -= 9 * (digit > 9)
        total += digit
    result: _IntArray = (10 - total % 10) % 10
    return result


def _choice(rng: np.random.Generator, probabilities: _FloatArray, size: int) -> _IntArray:
    """Weighted draw of indices (inverse CDF, cheaper than Generator.choice)."""
    cdf = np.cumsum(probabilities)
    cdf /= cdf[-1]
    drawn = np.searchsorted(cdf, rng.random(size), side="right")
    return np.minimum(drawn, len(probabilities) - 1).astype(np.int64)


def _series(values: Sequence[str | None]) -> pl.Series:
    return pl.Series(values=list(values), dtype=pl.Utf8)


def _iso_date(column: str) -> pl.Expr:
    """Days since 1970-01-01 as ``YYYY-MM-DD``."""
    return pl.col(column).cast(pl.Int32).cast(pl.Date).cast(pl.Utf8)


def _iso_datetime(column: str) -> pl.Expr:
    """Seconds since 1970-01-01 as ``YYYY-MM-DDTHH:MM:SS``, as INSEE writes them."""
    return pl.from_epoch(column, time_unit="s").dt.strftime("%Y-%m-%dT%H:%M:%S")


def _format_lambert(column: str) -> pl.Expr:
    tenths = pl.col(column)
    return pl.concat_str([(tenths // 10).cast(pl.Utf8), pl.lit("."), (tenths % 10).cast(pl.Utf8)])
