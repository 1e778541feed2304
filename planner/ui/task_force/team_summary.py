"""The team summary table: firms, capacity, deviation, communes, advisers."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from planner.domain.french_numbers import integer
from planner.services.task_force.summary import TeamSummaryRow
from planner.ui.headed_table_model import HeadedTableModel

HEADERS = [
    "Équipe",
    "Partenaire",
    "Entreprises",
    "Capacité",
    "Écart",
    "Communes",
    "Morceaux",
    "Conseillers",
]
DEVIATION = HEADERS.index("Écart")


def _count(value: int) -> str:
    """A whole number with the French thousands separator (narrow no-break space)."""
    return integer(value)


class TeamSummaryModel(HeadedTableModel):
    """Read-only table over :func:`planner.services.task_force.summary.summary_rows`."""

    HEADERS = HEADERS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[TeamSummaryRow] = []

    def set_rows(self, rows: list[TeamSummaryRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            values = [
                row.team,
                row.partner,
                _count(row.assigned) + (f" ({row.locked} verr.)" if row.locked else ""),
                _count(row.capacity),
                f"{row.deviation_pct:+.1f} %".replace(".", ","),
                str(row.communes),
                str(row.pieces),
                str(row.advisers),
            ]
            return values[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == DEVIATION:
            return (
                f"Part visée : {_count(row.target)} entreprises, soit la capacité de "
                "l'équipe rapportée au total des entreprises attribuées.\n"
                "Écart = (entreprises − part visée) / part visée."
            )
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None
