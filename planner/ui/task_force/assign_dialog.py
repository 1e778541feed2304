"""The dialog of a manual assignment: to which team (or adviser), locked or not, and
which selected firms the team's remit leaves out, with why.

A firm locked in another team (a partner's portfolio, or by hand) is left
where it is and listed with why, unless the coordinator ticks
:data:`MOVE_LOCKED_TEXT`; the lock box only ever adds locks: unticked, every
firm keeps its own lock. Firms taken from a partner's portfolio are said.

Nothing is written here: the dialog says what an assignment would do, and
the controller writes it once the coordinator confirms.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.domain.errors import PlannerError
from planner.domain.french_numbers import integer
from planner.services.campaign.campaign_store import CampaignStore
from planner.services.firms.firm_labels import format_siret
from planner.services.task_force.remit_refusals import RemitRefusal, RemitSplit, split_by_remit

LOCK_TEXT = "Verrouiller ces affectations (une répartition ne les déplacera pas)"
MOVE_LOCKED_TEXT = "Déplacer aussi les établissements verrouillés"

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class Target:
    """One entry of the dialog's list: a team, or an adviser (and so the adviser's team)."""

    label: str
    team_id: int
    adviser_id: int | None = None


@dataclass(frozen=True, slots=True)
class AssignChoice:
    """What the coordinator confirmed: the target, the firms to assign, and the lock
    (``locked`` False: each firm keeps its own lock)."""

    target: Target
    sirets: tuple[str, ...]
    locked: bool
    split: RemitSplit
    move_locked: bool = False


class RefusalModel(QAbstractTableModel):
    """The firms left out of an assignment: SIRET, name, commune and reason."""

    HEADERS = ("SIRET", "Nom", "Commune", "Raison")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: tuple[RemitRefusal, ...] = ()

    def set_rows(self, rows: Sequence[RemitRefusal]) -> None:
        """Show these refusals."""
        self.beginResetModel()
        self.rows = tuple(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid() or role not in (_DISPLAY, _TOOLTIP):
            return None
        row = self.rows[index.row()]
        return (format_siret(row.siret), row.name, row.commune, row.reason)[index.column()]

    def headerData(  # noqa: N802 - Qt API
        self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY
    ) -> Any:
        if role == _DISPLAY and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return super().headerData(section, orientation, role)


class AssignDialog(QDialog):
    """Choose a team (or an adviser) for the selected firms, and whether to lock them.

    When the chosen team's remit leaves some firms out, the dialog lists them
    with their reason and offers to assign the others; the lock is unchecked
    by default (see :data:`LOCK_TEXT`).
    """

    def __init__(
        self,
        parent: QWidget | None,
        store: CampaignStore,
        sirets: Sequence[str],
        targets: Sequence[Target],
        *,
        title: str,
        label: str,
        preselect: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self._store = store
        self._sirets = tuple(sirets)
        self._targets = tuple(targets)
        self.split: RemitSplit | None = None

        count = len(self._sirets)
        noun = "établissement sélectionné" if count == 1 else "établissements sélectionnés"
        self.intro = QLabel(f"{integer(count)} {noun}.")
        self.target_combo = QComboBox()
        for target in self._targets:
            self.target_combo.addItem(target.label)
        self.lock_check = QCheckBox(LOCK_TEXT)
        self.lock_check.setChecked(False)
        self.lock_check.setToolTip(
            "Une affectation verrouillée reste dans son équipe quand la répartition "
            "automatique est relancée. Sans verrou, la répartition la garde autant que "
            "les capacités et les périmètres le permettent."
        )
        self.move_locked_check = QCheckBox(MOVE_LOCKED_TEXT)
        self.move_locked_check.setChecked(False)
        self.move_locked_check.setToolTip(
            "Un établissement verrouillé dans une autre équipe (portefeuille d'un partenaire, "
            "ou verrou posé à la main) n'est déplacé que si cette case est cochée ; il reste "
            "alors verrouillé."
        )
        self.move_locked_check.hide()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.model = RefusalModel(self)
        self.refusals = QTableView()
        self.refusals.setModel(self.model)
        self.refusals.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.refusals.setWordWrap(False)
        vertical = self.refusals.verticalHeader()
        vertical.setVisible(False)
        vertical.setDefaultSectionSize(self.refusals.fontMetrics().height() + 8)
        self.refusals.horizontalHeader().setStretchLastSection(True)
        self.refusals.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.refusals.setMinimumSize(980, 200)
        self.buttons = QDialogButtonBox()
        self.assign_button: QPushButton = self.buttons.addButton(
            "Attribuer", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button: QPushButton = self.buttons.addButton(
            "Annuler", QDialogButtonBox.ButtonRole.RejectRole
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(label, self.target_combo)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.lock_check)
        layout.addWidget(self.move_locked_check)
        layout.addWidget(self.summary)
        layout.addWidget(self.refusals, 1)
        layout.addWidget(self.buttons)

        self.target_combo.currentIndexChanged.connect(self._on_target_combo_currentIndexChanged)
        self.move_locked_check.toggled.connect(self._on_move_locked_check_toggled)
        index = next(
            (i for i, t in enumerate(self._targets) if preselect in (t.team_id, t.adviser_id)), 0
        )
        self.target_combo.setCurrentIndex(index)
        self._on_target_combo_currentIndexChanged(index)

    def target(self) -> Target:
        """The team or adviser chosen."""
        return self._targets[self.target_combo.currentIndex()]

    def choice(self) -> AssignChoice | None:
        """What to write, or None when the chosen team may take none of the firms."""
        if self.split is None:
            return None
        move = self.move_locked_check.isChecked()
        sirets = self.split.sirets(move_locked=move)
        if not sirets:
            return None
        return AssignChoice(self.target(), sirets, self.lock_check.isChecked(), self.split, move)

    def _on_target_combo_currentIndexChanged(self, index: int) -> None:  # noqa: N802
        if not 0 <= index < len(self._targets):
            return
        try:
            split = split_by_remit(self._store, self._sirets, self._targets[index].team_id)
        except PlannerError as exc:
            self.split = None
            self.model.set_rows(())
            self.refusals.hide()
            self.summary.setText(str(exc))
            self.assign_button.setEnabled(False)
            self.move_locked_check.hide()
            return
        self.split = split
        self.move_locked_check.setVisible(bool(split.locked))
        self._render()

    def _on_move_locked_check_toggled(self, _checked: bool) -> None:
        self._render()

    def _render(self) -> None:
        """Show what the split and the move box make of the selection."""
        split = self.split
        if split is None:
            return
        move = self.move_locked_check.isChecked()
        left = split.refused if move else (*split.refused, *split.locked)
        self.model.set_rows(left)
        self.refusals.setVisible(bool(left))
        written = len(split.sirets(move_locked=move))
        self.assign_button.setEnabled(bool(written))
        self.summary.setText(_summary(split, move))
        if left and written:
            self.assign_button.setText(f"Attribuer les {integer(written)} autres")
        else:
            self.assign_button.setText("Attribuer")
        if left:
            self.refusals.resizeColumnsToContents()
        self.adjustSize()


def _summary(split: RemitSplit, move_locked: bool = False) -> str:
    """What the assignment will do, in French."""
    sentences = [_remit_summary(split, move_locked), _lock_summary(split, move_locked)]
    sentences += _portfolio_summary(split, move_locked)
    return " ".join(s for s in sentences if s)


def _lock_summary(split: RemitSplit, move_locked: bool) -> str:
    """The locked firms in another team: moved (still locked) or left where they are."""
    count = len(split.locked)
    if not count:
        return ""
    one = count == 1
    if move_locked:
        return (
            "L'établissement verrouillé dans une autre équipe sera déplacé et restera verrouillé."
            if one
            else f"Les {integer(count)} établissements verrouillés dans une autre équipe seront "
            "déplacés et resteront verrouillés."
        )
    return (
        "1 établissement verrouillé dans une autre équipe y reste"
        if one
        else f"{integer(count)} établissements verrouillés dans une autre équipe y restent"
    ) + f" (cochez « {MOVE_LOCKED_TEXT} » pour les déplacer)."


def _portfolio_summary(split: RemitSplit, move_locked: bool) -> list[str]:
    """The firms taken away from the partner whose portfolio holds them."""
    said = []
    for partner, count in sorted(split.leaving(move_locked=move_locked).items()):
        if count == 1:
            said.append(
                f"1 établissement quitte le portefeuille de {partner} : le partenaire le suit "
                "toujours, et une nouvelle importation de son portefeuille le lui rendra."
            )
        else:
            said.append(
                f"{integer(count)} établissements quittent le portefeuille de {partner} : le "
                "partenaire les suit toujours, et une nouvelle importation de son portefeuille "
                "les lui rendra."
            )
    return said


def _remit_summary(split: RemitSplit, move_locked: bool) -> str:
    """The firms out of the team's remit, in French."""
    refused = len(split.refused)
    allowed = len(split.sirets(move_locked=move_locked))
    if not refused:
        return ""
    team = f"« {split.team} »"
    remit = f"Périmètre de {split.partner} : {split.remit}."
    left = (
        "1 établissement est hors de son périmètre"
        if refused == 1
        else f"{integer(refused)} établissements sont hors de son périmètre"
    )
    if not allowed:
        return f"L'équipe {team} ne peut prendre aucun des établissements sélectionnés. {remit}"
    kept = (
        "seul l'autre sera attribué"
        if allowed == 1
        else (f"seuls les {integer(allowed)} autres seront attribués")
    )
    listed = "Il reste" if refused == 1 else "Ils restent"
    return (
        f"{left} de l'équipe {team} : {kept}. "
        f"{listed} dans leur équipe actuelle ; la liste ci-dessous dit pourquoi. {remit}"
    )
