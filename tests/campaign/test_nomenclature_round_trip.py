"""Switching a campaign's reference back and forth gives back what was written.

Each switch used to replace every code by all the codes it may map to, so a
rév. 2 → NAF 2025 → rév. 2 round trip grew the CCI's 6 rules to 137, then
1,496 after a second one. The rules before a switch are kept, and given back
on the way back when nobody edited them since."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from planner.db import models
from planner.db.store import CampaignStore, open_store
from planner.domain.nomenclature import NAF2025, REV2, prune_overlaps
from planner.domain.priority import PriorityWeights
from planner.io.nomenclatures import load_nomenclature
from planner.services.campaign.nomenclature_switch import apply_switch, plan_switch
from planner.services.demo.demo_campaign import create_demo
from planner.services.followup.priorities import load_weights, save_weights

SECTORS = ("4711", "56", "1013A", "4520A")


State = tuple[dict[str, list[str]], tuple[str, ...], set[tuple[int, str]]]


def _state(store: CampaignStore) -> State:
    with store.session() as session:
        rows = session.execute(
            select(models.Partner.name, models.RemitRule.value)
            .join(models.Partner)
            .where(models.RemitRule.kind == "naf")
            .order_by(models.Partner.name, models.RemitRule.value)
        ).all()
        themes = set(
            session.execute(
                select(models.SessionTheme.session_id, models.SessionTheme.code).where(
                    models.SessionTheme.kind == "naf"
                )
            ).tuples()
        )
    rules: dict[str, list[str]] = {}
    for name, value in rows:
        rules.setdefault(name, []).append(value)
    return rules, load_weights(store).sectors, themes


@pytest.fixture
def demo(campaign_target: str | Path) -> str | Path:
    create_demo(campaign_target, rows=600, seed=3)
    with open_store(campaign_target) as store:
        save_weights(store, PriorityWeights(sectors=SECTORS))
    return campaign_target


def test_round_trips_with_nothing_edited_give_back_the_original_rules(demo: str | Path) -> None:
    with open_store(demo) as store:
        original = _state(store)
        assert original[0]["CCI Seine-Saint-Denis"]  # the demo has NAF rules and themes
        assert original[2]
        apply_switch(store, plan_switch(store, NAF2025))
        translated = _state(store)
        for _ in range(2):
            back = plan_switch(store, REV2)
            assert all(p.restored for p in back.partners) and back.sectors_restored
            apply_switch(store, back)
            assert _state(store) == original
            apply_switch(store, plan_switch(store, NAF2025))
            assert _state(store) == translated
        # No partner's translated rules hold a code that another one covers.
        naf = load_nomenclature(NAF2025)
        for values in translated[0].values():
            assert len(prune_overlaps(values, naf)) == len(values)


def test_a_partner_edited_after_the_switch_is_translated_not_restored(demo: str | Path) -> None:
    with open_store(demo) as store:
        original = _state(store)
        apply_switch(store, plan_switch(store, NAF2025))
        with store.session() as session:
            cci = session.scalar(
                select(models.Partner).where(models.Partner.name == "CCI Seine-Saint-Denis")
            )
            assert cci is not None
            session.add(models.RemitRule(partner_id=cci.id, kind="naf", value="47.11G"))
        back = plan_switch(store, REV2)
        by_name = {p.partner: p for p in back.partners}
        assert not by_name["CCI Seine-Saint-Denis"].restored
        assert all(p.restored for n, p in by_name.items() if n != "CCI Seine-Saint-Denis")
        apply_switch(store, back)
        rules, sectors, themes = _state(store)
        assert sectors == original[1] and themes == original[2]
        for name, values in original[0].items():
            if name != "CCI Seine-Saint-Denis":
                assert rules[name] == values


def test_overlapping_codes_are_pruned() -> None:
    naf = load_nomenclature(REV2)
    assert prune_overlaps(["47", "47.9", "10.13", "10.13A", "47", "G"], naf) == ("10.13", "G")
    assert prune_overlaps(["32.12", "32.12Z"], naf) == ("32.12",)
