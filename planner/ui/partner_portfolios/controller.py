"""The « Task force » menu's portfolio entries: import a partner's portfolio, settle conflicts."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from planner.domain.progress import CancelToken, Progress
from planner.services.campaign.campaign_store import CampaignStore
from planner.services.task_force.partner_portfolios.claims_import import (
    ClaimsWouldBeDropped,
    PortfolioImport,
    import_portfolio,
    partner_choices,
)
from planner.ui.campaign.loaded_campaign import LoadedCampaign
from planner.ui.partner_portfolios.conflicts_window import ConflictsWindow
from planner.ui.partner_portfolios.import_dialog import (
    PortfolioImportDialog,
    drop_question,
    import_summary,
)
from planner.ui.tasks import TaskRunner
from planner.ui.window_parts import WindowParts

TITLE = "Portefeuilles des partenaires"


class PartnerPortfoliosController(QObject):
    """Adds « Importer le portefeuille d'un partenaire… » and « Conflits de portefeuilles… »
    to the Task force menu (coordination only on a shared campaign: role_menus.py).

    ``quiet`` set to True skips the summary box after an import (tests read ``last_import``).
    """

    def __init__(self, parts: WindowParts) -> None:
        super().__init__(parts.window)
        self._parts = parts
        self.quiet = False
        self.last_import: PortfolioImport | None = None
        self.task: TaskRunner | None = None
        self.conflicts: ConflictsWindow | None = None
        menu = parts.menu("&Task force")
        menu.addSeparator()
        self.import_action = QAction("Importer le portefeuille d'un partenaire…", parts.window)
        self.import_action.setObjectName("partnerPortfolioImport")
        self.import_action.triggered.connect(self._on_import_action_triggered)
        self.conflicts_action = QAction("Conflits de portefeuilles…", parts.window)
        self.conflicts_action.setObjectName("portfolioConflicts")
        self.conflicts_action.triggered.connect(self.show_conflicts)
        menu.addAction(self.import_action)
        menu.addAction(self.conflicts_action)

    def _on_import_action_triggered(self) -> None:
        self.import_portfolio()  # ``triggered`` passes ``checked``: never a partner id

    def _campaign(self) -> LoadedCampaign | None:
        campaign = self._parts.campaign()
        if campaign is None:
            QMessageBox.information(self._parts.window, TITLE, "Ouvrez d'abord une campagne.")
        return campaign

    def _fail(self, message: str) -> None:
        QMessageBox.warning(self._parts.window, TITLE, message)

    def import_portfolio(
        self,
        partner_id: int | None = None,
        path: str | None = None,
        siret_column: str | None = None,
    ) -> None:
        """Ask for the partner and the file (unless given), then import off the GUI thread.

        When the file leaves out firms of the partner's current portfolio, nothing
        is written until the user confirms the replacement (``confirm_drop``).
        """
        campaign = self._campaign()
        if campaign is None:
            return
        store = campaign.store
        window = self._parts.window
        if partner_id is None or path is None:
            partners = partner_choices(store)
            if not partners:
                QMessageBox.information(
                    window,
                    TITLE,
                    "Aucun partenaire : créez-les d'abord (Task force › Partenaires et équipes…).",
                )
                return
            dialog = PortfolioImportDialog(partners, self._parts.last_dir(), window)
            if dialog.exec() != PortfolioImportDialog.DialogCode.Accepted:
                return
            partner_id, path = dialog.chosen_partner(), dialog.chosen_file()
            siret_column = dialog.chosen_siret_column()
            if partner_id is None or not path:
                return
        self._parts.set_last_dir(path)
        self._run_import(store, partner_id, Path(path), siret_column, replace=False)

    def confirm_drop(self, refused: ClaimsWouldBeDropped) -> bool:
        """Ask whether the new portfolio may drop firms of the current one."""
        answer = QMessageBox.question(
            self._parts.window,
            TITLE,
            drop_question(refused),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _run_import(
        self,
        store: CampaignStore,
        partner_id: int,
        path: Path,
        siret_column: str | None,
        *,
        replace: bool,
    ) -> None:
        window = self._parts.window

        def task(progress: Progress, cancel: CancelToken) -> PortfolioImport | ClaimsWouldBeDropped:
            try:
                return import_portfolio(
                    store,
                    path,
                    partner_id,
                    progress=progress,
                    cancel=cancel,
                    replace=replace,
                    siret_column=siret_column,
                )
            except ClaimsWouldBeDropped as refused:  # nothing written: ask, then again
                return refused

        def done(result: PortfolioImport | ClaimsWouldBeDropped) -> None:
            if isinstance(result, ClaimsWouldBeDropped):
                if self.confirm_drop(result):
                    self._run_import(store, partner_id, path, siret_column, replace=True)
                return
            self.last_import = result
            self._parts.refresh_firms()
            if self.conflicts is not None and self.conflicts.isVisible():
                self.conflicts.reload()
            if not self.quiet:
                box = QMessageBox(QMessageBox.Icon.Information, TITLE, import_summary(result))
                box.setParent(window, box.windowFlags())
                box.exec()

        self.task = self._parts.run_task("Import du portefeuille", task, done, self._fail)

    def show_conflicts(self) -> None:
        """Open the « Conflits de portefeuilles » window."""
        campaign = self._campaign()
        if campaign is None:
            return
        if self.conflicts is not None:
            self.conflicts.close()
        parts = self._parts
        self.conflicts = ConflictsWindow(
            campaign.store, parts.run_task, parts.refresh_firms, self._fail, parts.window
        )
        self.conflicts.show()
