"""The follow-up views: call-list export, outcomes read back, dashboard, métiers in
tension (BMO), firms already supported and priority weights."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from planner.domain.progress import CancelToken, Progress
from planner.services.campaign.identity import refuse_unsigned, set_refuse_unsigned
from planner.services.followup.call_lists import (
    ExportedFile,
    export_call_lists,
    partners_with_firms,
)
from planner.services.followup.outcomes_import import (
    OutcomePreview,
    apply_outcomes,
    preview_outcomes,
)
from planner.ui.followup.export_dialog import ExportDialog
from planner.ui.followup.preview_dialog import OutcomePreviewDialog
from planner.ui.tasks import run_with_progress


def install(window: Any) -> None:
    """Add the « Suivi » menu to the main window."""
    menu = window.menuBar().addMenu("&Suivi")
    export = QAction("&Exporter les listes d'appels…", window)
    export.triggered.connect(lambda: export_lists(window))
    read_back = QAction("&Relire les listes complétées…", window)
    read_back.triggered.connect(lambda: import_outcomes(window))
    unsigned = QAction("Refuser les listes &non signées à la relecture", window)
    unsigned.setCheckable(True)
    unsigned.setToolTip(
        "Réglage de la campagne : refuser les listes d'appels exportées avant la signature "
        "des listes (leur origine ne peut pas être vérifiée)."
    )
    unsigned.triggered.connect(lambda checked: _set_refuse_unsigned(window, checked))
    menu.aboutToShow.connect(lambda: _sync_refuse_unsigned(window, unsigned))
    board = QAction("&Tableau de bord…", window)
    board.triggered.connect(lambda: show_dashboard(window))
    bmo = QAction("&Métiers en tension (BMO)…", window)
    bmo.triggered.connect(lambda: show_bmo(window))
    supported = QAction("Importer les entreprises &déjà accompagnées…", window)
    supported.triggered.connect(lambda: import_supported_list(window))
    priorities = QAction("&Priorités…", window)
    priorities.triggered.connect(lambda: edit_priorities(window))
    menu.addAction(export)
    menu.addAction(read_back)
    menu.addAction(unsigned)
    menu.addSeparator()
    menu.addAction(board)
    menu.addSeparator()
    menu.addAction(bmo)
    menu.addAction(supported)
    menu.addAction(priorities)
    window._followup_actions = (export, read_back, board, bmo, supported, priorities, unsigned)


def _sync_refuse_unsigned(window: Any, action: QAction) -> None:
    """Show the open campaign's setting (triggered, not toggled, writes it)."""
    campaign = getattr(window, "campaign", None)
    action.setEnabled(campaign is not None)
    action.setChecked(campaign is not None and refuse_unsigned(campaign.store))


def _set_refuse_unsigned(window: Any, refuse: bool) -> None:
    if _no_campaign(window):
        return
    set_refuse_unsigned(window.campaign.store, refuse)


def show_bmo(window: Any) -> None:
    """Open the bassin's métiers in tension (BMO), with the workbook import."""
    if _no_campaign(window):
        return
    from planner.ui.followup.bmo_window import BmoWindow

    dialog = BmoWindow(window.campaign.store, window)
    dialog.show()
    window._followup_bmo = dialog


def edit_priorities(window: Any) -> None:
    """Set the priority weights of the call lists."""
    if _no_campaign(window):
        return
    from planner.ui.followup.priority_dialog import PriorityDialog

    PriorityDialog(window.campaign.store, window).exec()


def import_supported_list(window: Any) -> None:
    """Import the list of firms already supported, off the GUI thread."""
    if _no_campaign(window):
        return
    path, _ = QFileDialog.getOpenFileName(
        window,
        "Entreprises déjà accompagnées",
        "",
        "Listes de SIRET (*.csv *.xlsx *.txt);;Tous les fichiers (*)",
    )
    if not path:
        return
    store = window.campaign.store
    from planner.services.followup.supported_firms import SupportedImport, import_supported

    def task(progress: Progress, cancel: CancelToken) -> SupportedImport:
        return import_supported(store, Path(path), progress=progress, cancel=cancel)

    def done(result: SupportedImport) -> None:
        QMessageBox.information(window, "Entreprises déjà accompagnées", supported_text(result))
        window.refresh_firms()

    window._followup_task = run_with_progress(
        window, "Import des entreprises déjà accompagnées", task, done, lambda m: _fail(window, m)
    )


def supported_text(result: Any) -> str:
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


def show_dashboard(window: Any) -> None:
    """Open the campaign's follow-up dashboard."""
    if _no_campaign(window):
        return
    from planner.ui.followup.dashboard_window import DashboardWindow

    dialog = DashboardWindow(window.campaign.store, window)
    dialog.show()
    window._followup_dashboard = dialog


def _no_campaign(window: Any) -> bool:
    if getattr(window, "campaign", None) is None:
        QMessageBox.information(window, "Suivi", "Ouvrez d'abord une campagne.")
        return True
    return False


def export_lists(window: Any) -> None:
    """Ask for the folder, the layout and the partners, then export off the GUI thread."""
    if _no_campaign(window):
        return
    store = window.campaign.store
    partners = partners_with_firms(store)
    if not partners:
        QMessageBox.information(
            window,
            "Listes d'appels",
            "Aucune entreprise n'est attribuée : répartissez-les d'abord entre les équipes "
            "(Task force → Répartir automatiquement).",
        )
        return
    dialog = ExportDialog(partners, window)
    if dialog.exec() != ExportDialog.DialogCode.Accepted:
        return
    folder, per = dialog.out_dir(), dialog.per()
    chosen = None if dialog.all_chosen() else dialog.chosen_partners()

    def task(progress: Progress, cancel: CancelToken) -> list[ExportedFile]:
        return export_call_lists(
            store, folder, partners=chosen, per=per, progress=progress, cancel=cancel
        )

    def done(files: list[ExportedFile]) -> None:
        lines = "\n".join(f"• {f.path.name} : {f.rows} entreprises" for f in files)
        QMessageBox.information(
            window, "Listes d'appels", f"Fichiers écrits dans {folder} :\n{lines}"
        )

    window._followup_task = run_with_progress(
        window, "Export des listes d'appels", task, done, lambda m: _fail(window, m)
    )


def _fail(window: Any, message: str) -> None:
    QMessageBox.warning(window, "Suivi", message)


def import_outcomes(window: Any) -> None:
    """Read workbooks off the GUI thread, show the preview, write only on confirmation."""
    if _no_campaign(window):
        return
    paths, _ = QFileDialog.getOpenFileNames(
        window, "Listes d'appels complétées", "", "Classeurs Excel (*.xlsx)"
    )
    if not paths:
        return
    store = window.campaign.store

    def task(progress: Progress, cancel: CancelToken) -> OutcomePreview:
        progress(0, 1, "Lecture des classeurs")
        preview = preview_outcomes(store, [Path(p) for p in paths])
        cancel.check()
        return preview

    def show(preview: OutcomePreview) -> None:
        dialog = OutcomePreviewDialog(preview, window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        written = apply_outcomes(
            store, preview, include_conflicts=dialog.include_conflicts.isChecked()
        )
        QMessageBox.information(window, "Suivi", f"{written} contacts enregistrés.")
        window.refresh_firms()

    window._followup_task = run_with_progress(
        window, "Relecture des listes d'appels", task, show, lambda m: _fail(window, m)
    )
