"""Charts of the follow-up dashboard, built with Qt Charts.

The same figures are shown in the window and rendered to images for the PDF
(``dashboard_chart_view``), so what is printed is what the coordinator saw. A
figure is a :class:`DashboardChart`, or the French message shown in its place
when there is nothing to draw.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import polars as pl
from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QCategoryAxis,
    QChart,
    QHorizontalBarSeries,
    QLegend,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import (
    QLocale,
    QMargins,
    QPointF,
    QRectF,
    QSizeF,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPen
from PySide6.QtWidgets import (
    QGraphicsSimpleTextItem,
)

from planner.domain.french_numbers import decimal, integer
from planner.services.followup.dashboard.progress import TOTAL

PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
CAPACITY_COLOR = "#c0392b"
ROW_HEIGHT = 18.0  # the smallest readable bar group, in pixels
MAX_ROW_HEIGHT = 60.0  # bars no thicker than this when few groups share a tall chart
FRENCH = QLocale(QLocale.Language.French, QLocale.Country.France)
Pin = Literal["after", "above"]


@dataclass(frozen=True)
class Series:
    """One named set of values drawn in one colour."""

    name: str
    color: str
    values: Sequence[float]


def number(value: float) -> str:
    """A count written the French way: 12 345."""
    return integer(round(value))


def percent(value: float) -> str:
    return f"{round(value * 100)} %"


def rate(value: float) -> str:
    """A conversion rate to a tenth, the French way: 12,5 %."""
    return f"{decimal(value * 100, 1)} %"


def _nice_step(peak: float, ticks: int = 5) -> float:
    raw = max(peak, 1e-9) / ticks
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def _rich(text: str) -> str:
    """Qt Charts draws axis, legend and title texts as rich text: show them as typed."""
    return html.escape(text, quote=False)


class DashboardChart(QChart):
    """A chart with texts pinned to data points and a hook run when its size changes.

    Pinned texts (a bar's value, a line's last value) follow their point when
    the plot area moves; :meth:`fit` lets a figure adapt to its height (bars
    that fit) or width (week labels that fit).
    """

    def __init__(self) -> None:
        super().__init__()
        self.setLocalizeNumbers(True)
        self.setLocale(FRENCH)
        self.setBackgroundRoundness(0)
        self.setBackgroundBrush(QColor("white"))
        self.setMargins(QMargins(4, 4, 4, 4))
        self.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
        self.legend().setMarkerShape(QLegend.MarkerShape.MarkerShapeFromSeries)
        self._pins: list[tuple[QGraphicsSimpleTextItem, QPointF, Pin]] = []
        self._fit: Callable[[QSizeF], None] | None = None
        self.plotAreaChanged.connect(self._on_chart_plot_area_changed)
        self._connected = True

    def pin(self, text: str, value: QPointF, where: Pin) -> None:
        """Write ``text`` by the data point ``value``: after it (a bar's end) or above it."""
        item = QGraphicsSimpleTextItem(text, self)
        item.setBrush(QColor("black"))
        self._pins.append((item, value, where))
        self._place_pins()

    def set_fit(self, fit: Callable[[QSizeF], None]) -> None:
        self._fit = fit

    def fit(self, size: QSizeF) -> None:
        """Resize the chart and let the figure adapt what it shows to the new size."""
        self.resize(size)
        if self._fit is not None:
            self._fit(size)
        self._place_pins()

    def dispose(self) -> None:
        """Cut what ties the chart to Python, before whoever owns it deletes it.

        The chart's own ``plotAreaChanged`` runs a Python method of the chart and
        the figure's fit (a closure over the chart and its axes) and the pins are
        held by the Python object: disconnected and dropped here, nothing of Python
        runs while Qt takes the chart down, and no reference cycle leaves its
        deletion to the garbage collector. The chart draws nothing afterwards.
        """
        if self._connected:
            self.plotAreaChanged.disconnect(self._on_chart_plot_area_changed)
            self._connected = False
        self._fit = None
        self._pins.clear()

    def _on_chart_plot_area_changed(self, _area: QRectF) -> None:
        self._place_pins()

    def _place_pins(self) -> None:
        series = self.series()
        area = self.plotArea()
        for item, value, where in self._pins:
            point = self.mapToPosition(value, series[0]) if series else QPointF()
            box = item.boundingRect()
            if where == "after":  # a bar's value, after its end
                x, y = point.x() + 4, point.y() - box.height() / 2
            else:  # a line's last value, above and left of the point
                x, y = point.x() - box.width() - 4, point.y() - box.height() - 6
            item.setPos(x, y)
            item.setVisible(area.adjusted(-2, -box.height(), 2, 2).contains(QPointF(x, y)))


Figure = DashboardChart | str


def _elided(labels: Sequence[str], width: float) -> list[str]:
    """Labels cut in the middle to ``width`` pixels, kept distinct (the axis needs it)."""
    metrics = QFontMetricsF(QFont())
    seen: set[str] = set()
    out = []
    for label in labels:
        text = metrics.elidedText(label, Qt.TextElideMode.ElideMiddle, width)
        while text in seen:
            text += "\u200b"
        seen.add(text)
        out.append(text)
    return out


def bar_chart(
    labels: Sequence[str], series: Sequence[Series], *, label_width: float = 300.0
) -> Figure:
    """Grouped horizontal bars, one group per label, first label on top.

    The first series sets the scale and has its value written after the bar.
    Groups that do not fit the chart's height are counted in a note at the bottom.
    """
    if not labels:
        return "Aucune donnée"
    chart = DashboardChart()
    chart.legend().setMarkerShape(QLegend.MarkerShape.MarkerShapeRectangle)
    # Qt draws the first category and the first set at the bottom: give them in
    # reverse so the largest group is on top, its sets in the legend's order.
    chart.legend().setReverseMarkers(True)
    bars = QHorizontalBarSeries()
    for s in reversed(series):
        bar_set = QBarSet(_rich(s.name))
        bar_set.setColor(QColor(s.color))
        bar_set.setBorderColor(QColor(s.color))
        bar_set.append([float(v) for v in reversed(s.values)])
        bars.append(bar_set)
    chart.addSeries(bars)
    names = [_rich(text) for text in _elided(labels, label_width)]
    categories = QBarCategoryAxis()
    categories.append(names[::-1])
    categories.setGridLineVisible(False)
    categories.setTruncateLabels(False)  # cut to ``label_width`` above, in the middle
    chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
    bars.attachAxis(categories)
    values = QValueAxis()
    values.setLabelFormat("%.0f")
    chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
    bars.attachAxis(values)
    first = series[0].values
    for index, value in enumerate(first):
        at = QPointF(float(value), float(len(first) - 1 - index))
        chart.pin(number(value), at, "after")
    note = QFont(values.titleFont())
    note.setBold(False)
    values.setTitleFont(note)
    values.setTitleBrush(QColor("#555555"))
    line_h = QFontMetricsF(note).height() + 6

    def fit(_size: QSizeF) -> None:
        plot_h = chart.plotArea().height() + (line_h if values.isTitleVisible() else 0.0)
        shown = len(labels)
        if shown * ROW_HEIGHT > plot_h:
            shown = max(int((plot_h - line_h) // ROW_HEIGHT), 1)
        values.setTitleVisible(shown < len(labels))
        values.setTitleText(f"… et {len(labels) - shown} autres : voir le tableau")
        categories.setRange(names[shown - 1], names[0])
        peak = max(max((s.values[i] for s in series for i in range(shown)), default=1), 1)
        # Room for the value written after the longest bar; whole counts on the axis.
        step = max(_nice_step(peak * 1.08), 1.0)
        values.setRange(0.0, step * math.ceil(peak * 1.08 / step))
        values.setTickCount(round(values.max() / step) + 1)
        row_h = (plot_h - (line_h if shown < len(labels) else 0.0)) / shown
        bars.setBarWidth(0.8 * min(1.0, MAX_ROW_HEIGHT / max(row_h, 1.0)))

    values.setTitleVisible(False)
    chart.set_fit(fit)
    return chart


def line_chart(
    weeks: Sequence[dt.date],
    series: Sequence[Series],
    *,
    reference: tuple[str, float] | None = None,
    as_percent: bool = False,
    title: str = "",
) -> Figure:
    """Lines over weeks (labelled jj/mm), with an optional dashed reference level.

    Args:
        weeks: the x positions, one per week (its Monday).
        series: one line each, a value per week.
        reference: a label and a level drawn as a dashed line (the capacity).
        as_percent: values are shares, written as percentages.
        title: written above the legend.
    """
    if not weeks:
        return "Aucun contact enregistré pour l'instant"
    fmt = percent if as_percent else number
    scale = 100.0 if as_percent else 1.0
    chart = DashboardChart()
    if title:
        font = QFont(chart.titleFont())
        font.setBold(True)
        chart.setTitleFont(font)
        chart.setTitle(_rich(title))
    peak = max([v for s in series for v in s.values] + [reference[1] if reference else 0])
    step = max(
        _nice_step(peak * 1.05 if peak > 0 else (1.0 if as_percent else 10.0)),
        0.01 if as_percent else 1.0,  # whole counts and percentages: no tick written twice
    )
    y_max = step * math.ceil(max(peak * 1.05, step) / step)
    pad = 0.5 if len(weeks) == 1 else 0.25
    x_min, x_max = -pad, len(weeks) - 1 + pad
    x_axis = QCategoryAxis()
    x_axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    x_axis.setRange(x_min, x_max)
    x_axis.setGridLineVisible(False)
    y_axis = QValueAxis()
    y_axis.setRange(0.0, y_max * scale)
    y_axis.setTickCount(round(y_max / step) + 1)
    y_axis.setLabelFormat("%.0f %" if as_percent else "%.0f")  # "%%" would stay doubled
    chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
    lines = []
    for s in series:
        line = QLineSeries()
        line.setName(_rich(s.name))
        line.setPen(QPen(QColor(s.color), 2.5))
        line.setColor(QColor(s.color))
        line.setPointsVisible(True)
        line.setMarkerSize(6.0)
        for index, value in enumerate(s.values):
            line.append(float(index), float(value) * scale)
        lines.append(line)
    if reference is not None:
        level = QLineSeries()
        level.setName(_rich(f"{reference[0]} : {fmt(reference[1])}"))
        level.setPen(QPen(QColor(CAPACITY_COLOR), 2, Qt.PenStyle.DashLine))
        level.append(x_min, reference[1] * scale)
        level.append(x_max, reference[1] * scale)
        lines.append(level)
    for line in lines:
        chart.addSeries(line)
        line.attachAxis(x_axis)
        line.attachAxis(y_axis)
    if len(series) > 3:  # Qt's legend does not wrap: a column on the right keeps the names
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
    if len(series) <= 2:
        for s in series:
            if s.values:
                last = QPointF(float(len(s.values) - 1), float(s.values[-1]) * scale)
                chart.pin(fmt(s.values[-1]), last, "above")
    label_w = QFontMetricsF(x_axis.labelsFont()).horizontalAdvance("00/00") + 10

    def fit(_size: QSizeF) -> None:
        width = max(chart.plotArea().width(), 1.0)
        every = max(1, math.ceil(len(weeks) * label_w / width))
        for label in x_axis.categoriesLabels():
            x_axis.remove(label)
        for index, week in enumerate(weeks):
            if index % every == 0:
                x_axis.append(week.strftime("%d/%m"), float(index))

    chart.set_fit(fit)
    return chart


# --- the dashboard's figures ------------------------------------------------------

AXIS_SERIES = (
    ("assigned", "Entreprises attribuées", "#9ecae1"),
    ("contacted", "Contactées", "#4292c6"),
    ("reached", "Jointes", "#08519c"),
)
CONTACTED_COLOR = "#2b6cb0"
REACHED_COLOR = "#2f855a"


def axis_figure(table: pl.DataFrame) -> Figure:
    """Bars of firms assigned, contacted and reached per value of the table's axis."""
    ordered = table.sort(["assigned", table.columns[0]], descending=[True, False])
    labels = [str(v) for v in ordered[table.columns[0]]]
    series = [Series(name, color, ordered[key].to_list()) for key, name, color in AXIS_SERIES]
    return bar_chart(labels, series)


def progress_figure(progress: pl.DataFrame, team: str | None) -> Figure:
    """Weekly cumulative firms contacted and reached by ``team`` against its capacity.

    With ``team=None``, compares the teams: each team's contacted firms as a
    share of its capacity, the capacity at 100 %.
    """
    if team is None:
        title = (
            "Entreprises contactées, en part de la capacité de chaque équipe (cumul par semaine)"
        )
        teams = [t for t in progress["team"].unique(maintain_order=True) if t != TOTAL]
        weeks = progress.filter(pl.col("team") == TOTAL)["week"].to_list()
        series = [
            Series(
                name,
                PALETTE[index % len(PALETTE)],
                progress.filter(pl.col("team") == name)["share"].fill_null(0.0).to_list(),
            )
            for index, name in enumerate(teams)
        ]
        return line_chart(weeks, series, reference=("Capacité", 1.0), as_percent=True, title=title)
    title = f"{team} : entreprises contactées et jointes (cumul par semaine)"
    rows = progress.filter(pl.col("team") == team)
    weeks = rows["week"].to_list()
    capacity = rows["capacity"].max() if not rows.is_empty() else None
    lines = [
        Series("Contactées (cumul)", CONTACTED_COLOR, rows["contacted"].to_list()),
        Series("Jointes (cumul)", REACHED_COLOR, rows["reached"].to_list()),
    ]
    reference = ("Capacité", float(capacity)) if isinstance(capacity, int | float) else None
    return line_chart(weeks, lines, reference=reference, title=title)


def needs_figure(needs: pl.DataFrame) -> Figure:
    """Bars of posts collected and offers deposited per ROME métier."""
    labels = [
        f"{code} — {label}" if label else code
        for code, label in zip(needs["rome_code"], needs["rome_label"], strict=True)
    ]
    series = [
        Series("Postes recueillis", "#2ca02c", needs["posts"].to_list()),
        Series("Offres déposées", "#98df8a", needs["offers"].to_list()),
    ]
    return bar_chart(labels, series, label_width=380)
