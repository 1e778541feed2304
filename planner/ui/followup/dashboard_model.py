"""A read-only Qt table model over a polars frame of the dashboard, French formats."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import polars as pl
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from planner.ui.followup.dashboard_charts import number, percent, rate

Index = QModelIndex | QPersistentModelIndex


def format_cell(value: Any, *, share: bool = False, fine: bool = False) -> str:
    """A cell as the dashboard shows and prints it: jj/mm/aaaa, 12 345, 27 %, 12,5 %
    (``fine``: a conversion rate, to a tenth)."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "oui" if value else "non"
    if fine and isinstance(value, float):
        return rate(value)
    if share and isinstance(value, float):
        return percent(value)
    if isinstance(value, int | float):
        return number(value)
    return str(value)


class FrameModel(QAbstractTableModel):
    """The rows of a frame under French headers; numbers right-aligned.

    Columns named in ``shares`` hold fractions shown as percentages; those in
    ``rates`` to a tenth (``12,5 %``).
    """

    def __init__(
        self,
        frame: pl.DataFrame,
        headers: Sequence[str],
        shares: Sequence[str] = (),
        rates: Sequence[str] = (),
    ) -> None:
        super().__init__()
        self.frame = frame
        self._headers = list(headers)
        self._columns = [frame[c].to_list() for c in frame.columns]
        self._share = [c in shares for c in frame.columns]
        self._fine = [c in rates for c in frame.columns]
        self._numeric = [frame[c].dtype.is_numeric() for c in frame.columns]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self.frame.height

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return format_cell(
                self._columns[column][index.row()],
                share=self._share[column],
                fine=self._fine[column],
            )
        if role == Qt.ItemDataRole.TextAlignmentRole and self._numeric[column]:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._headers[section]
        return section + 1

    def text_rows(self) -> list[list[str]]:
        """Every row as the table shows it, for printing."""
        return [
            [
                format_cell(self._columns[c][r], share=self._share[c], fine=self._fine[c])
                for c in range(len(self._columns))
            ]
            for r in range(self.frame.height)
        ]

    def headers(self) -> list[str]:
        return list(self._headers)

    def numeric(self) -> list[bool]:
        return list(self._numeric)
