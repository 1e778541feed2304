"""The forms of the « Partenaires et équipes » dialog: a partner and its remit
rules, a team, an adviser.

Each form shows one draft and writes what the user types back into it (not
what the form itself fills in when it shows the draft).

Signals (of each form):
    edited(): the user changed a field; the draft holds the change.
"""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QWidget,
)

from planner.domain.headcount_bands import BAND_LABELS
from planner.domain.remit import RULE_KINDS, RULE_LABELS
from planner.io.nomenclatures import load_nomenclature
from planner.services.task_force.edit import (
    FIRMS_FOLLOW,
    FIRMS_STAY,
    FIRMS_UNASSIGN,
    AdviserDraft,
    PartnerDraft,
    TeamDraft,
    check_adviser,
    check_rule,
    normalise_rule,
)
from planner.services.task_force.task_force import PARTNER_KINDS
from planner.ui.task_force.task_force_models import RulesModel, capitalised

MAX_CAPACITY = 1_000_000
RULE_PLACEHOLDERS = {
    "naf": "section (C), division (56) ou code (56.10A)",
    "band": "code INSEE de la tranche (11, 12…)",
    "commune": "code INSEE ou nom de la commune",
    "craft": "(sans valeur)",
    "created_since": "jj/mm/aaaa",
}
FIRMS_ON_MOVE_LABELS = {
    FIRMS_FOLLOW: "suivront le conseiller à « {team} »",
    FIRMS_STAY: "resteront à « {old} », sans conseiller attitré",
    FIRMS_UNASSIGN: "redeviendront non attribuées",
}


def firms_text(firms: int, moved_from: str | None, team: str, firms_on_move: str) -> str:
    """An adviser's firms, and what becomes of them if it moved from team ``moved_from``."""
    text = f"{firms} attribuée(s)"
    if moved_from is None:
        return text
    moved = f"conseiller déplacé depuis « {moved_from} »"
    if not firms:
        return f"{text} — {moved}."
    then = FIRMS_ON_MOVE_LABELS[firms_on_move].format(team=team, old=moved_from)
    return f"{text} — {moved} : elles {then} à l'enregistrement."


def _spin(special: str | None = None) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(0, MAX_CAPACITY)
    spin.setGroupSeparatorShown(True)
    if special:
        spin.setSpecialValueText(special)
    return spin


class PartnerForm(QWidget):
    """A partner: name, kind, address, exclusivity, and the remit rules with their entry row.

    ``add_rule_button`` (and Enter in ``rule_value``) is left for the dialog to
    connect: it says why a rule is refused.
    """

    edited = Signal()

    def __init__(self, parent: QWidget, communes: dict[str, str], nomenclature: str) -> None:
        super().__init__(parent)
        self.communes = communes
        self.nomenclature = nomenclature
        self.partner: PartnerDraft | None = None
        self._filling = False
        form = QFormLayout(self)
        self.name = QLineEdit(self)
        self.kind = QComboBox(self)
        for code, label in PARTNER_KINDS.items():
            self.kind.addItem(label, code)
        self.address = QLineEdit(self)
        self.address.setPlaceholderText("adresse de l'agence ou du siège (facultatif)")
        self.exclusive = QCheckBox(
            "Exclusif : seul ce partenaire prend les entreprises de son périmètre", self
        )
        self.rules_model = RulesModel(communes, self, nomenclature)
        self.rules_view = QTableView(self)
        self.rules_view.setModel(self.rules_model)
        self.rules_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.rules_view.horizontalHeader().setStretchLastSection(True)
        self.rules_view.verticalHeader().hide()
        self.rule_kind = QComboBox(self)
        for kind in RULE_KINDS:
            self.rule_kind.addItem(capitalised(RULE_LABELS[kind]), kind)
        self.rule_value = QLineEdit(self)
        self._completions = QStringListModel(self)
        completer = QCompleter(self._completions, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.rule_value.setCompleter(completer)
        self.add_rule_button = QPushButton("Ajouter la règle", self)
        self.remove_rule_button = QPushButton("Retirer la règle", self)
        self.remove_rule_button.clicked.connect(self.remove_selected_rules)
        self.rule_kind.currentIndexChanged.connect(self._on_rule_kind_currentIndexChanged)
        rule_row = QHBoxLayout()
        rule_row.addWidget(self.rule_kind)
        rule_row.addWidget(self.rule_value, 1)
        rule_buttons = QHBoxLayout()
        rule_buttons.addWidget(self.add_rule_button)
        rule_buttons.addWidget(self.remove_rule_button)
        rule_buttons.addStretch(1)
        hint = QLabel(
            "Règles d'un même type : l'une ou l'autre ; de types différents : toutes à la "
            "fois. Sans règle, le partenaire peut prendre toutes les entreprises.",
            self,
        )
        hint.setWordWrap(True)
        form.addRow("Nom", self.name)
        form.addRow("Type", self.kind)
        form.addRow("Adresse", self.address)
        form.addRow("", self.exclusive)
        form.addRow("Périmètre", self.rules_view)
        form.addRow("Nouvelle règle", rule_row)
        form.addRow("", rule_buttons)
        form.addRow("", hint)
        self.name.textEdited.connect(self._on_field_changed)
        self.address.textEdited.connect(self._on_field_changed)
        self.kind.currentIndexChanged.connect(self._on_field_changed)
        self.exclusive.toggled.connect(self._on_field_changed)
        self._on_rule_kind_currentIndexChanged()

    def show_partner(self, partner: PartnerDraft | None) -> None:
        """Fill the form from ``partner`` (None: edit nothing); its rules are edited in place."""
        self.partner = None
        if partner is None:
            return
        self._filling = True
        try:
            self.name.setText(partner.name)
            self.address.setText(partner.address or "")
            self.kind.setCurrentIndex(max(0, self.kind.findData(partner.kind)))
            self.exclusive.setChecked(partner.exclusive)
            self.rules_model.set_rules(partner.rules)
            self.rules_view.resizeColumnToContents(0)
        finally:
            self._filling = False
        self.partner = partner

    def _on_field_changed(self, *_args: object) -> None:
        partner = self.partner
        if self._filling or partner is None:
            return
        partner.name = self.name.text()
        partner.address = self.address.text().strip() or None
        partner.kind = str(self.kind.currentData())
        partner.exclusive = self.exclusive.isChecked()
        self.edited.emit()

    def add_typed_rule(self) -> str | None:
        """Add the rule typed under the list to the partner shown, checked first.

        Returns:
            Why the rule is refused, in French, or None once it is added.
        """
        assert self.partner is not None, "a rule is added to the partner shown"
        kind = str(self.rule_kind.currentData())
        text = self.rule_value.text().strip()
        if kind == "commune" and text and not text.split()[0].isdigit():
            # a commune typed by its name
            by_name = {name.lower(): code for code, name in self.communes.items()}
            text = by_name.get(text.lower(), text)
        rule = normalise_rule(kind, text)
        problem = check_rule(rule, self.communes, self.nomenclature)
        if problem:
            return f"Règle refusée : {problem}."
        if rule in self.partner.rules:
            return "Cette règle est déjà dans le périmètre."
        self.rules_model.append(rule)
        self.rules_view.resizeColumnToContents(0)
        self.rule_value.clear()
        return None

    def remove_selected_rules(self) -> None:
        """Remove the selected rules from the partner shown."""
        rows = sorted({i.row() for i in self.rules_view.selectionModel().selectedRows()})
        for row in reversed(rows):
            self.rules_model.remove(row)

    def _on_rule_kind_currentIndexChanged(self, _index: int = 0) -> None:  # noqa: N802
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


class TeamForm(QWidget):
    """A team: name and capacity (its own, or the sum of its advisers')."""

    edited = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.team: TeamDraft | None = None
        self._filling = False
        form = QFormLayout(self)
        self.name = QLineEdit(self)
        self.by_advisers = QCheckBox("Capacité = somme des capacités des conseillers", self)
        self.capacity = _spin()
        self.capacity.setSuffix(" entreprises")
        form.addRow("Nom", self.name)
        form.addRow("", self.by_advisers)
        form.addRow("Capacité", self.capacity)
        self.name.textEdited.connect(self._on_field_changed)
        self.by_advisers.toggled.connect(self._on_field_changed)
        self.capacity.valueChanged.connect(self._on_field_changed)

    def show_team(self, team: TeamDraft | None) -> None:
        """Fill the form from ``team`` (None: edit nothing)."""
        self.team = None
        if team is None:
            return
        self._filling = True
        try:
            self.name.setText(team.name)
            self.by_advisers.setChecked(team.capacity is None)
            self.capacity.setValue(team.capacity or 0)
            self.capacity.setEnabled(team.capacity is not None)
        finally:
            self._filling = False
        self.team = team

    def _on_field_changed(self, *_args: object) -> None:
        team = self.team
        if self._filling or team is None:
            return
        team.name = self.name.text()
        by_advisers = self.by_advisers.isChecked()
        self.capacity.setEnabled(not by_advisers)
        team.capacity = None if by_advisers else self.capacity.value()
        self.edited.emit()


class AdviserForm(QWidget):
    """An adviser: name, contact, capacity, firms, and what is wrong with the entry."""

    edited = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.adviser: AdviserDraft | None = None
        self._filling = False
        form = QFormLayout(self)
        self.name = QLineEdit(self)
        self.email = QLineEdit(self)
        self.email.setPlaceholderText("prenom.nom@exemple.fr")
        self.phone = QLineEdit(self)
        self.phone.setPlaceholderText("01 48 00 00 00")
        self.capacity = _spin("non précisée")
        self.firms_label = QLabel(self)
        self.firms_label.setWordWrap(True)
        self.problem = QLabel(self)
        self.problem.setStyleSheet("color: #b00020;")
        self.problem.setWordWrap(True)
        form.addRow("Nom", self.name)
        form.addRow("E-mail", self.email)
        form.addRow("Téléphone", self.phone)
        form.addRow("Capacité", self.capacity)
        form.addRow("Entreprises", self.firms_label)
        form.addRow("", self.problem)
        for edit in (self.name, self.email, self.phone):
            edit.textEdited.connect(self._on_field_changed)
        self.capacity.valueChanged.connect(self._on_field_changed)

    def show_adviser(self, adviser: AdviserDraft | None, firms: str = "") -> None:
        """Fill the form from ``adviser`` (None: edit nothing); ``firms``: its firms' fate."""
        self.adviser = None
        if adviser is None:
            return
        self._filling = True
        try:
            self.name.setText(adviser.name)
            self.email.setText(adviser.email or "")
            self.phone.setText(adviser.phone or "")
            self.capacity.setValue(adviser.capacity or 0)
            self.show_problems(adviser)
            self.firms_label.setText(firms)
        finally:
            self._filling = False
        self.adviser = adviser

    def _on_field_changed(self, *_args: object) -> None:
        adviser = self.adviser
        if self._filling or adviser is None:
            return
        adviser.name = self.name.text()
        adviser.email = self.email.text().strip() or None
        adviser.phone = self.phone.text().strip() or None
        adviser.capacity = self.capacity.value() or None
        self.show_problems(adviser)
        self.edited.emit()

    def show_problems(self, adviser: AdviserDraft) -> None:
        """What is wrong with the adviser's name or e-mail (nothing while both are empty)."""
        problems = check_adviser(adviser) if adviser.name or adviser.email else []
        self.problem.setText("\n".join(p[0].upper() + p[1:] + "." for p in problems))
