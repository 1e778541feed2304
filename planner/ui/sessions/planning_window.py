"""The sessions planning in a window of its own, beside the map.

A dock at the bottom of the main window shrank the map to a strip; this
window keeps the map at its size, and the user places it where they like
(a second screen, beside the main window).
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent, QHideEvent, QShowEvent
from PySide6.QtWidgets import QMainWindow, QWidget

from planner.ui.sessions.sessions_panel import SessionsPanel

_GEOMETRY_KEY = "sessions/geometry"


class PlanningWindow(QMainWindow):
    """« Planning des séances »: the sessions panel in its own window.

    Signals:
        shownChanged(bool): the window was shown (True) or hidden (False).
    """

    shownChanged = Signal(bool)  # noqa: N815

    def __init__(self, panel: SessionsPanel, settings: QSettings, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("sessions_planning_window")
        self.setWindowTitle("Planning des séances")
        self._settings = settings
        self.panel = panel
        panel.setParent(self)
        self.setCentralWidget(panel)
        geometry = settings.value(_GEOMETRY_KEY)
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            self.resize(1100, 720)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self.shownChanged.emit(True)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt API
        self._settings.setValue(_GEOMETRY_KEY, self.saveGeometry())
        super().hideEvent(event)
        self.shownChanged.emit(False)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        # Closing only hides it: the panel (and its undo history) stays for the next time.
        event.accept()
        self.hide()

    def bring_up(self) -> None:
        """Show the window in front (a pin clicked on the map, a session just saved)."""
        self.show()
        self.raise_()
        self.activateWindow()
