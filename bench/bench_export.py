"""Call-list export and read-back at 100,000 firms.

``call_lists_export_100k``: ``write_call_list`` of 100,000 rows over 20 adviser
sheets (validation, protection, styles, hidden key sheet included); floor: a
bare openpyxl write-only workbook of the same rows and columns, no styling.
``outcomes_read_100k``: ``read_outcome_workbook`` of that workbook with one row
in five filled in and saved again by openpyxl, as a spreadsheet would; floor:
openpyxl read-only iteration over the same cells. The filled workbook is made
in a forked process, so that the peak RSS reported is the reader's own.

Each measure and its floor run ``REPEAT`` times, interleaved; the best of each
is reported, every run is listed.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from planner.domain.export_signature import new_secret
from planner.io.call_list_workbook import (
    HEADERS,
    CallListMeta,
    CallListRow,
    ExportSigning,
    write_call_list,
)
from planner.io.outcome_workbook import CampaignKey, read_outcome_workbook

N = 100_000
SHEETS = 20
REPEAT = 2  # runs of the export and of its floor, interleaved; the best of each counts
# Signed as the product signs every partner's workbook (HMAC of each row).
_CAMPAIGN = CampaignKey("0b7f7c1e-8f4e-4d8e-9a53-3f7b1c2d4e5f", "Banc d'essai", new_secret())
META = CallListMeta(
    _CAMPAIGN.name,
    "Partenaire",
    "bench",
    dt.datetime(2025, 3, 1),
    ExportSigning(_CAMPAIGN.campaign_id, "1", "bench-export", _CAMPAIGN.secret),
)


def _rows() -> dict[str, list[CallListRow]]:
    rng = random.Random(7)
    sheets: dict[str, list[CallListRow]] = {}
    for i in range(N):
        sheets.setdefault(f"Conseiller {i % SHEETS + 1:02d}", []).append(
            CallListRow(
                siret=f"{rng.randrange(10**13, 10**14):014d}",
                name=f"ENTREPRISE {i}",
                legal_name=f"SOCIETE {i} SAS",
                address=f"{i % 200 + 1} RUE DE LA REPUBLIQUE 93200 SAINT-DENIS",
                commune="Saint-Denis",
                naf_code="56.10A",
                naf_label="Restauration traditionnelle",
                band_label="6 à 9 salariés",
                created=dt.date(2010, 1, 1) + dt.timedelta(days=i % 5000),
                adviser=f"Conseiller {i % SHEETS + 1:02d}",
            )
        )
    return sheets


def _floor_write(path: Path, sheets: dict[str, list[CallListRow]]) -> None:
    wb = Workbook(write_only=True)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        ws.append(list(HEADERS))
        for rank, row in enumerate(rows, start=1):
            ws.append(row.key_values(rank) + [None] * 10 + [f"k{rank}"])
    wb.save(path)


def _fill(path: Path, out: Path) -> None:
    wb = load_workbook(path)
    result, date = HEADERS.index("Résultat") + 1, HEADERS.index("Date de l'appel") + 1
    for ws in wb.worksheets[1:-1]:
        for r in range(2, ws.max_row + 1, 5):
            if ws.cell(r, 2).value is None:
                break  # the blank rows left below the list
            ws.cell(r, result, "Non joint")
            ws.cell(r, date, "12/3/25")
    wb.save(out)


def _best(runs: list[float]) -> float:
    return round(min(runs), 3)


def call_lists_export_100k() -> dict[str, Any]:
    sheets = _rows()
    meta = META
    seconds: list[float] = []
    floor: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        # Interleaved, best of each: on a shared machine one run can lose half
        # its CPU to another process.
        for _ in range(REPEAT):
            start = time.perf_counter()
            write_call_list(Path(tmp) / "liste.xlsx", meta, sheets)
            seconds.append(time.perf_counter() - start)
            start = time.perf_counter()
            _floor_write(Path(tmp) / "floor.xlsx", sheets)
            floor.append(time.perf_counter() - start)
        size_mb = (Path(tmp) / "liste.xlsx").stat().st_size / 1e6
    return {
        "seconds": _best(seconds),
        "floor_seconds": _best(floor),
        "runs": [round(s, 2) for s in seconds],
        "floor_runs": [round(s, 2) for s in floor],
        "rows": N,
        "sheets": SHEETS,
        "file_mb": round(size_mb, 1),
    }


def _prepare_filled(path: Path, filled: Path) -> None:
    write_call_list(path, META, _rows())
    _fill(path, filled)


def outcomes_read_100k() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        path, filled = Path(tmp) / "liste.xlsx", Path(tmp) / "rempli.xlsx"
        child = multiprocessing.get_context("fork").Process(
            target=_prepare_filled, args=(path, filled)
        )
        child.start()
        child.join()
        if child.exitcode != 0:
            raise RuntimeError(f"preparing the filled workbook failed ({child.exitcode})")
        seconds: list[float] = []
        floor: list[float] = []
        for _ in range(REPEAT):
            start = time.perf_counter()
            back = read_outcome_workbook(filled, _CAMPAIGN)
            seconds.append(time.perf_counter() - start)
            start = time.perf_counter()
            wb = load_workbook(filled, read_only=True, data_only=True)
            cells = sum(len(row) for ws in wb.worksheets for row in ws.iter_rows(values_only=True))
            wb.close()
            floor.append(time.perf_counter() - start)
    return {
        "seconds": _best(seconds),
        "floor_seconds": _best(floor),
        "runs": [round(s, 2) for s in seconds],
        "floor_runs": [round(s, 2) for s in floor],
        "rows": N,
        "filled": len(back.filled),
        "rejected": len(back.rejected),
        "cells": cells,
    }


BENCHMARKS = {
    "call_lists_export_100k": call_lists_export_100k,
    "outcomes_read_100k": outcomes_read_100k,
}
