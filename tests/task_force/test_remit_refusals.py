"""A selection split by a team's remit, with the reason of each firm left out, and the
assignment of the others, locked or not, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import select

from planner.db.models import Assignment
from planner.db.store import CampaignStore, open_store
from planner.domain.errors import PlannerError
from planner.domain.remit import Rule
from planner.services.demo.demo_campaign import create_demo
from planner.services.firms.firm_query import load_firms
from planner.services.task_force.remit_refusals import split_by_remit
from planner.services.task_force.task_force import add_partner, add_team, assign_firms


@pytest.fixture
def demo(campaign_target: str | Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CampaignStore]:
    monkeypatch.setenv("PLANNER_NO_FIRM_CACHE", "1")
    create_demo(campaign_target, rows=800, seed=5)
    store = open_store(campaign_target)
    yield store
    store.close()


def _locks(store: CampaignStore, sirets: list[str]) -> dict[str, tuple[int, bool]]:
    with store.session() as session:
        rows = session.execute(
            select(Assignment.siret, Assignment.team_id, Assignment.locked).where(
                Assignment.siret.in_(sirets)
            )
        )
        return {s: (t, bool(locked)) for s, t, locked in rows}


def test_the_reasons_name_the_rule_each_firm_fails(demo: CampaignStore) -> None:
    firms = load_firms(demo).filter(~pl.col("craft"))
    communes = firms["commune_code"].value_counts().sort("count", descending=True)
    home = communes["commune_code"][0]
    # A local authority's team may take only its commune's firms of sections G and I.
    partner = add_partner(
        demo,
        "Ville d'ici",
        "collectivite",
        rules=(Rule("commune", home), Rule("naf", "G"), Rule("naf", "I")),
    )
    team = add_team(demo, partner, "Ville — service emploi", 50)
    inside = firms.filter((pl.col("commune_code") == home) & pl.col("section").is_in(["G", "I"]))
    wrong_naf = firms.filter(
        (pl.col("commune_code") == home) & pl.col("section").is_not_null()
    ).filter(~pl.col("section").is_in(["G", "I"]))
    elsewhere = firms.filter((pl.col("commune_code") != home) & pl.col("section").is_in(["G", "I"]))
    neither = firms.filter((pl.col("commune_code") != home) & ~pl.col("section").is_in(["G", "I"]))
    craft = load_firms(demo).filter(
        pl.col("craft") & (pl.col("commune_code") == home) & pl.col("section").is_in(["G", "I"])
    )
    picked = [inside.head(3), wrong_naf.head(1), elsewhere.head(1), neither.head(1), craft.head(1)]
    assert all(p.height == 1 for p in picked[1:]) and picked[0].height == 3
    sirets = [s for p in picked for s in p["siret"]]

    split = split_by_remit(demo, sirets, team)
    assert split.team == "Ville — service emploi" and split.partner == "Ville d'ici"
    assert list(split.allowed) == inside.head(3)["siret"].to_list()
    reasons = {r.siret: r.reason for r in split.refused}
    assert list(reasons) == sirets[3:]  # in the selection's order
    w, e, n, c = (p.row(0, named=True) for p in picked[1:])
    assert reasons[w["siret"]] == f"hors du périmètre de Ville d'ici : NAF {w['naf_code']}"
    assert reasons[e["siret"]] == (
        f"hors du périmètre de Ville d'ici : commune {e['commune_name']}"
    )
    assert reasons[n["siret"]] == (
        f"hors du périmètre de Ville d'ici : NAF {n['naf_code']} / commune {n['commune_name']}"
    )
    # A craft firm of the right commune and sector is still the CMA's (exclusive remit).
    assert reasons[c["siret"]].startswith("réservée à CMA")
    assert reasons[c["siret"]].endswith("(exclusivité : répertoire des métiers)")
    first = split.refused[0]
    assert (first.name, first.commune) == (w["name"], w["commune_name"])

    # The service stays strict: the whole selection is refused, nothing written…
    before = _locks(demo, sirets)
    with pytest.raises(PlannerError, match="ne peut pas prendre 4 de ces 7 entreprises"):
        assign_firms(demo, sirets, team, locked=False)
    assert _locks(demo, sirets) == before
    # …the others go through, unlocked unless asked.
    change = assign_firms(demo, list(split.allowed), team, locked=False)
    assert {h.locked for h in change.after.values() if h is not None} == {False}
    assert _locks(demo, list(split.allowed)) == dict.fromkeys(split.allowed, (team, False))
    assign_firms(demo, list(split.allowed), team, locked=True)
    assert _locks(demo, list(split.allowed)) == dict.fromkeys(split.allowed, (team, True))
    assert _locks(demo, sirets[3:]) == {s: before[s] for s in sirets[3:] if s in before}


def test_an_unknown_team_is_said_in_french(demo: CampaignStore) -> None:
    with pytest.raises(PlannerError, match="Équipe introuvable"):
        split_by_remit(demo, load_firms(demo)["siret"].head(2).to_list(), 10_000)
