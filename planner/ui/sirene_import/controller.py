"""« Fichier › Importer SIRENE… » and SIRENE files dropped on the window."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from planner.ui.window_parts import WindowParts


class SireneImportController(QObject):
    """Imports SIRENE files into the open campaign, then shows it again."""

    def __init__(self, parts: WindowParts, reopen: Callable[[], None]) -> None:
        """``reopen`` opens the campaign again once an import went through."""
        super().__init__(parts.window)
        self._parts = parts
        self._reopen = reopen
        self.import_action: QAction | None = None

    def add_actions(self, file_menu: QMenu) -> None:
        """« Fichier »: « Importer SIRENE… »."""
        self.import_action = self._parts.writes_campaign(file_menu.addAction("&Importer SIRENE…"))
        self.import_action.triggered.connect(self.import_sirene)
        self.import_action.setObjectName("sireneImport")

    @Slot()
    def import_sirene(self, files: list[Path] | None = None) -> None:
        """Import SIRENE files into the open campaign, in a dialog."""
        campaign = self._parts.campaign()
        if campaign is None:
            self._parts.show_error("Ouvrez ou créez d'abord une campagne.")
            return
        from planner.ui.sirene_import.import_dialog import ImportSireneDialog

        dialog = ImportSireneDialog(campaign.store, self._parts.window, files=files or [])
        dialog.exec()
        # Reload after any import that went through, however its dialog was closed
        # (« Fermer », Escape, the title bar's ×): the views must not keep showing,
        # nor export, firms the import wiped as non-diffusible.
        if dialog.summary is not None:
            self._reopen()
