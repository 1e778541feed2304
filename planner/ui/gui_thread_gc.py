"""Python's cyclic garbage collection, run on the GUI thread only.

CPython collects reference cycles in whichever thread happens to allocate past
the collector's threshold: often a pool thread busy with an import. A cycle of
Python wrappers that owns a Qt object (a runner and the closures connected to
its signals, a dialog and its callbacks) would then destroy that object on the
pool thread, which Qt does not allow: the interpreter crashes later, in an
unrelated place (a deferred delete on freed memory, a web page torn down off
its thread). Automatic collection is therefore turned off, and a timer on the
GUI thread runs the collector with the same thresholds. Calibre and pyqtgraph
do the same for the same reason.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

_INTERVAL_MS = 500
_NAME = "plannerGuiThreadGc"


class GuiThreadCollector(QObject):
    """Runs ``gc.collect`` for the generations past their threshold, on its timer."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.setObjectName(_NAME)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(_INTERVAL_MS)
        gc.disable()

    def check(self) -> None:
        """Collect the oldest generation whose count is past its threshold."""
        counts = gc.get_count()
        thresholds = gc.get_threshold()
        for generation in (2, 1, 0):
            if counts[generation] > thresholds[generation]:
                gc.collect(generation)
                return


def collect_on_gui_thread() -> GuiThreadCollector:
    """Install the collector on the running application (once); return it."""
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("Le ramasse-miettes du fil principal demande une application Qt.")
    existing = app.findChild(GuiThreadCollector, _NAME)
    return existing if existing is not None else GuiThreadCollector(app)
