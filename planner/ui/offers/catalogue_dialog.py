"""« Offre de services… »: the coordinator edits the campaign's catalogue of services.

The table is edited in place; « Partenaires… » chooses who delivers the selected
service. Saving writes everything in one transaction; a service that contacts
recorded is archived rather than deleted; a catalogue changed by someone else
meanwhile asks whether to keep one's own version, take theirs or cancel.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.domain.errors import PlannerError
from planner.services.campaign.campaign_store import CampaignStore
from planner.services.offers.catalogue_edit import (
    CatalogueSaved,
    catalogue_for_editing,
    save_catalogue,
)
from planner.services.shared_campaign.conflicts import Conflict, StaleVersion
from planner.ui.offers.catalogue_model import PARTNERS, CatalogueModel
from planner.ui.offers.error_label import error_label


class PartnersDialog(QDialog):
    """Tick the partners that deliver a service (none ticked: every partner)."""

    def __init__(
        self, parent: QWidget | None, service: str, partners: list[str], chosen: tuple[str, ...]
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Partenaires qui délivrent « {service} »")
        self.model = QStandardItemModel(self)
        for name in partners:
            item = QStandardItem(name)
            item.setCheckable(True)
            item.setEditable(False)
            item.setCheckState(Qt.CheckState.Checked if name in chosen else Qt.CheckState.Unchecked)
            self.model.appendRow(item)
        view = QListView(self)
        view.setModel(self.model)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Aucun partenaire coché : tous les partenaires le délivrent."))
        layout.addWidget(view)
        layout.addWidget(buttons)

    def chosen(self) -> tuple[str, ...]:
        """The ticked partners, in the list's order."""
        items = (self.model.item(row) for row in range(self.model.rowCount()))
        return tuple(i.text() for i in items if i.checkState() == Qt.CheckState.Checked)


class CatalogueDialog(QDialog):
    """The catalogue editor.

    ``resolve`` answers a conflict with ``mine``, ``theirs`` or ``cancel`` (tests replace
    it); ``saved`` holds what the last save did.
    """

    def __init__(
        self,
        parent: QWidget | None,
        store: CampaignStore,
        resolve: Callable[[Conflict], str],
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Offre de services de la task force")
        self.resize(1250, 520)
        self.store = store
        self.resolve = resolve
        self.saved: CatalogueSaved | None = None
        loaded = catalogue_for_editing(store)
        self.partners = loaded.partners
        self.model = CatalogueModel(loaded.drafts)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.resizeColumnsToContents()
        self.view.setColumnWidth(0, 330)
        self.view.doubleClicked.connect(self._on_view_doubleClicked)
        self.errors = error_label(self)
        side = QVBoxLayout()
        for text, slot in (
            ("Ajouter", self._add),
            ("Retirer", self._remove),
            ("Monter", lambda: self._move(-1)),
            ("Descendre", lambda: self._move(1)),
            ("Partenaires…", self._choose_partners),
        ):
            button = QPushButton(text, self)
            button.clicked.connect(slot)
            side.addWidget(button)
        side.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.view, 1)
        row.addLayout(side)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("Enregistrer")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "Un service retiré qui a déjà été enregistré pour une entreprise est archivé "
                "(son historique reste). Un code vide est déduit du nom.",
                self,
            )
        )
        layout.addLayout(row)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)

    def _current_row(self) -> int:
        rows = self.view.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def _select(self, row: int) -> None:
        if row >= 0:
            self.view.selectRow(row)

    def _add(self) -> None:
        row = self.model.add()
        self._select(row)
        self.view.edit(self.model.index(row, 0))

    def _remove(self) -> None:
        row = self._current_row()
        if row >= 0:
            self.model.remove(row)
            self._select(min(row, self.model.rowCount() - 1))

    def _move(self, step: int) -> None:
        row = self._current_row()
        if row >= 0:
            self._select(self.model.move(row, step))

    def _choose_partners(self) -> None:
        row = self._current_row()
        if row < 0:
            return
        draft = self.model.drafts[row]
        dialog = PartnersDialog(self, draft.name, self.partners, draft.partners)
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                self.model.set_partners(row, dialog.chosen())
        finally:
            dialog.deleteLater()

    def _on_view_doubleClicked(self, index: QModelIndex) -> None:  # noqa: N802
        if index.column() == PARTNERS:
            self._choose_partners()

    def _show_errors(self, text: str) -> None:
        self.errors.setText(text)
        self.errors.show()

    def save(self) -> bool:
        """Save the catalogue; on success close the dialog. False if nothing was saved."""
        try:
            self.saved = self._save_checked()
        except PlannerError as exc:
            self._show_errors(f"Rien n'a été enregistré :\n{exc}")
            return False
        except Exception as exc:  # a database error: the transaction was rolled back
            self._show_errors(
                f"Rien n'a été enregistré : erreur de la base ({type(exc).__name__} : {exc})."
            )
            return False
        if self.saved is None:
            return False
        self.accept()
        return True

    def _save_checked(self) -> CatalogueSaved | None:
        try:
            return save_catalogue(self.store, self.model.drafts, self.model.removed)
        except StaleVersion as exc:
            choice = self.resolve(exc.conflict)
            if choice == "mine":  # write over theirs, knowingly
                for draft in self.model.drafts:
                    draft.version = None
                removed = dict.fromkeys(self.model.removed)
                return save_catalogue(self.store, self.model.drafts, removed)
            if choice == "theirs":
                self.model.set_drafts(catalogue_for_editing(self.store).drafts)
                self._show_errors("Le catalogue a été relu : ce sont les valeurs actuelles.")
                return None
            self._show_errors(f"Rien n'a été enregistré. {exc.conflict.describe()}")
            return None
