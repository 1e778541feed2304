"""INSEE's catégories juridiques shipped with planner, and how the firm card names them."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.io.legal_categories import LegalCategoriesError, load_legal_categories
from planner.services.firms.firm_card import firm_category_label, legal_category_label


def test_shipped_list_names_the_usual_codes() -> None:
    labels = load_legal_categories()
    assert labels["5499"] == "Société à responsabilité limitée (sans autre indication)"
    assert labels["5710"] == "SAS, société par actions simplifiée"
    assert labels["1000"] == "Entrepreneur individuel"
    assert labels["9220"] == "Association déclarée"
    assert len(labels) == 260
    assert all(label == label.strip() and "  " not in label for label in labels.values())


def test_card_label_keeps_the_code_and_says_an_unknown_one() -> None:
    assert legal_category_label("5499") == (
        "Société à responsabilité limitée (sans autre indication) (5499)"
    )
    assert legal_category_label("5400") == (
        "5400 (code absent de la liste INSEE des catégories juridiques)"
    )
    assert legal_category_label(None) == ""
    assert firm_category_label("ETI") == "Entreprise de taille intermédiaire (ETI)"
    assert firm_category_label("XYZ") == "XYZ"


def test_a_broken_list_is_said_in_french_with_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "cj.csv"
    bad.write_text("code,label\n5499,SARL\n54X9,Autre\n", encoding="utf-8")
    with pytest.raises(LegalCategoriesError, match="ligne 3"):
        load_legal_categories(bad)
    with pytest.raises(LegalCategoriesError, match="introuvable"):
        load_legal_categories(tmp_path / "absent.csv")
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("id;libelle\n", encoding="utf-8")
    with pytest.raises(LegalCategoriesError, match="colonnes attendues"):
        load_legal_categories(wrong)
