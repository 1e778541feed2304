"""Call-list export and read-back at 50,000 firms.

``call_lists_export_50k``: ``write_call_list`` of 50,000 rows over 20 adviser
sheets (validation, protection, styles, hidden key sheet included); floor: a
bare openpyxl write-only workbook of the same rows and columns, no styling.
``outcomes_read_50k``: ``read_outcome_workbook`` of that workbook with one row
in five filled in; floor: openpyxl read-only iteration over the same cells.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from planner.io.call_list_workbook import HEADERS, CallListMeta, CallListRow, write_call_list
from planner.io.outcome_workbook import read_outcome_workbook

N = 50_000
SHEETS = 20


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
            ws.cell(r, result, "Non joint")
            ws.cell(r, date, "12/3/25")
    wb.save(out)


def call_lists_export_50k() -> dict[str, Any]:
    sheets = _rows()
    meta = CallListMeta("Banc d'essai", "Partenaire", "bench", dt.datetime(2025, 3, 1))
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        write_call_list(Path(tmp) / "liste.xlsx", meta, sheets)
        seconds = time.perf_counter() - start
        start = time.perf_counter()
        _floor_write(Path(tmp) / "floor.xlsx", sheets)
        floor = time.perf_counter() - start
    return {"seconds": seconds, "floor_seconds": floor, "rows": N, "sheets": SHEETS}


def outcomes_read_50k() -> dict[str, Any]:
    sheets = _rows()
    meta = CallListMeta("Banc d'essai", "Partenaire", "bench", dt.datetime(2025, 3, 1))
    with tempfile.TemporaryDirectory() as tmp:
        path, filled = Path(tmp) / "liste.xlsx", Path(tmp) / "rempli.xlsx"
        write_call_list(path, meta, sheets)
        _fill(path, filled)
        start = time.perf_counter()
        back = read_outcome_workbook(filled)
        seconds = time.perf_counter() - start
        start = time.perf_counter()
        wb = load_workbook(filled, read_only=True, data_only=True)
        cells = sum(len(row) for ws in wb.worksheets for row in ws.iter_rows(values_only=True))
        wb.close()
        floor = time.perf_counter() - start
    return {
        "seconds": seconds,
        "floor_seconds": floor,
        "rows": N,
        "filled": len(back.filled),
        "rejected": len(back.rejected),
        "cells": cells,
    }


BENCHMARKS = {
    "call_lists_export_50k": call_lists_export_50k,
    "outcomes_read_50k": outcomes_read_50k,
}
