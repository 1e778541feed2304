"""Session themes are printed with their NAF and ROME labels."""

from __future__ import annotations

from planner.services.sessions.themes import theme_label, theme_text


def test_themes_carry_their_labels_and_unknown_codes_stay_bare() -> None:
    assert theme_label("naf", "49") == "NAF 49 — Transports terrestres et transport par conduites"
    assert theme_label("rome", "N1103") == "ROME N1103 — Préparateur / Préparatrice de commandes"
    assert theme_label("rome", "Z9999") == "ROME Z9999"
    text = theme_text([("naf", "49"), ("rome", "Z9999")])
    assert text == "NAF 49 — Transports terrestres et transport par conduites ; ROME Z9999"


def test_themes_follow_the_reference_nomenclature() -> None:
    # NAF 2025 codes are labelled from NAF 2025; a campaign in NAF 2025 says so.
    assert theme_label("naf", "62.10Y") == (
        "NAF 2025 62.10Y — Activités de programmation informatique"
    )
    assert theme_label("naf", "K", "naf2025").startswith("NAF 2025 K — Télécommunications")
    assert theme_label("naf", "K") == "NAF K — Activités financières et d'assurance"
