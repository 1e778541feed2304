"""A campaign switched from NAF rév. 2 to NAF 2025: CMA craft remit, priority sectors,
filters and call lists, on the 54-column stock derived from the shared sample
(see tests/data/make_naf2025_stocks.py: each rév. 2 code mapped to its first
NAF 2025 target; no real rows with NAF 2025 codes are published)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from sqlalchemy import select, update

from planner.cli.main import run
from planner.db import models
from planner.db.store import CampaignStore, create_store, open_store
from planner.domain.import_filters import ImportFilters
from planner.domain.nomenclature import NAF2025, REV2
from planner.domain.priority import PriorityWeights
from planner.domain.remit import Rule, remit_mask
from planner.services.campaign.naf_reference import (
    reference_nomenclature,
    write_reference,
)
from planner.services.campaign.nomenclature_switch import apply_switch, plan_switch
from planner.services.firms.firm_query import FirmFilter, firm_details, load_firms
from planner.services.followup.call_lists import export_call_lists
from planner.services.followup.dashboard.data import load_followup
from planner.services.followup.priorities import load_weights, save_weights, score_firms
from planner.services.sirene_import.pipeline import SireneFiles, import_sirene

STOCK_54 = Path(__file__).resolve().parents[1] / "data" / "StockEtablissement_54col_naf25.csv"
EVERYTHING = ImportFilters(
    include_closed=True, bands=None, include_unknown_band=True, include_non_employers=True
)
# A CMA's craft remit (craft register and craft activities) and a CCI's retail group.
CMA_RULES = [("craft", ""), ("naf", "32.12Z"), ("naf", "17"), ("naf", "20.30Z"), ("naf", "45")]
CCI_RULES = [("naf", "47.1")]
SECTORS = ("6820B", "70", "4771Z")


def _campaign(target: str | Path) -> CampaignStore:
    with STOCK_54.open(encoding="utf-8", newline="") as handle:
        communes = {row["codeCommuneEtablissement"] for row in csv.DictReader(handle)}
    store = create_store(target)
    with store.session() as session:
        session.add(
            models.Campaign(name="Test", bassin_kind="communes", bassin_code="*", bassin_label="T")
        )
        write_reference(session, REV2)
        for name, kind, rules in (("CMA", "cma", CMA_RULES), ("CCI", "cci", CCI_RULES)):
            partner = models.Partner(name=name, kind=kind, exclusive=name == "CMA")
            partner.rules = [models.RemitRule(kind=k, value=v) for k, v in rules]
            team = models.Team(name=f"Équipe {name}", capacity=300)
            partner.teams = [team]
            session.add(partner)
        start = dt.datetime(2026, 12, 15, 9)
        visit = models.DiscoverySession(
            kind="visite", title="Garages", starts_at=start, ends_at=start + dt.timedelta(hours=2)
        )
        session.add(visit)
        session.flush()
        session.add(models.SessionTheme(session_id=visit.id, kind="naf", code="45.20A"))
        session.add(models.SessionTheme(session_id=visit.id, kind="rome", code="I1604"))
    import_sirene(store, SireneFiles(STOCK_54), EVERYTHING, {c: c for c in communes})
    save_weights(store, PriorityWeights(sectors=SECTORS))
    return store


def _rules(store: CampaignStore, partner: str) -> list[Rule]:
    with store.session() as session:
        rows = session.execute(
            select(models.RemitRule.kind, models.RemitRule.value)
            .join(models.Partner)
            .where(models.Partner.name == partner)
            .order_by(models.RemitRule.id)
        ).all()
    return [Rule(k, v) for k, v in rows]


def _matched(firms: pl.DataFrame, rules: list[Rule]) -> set[str]:
    return set(firms.filter(pl.Series(remit_mask(firms, rules)))["siret"])


def test_switch_lists_translations_and_changes_nothing_until_confirmed(
    campaign_target: str | Path,
) -> None:
    with _campaign(campaign_target) as store:
        plan = plan_switch(store, NAF2025)
        by_value = {c.translation.source: c for c in plan.rules}
        # One-to-one: the same activity under a NAF 2025 code.
        assert by_value["32.12Z"].translation.targets == ("32.12",)
        assert by_value["32.12Z"].translation.exact
        assert by_value["17"].translation.targets == ("17",)
        assert by_value["20.30Z"].translation.exact
        # Division 45 disappears: one-to-many links listed for confirmation.
        division_45 = by_value["45"].translation
        assert not division_45.exact
        many = {link.source: link.targets for link in division_45.one_to_many}
        assert many["45.20A"] == ("95.31G", "95.40Y")
        # By default a one-to-many link keeps only its main target (no firm of the
        # sample carries the others): 45.20A's intermediation part (95.40Y) is left out.
        assert "46.18" in division_45.targets and "95.31" in division_45.targets
        assert "95.4" not in division_45.targets
        choice = {c.source: c for c in plan.choices}["45.20A"]
        assert choice.kept == choice.default == ("95.31G",)
        options = {o.code: o for o in choice.options}
        assert options["95.31G"].main and not options["95.40Y"].main
        assert options["95.40Y"].label.startswith("Activités de service d’intermédiation")
        assert "intermédiation" in options["95.40Y"].note
        # NAF 2025's 47.12H also receives rév. 2's 47.89Z: the CCI's retail rule gains
        # the firm coded 47.89Z (47.12H in NAF 2025), and says so before anything changes.
        assert by_value["47.1"].gained == 1 and by_value["47.1"].lost == 0
        assert plan.needs_confirmation
        lines = "\n".join(plan.lines())
        assert "NAF rév. 2 45.20A → 2 sous-classes NAF 2025 (95.31G, 95.40Y)" in lines
        assert "gagnées 1" in lines
        [theme] = plan.themes
        assert (theme.title, theme.translation.targets) == ("Garages", ("95.31G",))
        assert "Thème de la séance « Garages » : NAF rév. 2 45.20A → NAF 2025" in lines
        sectors = {s.translation.source: s.codes for s in plan.sectors}
        assert sectors["68.20B"] == ("6820H",)
        # Nothing written yet.
        assert reference_nomenclature(store) == REV2
        assert [r.value for r in _rules(store, "CMA")][1:] == ["32.12Z", "17", "20.30Z", "45"]
        assert load_weights(store).sectors == SECTORS


def test_confirmed_switch_keeps_the_remits_and_shows_naf2025(
    campaign_target: str | Path, tmp_path: Path
) -> None:
    with _campaign(campaign_target) as store:
        before = load_firms(store, REV2)
        cma_before = _matched(before, _rules(store, "CMA"))
        one_to_one = {v: _matched(before, [Rule("naf", v)]) for v in ("32.12Z", "17", "20.30Z")}
        scored_before = score_firms(store, before, load_weights(store))

        # The coordinator keeps both targets of 45.20A (the default keeps 95.31G only).
        plan = plan_switch(store, NAF2025, keep={"45.20A": ("95.31G", "95.40Y")})
        assert {c.source: c.kept for c in plan.choices}["45.20A"] == ("95.31G", "95.40Y")
        apply_switch(store, plan)

        assert reference_nomenclature(store) == NAF2025
        with store.session() as session:
            themes = set(
                session.execute(select(models.SessionTheme.kind, models.SessionTheme.code))
            )
        assert themes == {("naf", "95.31G"), ("naf", "95.4"), ("rome", "I1604")}
        after = load_firms(store)
        rules = _rules(store, "CMA")
        assert ("naf", "32.12") in [(r.kind, r.value) for r in rules]
        assert "45" not in [r.value for r in rules]
        # Where the correspondence is one-to-one the same firms stay in the remit.
        for value, translated in (("32.12Z", "32.12"), ("17", "17"), ("20.30Z", "20.3")):
            assert _matched(after, [Rule("naf", translated)]) == one_to_one[value]
            assert one_to_one[value]
        assert _matched(after, rules) == cma_before
        # Priority sectors translated (4771Z keeps its main target 47.71 by default):
        # the same firms get the sector points.
        assert load_weights(store).sectors == ("6820H", "70", "733", "4771")
        scored_after = score_firms(store, after, load_weights(store))
        assert scored_after.sort("siret")["priority"].to_list() == (
            scored_before.sort("siret")["priority"].to_list()
        )
        # Filters read NAF 2025: 68.20H (real estate) is section M now, head offices N.
        in_m = after.filter(FirmFilter(sections=frozenset({"M"})).apply(after))
        assert set(in_m["naf_code"]) == {"68.20H"} and in_m.height == 13
        absent = FirmFilter(sections=frozenset({"absent"})).apply(after)
        assert int(absent.sum()) == 251
        assert set(after.filter(absent)["naf_label"]) == {"Code NAF 2025 absent"}

        # Call lists carry NAF 2025 codes and labels.
        with store.session() as session:
            teams = dict(session.execute(select(models.Team.name, models.Team.id)).all())
            for siret in after["siret"]:
                session.add(models.Assignment(siret=siret, team_id=teams["Équipe CCI"]))
        # The firm card names the reference and both codes with their labels.
        siret = after.filter(pl.col("naf_code") == "70.10Y")["siret"][0]
        card = firm_details(store, siret)
        assert card["Nomenclature de référence de la campagne"] == "NAF 2025"
        assert card["Section NAF 2025"].startswith("N – Activités spécialisées")
        assert card["Activité principale (NAF rév. 2)"] == "70.10Z – Activités des sièges sociaux"
        assert card["Activité principale (NAF 2025)"].startswith("70.10Y – ")
        # The reference's code and section come first, the other nomenclature below.
        keys = list(card)
        assert keys.index("Activité principale (NAF 2025)") < keys.index("Section NAF 2025")
        assert keys.index("Section NAF 2025") < keys.index("Activité principale (NAF rév. 2)")
        # The dashboard's NAF section axis reads NAF 2025 too.
        sections = dict(load_followup(store).firms["section"].value_counts().iter_rows())
        assert sections["M — Activités immobilières"] == 13
        assert sections["Code NAF 2025 absent"] == 251
        export_call_lists(store, tmp_path / "listes", per="team")
        book = openpyxl.load_workbook(next((tmp_path / "listes").glob("*CCI*.xlsx")))
        guide = [[c.value for c in row] for row in book.worksheets[0].iter_rows()]
        assert ["Nomenclature NAF", "NAF 2025"] in [row[:2] for row in guide]
        sheet = book.worksheets[1]
        header = [c.value for c in sheet[1]]
        code_col, label_col = header.index("Code NAF"), header.index("Libellé NAF")
        values = {(row[code_col], row[label_col]) for row in sheet.iter_rows(2, values_only=True)}
        assert (
            "68.20H",
            "Location et exploitation d'autres biens immobiliers propres ou loués",
        ) in values
        assert ("", "Code NAF 2025 absent") in values or (None, "Code NAF 2025 absent") in values


def test_switch_reports_firms_lost_without_a_code(tmp_path: Path) -> None:
    with _campaign(tmp_path / "c.planner") as store:
        with store.session() as session:
            session.execute(
                update(models.Establishment)
                .where(models.Establishment.naf_code == "32.12Z")
                .values(naf25_code=None)
            )
        plan = plan_switch(store, NAF2025)
        change = next(c for c in plan.rules if c.translation.source == "32.12Z")
        assert (change.lost, change.gained) == (5, 0)
        assert plan.needs_confirmation


def test_cli_lists_then_applies_with_yes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "c.planner"
    _campaign(target).close()
    assert run(["campaign", "set", str(target), "--nomenclature", "naf2025"]) == 0
    out = capsys.readouterr().out
    assert "45.20A → 2 sous-classes NAF 2025" in out and "Rien n'a été modifié" in out
    assert run(["info", str(target), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)["establishments"]
    assert info["naf_reference"] == REV2
    assert info["naf_codes"] == {"rev2": 48, "naf2025": 48}
    assert info["by_naf_section"]["L"] == 13

    assert run(["campaign", "set", str(target), "--nomenclature", "naf2025", "--yes"]) == 0
    assert "Règles traduites enregistrées" in capsys.readouterr().out
    assert run(["info", str(target), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)["establishments"]
    assert info["naf_reference"] == NAF2025
    assert info["by_naf_section"]["M"] == 13 and "L" not in info["by_naf_section"]
    assert info["by_naf_section"]["absent"] == 251
    assert run(["campaign", "set", str(target), "--nomenclature", "naf2025", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["applied"] is False
    assert run(["campaign", "set", str(target), "--nomenclature", "naf2031"]) == 2


def test_demo_made_after_the_switch_date_is_in_naf2025(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # From 1 January 2027 new campaigns read NAF 2025; the demo's remits, written in
    # rév. 2 section letters, are translated rather than reused (N is not N any more).
    from planner.services.campaign import naf_reference
    from planner.services.demo.demo_campaign import create_demo

    monkeypatch.setattr(naf_reference, "default_nomenclature", lambda _today: NAF2025)
    path = tmp_path / "demo.planner"
    create_demo(path, rows=600, seed=3)
    with open_store(path) as store:
        assert reference_nomenclature(store) == NAF2025
        cci = {r.value for r in _rules(store, "CCI Seine-Saint-Denis")}
        # rév. 2 J (information and communication) is now J (58–60) and K (61–63); M
        # (specialised activities) is N (69–75), N (administrative services) is O (77–82).
        # One-to-many links keep their main target only: transport (H) does not take
        # in cheese making (10.51H) nor property rental (68.20H).
        assert {"58", "62", "63", "69", "78"} <= cci
        assert not {"10.51H", "68.20H"} & cci
        firms = load_firms(store)
        assert int(firms["naf_2025"].is_not_null().sum()) == firms.height > 0
        assert firms["naf_code"].str.contains(r"^\d\d\.\d\d[YGHJKL]$").all()


def test_cli_keeps_the_main_target_unless_told(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "c.planner"
    _campaign(target).close()
    args = ["campaign", "set", str(target), "--nomenclature", "naf2025"]
    assert run([*args, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    choice = {c["source"]: c for c in shown["choices"]}["45.20A"]
    assert choice["kept"] == choice["default"] == ["95.31G"]
    assert [t["code"] for t in choice["targets"]] == ["95.31G", "95.40Y"]
    assert "intermédiation" in choice["targets"][1]["note"]
    assert run([*args, "--keep", "45.20A=99.99Y"]) == 2
    assert "choix impossible pour 45.20A" in capsys.readouterr().err
    assert run([*args, "--keep", "45.20A"]) == 2
    assert run([*args, "--keep", "45.20A=95.31G,95.40Y"]) == 0
    out = capsys.readouterr().out
    assert "[x] 95.40Y" in out and "[x] 95.31G" in out
    assert run([*args, "--yes", "--keep", "45.20A=95.31G,95.40Y"]) == 0
    capsys.readouterr()
    with open_store(target) as store, store.session() as session:
        themes = set(session.scalars(select(models.SessionTheme.code)))
    assert themes == {"95.31G", "95.4", "I1604"}


def _teams_book(path: Path, rule: str) -> Path:
    """The teams template with the CMA and CCI of ``_campaign`` and one more NAF rule."""
    from planner.io.teams_workbook import write_teams_template

    write_teams_template(path)
    book = openpyxl.load_workbook(path)
    book["Partenaires"].append(["CMA", "CMA", "oui", ""])
    book["Partenaires"].append(["CCI", "CCI", "non", ""])
    for partner, value in (("CMA", "32.12Z"), ("CCI", "47.1"), ("CCI", rule)):
        book["Règles"].append([partner, "NAF", value])
    book["Équipes"].append(["CMA", "Équipe CMA", 300])
    book["Équipes"].append(["CCI", "Équipe CCI", 300])
    book.save(path)
    return path


def test_rules_imported_between_plan_and_apply_make_apply_refuse(
    campaign_target: str | Path, tmp_path: Path
) -> None:
    from planner.domain.errors import PlannerError
    from planner.services.task_force.teams_import import import_teams

    with _campaign(campaign_target) as store:
        plan = plan_switch(store, NAF2025)
        import_teams(store, _teams_book(tmp_path / "equipes.xlsx", "56.10A"))
        with pytest.raises(PlannerError, match="ont changé depuis l'aperçu"):
            apply_switch(store, plan)
        # Nothing written: the imported rév. 2 rule is there, untranslated, in rév. 2.
        assert reference_nomenclature(store) == REV2
        assert ("naf", "56.10A") in [(r.kind, r.value) for r in _rules(store, "CCI")]
        # Priority sectors set between the preview and the confirmation were overwritten.
        plan = plan_switch(store, NAF2025)
        save_weights(store, PriorityWeights(sectors=(*SECTORS, "5610A")))
        with pytest.raises(PlannerError, match="ont changé depuis l'aperçu"):
            apply_switch(store, plan)
        assert load_weights(store).sectors == (*SECTORS, "5610A")
        # Reviewed again, the new rule is translated with the others.
        apply_switch(store, plan_switch(store, NAF2025))
        assert "56.11G" in {r.value for r in _rules(store, "CCI")}


def test_teams_import_checks_rules_against_the_reference_at_write_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from planner.domain.errors import PlannerError
    from planner.services.task_force import teams_import

    read = teams_import._read_book

    def read_then_switch(store: CampaignStore, path: Path) -> tuple[object, str]:
        book = read(store, path)
        # The campaign switches while the workbook is being read.
        apply_switch(store, plan_switch(store, NAF2025))
        return book

    monkeypatch.setattr(teams_import, "_read_book", read_then_switch)
    with _campaign(tmp_path / "c.planner") as store:
        book = _teams_book(tmp_path / "equipes.xlsx", "56.10A")
        with pytest.raises(PlannerError, match=r"« 32\.12Z » en NAF 2025"):
            teams_import.import_teams(store, book)
        assert "56.10A" not in {r.value for r in _rules(store, "CCI")}
