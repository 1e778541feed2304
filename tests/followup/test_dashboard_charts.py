"""The dashboard's Qt Charts figures: bars that fit, texts as typed, French numbers."""

from __future__ import annotations

from PySide6.QtCharts import QBarCategoryAxis, QValueAxis
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QGraphicsSimpleTextItem
from pytestqt.qtbot import QtBot

from planner.ui.followup.dashboard_chart_view import ChartWidget, figure_image
from planner.ui.followup.dashboard_charts import DashboardChart, Series, bar_chart


def _axes(chart: DashboardChart) -> tuple[QBarCategoryAxis, QValueAxis]:
    categories = next(a for a in chart.axes() if isinstance(a, QBarCategoryAxis))
    values = next(a for a in chart.axes() if isinstance(a, QValueAxis))
    return categories, values


def _pinned(chart: DashboardChart) -> list[str]:
    return [i.text() for i in chart.childItems() if isinstance(i, QGraphicsSimpleTextItem)]


def test_bars_that_do_not_fit_are_counted_in_a_note(qtbot: QtBot) -> None:
    labels = [f"Conseiller {i:02d}" for i in range(40)]
    values = [float(100 - i) for i in range(40)]
    figure = bar_chart(labels, [Series("Entreprises attribuées", "#9ecae1", values)])
    assert isinstance(figure, DashboardChart)
    widget = ChartWidget()
    qtbot.addWidget(widget)
    widget.resize(800, 300)
    widget.show()
    widget.show_figure(figure)
    categories, axis = _axes(figure)
    qtbot.waitUntil(axis.isTitleVisible)
    hidden = int(axis.titleText().split()[2])
    assert 0 < hidden < 40
    assert axis.titleText() == f"… et {hidden} autres : voir le tableau"
    assert categories.max() == "Conseiller 00"  # the largest on top
    assert categories.min() == f"Conseiller {39 - hidden:02d}"

    widget.resize(800, 40 * 18 + 200)  # tall enough for every group
    qtbot.waitUntil(lambda: not axis.isTitleVisible())
    assert categories.min() == "Conseiller 39"


def test_chart_texts_show_as_typed_and_numbers_the_french_way(qtbot: QtBot) -> None:
    del qtbot  # a QApplication is needed for the charts
    figure = bar_chart(
        ["<b>Gras</b> & co", "Autre"], [Series("Entreprises attribuées", "#9ecae1", [12345, 7])]
    )
    assert isinstance(figure, DashboardChart)
    categories, _ = _axes(figure)
    # Qt Charts reads axis labels as rich text: they are escaped to show as typed.
    assert set(categories.categories()) == {"&lt;b&gt;Gras&lt;/b&gt; &amp; co", "Autre"}
    assert sorted(_pinned(figure)) == ["12\u202f345", "7"]
    image = figure_image(figure, QSize(400, 200), scale=1.0)
    assert image.size() == QSize(400, 200)
    assert image.pixelColor(399, 199).name() == "#ffffff"
    assert _drawn(image) > 200


def test_no_data_gives_the_message_in_place_of_the_chart(qtbot: QtBot) -> None:
    assert bar_chart([], []) == "Aucune donnée"
    widget = ChartWidget()
    qtbot.addWidget(widget)
    widget.show_figure("Aucune donnée")
    assert widget.message.text() == "Aucune donnée"
    assert widget.chart() is None
    assert _drawn(figure_image("Aucune donnée", QSize(300, 100), scale=1.0)) > 0


def _drawn(image: QImage) -> int:
    return sum(
        image.pixelColor(x, y).name() != "#ffffff"
        for y in range(0, image.height(), 2)
        for x in range(0, image.width(), 2)
    )


def test_small_counts_have_whole_ticks(qtbot: QtBot) -> None:
    figure = bar_chart(["A", "B"], [Series("Entreprises attribuées", "#9ecae1", [1, 1])])
    assert isinstance(figure, DashboardChart)
    widget = ChartWidget()
    qtbot.addWidget(widget)
    widget.resize(400, 300)
    widget.show_figure(figure)
    _, axis = _axes(figure)
    qtbot.waitUntil(lambda: axis.max() > 1)
    step = (axis.max() - axis.min()) / (axis.tickCount() - 1)
    ticks = [axis.min() + i * step for i in range(axis.tickCount())]
    assert all(t == round(t) for t in ticks), ticks  # never "0, 0, 1, 1, 1"
