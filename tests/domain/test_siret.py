"""The vectorised SIRET check agrees with python-stdnum on many random and edge values."""

from __future__ import annotations

import random

from stdnum import luhn
from stdnum.fr import siret as stdnum_siret

from planner.domain.siret import LA_POSTE_HEAD_OFFICE, LA_POSTE_SIREN, is_valid_siret, valid_sirets


def _keyed(rng: random.Random) -> str:
    """A SIRET whose SIREN and whole number carry a right Luhn key."""
    siren = f"{rng.randrange(10**8):08d}"
    siren += luhn.calc_check_digit(siren)
    body = siren + f"{rng.randrange(10**4):04d}"
    return body + luhn.calc_check_digit(body)


def _candidates() -> list[str]:
    rng = random.Random(16)
    values = [f"{rng.randrange(10**14):014d}" for _ in range(20_000)]
    keyed = [_keyed(rng) for _ in range(3_000)]
    values += keyed
    # one digit changed: the key must catch it
    for value in keyed[:2_000]:
        i = rng.randrange(14)
        values.append(value[:i] + str((int(value[i]) + rng.randrange(1, 10)) % 10) + value[i + 1 :])
    # La Poste: every NIC below 20,000 (sum of digits rule), its head office and
    # a head office with a key that only the sum rule would accept
    values += [f"{LA_POSTE_SIREN}{nic:05d}" for nic in range(20_000)]
    values += [LA_POSTE_HEAD_OFFICE, "35600000000049", "35600000000053"]
    values += [
        "",
        "1",
        "7328293200007",  # 13 digits
        "732829320000740",  # 15 digits
        "7328293200007A",
        "732 829 320 00074",  # stdnum would compact the spaces: not a stored SIRET
        "73282932000074 ",
        "٧٣٢٨٢٩٣٢٠٠٠٠٧٤",  # Arabic-Indic digits: str.isdigit() but not ASCII
        "00000000000000",
        "73282932000074\x00",  # a trailing NUL (numpy's fixed-width text drops it)
        "\x0073282932000074",
        "7328293200007\x00",
        "73282932000074" * 3,
        "99999999999999",
    ]
    return values


def test_vectorised_check_agrees_with_stdnum() -> None:
    candidates = _candidates()
    ours = valid_sirets(candidates).tolist()
    theirs = [
        len(c) == 14 and c.isascii() and c.isdigit() and stdnum_siret.is_valid(c)
        for c in candidates
    ]
    assert ours == theirs
    assert ours == [is_valid_siret(c) for c in candidates]
    poste = [c for c, ok in zip(candidates, ours, strict=True) if ok and c[:9] == LA_POSTE_SIREN]
    assert len(poste) > 3_000  # the sum-of-digits rule is exercised, not only Luhn
    assert 3_000 < sum(ours) < len(ours)


def test_la_poste_special_case() -> None:
    assert is_valid_siret(LA_POSTE_HEAD_OFFICE)  # Luhn, like any other firm
    assert is_valid_siret("35600000049837")  # sum of digits 45: multiple of 5
    assert not luhn.is_valid("35600000049837")
    assert not is_valid_siret("35600000049838")
    assert valid_sirets(["35600000049837", "35600000049838"]).tolist() == [True, False]


def test_spaces_are_not_compacted() -> None:
    assert stdnum_siret.is_valid("732 829 320 00074")
    assert not is_valid_siret("732 829 320 00074")
    assert not valid_sirets(["732 829 320 00074"])[0]
