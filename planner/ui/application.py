"""Application-wide Qt set-up: names for QSettings, French translations, icon."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from planner import __version__
from planner.ui.gui_thread_gc import collect_on_gui_thread
from planner.ui.resources import resource_path


def configure_application(app: QCoreApplication) -> None:
    """Names, version, French locale, Qt's own French translations, GUI-thread GC."""
    QCoreApplication.setOrganizationName("planner")
    QCoreApplication.setApplicationName("planner")
    QCoreApplication.setApplicationVersion(__version__)
    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))
    translator = QTranslator(app)
    path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(QLocale(), "qtbase", "_", path):
        app.installTranslator(translator)
    # Reference cycles holding Qt objects are collected on this (GUI) thread only.
    collect_on_gui_thread()
    icon = resource_path("icons", "planner.svg")
    if isinstance(app, QApplication) and icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
