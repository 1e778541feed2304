"""Reader of the demo's reference tables (``resources/demo``).

The fictitious SIRENE stock draws its activities, headcount bands, legal
forms, street types and words from these files (see
``resources/demo/README.md`` for where each comes from). They are read once
per process and handed over as plain typed records.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from planner.io.resources import resource_path

__all__ = ["Activity", "CompanyForm", "DemoTables", "HeadcountBand", "load_demo_tables"]


@dataclass(frozen=True)
class Activity:
    """A NAF rév. 2 sous-classe common among TPE/PME of an urban bassin."""

    code: str
    weight: float
    trade: str
    """Trade word used to build firm names."""
    flags: str
    """C = craft sector, A = mostly associations, S = companies only."""


@dataclass(frozen=True)
class HeadcountBand:
    """A trancheEffectifs code with its weight among companies, sole traders and closed sites."""

    code: str
    p_company: float
    p_sole: float
    p_closed: float


@dataclass(frozen=True)
class CompanyForm:
    """A categorieJuridiqueUniteLegale of companies, with the short form used in names."""

    code: str
    form: str
    weight: float


@dataclass(frozen=True)
class DemoTables:
    """Every table of ``resources/demo``, in file order."""

    activities: tuple[Activity, ...]
    bands: tuple[HeadcountBand, ...]
    company_forms: tuple[CompanyForm, ...]
    street_types: tuple[tuple[str, float], ...]
    words: dict[str, tuple[str, ...]]
    """Word lists by name (surnames, first names, places, invented words...)."""


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def load_demo_tables(directory: Path | None = None) -> DemoTables:
    """The demo tables of ``directory`` (default ``resources/demo``), read once."""
    base = directory if directory is not None else resource_path("demo")
    with (base / "words.json").open(encoding="utf-8") as handle:
        words: dict[str, list[str]] = json.load(handle)
    return DemoTables(
        activities=tuple(
            Activity(row["code"], float(row["weight"]), row["trade"], row["flags"])
            for row in _rows(base / "naf_activities.csv")
        ),
        bands=tuple(
            HeadcountBand(
                row["band"], float(row["p_company"]), float(row["p_sole"]), float(row["p_closed"])
            )
            for row in _rows(base / "headcount_bands.csv")
        ),
        company_forms=tuple(
            CompanyForm(row["code"], row["form"], float(row["weight"]))
            for row in _rows(base / "company_forms.csv")
        ),
        street_types=tuple(
            (row["type"], float(row["weight"])) for row in _rows(base / "street_types.csv")
        ),
        words={name: tuple(values) for name, values in words.items()},
    )
