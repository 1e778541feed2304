"""The firm table model, the filter panel and the detail panel (pytest-qt, offscreen)."""

from __future__ import annotations

# Offscreen Qt is set up by tests/conftest.py.
import datetime as dt

import numpy as np
import polars as pl
import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QLabel, QTableView
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from planner.domain.headcount_bands import BAND_LABELS, BAND_ORDER
from planner.services.firms.firm_query import (
    FirmFilter,
    firms_frame,
    format_siret,
    normalize_text,
)
from planner.services.firms.prospect_status import STAGE_ORDER
from planner.ui.firms.detail_panel import PLACEHOLDER, FirmDetailPanel
from planner.ui.firms.filter_panel import FilterPanel
from planner.ui.firms.firm_table_model import (
    COLUMNS,
    FIRM_ID_ROLE,
    FirmTableModel,
    setup_firm_view,
)

WORDS = np.array(
    [
        "BOULANGERIE",
        "Café",
        "GARAGE",
        "Électricité",
        "DUPONT",
        "martin",
        "Léa",
        "SARL",
        "Bâtiment",
        "PLOMBERIE",
        "École",
        "CONSEIL",
        "Œuvre",
        "zinc",
    ]
)
NAF = np.array(
    [
        "56.10A",
        "56.10C",
        "47.11B",
        "43.21A",
        "10.71C",
        "45.20A",
        "62.01Z",
        "86.21Z",
        "96.02A",
        "01.11Z",
        "5610",
        "52.4C",
    ]
)
NOMENCLATURE = np.array(["NAFRev2"] * 10 + ["NAP", "NAFRev1"])
BANDS = np.array(["00", "01", "02", "03", "11", "12", "21", "22", ""])
COMMUNES = [
    ("93066", "Saint-Denis"),
    ("93001", "Aubervilliers"),
    ("93048", "Montreuil"),
    ("93008", "Bobigny"),
    ("93070", "Saint-Ouen-sur-Seine"),
    ("93027", "La Courneuve"),
]


def synthetic_firms(n: int, seed: int = 3) -> pl.DataFrame:
    """``n`` invented firms in ``load_firms``' shape, with empty values sprinkled in."""
    rng = np.random.default_rng(seed)
    words = WORDS[rng.integers(0, WORDS.size, (3, n))]
    naf = rng.integers(0, NAF.size, n)
    commune = rng.integers(0, len(COMMUNES), n)
    codes = np.array([c for c, _ in COMMUNES])
    days = rng.integers(0, 40_000, n)
    dates = pl.Series(np.datetime64("1920-01-01") + days.astype("timedelta64[D]")).cast(pl.Date)
    idx = np.arange(n)
    raw = pl.DataFrame(
        {
            "siret": pl.Series([f"{i:09d}{i % 100_000:05d}" for i in rng.permutation(n) + 10**8]),
            "name": pl.Series(words[0]) + " " + pl.Series(words[1]) + " " + pl.Series(words[2]),
            "naf_code": pl.Series(NAF[naf]).set(pl.Series(idx % 97 == 0), None),
            "naf_nomenclature": NOMENCLATURE[naf],
            "band": pl.Series(BANDS[rng.integers(0, BANDS.size, n)]),
            "commune_code": codes[commune],
            "etat": np.where(idx % 9 == 0, "F", "A"),
            "date_creation": dates.set(pl.Series(idx % 41 == 0), None).dt.to_string("%Y-%m-%d"),
            "numero_voie": (idx % 300).astype(str),
            "indice_repetition": np.where(idx % 13 == 0, "B", None),
            "type_voie": "RUE",
            "libelle_voie": "DE LA RÉPUBLIQUE",
            "code_postal": "93200",
            "libelle_commune": np.array([c.upper() for _, c in COMMUNES])[commune],
            "lon": rng.uniform(2.3, 2.6, n),
            "lat": rng.uniform(48.8, 49.0, n),
            "flags": rng.integers(0, 4, n),
        }
    )
    communes = pl.DataFrame(
        {"commune_code": [c for c, _ in COMMUNES], "bassin_name": [name for _, name in COMMUNES]}
    )
    return with_assignments(firms_frame(raw, communes), rng)


TEAMS = {1: "FT Saint-Denis", 2: "Cap emploi", 3: "CMA 93"}
ADVISERS = {10: ("Léa Morel", 1), 11: ("Éric Dubois", 1), 20: ("Zoé Martin", 2)}


def with_assignments(firms: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """``firms`` with team, adviser, lock and stage columns as ``load_firms`` adds them:
    some firms without a team, some with a team but no adviser."""
    n = firms.height
    adviser = np.array([None, *ADVISERS], dtype=object)[rng.integers(0, len(ADVISERS) + 1, n)]
    team = np.array([ADVISERS[a][1] if a is not None else None for a in adviser], dtype=object)
    team[(adviser == None) & (rng.random(n) < 0.5)] = 3  # noqa: E711 - numpy comparison
    assigned = team != None  # noqa: E711
    locked = np.where(assigned, rng.random(n) < 0.3, None)
    return firms.with_columns(
        pl.Series("team_id", team.tolist(), dtype=pl.Int64),
        pl.Series("team", [TEAMS.get(t) if t else None for t in team], dtype=pl.String),
        pl.Series("adviser_id", adviser.tolist(), dtype=pl.Int64),
        pl.Series("adviser", [ADVISERS[a][0] if a else None for a in adviser], dtype=pl.String),
        pl.Series("locked", locked.tolist(), dtype=pl.Boolean),
        pl.Series("stage", np.array(STAGE_ORDER)[rng.integers(0, 4, n)], dtype=pl.String),
    )


@pytest.fixture(scope="module")
def firms() -> pl.DataFrame:
    return synthetic_firms(400)


COLUMN_OF = {spec.header: i for i, spec in enumerate(COLUMNS)}


def _texts(model: FirmTableModel, column: int) -> list[str]:
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def _date_key(text: str) -> dt.date:
    day, month, year = text.split("/")
    return dt.date(int(year), int(month), int(day))


_BAND_RANK = {label: BAND_ORDER.index(code) for code, label in BAND_LABELS.items()}
SORT_KEYS = {
    "Nom": normalize_text,
    "SIRET": lambda t: t.replace(" ", ""),
    "NAF": str,
    "Activité": normalize_text,
    "Tranche d'effectifs": _BAND_RANK.__getitem__,
    "Commune": normalize_text,
    "Adresse": str,
    "Création": _date_key,
    "État": str,
    "Équipe": normalize_text,
    "Conseiller": normalize_text,
    "Statut": STAGE_ORDER.index,
    "Verrouillé": lambda t: t != "Oui",
}


# --- the model ---------------------------------------------------------------------


def test_model_passes_qt_model_tester(qtmodeltester: ModelTester, firms: pl.DataFrame) -> None:
    model = FirmTableModel(firms)
    qtmodeltester.check(model)
    model.sort(0, Qt.SortOrder.DescendingOrder)
    model.set_mask(FirmFilter(states=frozenset({"A"})).apply(firms))
    qtmodeltester.check(model)


def test_headers_are_french_and_cells_are_formatted(firms: pl.DataFrame) -> None:
    model = FirmTableModel(firms)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(COLUMNS))]
    assert headers == [
        "Nom",
        "SIRET",
        "NAF",
        "Activité",
        "Tranche d'effectifs",
        "Commune",
        "Équipe",
        "Conseiller",
        "Statut",
        "Verrouillé",
        "Adresse",
        "Création",
        "État",
    ]
    first = firms.row(0, named=True)
    row = model.row_of_id(first["id"])
    assert row is not None
    assert model.data(model.index(row, 1)) == format_siret(first["siret"])
    assert model.data(model.index(row, 1)).count(" ") == 3
    assert model.data(model.index(row, 0), FIRM_ID_ROLE) == first["id"]
    dated = firms.filter(pl.col("date_creation").is_not_null()).row(0, named=True)
    created = model.data(model.index(model.row_of_id(dated["id"]), COLUMN_OF["Création"]))
    assert created == dated["date_creation"].strftime("%d/%m/%Y")
    assert set(_texts(model, COLUMN_OF["État"])) == {"Actif", "Fermé"}
    assigned = firms.filter(pl.col("adviser_id").is_not_null()).row(0, named=True)
    row = model.row_of_id(assigned["id"])
    assert [
        model.data(model.index(row, COLUMN_OF[h]))
        for h in ("Équipe", "Conseiller", "Statut", "Verrouillé")
    ] == [
        assigned["team"],
        assigned["adviser"],
        assigned["stage"],
        "Oui" if assigned["locked"] else "Non",
    ]
    assert model.data(model.index(row, 0), Qt.ItemDataRole.ToolTipRole) == first["name"]


@pytest.mark.parametrize("column", range(len(COLUMNS)), ids=[c.header for c in COLUMNS])
@pytest.mark.parametrize(
    "order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder], ids=["asc", "desc"]
)
def test_sort_by_each_column(firms: pl.DataFrame, column: int, order: Qt.SortOrder) -> None:
    model = FirmTableModel(firms)
    model.sort(column, order)
    texts = _texts(model, column)
    assert len(texts) == firms.height
    filled = [t for t in texts if t]
    # Empty cells go last, whatever the direction.
    assert texts[: len(filled)] == filled
    keys = [SORT_KEYS[COLUMNS[column].header](t) for t in filled]
    descending = order == Qt.SortOrder.DescendingOrder
    assert keys == sorted(keys, reverse=descending)
    assert len(set(keys)) > 1


def test_name_sort_without_precomputed_keys(firms: pl.DataFrame) -> None:
    ranked = FirmTableModel(firms)
    ranked.sort(0, Qt.SortOrder.DescendingOrder)
    for bare in (firms.drop("name_rank"), firms.drop("name_rank", "name_key")):
        model = FirmTableModel(bare)
        model.sort(0, Qt.SortOrder.DescendingOrder)
        assert [normalize_text(t) for t in _texts(model, 0)] == [
            normalize_text(t) for t in _texts(ranked, 0)
        ]


def test_sort_is_stable_in_siret_order(firms: pl.DataFrame) -> None:
    model = FirmTableModel(firms)
    model.sort(COLUMN_OF["État"], Qt.SortOrder.AscendingOrder)
    ids = model.visible_ids()
    states = _texts(model, COLUMN_OF["État"])
    active = [i for i, s in zip(ids, states, strict=True) if s == "Actif"]
    assert active == sorted(active)  # ids follow SIRET order


def test_columns_prepared_in_a_worker_thread(firms: pl.DataFrame) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        prepared = pool.submit(FirmTableModel.prepare, firms).result()
    model = FirmTableModel()
    model.set_firms(prepared)
    assert model.rowCount() == firms.height
    assert _texts(model, 0) == _texts(FirmTableModel(firms), 0)


def test_mask_changes_rows_and_id_lookups(qtbot: QtBot, firms: pl.DataFrame) -> None:
    model = FirmTableModel(firms)
    model.sort(0, Qt.SortOrder.AscendingOrder)
    mask = FirmFilter(states=frozenset({"F"})).apply(firms)
    with qtbot.waitSignal(model.modelReset):
        model.set_mask(mask)
    assert model.rowCount() == int(mask.sum()) < firms.height
    closed = set(firms.filter(mask)["id"])
    assert set(model.visible_ids().tolist()) == closed
    assert set(_texts(model, COLUMN_OF["État"])) == {"Fermé"}
    hidden = firms.filter(~mask)["id"][0]
    assert model.row_of_id(hidden) is None
    shown = int(model.visible_ids()[5])
    assert model.row_of_id(shown) == 5
    assert model.ids_of_rows([5, 0]) == [shown, int(model.visible_ids()[0])]
    assert model.row_of_id(10**9) is None
    model.set_mask(None)
    assert model.rowCount() == firms.height
    with pytest.raises(ValueError, match="masque"):
        model.set_mask(np.ones(3, bool))


def test_selection_follows_the_firm_when_sorting(qtbot: QtBot, firms: pl.DataFrame) -> None:
    model = FirmTableModel(firms)
    view = QTableView()
    qtbot.addWidget(view)
    setup_firm_view(view, model)
    firm_id = int(firms["id"][123])
    row = model.row_of_id(firm_id)
    assert row is not None
    view.selectionModel().select(
        model.index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    selected = [i.row() for i in view.selectionModel().selectedRows()]
    assert model.ids_of_rows(selected) == [firm_id]
    assert selected == [model.row_of_id(firm_id)]


def test_200k_rows_load_sort_and_filter() -> None:
    big = synthetic_firms(200_000, seed=11)
    model = FirmTableModel(big)
    assert model.rowCount() == 200_000
    # The speed is measured by bench/bench_table.py, not asserted here.
    model.sort(0, Qt.SortOrder.AscendingOrder)
    names = [model.data(model.index(r, 0)) for r in range(50)]
    assert [normalize_text(n) for n in names] == sorted(normalize_text(n) for n in names)
    mask = FirmFilter(text="école", sections=frozenset({"I"})).apply(big)
    model.set_mask(mask)
    assert 0 < model.rowCount() == int(mask.sum())
    assert all(
        "ecole" in normalize_text(model.data(model.index(r, 0)))
        for r in range(min(50, model.rowCount()))
    )


# --- the filter panel -----------------------------------------------------------------


def test_filter_panel_emits_text_after_debounce(qtbot: QtBot, firms: pl.DataFrame) -> None:
    panel = FilterPanel()
    qtbot.addWidget(panel)
    panel.set_firms(firms)
    received: list[FirmFilter] = []
    panel.filterChanged.connect(received.append)
    # QTest types ASCII only (it asserts on "é"); the search ignores accents anyway.
    qtbot.keyClicks(panel.text_edit, "ecole")
    assert received == []  # nothing yet: the panel waits for typing to pause
    with qtbot.waitSignal(panel.filterChanged, timeout=2000) as blocker:
        pass
    criteria = blocker.args[0]
    assert isinstance(criteria, FirmFilter) and criteria.text == "ecole"
    assert len(received) == 1
    mask = criteria.apply(firms)
    assert 0 < int(mask.sum()) < firms.height


def test_filter_panel_lists_and_reset(qtbot: QtBot, firms: pl.DataFrame) -> None:
    panel = FilterPanel()
    qtbot.addWidget(panel)
    panel.set_firms(firms)
    # One entry per section, plus the firms without a NAF rév. 2 code, counted.
    absent = int(firms["section"].is_null().sum())
    assert absent > 0
    assert panel.sections.entry_count() == firms["section"].drop_nulls().n_unique() + 1
    last = panel.sections.view.model().index(panel.sections.entry_count() - 1, 0).data()
    assert last.startswith("Code NAF rév. 2 absent") and str(absent) in last
    assert panel.communes.entry_count() == len(COMMUNES)
    with qtbot.waitSignal(panel.filterChanged) as blocker:
        panel.sections.set_checked({"I"}, notify=True)
    assert blocker.args[0].sections == frozenset({"I"})
    # Divisions of other sections are hidden once a section is chosen.
    assert panel.divisions.view.model().rowCount() == 1
    with qtbot.waitSignal(panel.filterChanged) as blocker:
        panel.state_combo.setCurrentIndex(1)
    assert blocker.args[0].states == frozenset({"A"})
    with qtbot.waitSignal(panel.filterChanged) as blocker:
        panel.from_check.setChecked(True)
    assert blocker.args[0].created_from == firms["date_creation"].min()
    assert panel.from_edit.displayFormat() == "dd/MM/yyyy"
    with qtbot.waitSignal(panel.filterChanged) as blocker:
        panel.reset_button.click()
    assert blocker.args[0].is_empty
    assert panel.divisions.view.model().rowCount() == panel.divisions.entry_count()


def test_filter_panel_drives_the_model(qtbot: QtBot, firms: pl.DataFrame) -> None:
    model = FirmTableModel(firms)
    panel = FilterPanel()
    qtbot.addWidget(panel)
    panel.set_firms(firms)
    panel.filterChanged.connect(lambda f: model.set_mask(f.apply(model.firms())))
    with qtbot.waitSignal(model.modelReset):
        panel.bands.set_checked({"NN"}, notify=True)
    assert model.rowCount() == int((firms["band"] == "NN").sum())
    assert set(_texts(model, COLUMN_OF["Tranche d'effectifs"])) == {BAND_LABELS["NN"]}


def test_filter_panel_by_team_adviser_status_and_lock(qtbot: QtBot, firms: pl.DataFrame) -> None:
    model = FirmTableModel(firms)
    panel = FilterPanel()
    qtbot.addWidget(panel)
    panel.set_firms(firms)
    panel.filterChanged.connect(lambda f: model.set_mask(f.apply(model.firms())))
    # One entry per team plus « Sans équipe », each with its count.
    labels = [panel.teams.view.model().index(r, 0).data() for r in range(panel.teams.entry_count())]
    unassigned = int(firms["team_id"].is_null().sum())
    assert labels[-1] == f"Sans équipe ({unassigned})"
    assert {label.rsplit(" (", 1)[0] for label in labels[:-1]} == set(TEAMS.values())
    team = 1
    with qtbot.waitSignal(panel.filterChanged) as blocker:
        panel.teams.set_checked({str(team)}, notify=True)
    assert blocker.args[0].teams == frozenset({"1"})
    assert model.rowCount() == int((firms["team_id"] == team).sum()) > 0
    assert set(_texts(model, COLUMN_OF["Équipe"])) == {TEAMS[team]}
    # Only that team's advisers (and « Sans conseiller ») are offered now.
    shown = panel.advisers.view.model()
    offered = {
        shown.index(r, 0).data().rsplit(" (", 1)[0].split(" — ")[0] for r in range(shown.rowCount())
    }
    assert offered == {"Léa Morel", "Éric Dubois", "Sans conseiller"}
    with qtbot.waitSignal(panel.filterChanged):
        panel.advisers.set_checked({"10"}, notify=True)
    assert set(_texts(model, COLUMN_OF["Conseiller"])) == {"Léa Morel"}
    with qtbot.waitSignal(panel.filterChanged):
        panel.reset_button.click()
    assert model.rowCount() == firms.height

    with qtbot.waitSignal(panel.filterChanged):
        panel.stages.set_checked({STAGE_ORDER[2]}, notify=True)
    assert set(_texts(model, COLUMN_OF["Statut"])) == {STAGE_ORDER[2]}
    assert model.rowCount() == int((firms["stage"] == STAGE_ORDER[2]).sum())
    with qtbot.waitSignal(panel.filterChanged):
        panel.stages.set_checked((), notify=True)
    with qtbot.waitSignal(panel.filterChanged):
        panel.locks.set_checked({"oui"}, notify=True)
    assert set(_texts(model, COLUMN_OF["Verrouillé"])) == {"Oui"}
    assert model.rowCount() == int(firms["locked"].fill_null(False).sum())
    with qtbot.waitSignal(panel.filterChanged):
        panel.locks.set_checked({"non"}, notify=True)
    # Not locked: the assigned firms that are not, and those without a team.
    assert set(_texts(model, COLUMN_OF["Verrouillé"])) == {"Non", ""}


def test_one_team_shown_says_so_and_can_be_cleared(qtbot: QtBot, firms: pl.DataFrame) -> None:
    panel = FilterPanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.set_firms(firms)
    assert not panel.team_banner.isVisible() and not panel.all_teams_button.isVisible()
    with qtbot.waitSignal(panel.filterChanged) as blocker:
        panel.show_only_team(2)
    assert blocker.args[0].teams == frozenset({"2"})
    assert panel.team_banner.isVisible()
    assert panel.team_banner.text() == "Carte et tableau limités à l'équipe Cap emploi."
    with qtbot.waitSignal(panel.filterChanged) as blocker:
        qtbot.mouseClick(panel.all_teams_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0].teams is None and blocker.args[0].is_empty
    assert not panel.team_banner.isVisible()


# --- the detail panel --------------------------------------------------------------------


def test_detail_panel_shows_fields_as_plain_text(qtbot: QtBot) -> None:
    panel = FirmDetailPanel()
    qtbot.addWidget(panel)
    assert panel.value("SIRET") is None
    assert PLACEHOLDER in [label.text() for label in panel.findChildren(QLabel)]
    panel.show_firm({"Nom": "<b>Café</b> & Cie", "SIRET": "123 456 789 00012", "Enseigne": ""})
    assert panel.value("Nom") == "<b>Café</b> & Cie"
    assert panel.value("Enseigne") == ""
    texts = [label.text() for label in panel.findChildren(QLabel)]
    assert "<b>Café</b> & Cie" in texts and "—" in texts and "SIRET :" in texts
    assert all(
        label.textFormat() == Qt.TextFormat.PlainText
        for label in panel.findChildren(QLabel)
        if label.text() == "<b>Café</b> & Cie"
    )
    panel.show_sections([("Identification", {"Nom": "A"}), ("Adresse", {"Commune": "B"})])
    texts = [label.text() for label in panel.findChildren(QLabel)]
    assert "Identification" in texts and "Adresse" in texts
    panel.show_firm(None)
    assert PLACEHOLDER in [label.text() for label in panel.findChildren(QLabel)]
