"""Charts of the follow-up dashboard, drawn with QPainter into any rectangle.

The same painting functions draw on screen (:class:`ChartWidget`) and in the
PDF export, so what is printed is what the coordinator saw.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

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

Painter = Callable[[QPainter, QRectF], None]


@dataclass(frozen=True)
class Series:
    """One named set of values drawn in one colour."""

    name: str
    color: str
    values: Sequence[float]


def number(value: float) -> str:
    """A count written the French way: 12 345."""
    return f"{round(value):,}".replace(",", "\u202f")


def percent(value: float) -> str:
    return f"{round(value * 100)} %"


def _nice_step(peak: float, ticks: int = 5) -> float:
    raw = max(peak, 1e-9) / ticks
    power: float = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def _legend(painter: QPainter, rect: QRectF, entries: Sequence[tuple[str, str, bool]]) -> float:
    """Draw legend entries (label, colour, dashed) flowing over lines; return the height used."""
    metrics = painter.fontMetrics()
    line_h = metrics.height() + 4
    x, y = rect.left(), rect.top()
    for label, color, dashed in entries:
        width = 26 + metrics.horizontalAdvance(label) + 16
        if x + width > rect.right() and x > rect.left():
            x, y = rect.left(), y + line_h
        mid = y + line_h / 2
        if dashed:
            painter.setPen(QPen(QColor(color), 2, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(x, mid), QPointF(x + 20, mid))
        else:
            painter.fillRect(QRectF(x, mid - 5, 20, 10), QColor(color))
        painter.setPen(QColor("black"))
        painter.drawText(
            QRectF(x + 26, y, width - 26, line_h), Qt.AlignmentFlag.AlignVCenter, label
        )
        x += width
    return y + line_h - rect.top()


def paint_message(painter: QPainter, rect: QRectF, text: str) -> None:
    painter.setPen(QColor("#555555"))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


def paint_bars(
    painter: QPainter,
    rect: QRectF,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    label_width: float = 300.0,
) -> None:
    """Grouped horizontal bars, one group per label, as many groups as fit in ``rect``.

    The first series sets the scale and has its value written after the bar.
    Groups that do not fit are counted in a note at the bottom.
    """
    if not labels:
        paint_message(painter, rect, "Aucune donnée")
        return
    painter.save()
    legend_h = _legend(painter, rect, [(s.name, s.color, False) for s in series])
    top = rect.top() + legend_h + 6
    metrics = painter.fontMetrics()
    note_h = metrics.height() + 4
    fit = max(int((rect.bottom() - top) // ROW_HEIGHT), 1)
    shown = (
        len(labels)
        if len(labels) <= fit
        else max(int((rect.bottom() - top - note_h) // ROW_HEIGHT), 1)
    )
    row_h = min((rect.bottom() - top - (note_h if shown < len(labels) else 0)) / shown, 60.0)
    peak = max(max((s.values[i] for s in series for i in range(shown)), default=1), 1)
    value_w = metrics.horizontalAdvance(number(peak)) + 12
    label_w = min(label_width, rect.width() / 3)
    bars_w = rect.width() - label_w - value_w - 8
    bar_h = max((row_h * 0.8) / len(series), 1.0)
    for i in range(shown):
        y = top + i * row_h
        painter.setPen(QColor("black"))
        painter.drawText(
            QRectF(rect.left(), y, label_w - 8, row_h),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
            metrics.elidedText(labels[i], Qt.TextElideMode.ElideMiddle, int(label_w - 12)),
        )
        for j, s in enumerate(series):
            length = bars_w * s.values[i] / peak
            bar = QRectF(rect.left() + label_w, y + row_h * 0.1 + j * bar_h, length, bar_h - 1)
            painter.fillRect(bar, QColor(s.color))
        painter.drawText(
            QRectF(
                rect.left() + label_w + bars_w * series[0].values[i] / peak + 4, y, value_w, row_h
            ),
            Qt.AlignmentFlag.AlignVCenter,
            number(series[0].values[i]),
        )
    painter.setPen(QColor("#999999"))
    painter.drawLine(
        QPointF(rect.left() + label_w, top), QPointF(rect.left() + label_w, top + shown * row_h)
    )
    if shown < len(labels):
        painter.setPen(QColor("#555555"))
        painter.drawText(
            QRectF(rect.left(), rect.bottom() - note_h, rect.width(), note_h),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            f"… et {len(labels) - shown} autres : voir le tableau",
        )
    painter.restore()


def paint_lines(
    painter: QPainter,
    rect: QRectF,
    weeks: Sequence[dt.date],
    series: Sequence[Series],
    *,
    reference: tuple[str, float] | None = None,
    as_percent: bool = False,
    title: str = "",
) -> None:
    """Lines over weeks (labelled jj/mm), with an optional dashed reference level.

    Args:
        painter: where to draw.
        rect: the chart's rectangle, legend and axes included.
        weeks: the x positions, one per week (its Monday).
        series: one line each, a value per week.
        reference: a label and a level drawn as a dashed line (the capacity).
        as_percent: values are shares, written as percentages.
        title: written above the legend.
    """
    if not weeks:
        paint_message(painter, rect, "Aucun contact enregistré pour l'instant")
        return
    painter.save()
    fmt = percent if as_percent else number
    metrics = painter.fontMetrics()
    top = rect.top()
    if title:
        plain = painter.font()
        bold = QFont(plain)
        bold.setBold(True)
        painter.setFont(bold)
        painter.drawText(QRectF(rect.left(), top, rect.width(), metrics.height() + 4), title)
        painter.setFont(plain)
        top += metrics.height() + 6
    entries = [(s.name, s.color, False) for s in series]
    if reference is not None:
        entries.append((f"{reference[0]} : {fmt(reference[1])}", CAPACITY_COLOR, True))
    top += _legend(painter, QRectF(rect.left(), top, rect.width(), 0), entries)
    top += metrics.height() / 2 + 6  # room for the top tick's label
    peak = max([v for s in series for v in s.values] + [reference[1] if reference else 0])
    step = _nice_step(peak * 1.05 if peak > 0 else (1.0 if as_percent else 10.0))
    y_max = step * math.ceil(max(peak * 1.05, step) / step)
    left = rect.left() + max(metrics.horizontalAdvance(fmt(y_max)), 30) + 10
    bottom = rect.bottom() - metrics.height() - 8
    right = rect.right() - 28
    plot = QRectF(left, top, right - left, bottom - top)

    def y_of(value: float) -> float:
        return plot.bottom() - plot.height() * value / y_max

    def x_of(index: int) -> float:
        if len(weeks) == 1:
            return plot.center().x()
        return plot.left() + 12 + (plot.width() - 24) * index / (len(weeks) - 1)

    tick = 0.0
    while tick <= y_max + 1e-9:
        y = y_of(tick)
        painter.setPen(QPen(QColor("#e0e0e0"), 1))
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.setPen(QColor("#333333"))
        painter.drawText(
            QRectF(rect.left(), y - 10, left - rect.left() - 6, 20),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            fmt(tick),
        )
        tick += step
    painter.setPen(QPen(QColor("#666666"), 1))
    painter.drawLine(plot.bottomLeft(), plot.bottomRight())
    painter.drawLine(plot.bottomLeft(), plot.topLeft())
    label_w = metrics.horizontalAdvance("00/00") + 10
    every = max(1, math.ceil(len(weeks) * label_w / max(plot.width(), 1)))
    for index, week in enumerate(weeks):
        x = x_of(index)
        painter.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 4))
        if index % every == 0:
            painter.drawText(
                QRectF(x - label_w / 2, plot.bottom() + 4, label_w, metrics.height() + 4),
                Qt.AlignmentFlag.AlignCenter,
                week.strftime("%d/%m"),
            )
    if reference is not None:
        painter.setPen(QPen(QColor(CAPACITY_COLOR), 2, Qt.PenStyle.DashLine))
        y = y_of(reference[1])
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    for s in series:
        color = QColor(s.color)
        painter.setPen(QPen(color, 2.5))
        points = [QPointF(x_of(i), y_of(v)) for i, v in enumerate(s.values)]
        for a, b in itertools.pairwise(points):
            painter.drawLine(a, b)
        painter.setBrush(QBrush(color))
        for point in points:
            painter.drawEllipse(point, 3.5, 3.5)
        if points and len(series) <= 2:
            painter.setPen(QColor("black"))
            last = points[-1]
            painter.drawText(
                QRectF(last.x() - 80, last.y() - metrics.height() - 6, 76, metrics.height() + 2),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
                fmt(s.values[-1]),
            )
    painter.restore()


class ChartWidget(QWidget):
    """A white canvas that runs one painting function over its whole area."""

    def __init__(self, parent: QWidget | None = None, minimum_height: int = 260) -> None:
        super().__init__(parent)
        self._paint: Painter | None = None
        self.setMinimumHeight(minimum_height)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_painter(self, paint: Painter | None) -> None:
        """Draw with ``paint(painter, rect)`` from now on."""
        self._paint = paint
        self.update()

    def paintEvent(self, _event: Any) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        if self._paint is not None:
            self._paint(painter, QRectF(self.rect()).adjusted(10, 8, -10, -8))
        painter.end()


# --- the dashboard's figures ------------------------------------------------------

AXIS_SERIES = (
    ("assigned", "Entreprises attribuées", "#9ecae1"),
    ("contacted", "Contactées", "#4292c6"),
    ("reached", "Jointes", "#08519c"),
)
CONTACTED_COLOR = "#2b6cb0"
REACHED_COLOR = "#2f855a"


def axis_figure(table: pl.DataFrame) -> Painter:
    """Bars of firms assigned, contacted and reached per value of the table's axis."""
    ordered = table.sort(["assigned", table.columns[0]], descending=[True, False])
    labels = [str(v) for v in ordered[table.columns[0]]]
    series = [Series(name, color, ordered[key].to_list()) for key, name, color in AXIS_SERIES]
    return lambda painter, rect: paint_bars(painter, rect, labels, series)


def progress_figure(progress: pl.DataFrame, team: str | None) -> Painter:
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
        return lambda painter, rect: paint_lines(
            painter,
            rect,
            weeks,
            series,
            reference=("Capacité", 1.0),
            as_percent=True,
            title=title,
        )
    title = f"{team} : entreprises contactées et jointes (cumul par semaine)"
    rows = progress.filter(pl.col("team") == team)
    weeks = rows["week"].to_list()
    capacity = rows["capacity"].max() if not rows.is_empty() else None
    lines = [
        Series("Contactées (cumul)", CONTACTED_COLOR, rows["contacted"].to_list()),
        Series("Jointes (cumul)", REACHED_COLOR, rows["reached"].to_list()),
    ]
    reference = ("Capacité", float(capacity)) if isinstance(capacity, int | float) else None
    return lambda painter, rect: paint_lines(
        painter, rect, weeks, lines, reference=reference, title=title
    )


def needs_figure(needs: pl.DataFrame) -> Painter:
    """Bars of posts collected and offers deposited per ROME métier."""
    labels = [
        f"{code} — {label}" if label else code
        for code, label in zip(needs["rome_code"], needs["rome_label"], strict=True)
    ]
    series = [
        Series("Postes recueillis", "#2ca02c", needs["posts"].to_list()),
        Series("Offres déposées", "#98df8a", needs["offers"].to_list()),
    ]
    return lambda painter, rect: paint_bars(painter, rect, labels, series, label_width=380)
