"""The catalogue editor's table: one row a service, edited in place (name, code, what its
number counts, « compte comme accompagnement », archived); partners chosen apart."""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from planner.services.offers.catalogue_edit import OfferDraft
from planner.ui.headed_table_model import HeadedTableModel

_Index = QModelIndex | QPersistentModelIndex

NAME, CODE, PARTNERS, COUNTS, QUANTITY, ARCHIVED = range(6)
_TEXT_COLUMNS = (NAME, CODE, QUANTITY)
_CHECK_COLUMNS = (COUNTS, ARCHIVED)


class CatalogueModel(HeadedTableModel):
    """The drafts of the catalogue, in order; ``removed`` holds the saved services taken
    out (id → version read), which the save archives or deletes."""

    HEADERS: ClassVar[tuple[str, ...]] = (
        "Nom",
        "Code",
        "Partenaires qui le délivrent",
        "Compte comme accompagnement",
        "Nombre compté",
        "Archivé",
    )

    def __init__(self, drafts: list[OfferDraft] | None = None) -> None:
        super().__init__()
        self.drafts: list[OfferDraft] = list(drafts or [])
        self.removed: dict[int, int | None] = {}

    def set_drafts(self, drafts: list[OfferDraft]) -> None:
        """Show these services (a reload: nothing removed)."""
        self.beginResetModel()
        self.drafts = list(drafts)
        self.removed = {}
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.drafts)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        draft = self.drafts[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == NAME:
                return draft.name
            if column == CODE:
                return draft.code
            if column == QUANTITY:
                return draft.quantity_label or ""
            if column == PARTNERS:
                return ", ".join(draft.partners) or "tous"
        if role == Qt.ItemDataRole.CheckStateRole and column in _CHECK_COLUMNS:
            on = draft.counts_as_accompaniment if column == COUNTS else not draft.active
            return Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole and column == PARTNERS:
            return "Double-cliquez (ou « Partenaires… ») pour choisir les partenaires"
        if role == Qt.ItemDataRole.ToolTipRole and column == CODE:
            return "Vide : déduit du nom à l'enregistrement (majuscules sans accent)"
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.column() in _TEXT_COLUMNS:
            return base | Qt.ItemFlag.ItemIsEditable
        if index.column() in _CHECK_COLUMNS:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid():
            return False
        draft = self.drafts[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.EditRole and column in _TEXT_COLUMNS:
            text = str(value or "")
            if column == NAME:
                draft.name = text
            elif column == CODE:
                draft.code = text.strip().upper()
            else:
                draft.quantity_label = text.strip() or None
        elif role == Qt.ItemDataRole.CheckStateRole and column in _CHECK_COLUMNS:
            on = (
                Qt.CheckState(value) == Qt.CheckState.Checked
                if not isinstance(value, bool)
                else value
            )
            if column == COUNTS:
                draft.counts_as_accompaniment = bool(on)
            else:
                draft.active = not on
        else:
            return False
        self.dataChanged.emit(index, index, [role])
        return True

    def set_partners(self, row: int, partners: tuple[str, ...]) -> None:
        """The partners that deliver the service of ``row`` (empty: every partner)."""
        self.drafts[row].partners = partners
        cell = self.index(row, PARTNERS)
        self.dataChanged.emit(cell, cell, [Qt.ItemDataRole.DisplayRole])

    def add(self, name: str = "Nouveau service") -> int:
        """Append a new service; its row."""
        row = len(self.drafts)
        self.beginInsertRows(QModelIndex(), row, row)
        self.drafts.append(OfferDraft(None, name))
        self.endInsertRows()
        return row

    def remove(self, row: int) -> None:
        """Take a service out (a saved one with records is archived by the save)."""
        self.beginRemoveRows(QModelIndex(), row, row)
        draft = self.drafts.pop(row)
        self.endRemoveRows()
        if draft.id is not None:
            self.removed[draft.id] = draft.version

    def move(self, row: int, step: int) -> int:
        """Move a service up (-1) or down (+1); its new row."""
        target = row + step
        if not 0 <= row < len(self.drafts) or not 0 <= target < len(self.drafts):
            return row
        destination = target + 1 if step > 0 else target
        self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), destination)
        self.drafts.insert(target, self.drafts.pop(row))
        self.endMoveRows()
        return target
