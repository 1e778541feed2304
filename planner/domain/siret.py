"""SIREN/SIRET checks: the Luhn key, vectorised for whole columns."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE = "35600000000048"  # the head office keeps the Luhn key


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

    La Poste's establishments share SIREN 356000000 and, but for the head
    office, use their own rule: the sum of the SIRET's digits is a multiple of 5.
    """
    n = len(sirets)
    ok = np.zeros(n, dtype=bool)
    well_formed = np.array([len(s) == 14 and s.isascii() and s.isdigit() for s in sirets], bool)
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
    """Whether one SIRET is valid."""
    return bool(valid_sirets([siret])[0])
