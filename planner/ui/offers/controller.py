"""The « Task force › Offre de services… » menu entry (coordination only on a shared
campaign: ``ui/shared_campaign/role_menus.py`` hides it by its object name)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from planner.services.shared_campaign.conflicts import Conflict
from planner.ui.offers.catalogue_dialog import CatalogueDialog
from planner.ui.shared_campaign.conflict_dialog import resolve_conflict
from planner.ui.window_parts import WindowParts

ACTION_NAME = "offerCatalogue"


class OffersController(QObject):
    """Adds « Offre de services… » to the « Task force » menu and opens the editor."""

    def __init__(self, parts: WindowParts) -> None:
        super().__init__(parts.window)
        self._parts = parts
        window = parts.window
        self.resolve: Callable[[Conflict], str] = lambda c: resolve_conflict(window, c)
        self.dialog: CatalogueDialog | None = None
        menu = parts.menu("&Task force")
        menu.addSeparator()
        self.action = menu.addAction("Offre de services…", self.edit_catalogue)
        self.action.setObjectName(ACTION_NAME)

    def edit_catalogue(self) -> None:
        """Open the catalogue editor on the open campaign (modeless)."""
        campaign = self._parts.campaign()
        if campaign is None:
            self._parts.show_error("Ouvrez d'abord une campagne.")
            return
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = CatalogueDialog(self._parts.window, campaign.store, self.resolve)
        self.dialog.accepted.connect(self._on_dialog_accepted)
        self.dialog.show()

    def _on_dialog_accepted(self) -> None:
        dialog = self.dialog
        if dialog is None or dialog.saved is None:
            return
        saved = dialog.saved
        message = f"Offre de services enregistrée : {sum(o.active for o in saved.offers)} services"
        if saved.archived:
            message += f", {len(saved.archived)} archivé(s) (déjà enregistrés pour des entreprises)"
        self._parts.status_bar.showMessage(message + ".", 8000)
