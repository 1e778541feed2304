"""The communes of France as a checkable list: a Qt model over plain columns.

35,000 rows would take a second as ``QStandardItem`` objects; this model
keeps the reference's columns (code, name, département) as lists, a set of
ticked rows and the rows the search shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

_Index = QModelIndex | QPersistentModelIndex


class CommuneChecklistModel(QAbstractTableModel):
    """One checkable row per commune, filtered by a search text.

    Signals:
        checkedChanged(): a commune was ticked or unticked.
    """

    checkedChanged = Signal()  # noqa: N815 (Qt-style signal name)

    def __init__(
        self,
        codes: Sequence[str],
        names: Sequence[str],
        departements: Sequence[str],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._codes = list(codes)
        self._labels = [f"{name} ({code})" for code, name in zip(codes, names, strict=True)]
        self._search = [
            f"{name} {code} {dep}".casefold()
            for code, name, dep in zip(codes, names, departements, strict=True)
        ]
        self._checked: set[int] = set()
        self._shown: list[int] | None = None  # None: every row

    # ------------------------------------------------------------ Qt model

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008 (Qt API)
        if parent.isValid():
            return 0
        return len(self._codes) if self._shown is None else len(self._shown)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008 (Qt API)
        return 0 if parent.isValid() else 1

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._row(index)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._labels[row]
        if role == Qt.ItemDataRole.CheckStateRole:
            checked = row in self._checked
            return Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.UserRole:
            return self._codes[row]
        return None

    def setData(  # noqa: N802 (Qt API)
        self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.CheckStateRole:
            return False
        row = self._row(index)
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self._checked.add(row)
        else:
            self._checked.discard(row)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.checkedChanged.emit()
        return True

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsUserCheckable
        )

    # ------------------------------------------------------------ communes

    def set_search(self, text: str) -> None:
        """Show only the communes whose name, code or département contains ``text``."""
        needle = text.casefold()
        self.beginResetModel()
        if needle:
            self._shown = [i for i, key in enumerate(self._search) if needle in key]
        else:
            self._shown = None
        self.endResetModel()

    def set_checked(self, code: str, checked: bool = True) -> None:
        """Tick (or untick) a commune by its code, shown or not."""
        row = self._codes.index(code)
        shown = range(len(self._codes)) if self._shown is None else self._shown
        if row in shown:
            position = row if self._shown is None else self._shown.index(row)
            state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
            self.setData(self.index(position, 0), state, Qt.ItemDataRole.CheckStateRole)
            return
        if checked:
            self._checked.add(row)
        else:
            self._checked.discard(row)
        self.checkedChanged.emit()

    def checked_codes(self) -> list[str]:
        """The ticked communes' codes, in the reference's order."""
        return [self._codes[row] for row in sorted(self._checked)]

    def _row(self, index: _Index) -> int:
        return index.row() if self._shown is None else self._shown[index.row()]
