"""Task force → the teams workbook: write the template, import a filled one.

The import first reads and checks the workbook off the GUI thread and says
what it would remove (partners and teams absent from it, firms that would lose
their team); the coordinator confirms before anything is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QMessageBox

from planner.domain.errors import PlannerError
from planner.io.teams_workbook import write_teams_template
from planner.services.task_force.teams_import import (
    TeamsImportCounts,
    TeamsImportImpact,
    import_teams,
    teams_import_impact,
)
from planner.ui.tasks import TaskRunner, run_with_progress, track
from planner.ui.window_parts import WindowParts

WORKBOOK_FILTER = "Classeur Excel (*.xlsx)"


def write_template(parts: WindowParts, path: Path | None = None) -> Path | None:
    """Ask where to write the template (unless ``path``), write it, say so."""
    if path is None:
        chosen, _ = QFileDialog.getSaveFileName(
            parts.window,
            "Modèle du classeur des équipes",
            str(Path(parts.last_dir("equipes")) / "equipes.xlsx"),
            WORKBOOK_FILTER,
        )
        if not chosen:
            return None
        path = Path(chosen)
        parts.set_last_dir(path, "equipes")
    try:
        write_teams_template(path)
    except PlannerError as exc:
        parts.show_error(str(exc))
        return None
    parts.status_bar.showMessage(f"Modèle écrit : {path}", 8000)
    return path


def describe_impact(impact: TeamsImportImpact) -> str | None:
    """The confirmation text when the import removes something, else None."""
    partners, teams = impact.removed_partners, impact.removed_teams
    if not partners and not teams:
        return None
    lines = ["Le classeur ne contient pas :"]
    if partners:
        lines.append(f"• {len(partners)} partenaire(s) : {', '.join(partners[:6])}")
    if teams:
        lines.append(f"• {len(teams)} équipe(s) : {', '.join(teams[:6])}")
    lines.append("Ils seront supprimés avec leurs conseillers et leurs règles.")
    if impact.unassigned_firms:
        lines.append(
            f"{impact.unassigned_firms} entreprise(s) n'auront plus d'équipe "
            "(relancez ensuite la répartition)."
        )
    lines.append("\nImporter quand même ?")
    return "\n".join(lines)


def import_workbook(
    parts: WindowParts, runners: list[TaskRunner], path: Path | None = None
) -> None:
    """Check the workbook, confirm what it removes, then import it (all off the GUI thread)."""
    window = parts.window
    campaign = parts.campaign()
    if campaign is None:
        parts.show_error("Ouvrez d'abord une campagne.")
        return
    if path is None:
        chosen, _ = QFileDialog.getOpenFileName(
            window, "Importer le classeur des équipes", parts.last_dir("equipes"), WORKBOOK_FILTER
        )
        if not chosen:
            return
        path = Path(chosen)
        parts.set_last_dir(path, "equipes")
    store = campaign.store
    workbook = path

    def check(_progress: Any, _cancel: Any) -> TeamsImportImpact:
        return teams_import_impact(store, workbook)

    def checked(impact: TeamsImportImpact) -> None:
        question = describe_impact(impact)
        if question is not None:
            answer = QMessageBox.question(
                window,
                "Importer le classeur des équipes",
                question,
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        track(
            runners,
            run_with_progress(
                window,
                "Import du classeur des équipes",
                write,
                imported,
                parts.show_error,
                cancellable=False,  # one transaction
            ),
        )

    def write(_progress: Any, _cancel: Any) -> TeamsImportCounts:
        return import_teams(store, workbook)

    def imported(counts: TeamsImportCounts) -> None:
        # The assignments may have changed (removed teams): nothing to undo into.
        parts.undo_stack.clear()
        parts.refresh_firms()
        parts.status_bar.showMessage(
            f"{counts.partners} partenaires, {counts.teams} équipes, "
            f"{counts.advisers} conseillers importés depuis {workbook.name}.",
            10000,
        )

    track(
        runners,
        run_with_progress(
            window,
            "Lecture du classeur des équipes",
            check,
            checked,
            parts.show_error,
            writes=False,
        ),
    )
