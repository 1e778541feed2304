"""Application-wide Qt set-up: names for QSettings, French translations, icon."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from planner import __version__
from planner.ui.gui_thread_gc import collect_on_gui_thread
from planner.ui.resources import resource_path

# Qt strings that qtbase_fr.qm (Qt 6.11) lacks: the file dialog's labels carry a
# mnemonic (« &Look in: ») that its catalogue only has without (« Look in: »).
QT_FRENCH_GAPS: dict[tuple[str, str], str] = {
    ("QFileDialog", "&Look in:"): "&Voir dans\u00a0:",
    ("QFileDialog", "Files of &type:"): "Fichiers de &type\u00a0:",
}


class QtFrenchGaps(QTranslator):
    """Translates the few Qt strings the shipped French catalogue misses."""

    def translate(
        self,
        context: str,
        source_text: str,
        disambiguation: str | None = None,
        n: int = -1,
    ) -> str | None:
        # None (a null string) lets Qt ask the next translator; "" would blank the text.
        return QT_FRENCH_GAPS.get((context, source_text))

    def isEmpty(self) -> bool:  # noqa: N802 - Qt API
        return False


def install_qt_french(app: QCoreApplication) -> list[QTranslator]:
    """Qt's own dialogs (file, print, message boxes) in French; returns the translators.

    Loads ``qtbase_fr.qm`` from PySide6's translations folder, then a small
    translator for the strings that catalogue misses (searched first).
    """
    installed: list[QTranslator] = []
    parent: QObject = app
    translator = QTranslator(parent)
    path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(QLocale(QLocale.Language.French), "qtbase", "_", path):
        app.installTranslator(translator)
        installed.append(translator)
    gaps = QtFrenchGaps(parent)
    app.installTranslator(gaps)
    installed.append(gaps)
    return installed


def configure_application(app: QCoreApplication) -> None:
    """Names, version, French locale, Qt's own French translations, GUI-thread GC."""
    QCoreApplication.setOrganizationName("planner")
    QCoreApplication.setApplicationName("planner")
    QCoreApplication.setApplicationVersion(__version__)
    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))
    install_qt_french(app)
    # Reference cycles holding Qt objects are collected on this (GUI) thread only.
    collect_on_gui_thread()
    icon = resource_path("icons", "planner.svg")
    if isinstance(app, QApplication) and icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
