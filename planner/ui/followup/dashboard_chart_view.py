"""The dashboard's figures on screen and as images for the PDF."""

from __future__ import annotations

import shiboken6
from PySide6.QtCharts import QChartView
from PySide6.QtCore import QCoreApplication, QEvent, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QResizeEvent
from PySide6.QtWidgets import QGraphicsScene, QLabel, QSizePolicy, QStackedLayout, QWidget

from planner.ui.followup.dashboard_charts import DashboardChart, Figure


class ChartWidget(QWidget):
    """A figure on screen: the chart, or its message in grey on white."""

    def __init__(self, parent: QWidget | None = None, minimum_height: int = 260) -> None:
        super().__init__(parent)
        self.setMinimumHeight(minimum_height)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(self.backgroundRole(), QColor("white"))
        self.setPalette(palette)
        self._stack = QStackedLayout(self)
        self.view = _FittingChartView(self)
        self.message = QLabel(self)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setStyleSheet("color: #555555; background: white;")
        self._stack.addWidget(self.view)
        self._stack.addWidget(self.message)
        self._chart: DashboardChart | None = None

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(900, 420)

    def show_figure(self, figure: Figure) -> None:
        """Show ``figure`` from now on (the view owns it; the previous chart is deleted)."""
        if isinstance(figure, str):
            self.show_message(figure)
            return
        previous = self._chart
        self._chart = figure
        self.view.setChart(figure)
        figure.fit(QSizeF(self.view.viewport().size()))
        if previous is not None:
            # Out of the view's scene and released by the view (Qt for Python still
            # counts it as the view's): deleted here, its ties to Python cut first.
            # Not deleteLater(): outside a running event loop (tests, a slot run
            # before exec()) the deletions pile up and happen in whatever later
            # event loop, while the Python side of these charts is being collected.
            previous.dispose()
            shiboken6.delete(previous)
        self._stack.setCurrentWidget(self.view)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self._stack.setCurrentWidget(self.message)

    def chart(self) -> DashboardChart | None:
        """The chart shown last (``None`` before the first one)."""
        return self._chart


class _FittingChartView(QChartView):
    """A chart view that lets its figure adapt to every new size."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self.setFrameShape(QChartView.Shape.NoFrame)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        chart = self.chart()
        if isinstance(chart, DashboardChart):
            chart.fit(QSizeF(self.viewport().size()))


def figure_image(figure: Figure, size: QSize, scale: float = 2.0) -> QImage:
    """The figure drawn at ``size`` (layout pixels) into an image ``scale`` times finer.

    The chart is laid out in a scene of its own for the time of the drawing and
    given back out of any scene: it stays its caller's, who drops it
    (:meth:`DashboardChart.dispose` first) when done.
    """
    image = QImage(size * scale, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    target = QRectF(0, 0, image.width(), image.height())
    try:
        if isinstance(figure, str):
            painter.scale(scale, scale)
            painter.setPen(QColor("#555555"))
            painter.drawText(
                QRectF(0, 0, size.width(), size.height()), Qt.AlignmentFlag.AlignCenter, figure
            )
            return image
        scene = QGraphicsScene()
        scene.addItem(figure)
        try:
            for _ in range(2):  # lay out, fit to the plot area found, lay out again
                figure.fit(QSizeF(size))
                # Only the layout requests: no queued signal of the app runs in the middle.
                QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
            scene.render(painter, target, QRectF(0, 0, size.width(), size.height()))
        finally:
            scene.removeItem(figure)  # back to the caller, before the scene goes
    finally:
        painter.end()
    return image
