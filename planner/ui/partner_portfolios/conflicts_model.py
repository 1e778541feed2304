"""The table of the « Conflits de portefeuilles » window: one firm per row, with its claims."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from planner.services.task_force.partner_portfolios.conflicts import PortfolioConflict
from planner.ui.headed_table_model import HeadedTableModel

_Index = QModelIndex | QPersistentModelIndex


class ConflictsModel(HeadedTableModel):
    """Firms claimed by several partners: SIRET, name, commune, claims."""

    HEADERS: ClassVar[Sequence[str]] = ("SIRET", "Établissement", "Commune", "Revendications")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[PortfolioConflict] = []

    def set_rows(self, rows: Sequence[PortfolioConflict]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def conflict(self, row: int) -> PortfolioConflict:
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        conflict = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return conflict.siret
            if column == 1:
                return conflict.name
            if column == 2:
                return conflict.commune
            return "\n".join(c.describe() for c in conflict.claims)
        if role == Qt.ItemDataRole.ToolTipRole and column == 3:
            return "\n".join(c.describe() for c in conflict.claims)
        return None
