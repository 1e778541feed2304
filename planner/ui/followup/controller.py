"""The « Suivi » menu: call-list export, outcomes read back, the adviser's portfolio,
dashboard, métiers in tension (BMO), firms already supported and priority weights."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

from planner.domain.french_numbers import integer
from planner.domain.progress import CancelToken, Progress
from planner.services.campaign.identity import refuse_unsigned, set_refuse_unsigned
from planner.services.followup.call_lists import (
    CallListExport,
    cap_text,
    left_out_counts,
    left_out_sentence,
    partners_with_firms,
    run_call_list_export,
)
from planner.services.followup.outcomes_import import (
    OutcomePreview,
    apply_outcomes,
    preview_outcomes,
)
from planner.ui.campaign.loaded_campaign import LoadedCampaign
from planner.ui.followup.export_dialog import ExportDialog
from planner.ui.followup.preview_dialog import OutcomePreviewDialog
from planner.ui.tasks import TaskRunner
from planner.ui.window_parts import WindowParts

if TYPE_CHECKING:
    from planner.services.followup.supported_firms import SupportedImport


PORTFOLIO_TABLES = frozenset(
    {"assignment", "contact", "contact_need", "establishment", "adviser", "team", "*"}
)
"""Tables whose changes show in an adviser's portfolio (``*``: everything)."""


class FollowupController(QObject):
    """The « Suivi » menu and the windows it opens.

    Attributes:
        actions: the menu's actions (export, read back, dashboard, BMO, supported firms,
            priorities, refuse unsigned lists).
        dashboard: the last dashboard opened, bmo: the last BMO window opened,
        portfolio: the last « Mon portefeuille » window opened.
    """

    def __init__(self, parts: WindowParts) -> None:
        super().__init__(parts.window)
        self._parts = parts
        self.dashboard: QWidget | None = None
        self.bmo: QWidget | None = None
        self.portfolio: QWidget | None = None
        self.task: TaskRunner | None = None
        window = parts.window
        menu = parts.menu("&Suivi")
        export = QAction("&Exporter les listes d'appels…", window)
        export.triggered.connect(self.export_lists)
        export.setObjectName("callListExport")
        read_back = QAction("&Relire les listes complétées…", window)
        read_back.triggered.connect(self.import_outcomes)
        read_back.setObjectName("outcomesReadBack")
        unsigned = QAction("Refuser les listes &non signées à la relecture", window)
        unsigned.setCheckable(True)
        unsigned.setObjectName("refuseUnsignedLists")
        unsigned.setToolTip(
            "Réglage de la campagne : refuser les listes d'appels exportées avant la signature "
            "des listes (leur origine ne peut pas être vérifiée)."
        )
        unsigned.triggered.connect(self._set_refuse_unsigned)
        menu.aboutToShow.connect(lambda: self._sync_refuse_unsigned(unsigned))
        portfolio = QAction("Mon &portefeuille…", window)
        portfolio.setObjectName("adviserPortfolio")
        portfolio.setToolTip("Les entreprises d'un conseiller par priorité, et ses appels.")
        portfolio.triggered.connect(self.show_portfolio)
        board = QAction("&Tableau de bord…", window)
        board.triggered.connect(self.show_dashboard)
        bmo = QAction("&Métiers en tension (BMO)…", window)
        bmo.triggered.connect(self.show_bmo)
        supported = QAction("Importer les entreprises &déjà accompagnées…", window)
        supported.triggered.connect(self.import_supported_list)
        supported.setObjectName("supportedFirmsImport")
        priorities = QAction("&Priorités…", window)
        priorities.triggered.connect(self.edit_priorities)
        priorities.setObjectName("priorityWeights")
        pressure = QAction("Pression de &sollicitation…", window)
        pressure.setObjectName("solicitationCap")
        pressure.setToolTip(
            "Au plus N contacts en D jours par entreprise, tous partenaires confondus : "
            "au-delà, l'entreprise sort des listes d'appels."
        )
        pressure.triggered.connect(self.edit_pressure)
        menu.addAction(export)
        menu.addAction(read_back)
        menu.addAction(unsigned)
        menu.addSeparator()
        menu.addAction(portfolio)
        menu.addAction(board)
        menu.addSeparator()
        menu.addAction(bmo)
        menu.addAction(supported)
        menu.addAction(priorities)
        menu.addAction(pressure)
        self.actions = (
            export,
            read_back,
            portfolio,
            board,
            bmo,
            supported,
            priorities,
            pressure,
            unsigned,  # last: tests and callers reach the setting as actions[-1]
        )
        for writing in (read_back, supported, priorities, pressure, unsigned):
            parts.writes_campaign(writing)  # disabled while a task writes the campaign
        parts.campaign_shown.connect(self._on_campaign_shown)

    def _campaign(self) -> LoadedCampaign | None:
        """The open campaign; without one, say so and return None."""
        campaign = self._parts.campaign()
        if campaign is None:
            QMessageBox.information(self._parts.window, "Suivi", "Ouvrez d'abord une campagne.")
        return campaign

    def _fail(self, message: str) -> None:
        QMessageBox.warning(self._parts.window, "Suivi", message)

    # --- campaign setting -------------------------------------------------------

    def _sync_refuse_unsigned(self, action: QAction) -> None:
        """Show the open campaign's setting (triggered, not toggled, writes it)."""
        campaign = self._parts.campaign()
        action.setEnabled(campaign is not None)
        action.setChecked(campaign is not None and refuse_unsigned(campaign.store))

    def _set_refuse_unsigned(self, refuse: bool) -> None:
        campaign = self._campaign()
        if campaign is None:
            return
        set_refuse_unsigned(campaign.store, refuse)

    # --- windows and dialogs ----------------------------------------------------

    def show_bmo(self) -> None:
        """Open the bassin's métiers in tension (BMO), with the workbook import."""
        campaign = self._campaign()
        if campaign is None:
            return
        from planner.ui.followup.bmo_window import BmoWindow

        dialog = BmoWindow(campaign.store, self._parts.window)
        dialog.show()
        self.bmo = dialog

    def edit_priorities(self) -> None:
        """Set the priority weights of the call lists."""
        campaign = self._campaign()
        if campaign is None:
            return
        from planner.ui.followup.priority_dialog import PriorityDialog

        PriorityDialog(campaign.store, self._parts.window).exec()

    def edit_pressure(self) -> None:
        """Set the cap on solicitations (coordination only on a shared campaign)."""
        campaign = self._campaign()
        if campaign is None:
            return
        from planner.ui.followup.pressure_dialog import PressureDialog

        PressureDialog(campaign.store, self._parts.window).exec()

    def show_portfolio(self) -> None:
        """Open « Mon portefeuille »: the firm chosen there is selected in the table and
        on the map; the firms are read again when it closes if calls were written."""
        campaign = self._campaign()
        if campaign is None:
            return
        from planner.ui.followup.portfolio_window import PortfolioWindow

        shown = self.portfolio
        if isinstance(shown, PortfolioWindow) and shown.isVisible():
            if shown.store is campaign.store:
                shown.raise_()
                shown.activateWindow()
                return
            shown.close()
        window = PortfolioWindow(campaign.store, self._parts.window)
        window.firmSelected.connect(self._show_firm)
        window.finished.connect(lambda _result: self._after_portfolio(window))
        window.show()
        self.portfolio = window

    def on_live_changes(self, tables: set[str], logins: list[str]) -> None:
        """Others changed the shared campaign: an open portfolio reads its firms again."""
        from planner.ui.followup.portfolio_window import PortfolioWindow

        window = self.portfolio
        if isinstance(window, PortfolioWindow) and window.isVisible() and tables & PORTFOLIO_TABLES:
            window.others_changed(logins)

    def _on_campaign_shown(self, loaded: LoadedCampaign) -> None:
        """Another campaign shown: the portfolio of the previous one closes."""
        shown = self.portfolio
        if shown is not None and getattr(shown, "store", None) is not loaded.store:
            shown.close()
            self.portfolio = None

    def _show_firm(self, siret: str) -> None:
        campaign = self._parts.campaign()
        if campaign is None:
            return
        firms = campaign.firms
        ids = firms.filter(firms["siret"] == siret)["id"].to_list()
        table = self._parts.table
        table.select_ids(ids)
        if ids and table.firm_model.row_of_id(int(ids[0])) is None:
            self._parts.status_bar.showMessage(
                "Cette entreprise est masquée par les filtres en cours : "
                "elle n'est ni dans le tableau ni sur la carte.",
                5000,
            )

    def _after_portfolio(self, window: QWidget) -> None:
        if getattr(window, "calls", 0):
            self._parts.refresh_firms()

    def show_dashboard(self) -> None:
        """Open the campaign's follow-up dashboard."""
        campaign = self._campaign()
        if campaign is None:
            return
        from planner.ui.followup.dashboard_window import DashboardWindow

        dialog = DashboardWindow(campaign.store, self._parts.window)
        dialog.show()
        self.dashboard = dialog

    # --- long work --------------------------------------------------------------

    def import_supported_list(self) -> None:
        """Import the list of firms already supported, off the GUI thread."""
        campaign = self._campaign()
        if campaign is None:
            return
        window = self._parts.window
        path, _ = QFileDialog.getOpenFileName(
            window,
            "Entreprises déjà accompagnées",
            "",
            "Listes de SIRET (*.csv *.xlsx *.txt);;Tous les fichiers (*)",
        )
        if not path:
            return
        store = campaign.store
        from planner.services.followup.supported_firms import import_supported

        def task(progress: Progress, cancel: CancelToken) -> SupportedImport:
            return import_supported(store, Path(path), progress=progress, cancel=cancel)

        def done(result: SupportedImport) -> None:
            QMessageBox.information(window, "Entreprises déjà accompagnées", supported_text(result))
            self._parts.refresh_firms()

        self.task = self._parts.run_task(
            "Import des entreprises déjà accompagnées", task, done, self._fail
        )

    def export_lists(self) -> None:
        """Ask for the folder, the layout and the partners, then export off the GUI thread."""
        campaign = self._campaign()
        if campaign is None:
            return
        window = self._parts.window
        store = campaign.store
        partners = partners_with_firms(store)
        if not partners:
            QMessageBox.information(
                window,
                "Listes d'appels",
                "Aucune entreprise n'est attribuée : répartissez-les d'abord entre les équipes "
                "(Task force → Répartir automatiquement).",
            )
            return
        left_out = left_out_sentence(left_out_counts(store), cap_text(store))
        dialog = ExportDialog(partners, window, left_out=left_out)
        if dialog.exec() != ExportDialog.DialogCode.Accepted:
            return
        folder, per = dialog.out_dir(), dialog.per()
        chosen = None if dialog.all_chosen() else dialog.chosen_partners()

        def task(progress: Progress, cancel: CancelToken) -> CallListExport:
            return run_call_list_export(
                store, folder, partners=chosen, per=per, progress=progress, cancel=cancel
            )

        def done(report: CallListExport) -> None:
            QMessageBox.information(window, "Listes d'appels", export_text(report, folder))

        self.task = self._parts.run_task(
            "Export des listes d'appels", task, done, self._fail, writes=False
        )

    def import_outcomes(self) -> None:
        """Read workbooks off the GUI thread, show the preview, write only on confirmation."""
        campaign = self._campaign()
        if campaign is None:
            return
        window = self._parts.window
        paths, _ = QFileDialog.getOpenFileNames(
            window, "Listes d'appels complétées", "", "Classeurs Excel (*.xlsx)"
        )
        if not paths:
            return
        store = campaign.store

        def task(progress: Progress, cancel: CancelToken) -> OutcomePreview:
            progress(0, len(paths), "Lecture des classeurs")
            return preview_outcomes(store, [Path(p) for p in paths], cancel=cancel)

        def show(preview: OutcomePreview) -> None:
            dialog = OutcomePreviewDialog(preview, window)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            conflicts = dialog.include_conflicts.isChecked()

            def write(_progress: Progress, _cancel: CancelToken) -> int:
                # One transaction, off the GUI thread: nothing else writes meanwhile.
                return apply_outcomes(store, preview, include_conflicts=conflicts)

            def written(count: int) -> None:
                QMessageBox.information(window, "Suivi", f"{count} contacts enregistrés.")
                self._parts.refresh_firms()

            self.task = self._parts.run_task(
                "Enregistrement des contacts", write, written, self._fail, cancellable=False
            )

        self.task = self._parts.run_task(
            "Relecture des listes d'appels", task, show, self._fail, writes=False
        )


def export_text(report: CallListExport, folder: Path) -> str:
    """The French summary of a call-list export: the files, then the firms left out."""
    lines = [f"Fichiers écrits dans {folder} :"]
    lines += [f"• {f.path.name} : {integer(f.rows)} entreprises" for f in report.files]
    lines += ["", report.summary()]
    if report.left_out:
        lines.append(
            "Leur liste (SIRET, nom, partenaire, motif, détail) est dans l'onglet "
            "« Non sollicitées » du classeur du coordinateur."
            if any(f.partner is None for f in report.files)
            else "Exportez tous les partenaires pour en avoir la liste dans le classeur "
            "du coordinateur."
        )
    return "\n".join(lines)


def supported_text(result: SupportedImport) -> str:
    """The French summary of an import of firms already supported."""
    lines = [
        f"{result.sirets} SIRET lus dans {result.file} (colonne {result.column}) :",
        f"• {result.matched} entreprises de la campagne, signalées « Déjà accompagnée »",
        f"• {result.unknown} inconnues de la campagne (gardées pour un prochain import SIRENE)",
    ]
    if result.duplicates:
        lines.append(f"• {result.duplicates} doublons ignorés")
    if result.bad:
        lines.append(f"\n{len(result.bad)} lignes écartées :")
        lines.extend(f"  {bad.message}" for bad in result.bad[:10])
        if len(result.bad) > 10:
            lines.append(f"  … et {len(result.bad) - 10} autres")
    return "\n".join(lines)
