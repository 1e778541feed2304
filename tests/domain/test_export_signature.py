"""The canonical form signed values take, and what a signature refuses."""

from __future__ import annotations

import datetime as dt

from planner.domain.export_signature import (
    ExportIdentity,
    canonical,
    new_secret,
    row_signature,
    verify,
)

IDENTITY = ExportIdentity("c", "1", "e", dt.datetime(2025, 3, 1, 9))


def test_values_sign_alike_after_a_spreadsheet_round_trip() -> None:
    assert canonical(dt.date(2001, 2, 3)) == canonical(dt.datetime(2001, 2, 3))
    assert canonical(1) == canonical(1.0) == "1"
    assert canonical("  A  B ") == canonical("A B")
    assert canonical("_x005F_x0041_ X") == canonical("_x0041_ X") == "A X"
    assert canonical("CONTROLE\x01X") == canonical("CONTROLEX")
    assert canonical(None) == canonical("") == ""
    assert canonical("a") != canonical("b")


def test_a_signature_depends_on_key_identity_and_every_value() -> None:
    secret = new_secret()
    values = [1, "12345678901234", "NOM", dt.date(2001, 2, 3)]
    good = row_signature(secret, IDENTITY, "k1", "12345678901234", "7", values)
    assert verify(good, good.upper())
    assert not verify(
        good, row_signature(new_secret(), IDENTITY, "k1", "12345678901234", "7", values)
    )
    later = ExportIdentity("c", "1", "e", dt.datetime(2025, 3, 2, 9))
    assert not verify(good, row_signature(secret, later, "k1", "12345678901234", "7", values))
    assert not verify(good, row_signature(secret, IDENTITY, "k1", "12345678901234", "8", values))
    edited = [*values[:2], "AUTRE NOM", values[3]]
    assert not verify(good, row_signature(secret, IDENTITY, "k1", "12345678901234", "7", edited))
    assert not verify(good, None) and not verify(good, "é")


def test_dates_hit_by_excels_1900_bug_sign_alike() -> None:
    """SIRENE's unknown creation date 01/01/1900 comes back as 02/01/1900 (openpyxl)
    or 31/12/1899 (LibreOffice): the signed form must not depend on the reader."""
    import datetime as dt

    from planner.domain.export_signature import canonical

    forms = {
        canonical(dt.date(1900, 1, 1)),
        canonical(dt.datetime(1900, 1, 2)),
        canonical(dt.datetime(1899, 12, 31)),
    }
    assert len(forms) == 1
    assert canonical(dt.date(1900, 3, 1)) == "1900-03-01"
