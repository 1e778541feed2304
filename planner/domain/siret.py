"""SIREN/SIRET checks: python-stdnum for one number, a vectorised twin for columns.

:func:`is_valid_siret` is :mod:`stdnum.fr.siret` (Luhn key of the SIRET and of its
SIREN; La Poste's establishments, SIREN 356000000, use the sum of their digits
instead, except the head office). :func:`valid_sirets` checks a whole column at
numpy speed with the same rules; the tests compare it with stdnum on random and
edge values. Both accept exactly 14 ASCII digits: no spaces nor dots (stdnum's
``compact`` would strip them, a stored SIRET has none).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from stdnum.fr import siret as stdnum_siret

LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE = "35600000000048"  # the head office keeps the Luhn key


def _well_formed(siret: str) -> bool:
    return len(siret) == 14 and siret.isascii() and siret.isdigit()


def _luhn_ok(digits: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """Luhn check over rows of digits (n × width), rightmost digit is the key."""
    width = digits.shape[1]
    doubled = digits.copy()
    # Double every second digit starting from the one left of the key.
    cols = np.arange(width - 2, -1, -2)
    doubled[:, cols] = doubled[:, cols] * 2
    doubled = np.where(doubled > 9, doubled - 9, doubled)
    return np.asarray(doubled.sum(axis=1) % 10 == 0)


def valid_sirets(sirets: list[str]) -> npt.NDArray[np.bool_]:
    """Which SIRETs are 14 digits with a valid key (La Poste's rule included).

    Vectorised :func:`is_valid_siret`: La Poste's establishments share SIREN
    356000000 and, but for the head office, use their own rule: the sum of the
    SIRET's digits is a multiple of 5.
    """
    n = len(sirets)
    ok = np.zeros(n, dtype=bool)
    well_formed = np.array([_well_formed(s) for s in sirets], bool)
    if not well_formed.any():
        return ok
    idx = np.flatnonzero(well_formed)
    raw = "".join(sirets[i] for i in idx).encode("ascii")
    digits = (np.frombuffer(raw, dtype=np.uint8).reshape(-1, 14) - ord("0")).astype(np.int64)
    luhn = _luhn_ok(digits)
    siren_luhn = _luhn_ok(digits[:, :9])
    poste = np.array(
        [sirets[i].startswith(LA_POSTE_SIREN) and sirets[i] != LA_POSTE_HEAD_OFFICE for i in idx],
        bool,
    )
    poste_ok = digits.sum(axis=1) % 5 == 0
    ok[idx] = np.where(poste, poste_ok, luhn) & siren_luhn
    return ok


def is_valid_siret(siret: str) -> bool:
    """Whether one SIRET (exactly 14 digits) is valid, by python-stdnum."""
    return _well_formed(siret) and bool(stdnum_siret.is_valid(siret))
