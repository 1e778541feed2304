"""The "Partenaires et équipes" dialog: partners, remit rules, teams and advisers.

The tree and the forms edit plain drafts; nothing reaches the campaign until
*Enregistrer*, which checks everything and saves in one transaction. An
adviser moves to another team by drag and drop or with *Déplacer vers
l'équipe…*; the coordinator says then what becomes of the adviser's firms.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, QStringListModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from planner.domain.errors import PlannerError
from planner.domain.headcount_bands import BAND_LABELS
from planner.domain.remit import RULE_KINDS, RULE_LABELS
from planner.io.nomenclatures import load_nomenclature
from planner.services.campaign.campaign_store import CampaignStore
from planner.services.campaign.naf_reference import reference_nomenclature
from planner.services.firms.firm_query import load_firms
from planner.services.task_force.edit import (
    FIRMS_FOLLOW,
    FIRMS_STAY,
    FIRMS_UNASSIGN,
    AdviserDraft,
    PartnerDraft,
    TeamDraft,
    adviser_firm_counts,
    adviser_teams,
    assigned_counts,
    bassin_communes,
    check_adviser,
    check_drafts,
    check_move,
    check_rule,
    load_drafts,
    normalise_rule,
    save_task_force,
)
from planner.services.task_force.task_force import PARTNER_KINDS
from planner.ui.task_force.task_force_models import RulesModel, TaskForceTreeModel, capitalised

MAX_CAPACITY = 1_000_000
SHOWN_PROBLEMS = 8
RULE_PLACEHOLDERS = {
    "naf": "section (C), division (56) ou code (56.10A)",
    "band": "code INSEE de la tranche (11, 12…)",
    "commune": "code INSEE ou nom de la commune",
    "craft": "(sans valeur)",
    "created_since": "jj/mm/aaaa",
}


def ask_unassign(parent: QWidget, what: str, firms: int) -> bool:
    """Ask before deleting a team (or partner) that holds firms; True to go on."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Supprimer")
    box.setText(f"{what} a {firms} entreprise(s) attribuée(s).")
    box.setInformativeText(
        "Elles seront retirées de l'équipe à l'enregistrement et redeviendront non "
        "attribuées ; la prochaine répartition automatique les redistribuera."
    )
    remove = box.addButton(
        "Retirer ces entreprises et supprimer", QMessageBox.ButtonRole.AcceptRole
    )
    box.addButton("Annuler", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is remove


def choose_team(parent: QWidget, adviser: str, teams: list[str]) -> int | None:
    """Ask which team ``adviser`` moves to; the chosen row of ``teams``, or None."""
    label, ok = QInputDialog.getItem(
        parent,
        "Déplacer vers l'équipe",
        f"Équipe de destination de « {adviser} » :",
        teams,
        0,
        False,
    )
    return teams.index(label) if ok and label in teams else None


def ask_firms_on_move(parent: QWidget, adviser: str, firms: int, team: str) -> str | None:
    """Ask what becomes of a moving adviser's firms: one of the ``FIRMS_*`` or None (cancel)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Déplacer le conseiller")
    box.setText(f"« {adviser} » a {firms} entreprise(s) attribuée(s).")
    box.setInformativeText(f"Que deviennent-elles avec son passage à l'équipe « {team} » ?")
    choices = {
        box.addButton(
            "Les garder (elles passent à la nouvelle équipe)", QMessageBox.ButtonRole.AcceptRole
        ): FIRMS_FOLLOW,
        box.addButton(
            "Les laisser à l'ancienne équipe", QMessageBox.ButtonRole.AcceptRole
        ): FIRMS_STAY,
        box.addButton(
            "Les retirer (non attribuées)", QMessageBox.ButtonRole.AcceptRole
        ): FIRMS_UNASSIGN,
    }
    box.addButton("Annuler", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return choices.get(box.clickedButton())  # type: ignore[call-overload]


FIRMS_ON_MOVE_LABELS = {
    FIRMS_FOLLOW: "suivront le conseiller à « {team} »",
    FIRMS_STAY: "resteront à « {old} », sans conseiller attitré",
    FIRMS_UNASSIGN: "redeviendront non attribuées",
}


def _spin(special: str | None = None) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(0, MAX_CAPACITY)
    spin.setGroupSeparatorShown(True)
    if special:
        spin.setSpecialValueText(special)
    return spin


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
        self.team_names = {t.id: t.name for p in self.model.partners for t in p.teams}
        self._firms: Any = None  # the firm frame, loaded at the first remit check
        self._loading = False

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
        self.pages.addWidget(self._partner_page())
        self.pages.addWidget(self._team_page())
        self.pages.addWidget(self._adviser_page())
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

    def _partner_page(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        self.partner_name = QLineEdit(page)
        self.partner_kind = QComboBox(page)
        for code, label in PARTNER_KINDS.items():
            self.partner_kind.addItem(label, code)
        self.partner_address = QLineEdit(page)
        self.partner_address.setPlaceholderText("adresse de l'agence ou du siège (facultatif)")
        self.partner_exclusive = QCheckBox(
            "Exclusif : seul ce partenaire prend les entreprises de son périmètre", page
        )
        self.rules_model = RulesModel(self.communes, self, self.nomenclature)
        self.rules_view = QTableView(page)
        self.rules_view.setModel(self.rules_model)
        self.rules_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.rules_view.horizontalHeader().setStretchLastSection(True)
        self.rules_view.verticalHeader().hide()
        self.rule_kind = QComboBox(page)
        for kind in RULE_KINDS:
            self.rule_kind.addItem(capitalised(RULE_LABELS[kind]), kind)
        self.rule_value = QLineEdit(page)
        self._completions = QStringListModel(self)
        completer = QCompleter(self._completions, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.rule_value.setCompleter(completer)
        add_rule = QPushButton("Ajouter la règle", page)
        remove_rule = QPushButton("Retirer la règle", page)
        add_rule.clicked.connect(self.add_rule)
        remove_rule.clicked.connect(self.remove_rule)
        self.rule_value.returnPressed.connect(self.add_rule)
        self.rule_kind.currentIndexChanged.connect(self._on_rule_kind_changed)
        rule_row = QHBoxLayout()
        rule_row.addWidget(self.rule_kind)
        rule_row.addWidget(self.rule_value, 1)
        rule_buttons = QHBoxLayout()
        rule_buttons.addWidget(add_rule)
        rule_buttons.addWidget(remove_rule)
        rule_buttons.addStretch(1)
        hint = QLabel(
            "Règles d'un même type : l'une ou l'autre ; de types différents : toutes à la "
            "fois. Sans règle, le partenaire peut prendre toutes les entreprises.",
            page,
        )
        hint.setWordWrap(True)
        form.addRow("Nom", self.partner_name)
        form.addRow("Type", self.partner_kind)
        form.addRow("Adresse", self.partner_address)
        form.addRow("", self.partner_exclusive)
        form.addRow("Périmètre", self.rules_view)
        form.addRow("Nouvelle règle", rule_row)
        form.addRow("", rule_buttons)
        form.addRow("", hint)
        self.partner_name.textEdited.connect(self._on_partner_edited)
        self.partner_address.textEdited.connect(self._on_partner_edited)
        self.partner_kind.currentIndexChanged.connect(self._on_partner_edited)
        self.partner_exclusive.toggled.connect(self._on_partner_edited)
        self._on_rule_kind_changed()
        return page

    def _team_page(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        self.team_name = QLineEdit(page)
        self.team_by_advisers = QCheckBox("Capacité = somme des capacités des conseillers", page)
        self.team_capacity = _spin()
        self.team_capacity.setSuffix(" entreprises")
        form.addRow("Nom", self.team_name)
        form.addRow("", self.team_by_advisers)
        form.addRow("Capacité", self.team_capacity)
        self.team_name.textEdited.connect(self._on_team_edited)
        self.team_by_advisers.toggled.connect(self._on_team_edited)
        self.team_capacity.valueChanged.connect(self._on_team_edited)
        return page

    def _adviser_page(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        self.adviser_name = QLineEdit(page)
        self.adviser_email = QLineEdit(page)
        self.adviser_email.setPlaceholderText("prenom.nom@exemple.fr")
        self.adviser_phone = QLineEdit(page)
        self.adviser_phone.setPlaceholderText("01 48 00 00 00")
        self.adviser_capacity = _spin("non précisée")
        self.adviser_firms_label = QLabel(page)
        self.adviser_firms_label.setWordWrap(True)
        self.adviser_problem = QLabel(page)
        self.adviser_problem.setStyleSheet("color: #b00020;")
        self.adviser_problem.setWordWrap(True)
        form.addRow("Nom", self.adviser_name)
        form.addRow("E-mail", self.adviser_email)
        form.addRow("Téléphone", self.adviser_phone)
        form.addRow("Capacité", self.adviser_capacity)
        form.addRow("Entreprises", self.adviser_firms_label)
        form.addRow("", self.adviser_problem)
        for edit in (self.adviser_name, self.adviser_email, self.adviser_phone):
            edit.textEdited.connect(self._on_adviser_edited)
        self.adviser_capacity.valueChanged.connect(self._on_adviser_edited)
        return page

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
        self._loading = True
        try:
            if isinstance(node, PartnerDraft):
                self.partner_name.setText(node.name)
                self.partner_address.setText(node.address or "")
                self.partner_kind.setCurrentIndex(max(0, self.partner_kind.findData(node.kind)))
                self.partner_exclusive.setChecked(node.exclusive)
                self.rules_model.set_rules(node.rules)
                self.rules_view.resizeColumnToContents(0)
                self.pages.setCurrentIndex(1)
            elif isinstance(node, TeamDraft):
                self.team_name.setText(node.name)
                self.team_by_advisers.setChecked(node.capacity is None)
                self.team_capacity.setValue(node.capacity or 0)
                self.team_capacity.setEnabled(node.capacity is not None)
                self.pages.setCurrentIndex(2)
            elif isinstance(node, AdviserDraft):
                self.adviser_name.setText(node.name)
                self.adviser_email.setText(node.email or "")
                self.adviser_phone.setText(node.phone or "")
                self.adviser_capacity.setValue(node.capacity or 0)
                self._show_adviser_problems(node)
                self.adviser_firms_label.setText(self._firms_text(node, self.current_path()))
                self.pages.setCurrentIndex(3)
            else:
                self.pages.setCurrentIndex(0)
        finally:
            self._loading = False
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
        text = f"{firms} attribuée(s)"
        home = self.homes.get(adviser.id) if adviser.id is not None else None
        team = self.model.partners[path[0]].teams[path[1]]
        if home is None or home[0] == team.id:
            return text
        old = self.team_names.get(home[0], "")
        moved = f"conseiller déplacé depuis « {old} »"
        if not firms:
            return f"{text} — {moved}."
        then = FIRMS_ON_MOVE_LABELS[adviser.firms_on_move].format(team=team.name, old=old)
        return f"{text} — {moved} : elles {then} à l'enregistrement."

    # --- form edits -----------------------------------------------------------------------

    def _on_partner_edited(self, *_args: Any) -> None:
        node = self.model.node(self.tree.currentIndex())
        if self._loading or not isinstance(node, PartnerDraft):
            return
        node.name = self.partner_name.text()
        node.address = self.partner_address.text().strip() or None
        node.kind = str(self.partner_kind.currentData())
        node.exclusive = self.partner_exclusive.isChecked()
        self.model.refresh(self.current_path())

    def _on_team_edited(self, *_args: Any) -> None:
        node = self.model.node(self.tree.currentIndex())
        if self._loading or not isinstance(node, TeamDraft):
            return
        node.name = self.team_name.text()
        by_advisers = self.team_by_advisers.isChecked()
        self.team_capacity.setEnabled(not by_advisers)
        node.capacity = None if by_advisers else self.team_capacity.value()
        self.model.refresh(self.current_path())

    def _on_adviser_edited(self, *_args: Any) -> None:
        node = self.model.node(self.tree.currentIndex())
        if self._loading or not isinstance(node, AdviserDraft):
            return
        node.name = self.adviser_name.text()
        node.email = self.adviser_email.text().strip() or None
        node.phone = self.adviser_phone.text().strip() or None
        node.capacity = self.adviser_capacity.value() or None
        self._show_adviser_problems(node)
        self.model.refresh(self.current_path())

    def _show_adviser_problems(self, adviser: AdviserDraft) -> None:
        problems = check_adviser(adviser) if adviser.name or adviser.email else []
        self.adviser_problem.setText("\n".join(p[0].upper() + p[1:] + "." for p in problems))

    # --- rules --------------------------------------------------------------------------------

    def _on_rule_kind_changed(self, *_args: Any) -> None:
        kind = str(self.rule_kind.currentData())
        self.rule_value.setPlaceholderText(RULE_PLACEHOLDERS[kind])
        self.rule_value.setEnabled(kind != "craft")
        if kind == "naf":
            labels = load_nomenclature(self.nomenclature).labels
            items = [f"{code} {label}" for code, label in labels.items()]
        elif kind == "band":
            items = [f"{code} {label}" for code, label in BAND_LABELS.items() if code != "NN"]
        elif kind == "commune":
            items = [f"{code} {name}" for code, name in self.communes.items()]
        else:
            items = []
        self._completions.setStringList(items)

    def add_rule(self) -> bool:
        """Add the rule typed under the list to the current partner (checked first)."""
        node = self.model.node(self.tree.currentIndex())
        if not isinstance(node, PartnerDraft):
            return False
        kind = str(self.rule_kind.currentData())
        text = self.rule_value.text().strip()
        if kind == "commune" and text and not text.split()[0].isdigit():
            # a commune typed by its name
            by_name = {name.lower(): code for code, name in self.communes.items()}
            text = by_name.get(text.lower(), text)
        rule = normalise_rule(kind, text)
        problem = check_rule(rule, self.communes, self.nomenclature)
        if problem:
            self._show_errors(f"Règle refusée : {problem}.")
            return False
        if rule in node.rules:
            self._show_errors("Cette règle est déjà dans le périmètre.")
            return False
        self.errors.clear()
        self.rules_model.append(rule)
        self.rules_view.resizeColumnToContents(0)
        self.rule_value.clear()
        self.model.refresh(self.current_path())
        return True

    def remove_rule(self) -> None:
        """Remove the selected rule of the current partner."""
        rows = sorted({i.row() for i in self.rules_view.selectionModel().selectedRows()})
        for row in reversed(rows):
            self.rules_model.remove(row)

    # --- tree edits -------------------------------------------------------------------------------

    def add_partner(self) -> None:
        """Add a new partner and show its form."""
        path = self.model.insert((), PartnerDraft(name="Nouveau partenaire"))
        self.select(path)
        self.partner_name.setFocus()
        self.partner_name.selectAll()

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
        self.team_name.setFocus()
        self.team_name.selectAll()

    def add_adviser(self) -> None:
        """Add an adviser to the current team."""
        path = self.current_path()
        if len(path) < 2:
            return
        new = self.model.insert(path[:2], AdviserDraft(name="Nouveau conseiller"))
        self.select(new)
        self.adviser_name.setFocus()
        self.adviser_name.selectAll()

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
            self.saved = save_task_force(self.store, self.model.partners)
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
