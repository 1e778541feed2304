"""The « Conflits de portefeuilles » window: firms several partners claim, and their settlement."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.domain.french_numbers import integer
from planner.domain.progress import CancelToken, Progress
from planner.services.campaign.campaign_store import CampaignStore
from planner.services.task_force.partner_portfolios.conflicts import (
    PortfolioConflict,
    Settlement,
    list_conflicts,
    settle_conflict,
)
from planner.ui.partner_portfolios.conflicts_model import ConflictsModel
from planner.ui.tasks import Task

RunTask = Callable[[str, Task, Callable[[Any], None], Callable[[str], None]], object]


def conflicts_summary(count: int) -> str:
    """The window's line saying how many firms are in conflict (singular or plural)."""
    if count == 0:
        return "Aucun conflit entre portefeuilles."
    if count == 1:
        return (
            "1 entreprise revendiquée par plusieurs partenaires : elle n'est attribuée à "
            "personne tant que vous n'avez pas arbitré."
        )
    return (
        f"{integer(count)} entreprises revendiquées par plusieurs partenaires : elles ne "
        "sont attribuées à personne tant que vous n'avez pas arbitré."
    )


class SettleDialog(QDialog):
    """Choose the partner a firm in conflict goes to, among its claims."""

    def __init__(self, conflict: PortfolioConflict, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Arbitrer un conflit de portefeuilles")
        layout = QVBoxLayout(self)
        text = QLabel(
            f"{conflict.name} (SIRET {conflict.siret}) figure dans plusieurs portefeuilles. "
            "À quel partenaire l'attribuer ? Elle lui sera verrouillée ; les autres "
            "revendications seront marquées perdues."
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        self.group = QButtonGroup(self)
        for claim in conflict.claims:
            button = QRadioButton(claim.describe())
            self.group.addButton(button, claim.partner_id)
            layout.addWidget(button)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Attribuer")
        # « Attribuer » waits for a partner to be chosen (no silent close without one).
        self.ok_button.setEnabled(False)
        self.group.idToggled.connect(self._on_group_idToggled)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @Slot(int, bool)
    def _on_group_idToggled(self, _partner_id: int, _checked: bool) -> None:  # noqa: N802
        self.ok_button.setEnabled(self.group.checkedId() >= 0)

    def chosen_partner(self) -> int | None:
        """The chosen partner's id, or None when none is ticked."""
        checked = self.group.checkedId()
        return checked if checked >= 0 else None


def ask_partner(conflict: PortfolioConflict, parent: QWidget | None) -> int | None:
    """The partner the coordinator chooses in a :class:`SettleDialog` (None: cancelled)."""
    dialog = SettleDialog(conflict, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.chosen_partner()


class ConflictsWindow(QDialog):
    """Every firm in conflict with its claims; « Arbitrer… » settles the selected one.

    ``choose`` asks which partner gets the firm (tests replace it); the
    settlement runs through ``run_task`` off the GUI thread, then the list is
    read again and ``on_changed`` called (the firms' table reloads).
    """

    def __init__(
        self,
        store: CampaignStore,
        run_task: RunTask,
        on_changed: Callable[[], None],
        show_error: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Conflits de portefeuilles")
        self.setObjectName("portfolioConflictsWindow")
        self.resize(900, 420)
        self._store = store
        self._run_task = run_task
        self._on_changed = on_changed
        self._show_error = show_error
        self.choose: Callable[[PortfolioConflict], int | None] = lambda c: ask_partner(c, self)
        self.last_settlement: Settlement | None = None
        self.model = ConflictsModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.view.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.view.doubleClicked.connect(lambda _index: self.settle_selected())
        self.summary = QLabel()
        self.settle_button = QPushButton("Arbitrer…")
        self.settle_button.clicked.connect(self.settle_selected)
        close = QPushButton("Fermer")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.settle_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        """Read the conflicts again."""
        conflicts = list_conflicts(self._store)
        self.model.set_rows(conflicts)
        self.view.resizeColumnsToContents()
        self.view.resizeRowsToContents()
        self.summary.setText(conflicts_summary(len(conflicts)))
        self.settle_button.setEnabled(bool(conflicts))
        if conflicts:
            self.view.selectRow(0)

    def settle_selected(self) -> None:
        """Ask which partner gets the selected firm, then settle off the GUI thread."""
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return
        conflict = self.model.conflict(rows[0].row())
        partner_id = self.choose(conflict)
        if partner_id is None:
            return
        store = self._store
        versions = {c.claim_id: c.version for c in conflict.claims}

        def task(_progress: Progress, _cancel: CancelToken) -> Settlement:
            return settle_conflict(store, conflict.siret, partner_id, versions)

        def done(settlement: Settlement) -> None:
            self.last_settlement = settlement
            self.reload()
            self._on_changed()

        def failed(message: str) -> None:
            self._show_error(message)
            self.reload()

        self._run_task("Arbitrage du conflit", task, done, failed)
