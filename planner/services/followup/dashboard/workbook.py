"""The follow-up dashboard as an Excel workbook: one sheet per table, French headers
(the sheets' layout is :mod:`planner.io.dashboard_workbook`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from planner.db.store import CampaignStore
from planner.io.dashboard_workbook import (
    DATE_FORMAT,
    RATE_FORMAT,
    SHARE_FORMAT,
    TableSheet,
    write_table_sheets,
)
from planner.services.followup.dashboard.accompanied import (
    SERVICE_LABELS,
    WEEKLY_LABELS,
    services_table,
    weekly_table,
)
from planner.services.followup.dashboard.data import (
    AXES,
    AXIS_LABELS,
    COLUMN_LABELS,
    Axis,
    FollowupData,
    axis_table,
    load_followup,
)
from planner.services.followup.dashboard.journey import (
    JOURNEY_AXIS_LABELS,
    JOURNEY_LABELS,
    RATES,
    JourneyAxis,
    JourneyData,
    journey_table,
)
from planner.services.followup.dashboard.needs import NEEDS_LABELS, needs_table
from planner.services.followup.dashboard.progress import PROGRESS_LABELS, progress_table

__all__ = [
    "DATE_FORMAT",
    "JOURNEY_SHEETS",
    "NEEDS_SHEET",
    "PROGRESS_SHEET",
    "SERVICES_SHEET",
    "SHARE_FORMAT",
    "WEEKLY_SHEET",
    "export_dashboard_xlsx",
    "journey_sheets",
    "write_dashboard_workbook",
]

PROGRESS_SHEET = "Avancement dans le temps"
NEEDS_SHEET = "Besoins par métier"
JOURNEY_SHEETS: dict[str, str] = {
    "partner": "Parcours par partenaire",
    "team": "Parcours par équipe",
    "adviser": "Parcours par conseiller",
    "commune": "Parcours par commune",
    "section": "Parcours par section NAF",
    "band": "Parcours par effectif",
}
WEEKLY_SHEET = "Accompagnées par semaine"
SERVICES_SHEET = "Services réalisés"


def _rows(table: pl.DataFrame) -> list[tuple[Any, ...]]:
    return list(table.iter_rows())


def write_dashboard_workbook(
    data: FollowupData, path: str | Path, *, axes: Sequence[Axis] = AXES
) -> None:
    """Write the axis tables (all five by default), the weekly progress, the needs
    by métier and, once read, the firms' journey by the same axes (all six by default,
    the headcount band included), the weekly *accompagnées* and the services realised,
    to ``path``, atomically."""
    sheets: list[TableSheet] = []
    for axis in axes:
        table = axis_table(data, axis)
        headers = [AXIS_LABELS[axis], *(COLUMN_LABELS[c] for c in table.columns[1:])]
        sheets.append(TableSheet(AXIS_LABELS[axis], headers, _rows(table)))
    progress = progress_table(data)
    sheets.append(
        TableSheet(
            PROGRESS_SHEET,
            [PROGRESS_LABELS[c] for c in progress.columns],
            _rows(progress),
            {0: DATE_FORMAT, progress.columns.index("share"): SHARE_FORMAT},
        )
    )
    needs = needs_table(data)
    sheets.append(TableSheet(NEEDS_SHEET, [NEEDS_LABELS[c] for c in needs.columns], _rows(needs)))
    if data.journey is not None:
        journey_axes: list[JourneyAxis] = list(axes)
        if tuple(axes) == AXES:
            journey_axes.append("band")
        sheets.extend(journey_sheets(data.journey, journey_axes))
    write_table_sheets(sheets, path)


def export_dashboard_xlsx(store: CampaignStore, path: str) -> None:
    """The dashboard as a workbook: one sheet per axis, the weekly progress, needs by métier."""
    write_dashboard_workbook(load_followup(store), path)


def journey_sheets(journey: JourneyData, axes: Sequence[JourneyAxis]) -> list[TableSheet]:
    """The firms' journey by each of ``axes``, the weekly *accompagnées* and the services
    realised by type, as sheets (conversions as fractions shown ``12,5 %``)."""
    sheets: list[TableSheet] = []
    for axis in axes:
        table = journey_table(journey, axis)
        headers = [JOURNEY_AXIS_LABELS[axis], *(JOURNEY_LABELS[c] for c in table.columns[1:])]
        rates = {table.columns.index(c): RATE_FORMAT for c in RATES}
        sheets.append(TableSheet(JOURNEY_SHEETS[axis], headers, _rows(table), rates))
    weekly = weekly_table(journey)
    sheets.append(
        TableSheet(
            WEEKLY_SHEET,
            [WEEKLY_LABELS[c] for c in weekly.columns],
            _rows(weekly),
            {0: DATE_FORMAT, weekly.columns.index("share"): RATE_FORMAT},
        )
    )
    services = services_table(journey).with_columns(
        pl.col("counts").replace_strict({True: "oui", False: "non"}, return_dtype=pl.String())
    )
    sheets.append(
        TableSheet(SERVICES_SHEET, [SERVICE_LABELS[c] for c in services.columns], _rows(services))
    )
    return sheets
