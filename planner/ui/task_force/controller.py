"""The "Task force" menu and dock: division, manual assignment, locks, team summary."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl
from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import QDockWidget, QInputDialog, QMessageBox, QTableView

from planner.domain.french_numbers import decimal, integer
from planner.services.shared_campaign.conflicts import Conflict, StaleVersion
from planner.services.task_force.assignment_writes import AssignmentChange
from planner.services.task_force.division.run import DivisionReport, divide_campaign
from planner.services.task_force.summary import summary_rows
from planner.services.task_force.task_force import (
    adviser_choices,
    assign_firms,
    assignment_versions,
    load_task_force,
    previous_assignments,
    set_locked,
    snapshot_assignments,
)
from planner.ui.campaign.loaded_campaign import LoadedCampaign
from planner.ui.map.controller import MapController
from planner.ui.shared_campaign.conflict_dialog import resolve_conflict
from planner.ui.task_force.assign_command import AssignCommand, DivisionCommand, LockCommand
from planner.ui.task_force.assign_dialog import AssignChoice, AssignDialog, Target
from planner.ui.task_force.task_force_editor import TaskForceEditor
from planner.ui.task_force.team_summary import TeamSummaryModel
from planner.ui.task_force.teams_workbook_actions import import_workbook, write_template
from planner.ui.tasks import TaskRunner
from planner.ui.window_parts import WindowParts

INFEASIBLE = "Répartition équitable impossible"


# The menu's actions a shared campaign's role may hide (ui/shared_campaign/role_menus.py).
_ACTION_NAMES = {
    "Partenaires et équipes…": "taskForceEditor",
    "Importer le classeur des équipes…": "teamsWorkbookImport",
    "Répartir automatiquement…": "divideCampaign",
    "Attribuer la sélection à une équipe…": "assignSelectionToTeam",
    "Attribuer la sélection à un conseiller…": "assignSelectionToAdviser",
    "Retirer la sélection de son équipe": "unassignSelection",
    "Verrouiller la sélection": "lockSelection",
    "Déverrouiller la sélection": "unlockSelection",
}


class TaskForceController(QObject):
    """Everything this area adds to the main window: the « Task force » menu and the
    « Équipes de la task force » dock.

    ``quiet`` set to True skips the message box at the end of a division (tests).

    Signals:
        teamFilterRequested(object): a team's id (double-click in the dock):
            limit the map and the table to its firms.
    """

    teamFilterRequested = Signal(object)  # noqa: N815

    def __init__(self, parts: WindowParts, map_view: MapController) -> None:
        super().__init__(parts.window)
        self._parts = parts
        self._map = map_view
        self.quiet = False
        window = parts.window
        # What to do when someone else changed the firms meanwhile (tests replace it).
        self.resolve: Callable[[Conflict], str] = lambda c: resolve_conflict(window, c)
        # Versions this window wrote itself, until a reloaded frame shows them:
        # siret → (version written, or None when removed; version it replaced).
        self._written: dict[str, tuple[int | None, int | None]] = {}
        self.model = TeamSummaryModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.doubleClicked.connect(self._on_view_doubleClicked)
        self.view.setToolTip(
            "Double-cliquez sur une équipe pour n'afficher que ses établissements "
            "sur la carte et dans le tableau."
        )
        self.dock = QDockWidget("Équipes de la task force", window)
        self.dock.setObjectName("teamsDock")
        self.dock.setWidget(self.view)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        self.last_report: DivisionReport | None = None
        self._runners: list[TaskRunner] = []
        self.editor: TaskForceEditor | None = None
        self.assign_dialog: AssignDialog | None = None
        menu = parts.menu("&Task force")
        self.menu = menu
        menu.addAction("Partenaires et équipes…", self.edit_task_force)
        menu.addAction(
            "Importer le classeur des équipes…", lambda: import_workbook(parts, self._runners)
        )
        menu.addAction("Écrire un modèle de classeur des équipes…", lambda: write_template(parts))
        menu.addSeparator()
        menu.addAction("Répartir automatiquement…", self.divide)
        menu.addSeparator()
        menu.addAction(
            "Attribuer la sélection à une équipe…", lambda: self.open_assign_dialog("team")
        )
        menu.addAction(
            "Attribuer la sélection à un conseiller…", lambda: self.open_assign_dialog("adviser")
        )
        menu.addAction("Retirer la sélection de son équipe", self.unassign_selection)
        menu.addAction("Verrouiller la sélection", lambda: self.lock_selection(True))
        menu.addAction("Déverrouiller la sélection", lambda: self.lock_selection(False))
        menu.addAction("Sélectionner une commune…", self.select_commune)
        menu.addSeparator()
        menu.addAction("Colorer par équipe", lambda: map_view.set_color_attribute("team"))
        menu.addAction("Colorer par conseiller", lambda: map_view.set_color_attribute("adviser"))
        menu.addAction(self.dock.toggleViewAction())
        for action in menu.actions():  # found by name by ui/shared_campaign/role_menus.py
            action.setObjectName(_ACTION_NAMES.get(action.text(), action.objectName()))
        parts.campaign_shown.connect(self._on_campaign_shown)

    # --- state ------------------------------------------------------------------

    def _on_campaign_shown(self, loaded: LoadedCampaign) -> None:
        if "team_id" not in loaded.firms.columns:
            return
        self.model.set_rows(summary_rows(loaded.store, loaded.firms))
        self.view.resizeColumnsToContents()

    def _selected_sirets(self) -> list[str]:
        campaign = self._parts.campaign()
        if campaign is None:
            return []
        ids = self._parts.table.selected_ids()
        if not ids:
            return []
        sirets: list[str] = campaign.firms["siret"].gather(ids).to_list()
        return sirets

    def _open_campaign(self) -> LoadedCampaign:
        campaign = self._parts.campaign()
        assert campaign is not None, "a selection needs an open campaign"
        return campaign

    # --- manual work ----------------------------------------------------------------

    def open_assign_dialog(self, kind: str = "team") -> AssignDialog | None:
        """Ask for a team (``kind`` ``team``) or an adviser (``adviser``) for the selected
        firms, whether to lock them, and show which the team's remit leaves out; the
        assignment is written when the coordinator confirms (undoable)."""
        sirets = self._selected_sirets()
        campaign = self._parts.campaign()
        if not sirets or campaign is None:
            self._parts.status_bar.showMessage("Sélectionnez d'abord des établissements.", 5000)
            return None
        seen = self._seen_versions(sirets)  # before the question: a live reload may follow
        if kind == "adviser":
            targets = [
                Target(f"{a.name} — {a.team_name}", a.team_id, a.id)
                for a in adviser_choices(campaign.store)
            ]
            title, label = "Attribuer à un conseiller", "Conseiller attitré :"
        else:
            force = load_task_force(campaign.store)
            targets = [Target(t.name, t.id) for t in force.teams]
            title, label = "Attribuer à une équipe", "Équipe :"
        if not targets:
            QMessageBox.information(
                self._parts.window,
                title,
                "Aucune équipe : créez-les (Task force › Partenaires et équipes…) ou importez-les.",
            )
            return None
        dialog = AssignDialog(
            self._parts.window, campaign.store, sirets, targets, title=title, label=label
        )
        dialog.accepted.connect(lambda: self._on_assign_dialog_accepted(dialog, seen))
        dialog.finished.connect(dialog.deleteLater)
        self.assign_dialog = dialog
        dialog.open()
        return dialog

    def _on_assign_dialog_accepted(
        self, dialog: AssignDialog, seen: dict[str, int | None] | None
    ) -> None:
        choice = dialog.choice()
        if choice is not None:
            self.assign_choice(choice, seen)

    def assign_choice(
        self, choice: AssignChoice, seen: dict[str, int | None] | None = None
    ) -> bool:
        """Write what the assignment dialog confirmed (the firms the team may take)."""
        sirets = list(choice.sirets)
        target = choice.target
        expected = None if seen is None else {s: seen[s] for s in sirets if s in seen}
        text = f"Attribuer {len(sirets)} établissement(s) à {target.label}"
        done = self._assign(
            sirets,
            target.team_id if target.adviser_id is None else None,
            target.adviser_id,
            text,
            locked=True if choice.locked else None,  # unticked: each firm keeps its lock
            seen=expected,
        )
        if done:
            left = len(choice.split.refused)
            held = 0 if choice.move_locked else len(choice.split.locked)
            message = f"{integer(len(sirets))} établissement(s) attribué(s) à {target.label}"
            if choice.locked:
                message += ", verrouillé(s)"
            if left:
                message += (
                    f" ; {integer(left)} laissé(s) hors du périmètre de {choice.split.partner}"
                )
            if held:
                message += f" ; {integer(held)} verrouillé(s) laissé(s) dans leur équipe"
            self._parts.status_bar.showMessage(message + ".", 10000)
        return done

    def assign_selection_to_team(self, team_id: int, *, locked: bool = False) -> bool:
        """Give the selected firms to a team, without a question; undoable.

        Every firm must be in the team's remit (else nothing is written and the
        refusal is said): the menu's :meth:`open_assign_dialog` offers to assign
        the others instead.
        """
        sirets = self._selected_sirets()
        campaign = self._parts.campaign()
        if not sirets or campaign is None:
            self._parts.status_bar.showMessage("Sélectionnez d'abord des établissements.", 5000)
            return False
        force = load_task_force(campaign.store)
        name = next((t.name for t in force.teams if t.id == team_id), "")
        return self._assign(
            sirets,
            team_id,
            None,
            f"Attribuer {len(sirets)} établissement(s) à {name}",
            locked=locked,
        )

    def assign_selection_to_adviser(self, adviser_id: int, *, locked: bool = False) -> bool:
        """Give the selected firms to an adviser (and the adviser's team), without a question."""
        sirets = self._selected_sirets()
        if not sirets or self._parts.campaign() is None:
            self._parts.status_bar.showMessage("Sélectionnez d'abord des établissements.", 5000)
            return False
        return self._assign(
            sirets, None, adviser_id, f"Attribuer {len(sirets)} établissement(s)", locked=locked
        )

    def unassign_selection(self) -> bool:
        """Take the selected firms out of their team; undoable."""
        sirets = self._selected_sirets()
        if not sirets:
            return False
        return self._assign(
            sirets, None, None, f"Retirer {len(sirets)} établissement(s)", remove=True
        )

    def _assign(
        self,
        sirets: list[str],
        team_id: int | None,
        adviser_id: int | None,
        text: str,
        *,
        locked: bool | None = False,
        remove: bool = False,
        seen: dict[str, int | None] | None = None,
    ) -> bool:
        """Write the assignment, checked against the versions the user saw (``seen``, read
        when the question was asked; else now): someone else's change is a conflict.
        ``locked`` None keeps each firm's lock."""
        store = self._open_campaign().store
        team = None if remove else team_id
        expected = seen if seen is not None else self._seen_versions(sirets)
        for _ in range(3):
            try:
                change = assign_firms(
                    store, sirets, team, adviser_id=adviser_id, locked=locked, expected=expected
                )
                break
            except StaleVersion as exc:
                if self.resolve(exc.conflict) != "mine":
                    self._parts.refresh_firms()
                    return False
                expected = None  # keep mine: over whatever is there now
            except Exception as exc:  # PlannerError: a remit rule forbids it
                QMessageBox.warning(self._parts.window, "Attribution refusée", str(exc))
                return False
        else:  # pragma: no cover - three conflicts in a row
            return False
        self._note(change)
        command = AssignCommand(
            store, change, text, self._parts.refresh_firms, self._resolve, self._note
        )
        command.warn = self._parts.show_error
        self._parts.undo_stack.push(command)
        self._parts.refresh_firms()
        return True

    def _resolve(self, conflict: Conflict) -> str:
        return self.resolve(conflict)

    def _note(self, change: AssignmentChange) -> None:
        for siret, held in change.after.items():
            before = change.before.get(siret)
            self._written[siret] = (
                held.version if held is not None else None,
                before.version if before is not None else None,
            )

    def _seen_versions(self, sirets: list[str]) -> dict[str, int | None] | None:
        """The assignment version of each firm as the user saw it (None: not assigned).

        The shown frame may predate this window's own last write (it reloads
        off the GUI thread): what this window wrote counts then, unless the
        frame shows a newer version (versions only grow), written by someone else.
        """
        campaign = self._parts.campaign()
        if campaign is None or "assignment_version" not in campaign.firms.columns:
            return None
        seen = campaign.firms.select("siret", "assignment_version").filter(
            pl.col("siret").is_in(sirets)
        )
        versions: dict[str, int | None] = {}
        for siret, value in seen.iter_rows():
            shown = int(value) if value is not None else None
            written, replaced = self._written.get(siret, (None, None))
            if siret not in self._written:
                versions[siret] = shown
            elif written is not None:
                versions[siret] = max(written, shown or 0)
            else:  # removed here: a shown version up to the one removed is older
                versions[siret] = shown if shown is not None and shown > (replaced or 0) else None
        return versions

    def lock_selection(self, locked: bool) -> None:
        """Lock (or unlock) the selected firms' assignments; undoable."""
        sirets = self._selected_sirets()
        if not sirets:
            return
        store = self._open_campaign().store
        previous = previous_assignments(store, sirets)
        assigned = [s for s in sirets if previous[s] is not None]
        seen = self._seen_versions(assigned)
        try:
            change = set_locked(store, assigned, locked, seen)
        except StaleVersion as exc:
            if self.resolve(exc.conflict) != "mine":
                self._parts.refresh_firms()
                return
            change = set_locked(store, assigned, locked)
        self._note(change)
        text = f"{'Verrouiller' if locked else 'Déverrouiller'} {len(assigned)} établissement(s)"
        command = LockCommand(
            store, change, text, self._parts.refresh_firms, self._resolve, self._note
        )
        command.warn = self._parts.show_error
        self._parts.undo_stack.push(command)
        self._parts.refresh_firms()

    def select_commune(self) -> None:
        """Select every firm of a commune (then assign it)."""
        campaign = self._parts.campaign()
        if campaign is None:
            return
        communes = (
            campaign.firms.select("commune_code", "commune_name").unique().sort("commune_name")
        )
        labels = [f"{n} ({c})" for c, n in communes.iter_rows()]
        label, ok = QInputDialog.getItem(
            self._parts.window, "Commune", "Commune :", labels, 0, False
        )
        if ok:
            code = communes["commune_code"][labels.index(label)]
            self._parts.table.select_ids(
                campaign.firms.filter(pl.col("commune_code") == code)["id"].to_list()
            )

    def _on_view_doubleClicked(self, index: QModelIndex) -> None:  # noqa: N802
        if self._parts.campaign() is None or not 0 <= index.row() < len(self.model.rows):
            return
        row = self.model.rows[index.row()]
        self.teamFilterRequested.emit(row.id)
        self._parts.status_bar.showMessage(
            f"Carte et tableau limités à l'équipe {row.team} "
            "(Filtres › Afficher toutes les équipes pour revenir).",
            8000,
        )

    # --- partners and teams -------------------------------------------------------------

    def edit_task_force(self) -> TaskForceEditor | None:
        """Open the partners and teams editor; after a save, refresh the summary and colours."""
        campaign = self._parts.campaign()
        if campaign is None:
            self._parts.status_bar.showMessage("Ouvrez d'abord une campagne.", 5000)
            return None
        editor = TaskForceEditor(self._parts.window, campaign.store)
        editor.accepted.connect(lambda: self._on_editor_accepted(editor))
        self.editor = editor
        editor.open()
        return editor

    def _on_editor_accepted(self, editor: TaskForceEditor) -> None:
        saved = editor.saved or {}
        # Team and adviser ids may have gone: earlier steps can no longer be undone.
        self._parts.undo_stack.clear()
        self._parts.refresh_firms()
        unassigned = saved.get("unassigned", 0)
        self._parts.status_bar.showMessage(
            f"Partenaires et équipes enregistrés ({saved.get('teams', 0)} équipes"
            + (f", {unassigned} entreprises retirées de leur équipe" if unassigned else "")
            + ").",
            8000,
        )

    # --- automatic division -----------------------------------------------------------

    def divide(self, accept_overload: bool = False) -> None:
        """Run the division off the GUI thread, with progress and Cancel, then show quality."""
        campaign = self._parts.campaign()
        if campaign is None:
            return
        store = campaign.store

        def task(progress: Any, cancel: Any) -> tuple[DivisionReport, list[Any], list[Any], Any]:
            before = snapshot_assignments(store)
            report = divide_campaign(
                store, accept_overload=accept_overload, progress=progress, cancel=cancel
            )
            return report, before, snapshot_assignments(store), assignment_versions(store)

        self._parts.run_task("Répartition des entreprises", task, self._divided, self._failed)

    def _divided(self, result: tuple[DivisionReport, list[Any], list[Any], Any]) -> None:
        report, before, after, versions = result
        self.last_report = report
        campaign = self._parts.campaign()
        if campaign is not None:
            division = DivisionCommand(
                campaign.store, before, after, versions, self._parts.refresh_firms, self._resolve
            )
            division.warn = self._parts.show_error
            self._parts.undo_stack.push(division)
        self._parts.refresh_firms()
        self._map.set_color_attribute("team")
        pieces = max((row.pieces for row in report.teams), default=0)
        unassigned = "".join(
            f"\n• {integer(n)} non réparties : {r}" for r, n in report.unassigned.items()
        )
        text = (
            f"{integer(report.assigned)} entreprises réparties, "
            f"{integer(report.moved)} ont changé d'équipe.\n"
            f"Écart maximal à la capacité : {decimal(report.max_deviation_pct, 1)} %.\n"
            f"Distance au centre de l'équipe : moyenne {decimal(report.mean_km, 2)} km, "
            f"90e centile {decimal(report.p90_km, 2)} km.\n"
            f"Morceaux disjoints par équipe : au plus {pieces}.{unassigned}"
        )
        for problem in report.problems:
            text += f"\n\n{problem}"
        text += "\n\nÉdition › Annuler remet les attributions d'avant la répartition."
        self._parts.status_bar.showMessage("Répartition terminée", 5000)
        if not self.quiet:
            QMessageBox.information(self._parts.window, "Répartition terminée", text)

    def _failed(self, message: str) -> None:
        if INFEASIBLE not in message:
            self._parts.show_error(message)
            return
        answer = QMessageBox.question(
            self._parts.window,
            "Répartition équitable impossible",
            message + "\n\nRépartir quand même ? Les règles restent respectées ; "
            "la capacité de cette équipe sera dépassée.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.divide(accept_overload=True)
