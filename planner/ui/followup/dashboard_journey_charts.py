"""Charts of the firms' journey: the stages by axis, and the weekly *accompagnées*
against the coordinator's target (drawn like the other dashboard charts)."""

from __future__ import annotations

import polars as pl
from PySide6.QtCore import QPointF

from planner.domain.french_numbers import integer
from planner.services.followup.dashboard.journey import STAGE_LABELS, TOTAL_ROW
from planner.ui.followup.dashboard_charts import (
    DashboardChart,
    Figure,
    Series,
    bar_chart,
    line_chart,
)

JOURNEY_SERIES = (
    ("contacted", "#9ecae1"),
    ("reached", "#4292c6"),
    ("with_need", "#08519c"),
    ("accompanied", "#2f855a"),
)
ACCOMPANIED_COLOR = "#2f855a"


def journey_figure(table: pl.DataFrame) -> Figure:
    """Bars of firms contacted, reached, with a need and *accompagnées* per value of the
    table's axis (its first column), the most contacted first; the total row left out.

    The firms targeted are in the table: drawn, they would flatten every other bar.
    """
    axis = table.columns[0]
    rows = table.filter(pl.col(axis) != TOTAL_ROW).sort(
        ["contacted", "accompanied", axis], descending=[True, True, False]
    )
    labels = [str(v) for v in rows[axis]]
    series = [
        Series(STAGE_LABELS[key], color, rows[key].to_list()) for key, color in JOURNEY_SERIES
    ]
    return bar_chart(labels, series)


def accompanied_figure(weekly: pl.DataFrame, target: int | None) -> Figure:
    """The firms *accompagnées* each week, and the weekly target as a dashed line.

    The target's value is written on its line (ending mid-chart, clear of the last
    week's value), so that the line reads as the target even where the weeks'
    counts dwarf it.
    """
    weeks = weekly["week"].to_list()
    line = Series(
        "Accompagnées dans la semaine", ACCOMPANIED_COLOR, weekly["accompanied"].to_list()
    )
    figure = line_chart(
        weeks,
        [line],
        reference=("Objectif hebdomadaire", float(target)) if target else None,
        title="Entreprises accompagnées par semaine",
    )
    if target and isinstance(figure, DashboardChart):
        middle = QPointF((len(weeks) - 1) / 2, float(target))
        figure.pin(f"Objectif : {integer(target)}", middle, "above")
    return figure
