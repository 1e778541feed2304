"""Checks of the task force editor's drafts: French messages naming partner, team, adviser."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from planner.db.models import Adviser, Assignment
from planner.db.store import CampaignStore, open_store
from planner.domain.remit import Rule
from planner.services.demo.demo_campaign import create_demo
from planner.services.task_force.edit import (
    FIRMS_FOLLOW,
    FIRMS_STAY,
    FIRMS_UNASSIGN,
    AdviserDraft,
    PartnerDraft,
    TaskForceInvalid,
    TeamDraft,
    adviser_firm_counts,
    check_drafts,
    check_rule,
    load_drafts,
    normalise_rule,
    save_task_force,
)
from planner.services.task_force.task_force import load_task_force

COMMUNES = {"93066": "Saint-Denis", "93001": "Aubervilliers"}


def test_rules_are_checked_against_the_nomenclatures_and_the_bassin() -> None:
    assert check_rule(normalise_rule("naf", " 56.10a "), COMMUNES) is None
    assert check_rule(normalise_rule("naf", "c"), COMMUNES) is None
    # An undotted code is accepted because it names a real code: it is stored as INSEE
    # writes it, or the rule would match no firm (firms' codes are dotted).
    assert normalise_rule("naf", " 471 ") == Rule("naf", "47.1")
    assert normalise_rule("naf", "5610a") == Rule("naf", "56.10A")
    assert normalise_rule("naf", "56") == Rule("naf", "56")
    assert "code NAF inconnu « 99.99Z »" in (check_rule(Rule("naf", "99.99Z"), COMMUNES) or "")
    # In a NAF 2025 campaign, rules are checked in NAF 2025: division 45 no longer exists.
    assert check_rule(Rule("naf", "62.10Y"), COMMUNES, "naf2025") is None
    assert check_rule(Rule("naf", "V"), COMMUNES, "naf2025") is None
    naf25_45 = check_rule(Rule("naf", "45"), COMMUNES, "naf2025") or ""
    assert "code NAF inconnu « 45 » en NAF 2025 (section A–V" in naf25_45
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


# --- moving an adviser to another team, on a real campaign ------------------------------

FT_SAINT_DENIS, FT_AUBERVILLIERS, MISSION_LOCALE = 0, 1, 6


@pytest.fixture
def demo(campaign_target: str | Path) -> Iterator[CampaignStore]:
    create_demo(campaign_target, rows=800, seed=5)
    store = open_store(campaign_target)
    yield store
    store.close()


def _assignments(store: CampaignStore) -> dict[str, tuple[int, int | None]]:
    with store.session() as session:
        return {a.siret: (a.team_id, a.adviser_id) for a in session.scalars(select(Assignment))}


def _move(drafts: list[PartnerDraft], source: int, target: int, firms: str) -> AdviserDraft:
    """Move the first adviser of ``drafts[source]``'s first team to ``drafts[target]``'s."""
    adviser = drafts[source].teams[0].advisers.pop(0)
    adviser.firms_on_move = firms
    drafts[target].teams[0].advisers.append(adviser)
    return adviser


def test_a_moved_adviser_keeps_its_id_and_its_firms_follow_it(demo: CampaignStore) -> None:
    drafts = load_drafts(demo)
    old_team, new_team = drafts[FT_SAINT_DENIS].teams[0], drafts[FT_AUBERVILLIERS].teams[0]
    capacities = {t.name: t.capacity for t in load_task_force(demo).teams}
    adviser = _move(drafts, FT_SAINT_DENIS, FT_AUBERVILLIERS, FIRMS_FOLLOW)
    before = _assignments(demo)
    held = {s for s, (_t, a) in before.items() if a == adviser.id}
    assert held and len(held) == adviser_firm_counts(demo)[adviser.id]  # type: ignore[index]

    counts = save_task_force(demo, drafts)

    assert (counts["moved"], counts["firms_moved"], counts["unassigned"]) == (1, len(held), 0)
    after = _assignments(demo)
    assert {s: after[s] for s in held} == dict.fromkeys(held, (new_team.id, adviser.id))
    assert {s: v for s, v in after.items() if s not in held} == {
        s: v for s, v in before.items() if s not in held
    }
    reloaded = load_drafts(demo)
    assert adviser.id in [a.id for a in reloaded[FT_AUBERVILLIERS].teams[0].advisers]
    assert adviser.id not in [a.id for a in reloaded[FT_SAINT_DENIS].teams[0].advisers]
    # "somme des conseillers": the capacity moved with the adviser
    teams = {t.name: t.capacity for t in load_task_force(demo).teams}
    assert adviser.capacity
    assert teams[old_team.name] == capacities[old_team.name] - adviser.capacity
    assert teams[new_team.name] == capacities[new_team.name] + adviser.capacity


def test_firms_the_new_partner_may_not_take_refuse_the_move_and_nothing_is_saved(
    demo: CampaignStore,
) -> None:
    drafts = load_drafts(demo)
    drafts[FT_SAINT_DENIS].name = "Renommé mais pas enregistré"
    adviser = _move(drafts, FT_SAINT_DENIS, MISSION_LOCALE, FIRMS_FOLLOW)
    held = adviser_firm_counts(demo)[adviser.id]  # type: ignore[index]
    before = _assignments(demo)

    with pytest.raises(TaskForceInvalid) as raised:
        save_task_force(demo, drafts)

    (problem,) = raised.value.problems
    match = re.fullmatch(
        f"Conseiller « {adviser.name} » vers l'équipe « Mission Locale — relations "
        "entreprises » : le périmètre de « Mission Locale Plaine Commune » \\(section ou "
        "division NAF G ou .*\\) exclut (\\d+) de ses (\\d+) entreprises ; laissez-les à "
        "l'ancienne équipe ou retirez-les.",
        problem,
    )
    assert match, problem
    assert 0 < int(match[1]) < held == int(match[2])
    assert _assignments(demo) == before
    reloaded = load_drafts(demo)
    assert reloaded[FT_SAINT_DENIS].name == "France Travail Saint-Denis"
    assert adviser.id in [a.id for a in reloaded[FT_SAINT_DENIS].teams[0].advisers]

    # the same move, the firms left to the old team: saved
    adviser.firms_on_move = FIRMS_STAY
    counts = save_task_force(demo, drafts)
    assert (counts["moved"], counts["firms_moved"], counts["unassigned"]) == (1, 0, 0)
    after = _assignments(demo)
    old_team = drafts[FT_SAINT_DENIS].teams[0].id
    assert {after[s] for s, (_t, a) in before.items() if a == adviser.id} == {(old_team, None)}


def test_an_adviser_moved_out_of_a_deleted_team_survives_it(demo: CampaignStore) -> None:
    drafts = load_drafts(demo)
    adviser = _move(drafts, FT_SAINT_DENIS, FT_AUBERVILLIERS, FIRMS_UNASSIGN)
    gone = drafts[FT_SAINT_DENIS].teams.pop(0)
    before = _assignments(demo)
    held = {s for s, (_t, a) in before.items() if a == adviser.id}
    in_gone_team = {s for s, (t, _a) in before.items() if t == gone.id}
    # a new team may take the deleted team's name in the same save
    drafts[FT_SAINT_DENIS].teams.append(TeamDraft(gone.name, 10))

    counts = save_task_force(demo, drafts)

    assert counts["unassigned"] == len(in_gone_team) and held <= in_gone_team
    assert set(_assignments(demo)) == set(before) - in_gone_team
    with demo.session() as session:
        saved = session.get(Adviser, adviser.id)
        assert saved is not None and saved.team_id == drafts[FT_AUBERVILLIERS].teams[0].id
        assert saved.name == adviser.name
    (new_team,) = load_drafts(demo)[FT_SAINT_DENIS].teams
    assert (new_team.name, new_team.capacity, new_team.advisers) == (gone.name, 10, [])
