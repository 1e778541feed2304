"""Checks of the task force editor's drafts: French messages naming partner, team, adviser."""

from __future__ import annotations

from planner.domain.remit import Rule
from planner.services.task_force_edit import (
    AdviserDraft,
    PartnerDraft,
    TeamDraft,
    check_drafts,
    check_rule,
    normalise_rule,
)

COMMUNES = {"93066": "Saint-Denis", "93001": "Aubervilliers"}


def test_rules_are_checked_against_the_nomenclatures_and_the_bassin() -> None:
    assert check_rule(normalise_rule("naf", " 56.10a "), COMMUNES) is None
    assert check_rule(normalise_rule("naf", "c"), COMMUNES) is None
    assert "code NAF inconnu « 99.99Z »" in (check_rule(Rule("naf", "99.99Z"), COMMUNES) or "")
    assert "tranche d'effectif inconnue « 07 »" in (check_rule(Rule("band", "07"), COMMUNES) or "")
    assert check_rule(normalise_rule("commune", "93066 Saint-Denis"), COMMUNES) is None
    assert check_rule(Rule("commune", "75056"), COMMUNES) == "commune « 75056 » absente du bassin"
    assert "jj/mm/aaaa" in (check_rule(Rule("created_since", "2024-13-45"), COMMUNES) or "")
    assert check_rule(Rule("created_since", "01/01/2024"), COMMUNES) is None
    assert check_rule(normalise_rule("craft", "ignored"), COMMUNES) is None


def test_every_problem_is_listed_with_where_it_is() -> None:
    drafts = [
        PartnerDraft(
            "CCI 93",
            "cci",
            rules=[Rule("naf", "ZZ")],
            teams=[
                TeamDraft("CCI — équipe", -5),
                TeamDraft(
                    "CCI — conseillers",
                    None,
                    [AdviserDraft("Karim", "karim@", "abc", None), AdviserDraft("", None, None, 3)],
                ),
            ],
        ),
        PartnerDraft("CCI 93", "chambre"),
        PartnerDraft("", "autre", teams=[TeamDraft("CCI — équipe", 10)]),
    ]
    problems = check_drafts(drafts, COMMUNES)
    assert problems == [
        "Partenaire « CCI 93 », règle « section ou division NAF » : code NAF inconnu « ZZ » "
        "(section A–U, division 56, classe 56.10…).",
        "Partenaire « CCI 93 », équipe « CCI — équipe » : capacité négative (-5).",
        "Partenaire « CCI 93 », équipe « CCI — conseillers », conseiller « Karim » : adresse "
        "e-mail invalide « karim@ » (exemple : prenom.nom@exemple.fr).",
        "Partenaire « CCI 93 », équipe « CCI — conseillers », conseiller « Karim » : numéro de "
        "téléphone invalide « abc ».",
        "Partenaire « CCI 93 », équipe « CCI — conseillers », conseiller « sans nom » : nom vide.",
        "Partenaire « CCI 93 » : nom en double.",
        "Partenaire « CCI 93 » : type de partenaire inconnu « chambre ».",
        "Partenaire n° 3 : nom vide.",
        "Partenaire n° 3, équipe « CCI — équipe » : une autre équipe porte déjà ce nom.",
    ]
    assert check_drafts([PartnerDraft("FT", teams=[TeamDraft("FT — a", None)])], COMMUNES) == [
        "Partenaire « FT », équipe « FT — a » : sans capacité (ni la sienne, ni celle de ses "
        "conseillers)."
    ]
