"""The follow-up views: call-list export, outcomes read back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox

from planner.domain.progress import CancelToken, Progress
from planner.services.call_lists import ExportedFile, export_call_lists
from planner.services.outcomes_import import OutcomePreview, apply_outcomes, preview_outcomes
from planner.ui.followup.preview_dialog import OutcomePreviewDialog
from planner.ui.tasks import run_with_progress


def install(window: Any) -> None:
    """Add the « Suivi » menu to the main window."""
    menu = window.menuBar().addMenu("&Suivi")
    export = QAction("&Exporter les listes d'appels…", window)
    export.triggered.connect(lambda: export_lists(window))
    read_back = QAction("&Relire les listes complétées…", window)
    read_back.triggered.connect(lambda: import_outcomes(window))
    board = QAction("&Tableau de bord…", window)
    board.triggered.connect(lambda: show_dashboard(window))
    menu.addAction(export)
    menu.addAction(read_back)
    menu.addSeparator()
    menu.addAction(board)
    window._followup_actions = (export, read_back, board)


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
    """Ask for a folder and the sheet layout, then export off the GUI thread."""
    if _no_campaign(window):
        return
    folder = QFileDialog.getExistingDirectory(window, "Dossier des listes d'appels")
    if not folder:
        return
    choice, ok = QInputDialog.getItem(
        window, "Listes d'appels", "Un onglet par :", ["conseiller", "équipe"], 0, False
    )
    if not ok:
        return
    per = "adviser" if choice == "conseiller" else "team"
    store = window.campaign.store

    def task(progress: Progress, cancel: CancelToken) -> list[ExportedFile]:
        return export_call_lists(store, Path(folder), per=per, progress=progress, cancel=cancel)

    def done(files: list[ExportedFile]) -> None:
        lines = "\n".join(f"• {f.path.name} : {f.rows} entreprises" for f in files)
        QMessageBox.information(window, "Listes d'appels", f"Fichiers écrits :\n{lines}")

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
