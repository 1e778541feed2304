"""Qt table models of an outcomes import preview: accepted, rejected, conflicts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from planner.io.outcome_workbook import FilledRow, Rejection
from planner.services.firms.firm_query import format_siret
from planner.services.followup.outcomes_import import Conflict

Index = QModelIndex | QPersistentModelIndex


class RowsModel(QAbstractTableModel):
    """A read-only table of tuples with French headers."""

    def __init__(self, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        super().__init__()
        self._headers = list(headers)
        self._rows = [list(r) for r in rows]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        value = self._rows[index.row()][index.column()]
        return "" if value is None else str(value)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._headers[section]
        return section + 1


def _filled(row: FilledRow) -> list[Any]:
    return [
        row.file,
        row.sheet,
        row.row,
        format_siret(row.siret),
        row.outcome,
        row.date.strftime("%d/%m/%Y"),
        row.posts,
        row.rome_code,
        row.contact_person,
    ]


FILLED_HEADERS = (
    "Fichier",
    "Onglet",
    "Ligne",
    "SIRET",
    "Résultat",
    "Date",
    "Postes",
    "ROME",
    "Interlocuteur",
)


def accepted_model(rows: Sequence[FilledRow]) -> RowsModel:
    return RowsModel(FILLED_HEADERS, [_filled(r) for r in rows])


def rejected_model(rows: Sequence[Rejection]) -> RowsModel:
    return RowsModel(
        ("Fichier", "Onglet", "Ligne", "Colonne", "SIRET", "Motif"),
        [
            (r.file, r.sheet, r.row, r.column, format_siret(r.siret) if r.siret else "", r.reason)
            for r in rows
        ],
    )


def conflicts_model(rows: Sequence[Conflict]) -> RowsModel:
    return RowsModel((*FILLED_HEADERS, "Conflit"), [(*_filled(c.row), c.reason) for c in rows])
