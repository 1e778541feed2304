"""SIREN/SIRET checks: python-stdnum for one number, a vectorised twin for columns.

:func:`is_valid_siret` is :mod:`stdnum.fr.siret` (Luhn key of the SIRET and of its
SIREN; La Poste's establishments, SIREN 356000000, use the sum of their digits
instead, except the head office). :func:`valid_sirets` checks a whole column at
numpy speed with the same rules; the tests compare it with stdnum on random and
edge values. Both accept exactly 14 ASCII digits: no spaces nor dots (stdnum's
``compact`` would strip them, a stored SIRET has none).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from stdnum.fr import siret as stdnum_siret

LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE = "35600000000048"  # the head office keeps the Luhn key


def _well_formed(siret: str) -> bool:
    return len(siret) == 14 and siret.isascii() and siret.isdigit()


# A doubled Luhn digit, with the digits of the product summed (2×7 = 14 → 5).
_DOUBLED = np.array([0, 2, 4, 6, 8, 1, 3, 5, 7, 9], dtype=np.int64)


def _luhn_ok(digits: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """Luhn check over rows of digits (n × width), rightmost digit is the key."""
    width = digits.shape[1]
    # Every second digit from the one left of the key is doubled; the others count as is.
    doubled = _DOUBLED[digits[:, width - 2 :: -2]].sum(axis=1)
    plain = digits[:, width - 1 :: -2].sum(axis=1)
    return np.asarray((doubled + plain) % 10 == 0)


def valid_sirets(sirets: Sequence[str]) -> npt.NDArray[np.bool_]:
    """Which SIRETs are 14 digits with a valid key (La Poste's rule included).

    Vectorised :func:`is_valid_siret`: La Poste's establishments share SIREN
    356000000 and, but for the head office, use their own rule: the sum of the
    SIRET's digits is a multiple of 5. No Python loop over the values: they are
    laid out as fixed-width code points (15 wide, so that a longer value stays
    longer than 14) and checked column-wise.
    """
    n = len(sirets)
    if n == 0:
        return np.zeros(0, dtype=bool)
    width = 15
    text = np.asarray(sirets, dtype=f"<U{width}")
    codes = text.view(np.uint32).reshape(n, width)
    # Python's lengths: numpy's would not count a trailing NUL.
    length = np.fromiter(map(len, sirets), dtype=np.int64, count=n)
    head = codes[:, :14]
    well_formed = (length == 14) & ((head >= ord("0")) & (head <= ord("9"))).all(axis=1)
    ok = np.zeros(n, dtype=bool)
    if not well_formed.any():
        return ok
    digits = (head[well_formed] - ord("0")).astype(np.int64)
    luhn = _luhn_ok(digits)
    siren_luhn = _luhn_ok(digits[:, :9])
    poste_siren = (digits[:, :9] == _LA_POSTE_DIGITS[:9]).all(axis=1)
    head_office = (digits == _LA_POSTE_DIGITS).all(axis=1)
    poste = poste_siren & ~head_office
    poste_ok = digits.sum(axis=1) % 5 == 0
    ok[well_formed] = np.where(poste, poste_ok, luhn) & siren_luhn
    return ok


_LA_POSTE_DIGITS = np.frombuffer(LA_POSTE_HEAD_OFFICE.encode("ascii"), dtype=np.uint8).astype(
    np.int64
) - ord("0")


def is_valid_siret(siret: str) -> bool:
    """Whether one SIRET (exactly 14 digits) is valid, by python-stdnum."""
    return _well_formed(siret) and bool(stdnum_siret.is_valid(siret))
