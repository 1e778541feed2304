"""The firm table: a view over :class:`FirmTableModel` that selects firms by id."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QTableView, QWidget

from planner.ui.firms.firm_table_model import FirmTableModel, setup_firm_view


class FirmTable(QTableView):
    """The main window's firm table; ``firm_model`` holds the firms it shows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.firm_model = FirmTableModel(None, self)
        setup_firm_view(self, self.firm_model)

    def select_ids(self, ids: list[int]) -> None:
        """Select these firms (those the filters show) and scroll to the first."""
        selection = self.selectionModel()
        selection.clearSelection()
        model = self.firm_model
        rows = [r for r in (model.row_of_id(i) for i in ids) if r is not None]
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for row in rows:
            selection.select(model.index(row, 0), flags)
        if rows:
            self.scrollTo(model.index(rows[0], 0))

    def selected_ids(self) -> list[int]:
        """Ids of the selected firms, in row order."""
        rows = sorted({index.row() for index in self.selectionModel().selectedRows()})
        return list(self.firm_model.ids_of_rows(rows))
