"""Who owns the dashboard's charts, and when they are deleted.

A chart shown in a :class:`ChartWidget` is the view's and is deleted when the
next one replaces it; a chart rendered to an image stays its caller's, who
drops it. Many charts built, shown, replaced, rendered and collected in a row
must neither crash nor outlive their owner.
"""

from __future__ import annotations

import datetime as dt
import gc

from PySide6.QtCore import QSize
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QGraphicsSimpleTextItem
from pytestqt.qtbot import QtBot

from planner.ui.followup.dashboard_chart_view import ChartWidget, figure_image
from planner.ui.followup.dashboard_charts import DashboardChart, Series, bar_chart, line_chart
from planner.ui.followup.dashboard_pdf import _Document

WEEKS = [dt.date(2025, 1, 6) + dt.timedelta(weeks=w) for w in range(8)]


def _bars(n: int) -> DashboardChart:
    figure = bar_chart(
        [f"Conseiller {i}" for i in range(n)],
        [Series("Attribuées", "#9ecae1", [float(10 * (n - i)) for i in range(n)])],
    )
    assert isinstance(figure, DashboardChart)
    return figure


def _lines() -> DashboardChart:
    figure = line_chart(
        WEEKS,
        [Series("Contactées (cumul)", "#2b6cb0", [float(v) for v in range(8)])],
        reference=("Capacité", 10.0),
        title="Équipe 1",
    )
    assert isinstance(figure, DashboardChart)
    return figure


def _watch(chart: DashboardChart, deleted: list[str], tag: str) -> None:
    chart.destroyed.connect(lambda: deleted.append(tag))


def test_a_rendered_chart_stays_its_callers_until_dropped(qtbot: QtBot) -> None:
    del qtbot  # a QApplication is needed for the charts
    deleted: list[str] = []
    figure = _bars(3)
    _watch(figure, deleted, "rendered")
    first = figure_image(figure, QSize(400, 200), scale=1.0)
    QApplication.processEvents()  # no deferred deletion behind the caller's back
    assert figure.scene() is None
    again = figure_image(figure, QSize(400, 200), scale=1.0)
    assert again == first
    figure.dispose()
    del figure
    assert deleted == ["rendered"]  # at once: no cycle left for the garbage collector


def test_many_charts_shown_replaced_rendered_and_collected(qtbot: QtBot) -> None:
    widget = ChartWidget()
    qtbot.addWidget(widget)
    widget.resize(700, 420)
    widget.show()
    deleted: list[str] = []
    shown = 0
    for round_ in range(40):
        figure = _lines() if round_ % 2 else _bars(2 + round_ % 7)
        _watch(figure, deleted, "shown")
        widget.show_figure(figure)
        shown += 1
        if round_ % 5 == 0:
            widget.show_message("Lecture de la campagne…")
        widget.resize(700 + round_ % 3 * 40, 420)
        QApplication.processEvents()
        for rendered in (_bars(4), _lines()):
            _watch(rendered, deleted, "rendered")
            figure_image(rendered, QSize(300, 200), scale=1.0)
            rendered.dispose()
        del figure, rendered
        gc.collect()
        QApplication.processEvents()
    assert deleted.count("rendered") == 80
    assert deleted.count("shown") == shown - 1  # all but the chart on screen
    current = widget.chart()
    assert current is not None
    pins = [i for i in current.childItems() if isinstance(i, QGraphicsSimpleTextItem)]
    assert pins and all(p.scene() is current.scene() for p in pins)


def test_charts_printed_to_the_pdf_are_deleted_once_drawn(qtbot: QtBot) -> None:
    del qtbot  # a QApplication is needed for the charts
    deleted: list[str] = []
    layout = _Document(900.0, 600.0)
    for index in range(6):
        figure = _lines() if index % 2 else _bars(3 + index)
        _watch(figure, deleted, "printed")
        layout.chart(figure, 300.0)
    del figure
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    doc = layout.build(printer)
    # Neither left to a deleteLater() that no event loop runs nor to the collector.
    assert deleted == ["printed"] * 6
    assert not layout.images
    assert doc.toHtml().count("<img") == 6
