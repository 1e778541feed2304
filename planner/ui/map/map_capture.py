"""Pictures of the map: a grab that waits for the page's fresh frame, and PNG
bytes (the printed sheet is in ``map_print``).

Nothing here blocks: a grab polls with a timer and hands its image to a
callback.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QTimer
from PySide6.QtGui import QColor, QImage, QImageWriter
from PySide6.QtWebEngineWidgets import QWebEngineView

log = logging.getLogger(__name__)

_POLL_MS = 15


class MapExportError(RuntimeError):
    """The map could not be captured, printed or written."""


ImageReady = Callable[[QImage], None]
ExportFailed = Callable[[Exception], None]


class FrameGrab(QObject):
    """Grabs a view until its picture shows the page's frame token.

    The page paints a 1 px mark of a fresh colour (``token``) in its corner;
    grabs are polled until that colour shows, so the image is never a stale
    (or blank) frame. Deletes itself once it has called back.
    """

    def __init__(
        self,
        view: QWebEngineView,
        token: QColor | None,
        on_image: ImageReady,
        on_error: ExportFailed,
        timeout_ms: int,
    ) -> None:
        super().__init__(view)
        self._view = view
        self._token = token
        self._on_image = on_image
        self._on_error = on_error
        self._deadline = time.monotonic() + timeout_ms / 1000
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._on_timer_timeout)

    def start(self) -> None:
        """Take the first grab as soon as the event loop runs, then poll."""
        self._timer.start(0)

    def _on_timer_timeout(self) -> None:
        self._timer.setInterval(_POLL_MS)
        image = self._view.grab().toImage()
        fresh = self._token is None or image.pixelColor(0, 0) == self._token
        if fresh and not is_blank(image):
            self._finish(image, None)
        elif time.monotonic() >= self._deadline:
            if is_blank(image):
                error = MapExportError("La carte n'est pas encore affichée : capture impossible.")
                self._finish(image, error)
            else:
                log.warning(
                    "Capture de la carte : image peut-être antérieure au dernier changement."
                )
                self._finish(image, None)

    def _finish(self, image: QImage, error: MapExportError | None) -> None:
        self._timer.stop()
        self.deleteLater()
        if error is not None:
            self._on_error(error)
        else:
            self._on_image(image)


def png_bytes(image: QImage, path: str | Path) -> bytes:
    """The image encoded as PNG, for the file ``path`` (named in the error)."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not QImageWriter(buffer, QByteArray(b"PNG")).write(image):
        raise MapExportError(f"Impossible d'enregistrer l'image {path}.")
    return bytes(buffer.data().data())


def is_blank(image: QImage) -> bool:
    """True when a grid of samples finds fewer than three colours."""
    if image.isNull() or image.width() < 2 or image.height() < 2:
        return True
    colors: set[int] = set()
    step_x = max(1, image.width() // 40)
    step_y = max(1, image.height() // 30)
    for y in range(0, image.height(), step_y):
        for x in range(0, image.width(), step_x):
            colors.add(image.pixel(x, y))
            if len(colors) >= 3:
                return False
    return True
