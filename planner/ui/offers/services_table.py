"""The services of the card's contact form as a small table: one row per service, chosen
from the active catalogue, with its status, date and number, added and removed with
buttons."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.domain.service_offer import SERVICE_STATUSES
from planner.services.offers.catalogue import OfferView
from planner.services.offers.recording import ServiceEntry

SERVICE, STATUS, DATE, NUMBER = range(4)
HEADERS = ("Service", "Statut", "Date", "Nombre")
DEFAULT_STATUS = "proposed"

Index = QModelIndex | QPersistentModelIndex


@dataclass(slots=True)
class ServiceRow:
    """One service being typed: the catalogue's service, a status code, the date and
    number as typed (empty: the contact's date, no number)."""

    offer_id: int
    status: str = DEFAULT_STATUS
    date: str = ""
    quantity: str = ""


class ServiceRowsModel(QAbstractTableModel):
    """The rows; the Service and Statut columns edit a code (``EditRole``), shown by label."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.offers: list[OfferView] = []
        self._by_id: dict[int, OfferView] = {}
        self.rows: list[ServiceRow] = []

    def set_offers(self, offers: Sequence[OfferView]) -> None:
        """The services that may be chosen (the active ones of the catalogue)."""
        self.beginResetModel()
        self.offers = list(offers)
        self._by_id = {o.id: o for o in self.offers}
        self.rows = [r for r in self.rows if r.offer_id in self._by_id]
        self.endResetModel()

    def offer_choices(self) -> list[tuple[str, int]]:
        """(« CODE — name », id) of each service, in the catalogue's order."""
        return [(f"{o.code} — {o.name}", o.id) for o in self.offers]

    @staticmethod
    def status_choices() -> list[tuple[str, str]]:
        """(label, code) of each status, in the order a service goes through them."""
        return [(label, code) for code, label in SERVICE_STATUSES.items()]

    def add_row(self, offer_id: int | None = None) -> int:
        """A new row (the first service, « Proposé », the contact's date); its number."""
        if offer_id is None:
            if not self.offers:
                return -1
            offer_id = self.offers[0].id
        row = len(self.rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self.rows.append(ServiceRow(offer_id))
        self.endInsertRows()
        return row

    def remove_row(self, row: int) -> None:
        """Take a row away (nothing when out of range)."""
        if 0 <= row < len(self.rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.rows[row]
            self.endRemoveRows()

    def entries(self) -> list[ServiceEntry]:
        """The rows as service entries, in order (the recording checks them)."""
        return [
            ServiceEntry(r.offer_id, r.status, date=r.date or None, quantity=r.quantity or None)
            for r in self.rows
        ]

    # --- the Qt model -----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        column = index.column()
        offer = self._by_id.get(row.offer_id)
        if role == Qt.ItemDataRole.EditRole:
            return (row.offer_id, row.status, row.date, row.quantity)[column]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == SERVICE:
                return f"{offer.code} — {offer.name}" if offer else str(row.offer_id)
            if column == STATUS:
                return SERVICE_STATUSES.get(row.status, row.status)
            return row.date if column == DATE else row.quantity
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == DATE:
                return "jj/mm/aaaa ; vide : la date du contact"
            if column == NUMBER and offer is not None:
                if offer.quantity_label:
                    return f"Nombre de {offer.quantity_label} (facultatif)"
                return "Ce service ne compte ni postes ni personnes : laissez vide"
        return None

    def setData(  # noqa: N802
        self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        if not 0 <= index.row() < len(self.rows):
            return False
        row = self.rows[index.row()]
        column = index.column()
        if column == SERVICE:
            if value not in self._by_id:
                return False
            row.offer_id = int(value)
        elif column == STATUS:
            if value not in SERVICE_STATUSES:
                return False
            row.status = str(value)
        elif column == DATE:
            row.date = str(value).strip()
        else:
            row.quantity = str(value).strip()
        self.dataChanged.emit(index, index)
        return True


class ChoiceDelegate(QStyledItemDelegate):
    """A drop-down over the (label, code) pairs ``choices`` gives; the model keeps the code."""

    def __init__(self, choices: Callable[[], Sequence[tuple[str, Any]]], parent: QWidget) -> None:
        super().__init__(parent)
        self._choices = choices

    def createEditor(  # noqa: N802
        self, parent: QWidget, option: QStyleOptionViewItem, index: Index
    ) -> QWidget:
        box = QComboBox(parent)
        for label, code in self._choices():
            box.addItem(label, code)
        # The choice reaches the model at once (the dialog may be saved with it open).
        box.activated.connect(lambda _i, b=box: self.commitData.emit(b))
        return box

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findData(index.data(Qt.ItemDataRole.EditRole)), 0))

    def setModelData(  # noqa: N802
        self, editor: QWidget, model: QAbstractItemModel, index: Index
    ) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class ServicesTable(QWidget):
    """The table with « Ajouter un service » and « Retirer »."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ServiceRowsModel(self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setItemDelegateForColumn(SERVICE, ChoiceDelegate(self.model.offer_choices, self))
        self.view.setItemDelegateForColumn(STATUS, ChoiceDelegate(self.model.status_choices, self))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(SERVICE, QHeaderView.ResizeMode.Stretch)
        for column in (STATUS, DATE, NUMBER):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.view.setMinimumHeight(110)
        self.add_button = QPushButton("Ajouter un service", self)
        self.add_button.clicked.connect(self.add)
        self.remove_button = QPushButton("Retirer", self)
        self.remove_button.clicked.connect(self.remove)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        layout.addLayout(buttons)
        self._update_buttons()
        self.model.rowsInserted.connect(self._update_buttons)
        self.model.rowsRemoved.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)

    def set_offers(self, offers: Sequence[OfferView]) -> None:
        """The services that may be chosen (the active ones of the catalogue)."""
        self.model.set_offers(offers)

    def entries(self) -> list[ServiceEntry]:
        """The rows as service entries."""
        return self.model.entries()

    def add(self) -> None:
        """A new row, its service's drop-down opened."""
        row = self.model.add_row()
        if row >= 0:
            index = self.model.index(row, SERVICE)
            # The current cell changing opens its editor (``AllEditTriggers``).
            self.view.setCurrentIndex(index)

    def remove(self) -> None:
        """Take the current row away."""
        self.model.remove_row(self.view.currentIndex().row())

    def _update_buttons(self) -> None:
        self.add_button.setEnabled(bool(self.model.offers))
        self.remove_button.setEnabled(bool(self.model.rows))
