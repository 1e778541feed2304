"""Interleaved product/floor timing shared by the benchmarks and ``bench/run.py``.

A benchmark module may expose, beside ``BENCHMARKS``, ``PAIRS: dict[str,
Callable[[], Pair]]``: the callable prepares the data (untimed) and returns a
``Pair`` whose ``product`` and ``floor`` each do one run. ``run.py`` then runs
them interleaved (P F P F P F), ``--runs`` times each, and reports medians.

A ``product`` or ``floor`` returns ``None`` (``run.py`` times the whole call)
or a float: the seconds it timed itself, when part of the call is setup that
the product does not pay at that moment either (e.g. building a cold model).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

MIN_RUNS = 3


@dataclass
class Pair:
    """One product run and one floor run, to be interleaved."""

    product: Callable[[], float | None]
    floor: Callable[[], float | None]
    # Figures added to the JSON line once every run is done (counts, memory...).
    figures: Callable[[], dict[str, object]] = field(default=dict)
    close: Callable[[], None] = field(default=lambda: None)
    # A floor on the number of runs, for quick and noisy measures (``--runs`` may ask more).
    min_runs: int = MIN_RUNS


def _timed(work: Callable[[], float | None]) -> float:
    start = time.perf_counter()
    own = work()
    return float(own) if own is not None else time.perf_counter() - start


def interleave(pair: Pair, runs: int) -> dict[str, object]:
    """Run ``pair`` P F P F..., ``runs`` times each; medians and every run."""
    seconds: list[float] = []
    floors: list[float] = []
    try:
        for _ in range(max(runs, pair.min_runs)):
            seconds.append(_timed(pair.product))
            floors.append(_timed(pair.floor))
        figures = pair.figures()
    finally:
        pair.close()
    return medians(seconds, floors) | figures


def medians(seconds: list[float], floors: list[float]) -> dict[str, object]:
    """The fields every benchmark reports: medians, run count and every run."""
    return {
        "seconds": round(statistics.median(seconds), 4),
        "floor_seconds": round(statistics.median(floors), 4),
        "runs": len(seconds),
        "seconds_all": [round(s, 4) for s in seconds],
        "floor_all": [round(s, 4) for s in floors],
    }


RUNS_ENV = "PLANNER_BENCH_RUNS"


def runs() -> int:
    """The ``--runs`` of ``bench/run.py`` (its environment variable), at least 3."""
    import os

    return max(MIN_RUNS, int(os.environ.get(RUNS_ENV, MIN_RUNS)))
