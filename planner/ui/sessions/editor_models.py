"""Qt models of the session editor: firm search, host and invitee lists, attendance,
and the check lists of partners and advisers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import polars as pl
from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from planner.domain.session_labels import INVITEE_STATUSES
from planner.ui.headed_table_model import HeadedTableModel

_Index = QModelIndex | QPersistentModelIndex
SIRET_ROLE = int(Qt.ItemDataRole.UserRole) + 3
ID_ROLE = int(Qt.ItemDataRole.UserRole)


def format_siret(siret: str) -> str:
    """« 123 456 789 00012 » (SIREN in threes, then NIC)."""
    if len(siret) != 14:
        return siret
    return f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"


def firm_label(name: str | None, siret: str) -> str:
    """« NAME — 123 456 789 00012 », as the search and the lists show a firm."""
    return f"{name or '(sans nom)'} — {format_siret(siret)}"


class FirmSearchModel(QAbstractListModel):
    """The campaign's firms for a completer: « name — SIRET », matched anywhere.

    The SIRET is also given without spaces, so that a pasted SIRET matches.
    """

    def __init__(self, firms: pl.DataFrame | None, parent: Any = None) -> None:
        super().__init__(parent)
        self._sirets: list[str] = []
        self._labels: list[str] = []
        if firms is not None and firms.height:
            frame = firms.select("siret", "name").filter(pl.col("siret").is_not_null())
            self._sirets = frame["siret"].to_list()
            self._labels = [
                f"{firm_label(n, s)} ({s})"
                for n, s in zip(frame["name"].to_list(), self._sirets, strict=True)
            ]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._sirets)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._labels[index.row()]
        if role == SIRET_ROLE:
            return self._sirets[index.row()]
        return None


class FirmListModel(QAbstractListModel):
    """An ordered list of firms (hosts or invitees): SIRET and label."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[str, str]] = []

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        siret, label = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return label
        if role == SIRET_ROLE:
            return siret
        return None

    def sirets(self) -> list[str]:
        return [s for s, _ in self.rows]

    def add(self, siret: str, label: str) -> bool:
        """Append a firm; False when it is already there."""
        if siret in self.sirets():
            return False
        row = len(self.rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self.rows.append((siret, label))
        self.endInsertRows()
        return True

    def remove_rows(self, rows: list[int]) -> None:
        for row in sorted(set(rows), reverse=True):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.rows[row]
            self.endRemoveRows()


class CheckListModel(QAbstractListModel):
    """Named rows (partners, advisers) with a check box each: which ones take part.

    The id is under ``ID_ROLE``; rows keep the order they are given in.
    """

    def __init__(self, rows: Iterable[tuple[int, str]] = (), parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[int, str]] = list(rows)
        self._checked: set[int] = set()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsUserCheckable
        )

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row_id, name = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return name
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if row_id in self._checked else Qt.CheckState.Unchecked
        if role == ID_ROLE:
            return row_id
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or role != Qt.ItemDataRole.CheckStateRole:
            return False
        row_id = self.rows[index.row()][0]
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self._checked.add(row_id)
        else:
            self._checked.discard(row_id)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True

    def set_checked(self, ids: Iterable[int]) -> None:
        """Check exactly these ids (unknown ones are ignored), uncheck the others."""
        known = {row_id for row_id, _ in self.rows}
        self._checked = set(ids) & known
        if self.rows:
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(len(self.rows) - 1, 0),
                [Qt.ItemDataRole.CheckStateRole],
            )

    def checked_ids(self) -> list[int]:
        """The checked ids, in the rows' order."""
        return [row_id for row_id, _ in self.rows if row_id in self._checked]


class PresenceModel(HeadedTableModel):
    """The invitees after the event: a checkable « Présente » column sets attended/absent."""

    HEADERS = ["Entreprise", "SIRET", "Invitation", "Présente"]

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[list[str]] = []  # [siret, name, status]
        self.initial: dict[str, str] = {}

    def set_rows(self, rows: list[tuple[str, str, str]]) -> None:
        self.beginResetModel()
        self.rows = [[s, n, st] for s, n, st in rows]
        self.initial = {s: st for s, _, st in rows}
        self.endResetModel()

    def changed(self, keep: list[str] | None = None) -> dict[str, str]:
        """SIRET -> new status of the rows toggled (among ``keep`` when given)."""
        return {
            s: st
            for s, _, st in self.rows
            if st != self.initial.get(s) and (keep is None or s in keep)
        }

    def present_count(self) -> int:
        return sum(st == "attended" for _, _, st in self.rows)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() == 3:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        siret, name, status = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return name
            if column == 1:
                return format_siret(siret)
            if column == 2:
                return INVITEE_STATUSES.get(status, status)
        if role == Qt.ItemDataRole.CheckStateRole and column == 3:
            return Qt.CheckState.Checked if status == "attended" else Qt.CheckState.Unchecked
        if role == SIRET_ROLE:
            return siret
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or index.column() != 3 or role != Qt.ItemDataRole.CheckStateRole:
            return False
        checked = Qt.CheckState(value) == Qt.CheckState.Checked
        self.rows[index.row()][2] = "attended" if checked else "absent"
        self.dataChanged.emit(self.index(index.row(), 2), self.index(index.row(), 3))
        return True
