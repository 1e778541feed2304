"""The "Partenaires et équipes" dialog: partners, remit rules, teams and advisers.

The tree and the forms edit plain drafts; nothing reaches the campaign until
*Enregistrer*, which checks everything and saves in one transaction. An
adviser moves to another team by drag and drop or with *Déplacer vers
l'équipe…*; the coordinator says then what becomes of the adviser's firms.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from planner.domain.errors import PlannerError
from planner.services.campaign.campaign_store import CampaignStore
from planner.services.campaign.naf_reference import reference_nomenclature
from planner.services.firms.firm_query import load_firms
from planner.services.shared_campaign.conflicts import Conflict, StaleVersion
from planner.services.task_force.edit import (
    FIRMS_FOLLOW,
    FIRMS_STAY,
    AdviserDraft,
    PartnerDraft,
    TeamDraft,
    adviser_firm_counts,
    adviser_teams,
    assigned_counts,
    bassin_communes,
    check_drafts,
    check_move,
    load_drafts,
    save_task_force,
)
from planner.services.task_force.edit_versions import loaded_versions
from planner.ui.shared_campaign.conflict_dialog import resolve_conflict
from planner.ui.task_force.editor_forms import AdviserForm, PartnerForm, TeamForm, firms_text

# The questions are looked up in this module when asked, so that a test can answer them.
from planner.ui.task_force.editor_questions import ask_firms_on_move, ask_unassign, choose_team
from planner.ui.task_force.task_force_models import TaskForceTreeModel

SHOWN_PROBLEMS = 8


class TaskForceEditor(QDialog):
    """Edit the campaign's partners, rules, teams and advisers; save them all at once.

    Attributes:
        saved: the counts returned by the save, once saved.
    """

    def __init__(self, parent: QWidget | None, store: CampaignStore) -> None:
        super().__init__(parent)
        self.setWindowTitle("Partenaires et équipes")
        self.store = store
        self.saved: dict[str, int] | None = None
        self.communes = bassin_communes(store)
        self.nomenclature = reference_nomenclature(store)
        self.firm_counts = assigned_counts(store)
        self.adviser_firms = adviser_firm_counts(store)
        self.homes = adviser_teams(store)
        self.model = TaskForceTreeModel(load_drafts(store), self)
        # The rows as loaded: a save never overwrites what someone changed since.
        self.known = loaded_versions(self.model.partners)
        self.resolve: Callable[[Conflict], str] = lambda c: resolve_conflict(self, c)
        self.team_names = {t.id: t.name for p in self.model.partners for t in p.teams}
        self._firms: Any = None  # the firm frame, loaded at the first remit check

        self.tree = QTreeView(self)
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.tree.header().setStretchLastSection(True)
        self.tree.selectionModel().currentChanged.connect(self._on_tree_currentChanged)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.tree.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.tree.setDropIndicatorShown(True)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._on_tree_customContextMenuRequested)
        # Queued: the question about the firms comes once the drop is over.
        self.model.move_requested.connect(
            self._on_model_move_requested, Qt.ConnectionType.QueuedConnection
        )
        self.add_partner_button = QPushButton("Ajouter un partenaire", self)
        self.add_team_button = QPushButton("Ajouter une équipe", self)
        self.add_adviser_button = QPushButton("Ajouter un conseiller", self)
        self.remove_button = QPushButton("Supprimer", self)
        self.move_button = QPushButton("Déplacer vers l'équipe…", self)
        self.move_button.setToolTip(
            "Déplacer le conseiller vers une autre équipe (ou le glisser sur l'équipe)"
        )
        self.move_button.clicked.connect(self.move_current)
        self.add_partner_button.clicked.connect(self.add_partner)
        self.add_team_button.clicked.connect(self.add_team)
        self.add_adviser_button.clicked.connect(self.add_adviser)
        self.remove_button.clicked.connect(self.remove_current)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.tree)
        buttons_row = QHBoxLayout()
        for button in (
            self.add_partner_button,
            self.add_team_button,
            self.add_adviser_button,
            self.move_button,
            self.remove_button,
        ):
            buttons_row.addWidget(button)
        left_layout.addLayout(buttons_row)

        self.pages = QStackedWidget(self)
        self.pages.addWidget(QLabel("Sélectionnez ou ajoutez un partenaire.", self))
        self.partner_form = PartnerForm(self, self.communes, self.nomenclature)
        self.partner_form.add_rule_button.clicked.connect(self.add_rule)
        self.partner_form.rule_value.returnPressed.connect(self.add_rule)
        self.team_form = TeamForm(self)
        self.adviser_form = AdviserForm(self)
        for form in (self.partner_form, self.team_form, self.adviser_form):
            form.edited.connect(self._on_form_edited)
            self.pages.addWidget(form)
        splitter = QSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([680, 520])

        self.errors = QLabel(self)
        self.errors.setWordWrap(True)
        self.errors.setStyleSheet("color: #b00020;")
        self.errors.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        box.button(QDialogButtonBox.StandardButton.Save).setText("Enregistrer")
        box.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        box.accepted.connect(self.save)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.errors)
        layout.addWidget(box)
        self.resize(1240, 680)
        self.tree.expandAll()
        self.tree.setColumnWidth(0, 300)
        self.tree.setColumnWidth(1, 210)
        self._update_buttons()

    # --- pages ----------------------------------------------------------------------

    # --- current node -------------------------------------------------------------------

    def current_path(self) -> tuple[int, ...]:
        """Where the tree's current row is (empty when none)."""
        return self.model.path(self.tree.currentIndex())

    def select(self, path: tuple[int, ...]) -> None:
        """Make the row at ``path`` current and show its form."""
        index = self.model.index_of(path)
        self.tree.expand(index.parent())
        self.tree.scrollTo(index)
        self.tree.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )

    def _on_tree_currentChanged(self, current: QModelIndex, _previous: QModelIndex) -> None:  # noqa: N802
        node = self.model.node(current)
        self.partner_form.show_partner(node if isinstance(node, PartnerDraft) else None)
        self.team_form.show_team(node if isinstance(node, TeamDraft) else None)
        if isinstance(node, AdviserDraft):
            self.adviser_form.show_adviser(node, self._firms_text(node, self.current_path()))
        else:
            self.adviser_form.show_adviser(None)
        pages = ((PartnerDraft, 1), (TeamDraft, 2), (AdviserDraft, 3))
        self.pages.setCurrentIndex(next((i for t, i in pages if isinstance(node, t)), 0))
        self._update_buttons()

    def _update_buttons(self) -> None:
        depth = len(self.current_path())
        self.add_team_button.setEnabled(depth >= 1)
        self.add_adviser_button.setEnabled(depth >= 2)
        self.remove_button.setEnabled(depth >= 1)
        self.move_button.setEnabled(depth == 3 and len(self.model.teams()) > 1)

    def _firms_text(self, adviser: AdviserDraft, path: tuple[int, ...]) -> str:
        """The adviser's firms, and what becomes of them if it moved."""
        firms = self.adviser_firms.get(adviser.id, 0) if adviser.id is not None else 0
        home = self.homes.get(adviser.id) if adviser.id is not None else None
        team = self.model.partners[path[0]].teams[path[1]]
        moved_from = (
            None if home is None or home[0] == team.id else self.team_names.get(home[0], "")
        )
        return firms_text(firms, moved_from, team.name, adviser.firms_on_move)

    # --- form edits -----------------------------------------------------------------------

    def _on_form_edited(self) -> None:
        self.model.refresh(self.current_path())

    # --- rules --------------------------------------------------------------------------------

    def add_rule(self) -> bool:
        """Add the rule typed under the list to the current partner (checked first)."""
        if not isinstance(self.model.node(self.tree.currentIndex()), PartnerDraft):
            return False
        problem = self.partner_form.add_typed_rule()
        if problem:
            self._show_errors(problem)
            return False
        self.errors.clear()
        self.model.refresh(self.current_path())
        return True

    def remove_rule(self) -> None:
        """Remove the selected rule of the current partner."""
        self.partner_form.remove_selected_rules()

    # --- tree edits -------------------------------------------------------------------------------

    def add_partner(self) -> None:
        """Add a new partner and show its form."""
        path = self.model.insert((), PartnerDraft(name="Nouveau partenaire"))
        self.select(path)
        self.partner_form.name.setFocus()
        self.partner_form.name.selectAll()

    def add_team(self) -> None:
        """Add a team to the current partner."""
        path = self.current_path()
        if not path:
            return
        partner = self.model.partners[path[0]]
        number = len(partner.teams) + 1
        new = self.model.insert(
            path[:1], TeamDraft(name=f"{partner.name} — équipe {number}", capacity=0)
        )
        self.select(new)
        self.team_form.name.setFocus()
        self.team_form.name.selectAll()

    def add_adviser(self) -> None:
        """Add an adviser to the current team."""
        path = self.current_path()
        if len(path) < 2:
            return
        new = self.model.insert(path[:2], AdviserDraft(name="Nouveau conseiller"))
        self.select(new)
        self.adviser_form.name.setFocus()
        self.adviser_form.name.selectAll()

    def move_current(self) -> bool:
        """Ask for a team and move the current adviser there."""
        path = self.current_path()
        node = self.model.node(self.tree.currentIndex())
        if len(path) != 3 or not isinstance(node, AdviserDraft):
            return False
        teams = [(p, label) for p, label in self.model.teams() if p != path[:2]]
        if not teams:
            return False
        chosen = choose_team(self, node.name, [label for _p, label in teams])
        if chosen is None:
            return False
        return self.move_adviser(path, teams[chosen][0])

    def move_adviser(self, adviser_path: tuple[int, ...], team_path: tuple[int, ...]) -> bool:
        """Move an adviser to another team, asking what becomes of its firms.

        Firms may follow the adviser only if the new team's partner may take
        them all (remit rules and exclusivity, as drafted); else nothing moves
        and the message says how many firms its remit excludes.
        """
        adviser = self.model.node(self.model.index_of(adviser_path))
        team = self.model.node(self.model.index_of(team_path))
        if not isinstance(adviser, AdviserDraft) or not isinstance(team, TeamDraft):
            return False
        if adviser_path[:2] == team_path:
            return False
        partner = self.model.partners[team_path[0]]
        home = self.homes.get(adviser.id) if adviser.id is not None else None
        firms = self.adviser_firms.get(adviser.id, 0) if adviser.id is not None else 0
        choice = FIRMS_STAY
        if home is not None and firms and home[0] != team.id:
            asked = ask_firms_on_move(self, adviser.name, firms, team.name)
            if asked is None:
                return False
            choice = asked
            if choice == FIRMS_FOLLOW and partner.id != home[1]:
                if self._firms is None:
                    self._firms = load_firms(self.store)
                problem = check_move(
                    self.store, self.model.partners, adviser, team_path[0], team.name, self._firms
                )
                if problem:
                    self._show_errors(f"Déplacement refusé : {problem}")
                    return False
        adviser.firms_on_move = choice
        self.errors.clear()
        self.select(self.model.move(adviser_path, team_path))
        # The current index follows the moved row, so no currentChanged: show it again.
        self._on_tree_currentChanged(self.tree.currentIndex(), QModelIndex())
        return True

    def _on_model_move_requested(self, adviser_path: object, team_path: object) -> None:
        if isinstance(adviser_path, tuple) and isinstance(team_path, tuple):
            self.move_adviser(adviser_path, team_path)

    def _on_tree_customContextMenuRequested(self, pos: QPoint) -> None:  # noqa: N802
        index = self.tree.indexAt(pos)
        if not index.isValid():  # the menu key: the current row
            index = self.tree.currentIndex()
        if len(self.model.path(index)) != 3:
            return
        self.select(self.model.path(index.siblingAtColumn(0)))
        menu = QMenu(self)
        menu.addAction("Déplacer vers l'équipe…", self.move_current)
        menu.addAction("Supprimer", self.remove_current)
        menu.exec(self.tree.viewport().mapToGlobal(pos))

    def remove_current(self) -> bool:
        """Delete the current row; a team holding firms asks first."""
        path = self.current_path()
        node = self.model.node(self.tree.currentIndex())
        if node is None:
            return False
        if isinstance(node, PartnerDraft | TeamDraft):
            teams = node.teams if isinstance(node, PartnerDraft) else [node]
            firms = sum(self.firm_counts.get(t.id, 0) for t in teams if t.id is not None)
            what = (
                f"Le partenaire « {node.name} »"
                if isinstance(node, PartnerDraft)
                else f"L'équipe « {node.name} »"
            )
            if firms and not ask_unassign(self, what, firms):
                return False
        self.model.remove(path)
        siblings = self.model.rowCount(self.model.index_of(path[:-1]))
        if siblings:
            self.select((*path[:-1], min(path[-1], siblings - 1)))
        elif len(path) > 1:
            self.select(path[:-1])
        self._update_buttons()
        return True

    def _show_errors(self, text: str) -> None:
        self.errors.setText(text)
        # A word-wrapped label does not grow by itself once the dialog is laid out.
        self.errors.setMinimumHeight(self.errors.heightForWidth(self.errors.width()))

    # --- save -------------------------------------------------------------------------------------

    def save(self) -> bool:
        """Check every draft, then save them in one transaction and close."""
        problems = check_drafts(self.model.partners, self.communes, self.nomenclature)
        if problems:
            shown = problems[:SHOWN_PROBLEMS]
            if len(problems) > SHOWN_PROBLEMS:
                shown.append(f"… et {len(problems) - SHOWN_PROBLEMS} autre(s) problème(s).")
            self._show_errors("Rien n'a été enregistré :\n" + "\n".join(shown))
            return False
        try:
            self.saved = self._save_checked()
            if self.saved is None:
                return False
            self.known = loaded_versions(self.model.partners)  # the drafts now hold ids
        except PlannerError as exc:
            self._show_errors(f"Rien n'a été enregistré : {exc}")
            return False
        except Exception as exc:  # a database error: the transaction was rolled back
            self._show_errors(
                f"Rien n'a été enregistré : erreur de la base ({type(exc).__name__} : {exc})."
            )
            return False
        self.accept()
        return True

    def _save_checked(self) -> dict[str, int] | None:
        """Save unless someone changed these rows since; then ask (None: not saved)."""
        try:
            return save_task_force(self.store, self.model.partners, self.known)
        except StaleVersion as exc:
            choice = self.resolve(exc.conflict)
            if choice == "mine":
                for partner in self.model.partners:  # write over theirs, knowingly
                    partner.version = None
                    for team in partner.teams:
                        team.version = None
                        for adviser in team.advisers:
                            adviser.version = None
                return save_task_force(self.store, self.model.partners)
            if choice == "theirs":
                self.reject()  # theirs stay; reopening the editor shows them
                return None
            self._show_errors(f"Rien n'a été enregistré. {exc.conflict.describe()}")
            return None
