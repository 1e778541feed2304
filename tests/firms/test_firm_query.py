"""The firm frame, its filters and a firm's card, on a campaign built from the
real SIRENE sample (SQLite and PostgreSQL). Expected figures are counted from
the CSV itself with the standard library, not with the code under test."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from planner.db import models
from planner.db.store import CampaignStore, create_store
from planner.domain.import_filters import ImportFilters
from planner.domain.naf import DIVISION_TO_SECTION
from planner.io.naf_labels import default_naf_path, load_naf_labels
from planner.services.firms.firm_query import (
    DETAIL_SECTIONS,
    FIRM_SCHEMA,
    FirmFilter,
    firm_detail_sections,
    firm_details,
    format_date,
    format_date_expr,
    format_siret,
    format_siret_expr,
    load_firms,
    normalize_text,
)
from planner.services.sirene_import.pipeline import SireneFiles, import_sirene

STOCK = "StockEtablissement_utf8__trackdechets_sample.csv"
UNITS = "StockUniteLegale_utf8__trackdechets_sample.csv"
EVERYTHING = ImportFilters(
    include_closed=True, bands=None, include_unknown_band=True, include_non_employers=True
)
ACCENTED_SIRET = "00542002100056"
ACCENTED_SIGN = "Boulangerie Émile & Léa – Crèmerie"


@pytest.fixture(scope="module")
def sample(sirene_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real stock, one sign (enseigne) rewritten with accents and mixed case."""
    with (sirene_dir / STOCK).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        rows = list(reader)
    for row in rows:
        if row["siret"] == ACCENTED_SIRET:
            row["enseigne1Etablissement"] = ACCENTED_SIGN
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path_factory.mktemp("sirene") / "StockEtablissement_utf8.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def rows(sample: Path) -> list[dict[str, str]]:
    with sample.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _build(
    target: str | Path, sample: Path, sirene_dir: Path, rows: list[dict[str, str]]
) -> CampaignStore:
    store = create_store(target)
    with store.session() as session:
        session.add(
            models.Campaign(
                name="Test", bassin_kind="communes", bassin_code="*", bassin_label="Test"
            )
        )
        session.add(
            models.BassinCommune(code="80021", name="Amiens", departement="80", population=133_000)
        )
    codes = {r["codeCommuneEtablissement"]: r["codeCommuneEtablissement"] for r in rows}
    import_sirene(store, SireneFiles(sample, sirene_dir / UNITS), EVERYTHING, codes)
    return store


@pytest.fixture(scope="module")
def campaign(
    sample: Path,
    sirene_dir: Path,
    rows: list[dict[str, str]],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[CampaignStore]:
    store = _build(tmp_path_factory.mktemp("c") / "c.planner", sample, sirene_dir, rows)
    yield store
    store.close()


@pytest.fixture(scope="module")
def firms(campaign: CampaignStore) -> pl.DataFrame:
    return load_firms(campaign)


def _ids(firms: pl.DataFrame, criteria: FirmFilter) -> set[str]:
    return set(firms.filter(criteria.apply(firms))["siret"])


def _rev2(row: dict[str, str]) -> bool:
    return row["nomenclatureActivitePrincipaleEtablissement"] in ("", "NAFRev2") and bool(
        row["activitePrincipaleEtablissement"]
    )


# --- the frame ------------------------------------------------------------------


def test_frame_has_every_target_firm_in_siret_order(
    firms: pl.DataFrame, rows: list[dict[str, str]]
) -> None:
    assert dict(firms.schema) == FIRM_SCHEMA
    assert firms.height == len(rows) == 299
    assert firms["id"].to_list() == list(range(299))
    assert firms["siret"].to_list() == sorted(r["siret"] for r in rows)


def test_frame_values_for_one_real_firm(firms: pl.DataFrame) -> None:
    row = firms.row(by_predicate=pl.col("siret") == "00032517500024", named=True)
    assert row["name"] == "TAHITI PERLES CREATIONS"
    assert row["naf_code"] == "47.89Z"
    assert row["naf_label"] == "Autres commerces de détail sur éventaires et marchés"
    assert (row["section"], row["division"]) == ("G", "47")
    assert (row["band"], row["band_label"]) == ("NN", "Non employeur ou effectif inconnu")
    assert row["etat"] == "F"
    assert row["date_creation"] == dt.date(2008, 5, 20)
    assert row["address"] == "1 PL LEONCE DE SEYNES 84000 AVIGNON"
    assert row["commune_code"] == "84007"
    assert row["commune_name"] == "AVIGNON"  # not in the bassin: SIRENE's label
    assert row["craft"] is False and row["siege"] is False


def test_commune_names_come_from_the_bassin_and_craft_from_the_register(
    firms: pl.DataFrame, rows: list[dict[str, str]]
) -> None:
    amiens = firms.filter(pl.col("commune_code") == "80021")
    assert amiens.height == sum(r["codeCommuneEtablissement"] == "80021" for r in rows) > 0
    assert set(amiens["commune_name"]) == {"Amiens"}
    crafts = {r["siret"] for r in rows if r["activitePrincipaleRegistreMetiersEtablissement"]}
    assert set(firms.filter("craft")["siret"]) == crafts and len(crafts) == 2
    heads = {r["siret"] for r in rows if r["etablissementSiege"] == "true"}
    assert set(firms.filter("siege")["siret"]) == heads


def test_old_nomenclatures_get_no_section_and_say_so(
    firms: pl.DataFrame, rows: list[dict[str, str]]
) -> None:
    with_section = set(firms.filter(pl.col("section").is_not_null())["siret"])
    assert with_section == {r["siret"] for r in rows if _rev2(r)}
    nap = next(
        r
        for r in rows
        if r["nomenclatureActivitePrincipaleEtablissement"] == "NAP"
        and r["activitePrincipaleEtablissement"]
    )
    row = firms.row(by_predicate=pl.col("siret") == nap["siret"], named=True)
    assert row["section"] is None and row["division"] is None
    assert row["naf_label"] == "Code NAP 1973 (sans libellé)"


# --- filters --------------------------------------------------------------------


def test_no_criterion_keeps_everything(firms: pl.DataFrame) -> None:
    mask = FirmFilter().apply(firms)
    assert mask.dtype == pl.Boolean and mask.len() == firms.height and mask.all()
    assert FirmFilter().is_empty and FirmFilter(text="  ").is_empty
    assert not FirmFilter(states=frozenset({"A"})).is_empty


def test_filter_by_section_and_division(firms: pl.DataFrame, rows: list[dict[str, str]]) -> None:
    sections = Counter(
        DIVISION_TO_SECTION[r["activitePrincipaleEtablissement"][:2]] for r in rows if _rev2(r)
    )
    section, count = sections.most_common(1)[0]
    assert len(_ids(firms, FirmFilter(sections=frozenset({section})))) == count
    divisions = Counter(r["activitePrincipaleEtablissement"][:2] for r in rows if _rev2(r))
    (d1, n1), (d2, n2) = divisions.most_common(2)
    assert len(_ids(firms, FirmFilter(divisions=frozenset({d1, d2})))) == n1 + n2


def test_filter_by_band(firms: pl.DataFrame, rows: list[dict[str, str]]) -> None:
    unknown = {r["siret"] for r in rows if not r["trancheEffectifsEtablissement"]}
    assert _ids(firms, FirmFilter(bands=frozenset({"NN"}))) == unknown
    twelve = {r["siret"] for r in rows if r["trancheEffectifsEtablissement"] == "12"}
    assert _ids(firms, FirmFilter(bands=frozenset({"12"}))) == twelve and len(twelve) == 4


def test_filter_by_commune_and_state(firms: pl.DataFrame, rows: list[dict[str, str]]) -> None:
    assert len(_ids(firms, FirmFilter(communes=frozenset({"80001"})))) == 40
    active = {r["siret"] for r in rows if r["etatAdministratifEtablissement"] == "A"}
    assert _ids(firms, FirmFilter(states=frozenset({"A"}))) == active and len(active) == 15
    assert len(_ids(firms, FirmFilter(states=frozenset({"F"})))) == 284
    both = FirmFilter(states=frozenset({"A"}), communes=frozenset({"80001"}))
    assert _ids(firms, both) == {
        r["siret"]
        for r in rows
        if r["siret"] in active and r["codeCommuneEtablissement"] == "80001"
    }


def test_filter_by_creation_dates(firms: pl.DataFrame, rows: list[dict[str, str]]) -> None:
    start, end = dt.date(2000, 1, 1), dt.date(2009, 12, 23)
    created = {
        r["siret"]: dt.date.fromisoformat(r["dateCreationEtablissement"])
        for r in rows
        if r["dateCreationEtablissement"]
    }
    expected = {s for s, d in created.items() if start <= d <= end}
    assert _ids(firms, FirmFilter(created_from=start, created_to=end)) == expected
    assert "00542002100056" in expected  # created on the last day: bounds are inclusive
    since = {s for s, d in created.items() if d >= start}
    assert _ids(firms, FirmFilter(created_from=start)) == since
    # Firms without a creation date are out as soon as a bound is set.
    assert len(_ids(firms, FirmFilter(created_to=dt.date(2100, 1, 1)))) == len(created)


def test_an_empty_set_matches_nothing(firms: pl.DataFrame) -> None:
    assert not FirmFilter(communes=frozenset()).apply(firms).any()


def test_text_search_ignores_case_accents_and_word_order(firms: pl.DataFrame) -> None:
    assert _ids(firms, FirmFilter(text="emile CREMERIE")) == {ACCENTED_SIRET}
    assert _ids(firms, FirmFilter(text="  léa   boulangerie ")) == {ACCENTED_SIRET}
    assert _ids(firms, FirmFilter(text="Crémerie Zoé")) == set()
    assert "00032517500024" in _ids(firms, FirmFilter(text="créations tahiti"))


def test_text_search_finds_siret_with_or_without_spaces(firms: pl.DataFrame) -> None:
    assert _ids(firms, FirmFilter(text="005 420 021 00056")) == {"00542002100056"}
    assert _ids(firms, FirmFilter(text="00542002100056")) == {"00542002100056"}
    siren = _ids(firms, FirmFilter(text="000 325 175"))
    assert siren and all(s.startswith("000325175") for s in siren)


def test_filter_on_a_frame_without_search_key(firms: pl.DataFrame) -> None:
    bare = firms.drop("name_key")
    for text in ("émile crèmerie", "EMILE", "tahiti"):
        assert _ids(bare, FirmFilter(text=text)) == _ids(firms, FirmFilter(text=text))
    assert ACCENTED_SIRET in _ids(bare, FirmFilter(text="EMILE"))


def test_name_rank_is_the_alphabetical_order_of_the_search_key(firms: pl.DataFrame) -> None:
    ranked = firms.sort("name_rank", "id")
    assert ranked["name_key"].to_list() == sorted(firms["name_key"].to_list())
    assert ranked["name_rank"][0] == 1
    same = firms.group_by("name_key").agg(pl.col("name_rank").n_unique())
    assert (same["name_rank"] == 1).all()


def test_normalize_text_matches_its_vectorised_twin(firms: pl.DataFrame) -> None:
    assert normalize_text("Œuvre Ça ÉTÉ l’Été") == "oeuvre ca ete l'ete"
    row = firms.row(by_predicate=pl.col("siret") == ACCENTED_SIRET, named=True)
    assert row["name_key"] == normalize_text(ACCENTED_SIGN)


# --- formatting ---------------------------------------------------------------------


def test_format_siret_and_date() -> None:
    assert format_siret("12345678900012") == "123 456 789 00012"
    assert format_siret("123 45678900012") == "123 456 789 00012"
    assert format_siret("123456789") == "123 456 789"
    assert format_siret("") == "" and format_siret(None) == ""
    assert format_siret("ABC") == "ABC"
    assert format_date(dt.date(2024, 3, 7)) == "07/03/2024"
    assert format_date(None) == ""


def test_vectorised_formats_agree_with_the_scalar_ones(firms: pl.DataFrame) -> None:
    shown = firms.select(
        format_siret_expr(pl.col("siret")).alias("s"),
        format_date_expr(pl.col("date_creation")).alias("d"),
    )
    assert shown["s"].to_list() == [format_siret(s) for s in firms["siret"]]
    assert shown["d"].to_list() == [format_date(d) or None for d in firms["date_creation"]]


# --- the card -------------------------------------------------------------------------


def test_firm_details_labels_and_values(campaign: CampaignStore) -> None:
    details = firm_details(campaign, "00032517500024")
    assert list(details)[:3] == ["Nom", "Enseigne", "Dénomination usuelle"]
    assert details["Nom"] == "TAHITI PERLES CREATIONS"
    assert details["SIRET"] == "000 325 175 00024"
    assert details["SIREN"] == "000 325 175"
    assert details["État administratif"] == "Fermé"
    assert details["Date de création"] == "20/05/2008"
    assert details["Activité principale (NAF rév. 2)"] == (
        "47.89Z – Autres commerces de détail sur éventaires et marchés"
    )
    assert details["Section NAF rév. 2"] == (
        "G – Commerce ; réparation d'automobiles et de motocycles"
    )
    assert details["Adresse"] == "1 PL LEONCE DE SEYNES"
    assert details["Code postal"] == "84000"
    assert details["Commune"] == "AVIGNON (84007)"
    assert details["Dernier traitement par l'INSEE"] == "22/03/2024 à 15:40"
    assert details["Tranche d'effectifs"] == "Non employeur ou effectif inconnu"
    assert all(isinstance(v, str) for v in details.values())


def test_firm_details_of_a_craft_firm_with_its_legal_unit(campaign: CampaignStore) -> None:
    details = firm_details(campaign, "00032517500016")
    assert details["Activité au répertoire des métiers"] == "3212ZZ"
    assert details["Entrepreneur individuel"] == "THIERRY JANOYER"
    # labels from INSEE's lists, the code kept beside them
    assert details["Catégorie juridique"] == "Entrepreneur individuel (1000)"
    assert details["Catégorie d'entreprise"] == "Petite ou moyenne entreprise (PME)"
    sections = firm_detail_sections(campaign, "00032517500016")
    # who the firm is, then what the task force does with it, then SIRENE's detail
    assert [title for title, _ in sections] == [
        "Identification",
        "Task force",
        "Prospection",
        "Séances de découverte",
        "Journal des modifications",
        "Activité et effectifs",
        "Adresse",
        "Fiche SIRENE",
    ]
    assert sum(len(fields) for _, fields in sections) == len(details)


def test_firm_card_parts_are_named_tuples(campaign: CampaignStore) -> None:
    sections = firm_detail_sections(campaign, "00032517500024")
    first = sections[0]
    assert first.title == "Identification"
    assert first.fields["SIRET"] == "000 325 175 00024"
    assert [s.title for s in sections] == [title for title, _ in DETAIL_SECTIONS]


def test_firm_details_of_an_unknown_siret(campaign: CampaignStore) -> None:
    assert firm_details(campaign, "00000000000000") == {}


# --- PostgreSQL ----------------------------------------------------------------------


@pytest.mark.postgres
def test_same_frame_from_postgresql(
    pg_database: str,
    sample: Path,
    sirene_dir: Path,
    rows: list[dict[str, str]],
    firms: pl.DataFrame,
) -> None:
    store = _build(pg_database, sample, sirene_dir, rows)
    try:
        assert load_firms(store).equals(firms)
        assert firm_details(store, "00032517500024")["SIRET"] == "000 325 175 00024"
    finally:
        store.close()


# --- shipped NAF labels ----------------------------------------------------------------


def test_naf_labels_cover_all_five_levels() -> None:
    labels = load_naf_labels()
    with default_naf_path().open(encoding="utf-8", newline="") as handle:
        levels = Counter(row["level"] for row in csv.DictReader(handle))
    assert levels == {"1": 21, "2": 88, "3": 272, "4": 615, "5": 732}
    assert labels["56.10A"] == "Restauration traditionnelle"
    assert labels["56"] == "Restauration"
    assert labels["I"] == "Hébergement et restauration"
    assert load_naf_labels() is labels  # read once


def test_naf_labels_follow_the_resources_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "nomenclatures" / "naf_rev2.csv"
    target.parent.mkdir()
    target.write_text("code,level,label\n56.10A,5,Restauration à table\n", encoding="utf-8")
    monkeypatch.setenv("PLANNER_RESOURCES_DIR", str(tmp_path))
    assert load_naf_labels() == {"56.10A": "Restauration à table"}
