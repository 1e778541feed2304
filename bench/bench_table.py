"""Firm table benchmarks at 200,000 invented firms (offscreen Qt, a real view attached).

``table_sort_200k``: ``FirmTableModel.sort`` by name, cold (nothing cached),
layout change, selection remap and the view's repaint included; floor: polars'
stable arg-sort (the product's own sort, the fastest well-kept one) of the
same integer ``name_rank`` (computed by ``load_firms`` off the GUI thread, for
both), fetched from the frame inside the timer as the model does.
``table_filter_200k``: ``FirmFilter.apply`` (text + NAF section) then
``FirmTableModel.set_mask`` (model reset and the view's repaint included);
floor: the bare polars filter expression on the same columns.
``firms_load_200k``: ``load_firms`` on a SQLite campaign of 200,000 target
firms; floor: the SQLite driver fetching the same rows and columns, bare.
Each is a ``Pair`` run interleaved by ``bench/run.py`` (medians of ``--runs``).
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from timing import Pair

N = 200_000
OUT = Path(__file__).resolve().parent / "out"
WORDS = np.array(
    [
        "BOULANGERIE",
        "CAFE",
        "GARAGE",
        "ÉLECTRICITÉ",
        "DUPONT",
        "MARTIN",
        "LÉA",
        "SARL",
        "BÂTIMENT",
        "PLOMBERIE",
        "ÉCOLE",
        "CONSEIL",
        "TRAITEUR",
        "ZINC",
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
        "55.10Z",
        "49.41A",
    ]
)
BANDS = np.array(["00", "01", "02", "03", "11", "12", "21", "22", ""])
COMMUNES = [(f"93{i:03d}", f"Commune {i}") for i in range(40)]


def _raw(n: int, seed: int = 5) -> pl.DataFrame:
    """Stored establishment columns of ``n`` invented firms (no real firm, person or SIRET)."""
    rng = np.random.default_rng(seed)
    words = WORDS[rng.integers(0, WORDS.size, (3, n))]
    commune = rng.integers(0, len(COMMUNES), n)
    days = rng.integers(0, 40_000, n)
    dates = pl.Series(np.datetime64("1920-01-01") + days.astype("timedelta64[D]")).cast(pl.Date)
    idx = np.arange(n)
    sirets = pl.Series(rng.permutation(n) + 10**8).cast(pl.String) + pl.Series(idx % 100_000).cast(
        pl.String
    ).str.zfill(5)
    return pl.DataFrame(
        {
            "siret": sirets,
            "name": pl.Series(words[0]) + " " + pl.Series(words[1]) + " " + pl.Series(words[2]),
            "naf_code": NAF[rng.integers(0, NAF.size, n)],
            "naf_nomenclature": "NAFRev2",
            "band": BANDS[rng.integers(0, BANDS.size, n)],
            "commune_code": np.array([c for c, _ in COMMUNES])[commune],
            "etat": np.where(idx % 9 == 0, "F", "A"),
            "date_creation": dates.dt.to_string("%Y-%m-%d"),
            "numero_voie": (idx % 300).astype(str),
            "indice_repetition": np.where(idx % 13 == 0, "B", None),
            "type_voie": "RUE",
            "libelle_voie": "DE LA RÉPUBLIQUE",
            "code_postal": "93200",
            "libelle_commune": np.array([name.upper() for _, name in COMMUNES])[commune],
            "lon": rng.uniform(2.3, 2.6, n),
            "lat": rng.uniform(48.8, 49.0, n),
            "flags": rng.integers(0, 4, n),
        }
    )


def _firms() -> pl.DataFrame:
    from planner.services.firms.firm_query import firms_frame

    communes = pl.DataFrame(
        {"commune_code": [c for c, _ in COMMUNES], "bassin_name": [name for _, name in COMMUNES]}
    )
    return firms_frame(_raw(N), communes)


def _view() -> Any:
    from PySide6.QtWidgets import QApplication, QTableView

    app = QApplication.instance() or QApplication([])
    view = QTableView()
    view.resize(1200, 800)
    view.show()
    app.processEvents()
    return view


def _median_ms(values: list[float]) -> float:
    return round(statistics.median(values) * 1000, 1)


def table_sort_200k() -> Pair:
    """Click on the name header of a cold 200,000-row model (one row selected).

    Floor: polars' stable arg-sort of the same precomputed integer ``name_rank``
    (taken out of the frame inside the timer, as the model does at click time),
    without the model's layout change, selection remap and repaint.
    """
    from PySide6.QtCore import QItemSelectionModel, Qt
    from PySide6.QtWidgets import QApplication

    from planner.ui.firms.firm_table_model import FirmTableModel, setup_firm_view

    firms = _firms()
    view = _view()
    setup_firm_view(view, FirmTableModel(firms))
    view.setSortingEnabled(False)  # sort only when the benchmark says so
    builds: list[float] = []
    first_rows: list[int] = []

    def product() -> float:
        start = time.perf_counter()
        prepared = FirmTableModel.prepare(firms)  # what a loading task does off the GUI thread
        builds.append(time.perf_counter() - start)
        model = FirmTableModel(prepared)  # a cold model: no sort order cached yet
        view.setModel(model)
        view.selectionModel().select(  # one selected row, remapped by the sort
            model.index(10, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
        QApplication.processEvents()
        start = time.perf_counter()
        model.sort(0, Qt.SortOrder.AscendingOrder)
        view.viewport().repaint()  # until the view shows it (what the user waits for)
        elapsed = time.perf_counter() - start
        first_rows.append(int(model._rows[0]))
        QApplication.processEvents()
        return elapsed

    def floor() -> None:
        keys = pl.DataFrame({"key": firms["name_rank"]})
        order = keys.select(pl.arg_sort_by("key", maintain_order=True)).to_series()
        assert not first_rows or int(order[0]) == first_rows[-1]

    return Pair(
        product,
        floor,
        lambda: {"prepare_ms": _median_ms(builds), "rows": firms.height},
        min_runs=7,
    )


def table_filter_200k() -> Pair:
    """Text + NAF section filter on 200,000 rows, to the model showing them.

    Floor: the bare polars filter expression on the same precomputed columns
    (``name_key`` contains, ``section`` equals), giving the same rows, without
    the model's reset.
    """
    from PySide6.QtWidgets import QApplication

    from planner.services.firms.firm_query import FirmFilter
    from planner.ui.firms.firm_table_model import FirmTableModel, setup_firm_view

    firms = _firms()
    view = _view()
    model = FirmTableModel(firms)
    setup_firm_view(view, model)
    QApplication.processEvents()
    criteria = FirmFilter(text="école", sections=frozenset({"I"}))
    shown: list[int] = []

    def product() -> float:
        model.set_mask(None)
        QApplication.processEvents()
        start = time.perf_counter()
        model.set_mask(criteria.apply(firms))
        view.viewport().repaint()  # until the view shows it (what the user waits for)
        elapsed = time.perf_counter() - start
        shown.append(model.rowCount())
        QApplication.processEvents()
        return elapsed

    def floor() -> None:
        bare = firms.filter(
            pl.col("name_key").str.contains("ecole", literal=True) & (pl.col("section") == "I")
        )
        assert not shown or bare.height == shown[-1]

    return Pair(product, floor, lambda: {"rows": firms.height, "rows_shown": shown[-1]}, min_runs=7)


def _campaign() -> Path:
    """A SQLite campaign of N target firms, built once in ``bench/out``."""
    from planner.db import models
    from planner.db.bulk import bulk_insert
    from planner.db.store import create_store

    path = OUT / f"firms_{N}.planner"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    raw = _raw(N)
    store = create_store(partial)
    stored = raw.select(
        "siret",
        pl.col("siret").str.slice(0, 9).alias("siren"),
        pl.col("siret").str.slice(9).alias("nic"),
        "name",
        "etat",
        "date_creation",
        pl.col("band").replace("", None).alias("tranche_effectifs"),
        "naf_code",
        "naf_nomenclature",
        "numero_voie",
        "indice_repetition",
        "type_voie",
        "libelle_voie",
        "code_postal",
        "commune_code",
        "libelle_commune",
        "lon",
        "lat",
        (pl.col("flags") % 2 == 1).alias("siege"),
        pl.when(pl.col("flags") >= 2).then(pl.lit("1234ZZ")).alias("registre_metiers"),
        pl.lit(True).alias("in_target"),
        pl.lit("0" * 16).alias("source_hash"),
    )
    with store.session() as session:
        session.add(
            models.Campaign(
                name="Banc d'essai",
                bassin_kind="communes",
                bassin_code="*",
                bassin_label="Banc d'essai",
            )
        )
        session.flush()
        bulk_insert(
            session,
            "bassin_commune",
            ["code", "name", "departement"],
            [(code, name, "93") for code, name in COMMUNES],
        )
        bulk_insert(session, "establishment", stored.columns, list(stored.iter_rows()))
    store.close()
    partial.rename(path)
    return path


def firms_load_200k() -> Pair:
    """``load_firms`` of 200,000 target firms from a SQLite campaign.

    Floor: the SQLite driver executing the product's own query and fetching the
    same rows and columns, bare (no frame built).
    """
    from planner.db.store import open_store
    from planner.services.firms import firm_table

    # The columnar cache would serve the product from an Arrow file while the floor
    # reads SQL: measured without it (region_open_500k measures the cache).
    os.environ["PLANNER_NO_FIRM_CACHE"] = "1"
    store = open_store(_campaign())
    with store.engine.connect() as conn:
        sql = str(firm_table._firms_query().compile(conn, compile_kwargs={"literal_binds": True}))
    heights: list[int] = []

    def product() -> None:
        heights.append(firm_table.load_firms(store).height)

    def floor() -> float:
        with store.engine.connect() as conn:
            cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            start = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            elapsed = time.perf_counter() - start
            cursor.close()
        return elapsed

    return Pair(product, floor, lambda: {"rows": heights[-1]}, store.close)


PAIRS: dict[str, Callable[[], Pair]] = {
    "table_sort_200k": table_sort_200k,
    "table_filter_200k": table_filter_200k,
    "firms_load_200k": firms_load_200k,
}
