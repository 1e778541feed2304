"""The main window, composed of feature controllers, keeps its menus, docks and
shortcuts in the order the user knows."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDockWidget
from pytestqt.qtbot import QtBot

from planner.ui.main_window import MainWindow

StandardKey = QKeySequence.StandardKey


def test_menus_docks_and_shortcuts(qtbot: QtBot, isolated_settings: Path) -> None:
    win = MainWindow()
    qtbot.addWidget(win)
    titles = [a.text() for a in win.menuBar().actions()]
    assert titles == [
        "&Fichier",
        "É&dition",
        "&Affichage",
        "&Task force",
        "&Séances",
        "&Suivi",
        "&Aide",  # the last menu, whoever adds menus after the window's own
    ]
    assert [a.text() for a in win.parts.menus["&Fichier"].actions()] == [
        "&Nouvelle campagne…",
        "&Ouvrir…",
        "Ouvrir une campagne parta&gée…",
        "Campagnes &récentes",
        "Ouvrir la campagne de &démonstration",
        "Enregistrer une &copie sous…",
        "",
        "&Importer SIRENE…",
        "Nomenclature NAF de &référence…",
        "",
        "&Exporter la carte",
        "Im&primer la carte…",
        "",
        "&Quitter",
    ]
    view = [a.text() for a in win.parts.menus["&Affichage"].actions()]
    assert view[:4] == [
        "Couleur des établissements",
        "Communes colorées",
        "Fond OpenStreetMap (nécessite le réseau)",
        "Regrouper les points proches",
    ]
    assert view[-2:] == ["Filtres", "Séances sur la &carte"]
    shortcuts = {
        a.text(): a.shortcut() for menu in win.parts.menus.values() for a in menu.actions()
    }
    for text, key in (
        ("&Nouvelle campagne…", StandardKey.New),
        ("&Ouvrir…", StandardKey.Open),
        ("Enregistrer une &copie sous…", StandardKey.SaveAs),
        ("Im&primer la carte…", StandardKey.Print),
        ("&Quitter", StandardKey.Quit),
        ("Annuler", StandardKey.Undo),
        ("Rétablir", StandardKey.Redo),
        ("&Guide de démarrage", StandardKey.HelpContents),
    ):
        assert shortcuts[text] == QKeySequence(key), text
    docks = [d.objectName() for d in win.findChildren(QDockWidget)]
    assert docks == ["filtres", "teamsDock"]  # the sessions planning has its own window
    assert win.windowTitle() == "planner"
    win.close()
