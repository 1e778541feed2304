"""The table of « Mon portefeuille »: one row per firm of the adviser, by priority."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from planner.services.followup.portfolio import PortfolioLine

Index = QModelIndex | QPersistentModelIndex

COLUMNS = (
    "Priorité",
    "Entreprise",
    "Commune",
    "Téléphone",
    "Activité (NAF)",
    "Effectif",
    "Dernier contact",
    "Résultat",
    "Par",
    "Prochaine étape",
)
PRIORITY, NAME, COMMUNE, PHONE, NAF, BAND, LAST_DATE, OUTCOME, BY, NEXT_STEP = range(len(COLUMNS))


def _priority_text(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}".replace(".", ",")


class PortfolioModel(QAbstractTableModel):
    """The adviser's firms in the service's order (priority first); one line can be
    replaced in place after a call, so the row the adviser works on does not move."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._lines: list[PortfolioLine] = []
        self._rows: dict[str, int] = {}

    def set_lines(self, lines: Sequence[PortfolioLine]) -> None:
        """Show these lines (a new adviser, or a reload)."""
        self.beginResetModel()
        self._lines = list(lines)
        self._rows = {line.siret: row for row, line in enumerate(self._lines)}
        self.endResetModel()

    def line(self, row: int) -> PortfolioLine:
        """The line shown on ``row``."""
        return self._lines[row]

    def row_of(self, siret: str) -> int | None:
        """The row of a firm, or None if it is not in the portfolio."""
        return self._rows.get(siret)

    def replace_line(self, line: PortfolioLine) -> None:
        """Show a firm's line again (after a call), at the same row."""
        row = self._rows.get(line.siret)
        if row is None:
            return
        self._lines[row] = line
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def _text(self, line: PortfolioLine, column: int) -> str:
        if column == PRIORITY:
            return _priority_text(line.priority)
        if column == LAST_DATE:
            return line.last_date.strftime("%d/%m/%Y") if line.last_date else ""
        values = {
            NAME: line.name,
            COMMUNE: line.commune,
            PHONE: line.phone or "",
            NAF: f"{line.naf_code} {line.naf_label}".strip(),
            BAND: line.band,
            OUTCOME: line.last_outcome or "Pas encore contactée",
            BY: line.last_by or "",
            NEXT_STEP: line.next_step or "",
        }
        return values[column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        line = self._lines[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(line, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == NAME:
                tip = [line.name, line.address, f"SIRET {line.siret}"]
                if line.contact_person:
                    tip.append(f"Interlocuteur : {line.contact_person}")
                if line.supported:
                    tip.append("Déjà accompagnée (liste importée)")
                tip.append(f"{line.contacts} contact(s) enregistré(s)")
                return "\n".join(t for t in tip if t)
            return self._text(line, column) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == PRIORITY:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column == OUTCOME and not line.last_outcome:
            return QColor("#757575")
        if role == Qt.ItemDataRole.FontRole and column == NAME and line.supported:
            font = QFont()
            font.setItalic(True)
            return font
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return section + 1
