"""The weekly *accompagnées* chart: the target's dashed line at its level, its value on it."""

from __future__ import annotations

import datetime as dt

import polars as pl
from PySide6.QtCharts import QLineSeries
from PySide6.QtCore import QPointF, QSize
from PySide6.QtWidgets import QGraphicsSimpleTextItem
from pytestqt.qtbot import QtBot

from planner.ui.followup.dashboard_chart_view import ChartWidget
from planner.ui.followup.dashboard_charts import DashboardChart
from planner.ui.followup.dashboard_journey_charts import accompanied_figure


def _weekly(values: list[int]) -> pl.DataFrame:
    monday = dt.date(2026, 11, 2)
    return pl.DataFrame(
        {
            "week": [monday + dt.timedelta(weeks=i) for i in range(len(values))],
            "accompanied": values,
        }
    )


def test_the_target_line_is_drawn_at_its_level_with_its_value(qtbot: QtBot) -> None:
    figure = accompanied_figure(_weekly([10, 30, 44, 36]), 25)
    assert isinstance(figure, DashboardChart)
    widget = ChartWidget()
    qtbot.addWidget(widget)
    widget.resize(QSize(800, 400))
    widget.show()
    widget.show_figure(figure)
    level = next(s for s in figure.series() if s.name().startswith("Objectif"))
    assert isinstance(level, QLineSeries)
    assert level.name() == "Objectif hebdomadaire : 25"
    assert {p.y() for p in level.points()} == {25.0}
    pins = {i.text(): i for i in figure.childItems() if isinstance(i, QGraphicsSimpleTextItem)}
    pin = pins["Objectif : 25"]
    qtbot.waitUntil(pin.isVisible)
    # written just above the dashed line, inside the plot, not on the x axis
    on_line = figure.mapToPosition(QPointF(1.5, 25.0), level)
    bottom = pin.pos().y() + pin.boundingRect().height()
    assert on_line.y() - 12 < bottom <= on_line.y()
    assert figure.plotArea().contains(pin.pos())
    area = figure.plotArea()
    assert area.bottom() - on_line.y() > 0.4 * area.height()  # 25 of an axis to 50


def test_no_target_no_line_and_no_label(qtbot: QtBot) -> None:
    del qtbot  # a QApplication is needed for the charts
    figure = accompanied_figure(_weekly([3, 5]), None)
    assert isinstance(figure, DashboardChart)
    assert [s.name() for s in figure.series()] == ["Accompagnées dans la semaine"]
    texts = [i.text() for i in figure.childItems() if isinstance(i, QGraphicsSimpleTextItem)]
    assert not any(t.startswith("Objectif") for t in texts)
