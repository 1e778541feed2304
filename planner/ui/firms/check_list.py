"""A checkable list of filter entries with an optional search field, used by the
firm filter panel; each entry shows its number of firms."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QLineEdit, QListView, QVBoxLayout, QWidget

from planner.domain.french_numbers import integer
from planner.services.firms.firm_query import normalize_text

_CODE_ROLE = int(Qt.ItemDataRole.UserRole) + 1
_KEY_ROLE = int(Qt.ItemDataRole.UserRole) + 2
_LABEL_ROLE = int(Qt.ItemDataRole.UserRole) + 3

Entry = tuple[str, str, int]
"""``(code, label, number of firms)`` of one list entry."""


def _count(n: int) -> str:
    return integer(n)


class _EntryFilter(QSortFilterProxyModel):
    """Hides entries whose label lacks the typed words, or whose code is not allowed."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        self._allowed: frozenset[str] | None = None

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._words = normalize_text(text).split()
        self.endFilterChange()

    def set_allowed(self, codes: frozenset[str] | None) -> None:
        self.beginFilterChange()
        self._allowed = codes
        self.endFilterChange()

    def filterAcceptsRow(  # noqa: N802
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        index = self.sourceModel().index(source_row, 0, source_parent)
        if self._allowed is not None and index.data(_CODE_ROLE) not in self._allowed:
            return False
        key = index.data(_KEY_ROLE) or ""
        return all(word in key for word in self._words)


class CheckList(QWidget):
    """A list of checkable entries, with an optional search field above it.

    Signals:
        changed(): an entry was checked or unchecked by the user.
    """

    changed = Signal()

    def __init__(
        self,
        search_placeholder: str | None = None,
        parent: QWidget | None = None,
        *,
        height: int = 150,
    ) -> None:
        super().__init__(parent)
        self._model = QStandardItemModel(self)
        self._proxy = _EntryFilter(self)
        self._proxy.setSourceModel(self._model)
        self.view = QListView(self)
        self.view.setModel(self._proxy)
        self.view.setUniformItemSizes(True)
        self.view.setFixedHeight(height)
        self.search: QLineEdit | None = None
        self._silent = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if search_placeholder:
            self.search = QLineEdit(self)
            self.search.setPlaceholderText(search_placeholder)
            self.search.setClearButtonEnabled(True)
            self.search.textChanged.connect(self._proxy.set_text)
            layout.addWidget(self.search)
        layout.addWidget(self.view)
        self._model.itemChanged.connect(self._on_model_item_changed)

    def set_entries(self, entries: Iterable[Entry]) -> None:
        """Replace the entries; codes that were checked and remain stay checked."""
        kept = self.checked() or frozenset()
        self._silent = True
        try:
            self._model.clear()
            for code, label, count in entries:
                item = QStandardItem(f"{label} ({_count(count)})")
                item.setEditable(False)
                item.setCheckable(True)
                item.setCheckState(
                    Qt.CheckState.Checked if code in kept else Qt.CheckState.Unchecked
                )
                item.setData(code, _CODE_ROLE)
                item.setData(label, _LABEL_ROLE)
                item.setData(normalize_text(f"{label} {code}"), _KEY_ROLE)
                item.setToolTip(label if code in label else f"{label} ({code})")
                self._model.appendRow(item)
        finally:
            self._silent = False

    def label_of(self, code: str) -> str:
        """The label of the entry ``code`` (without its count), or the code itself."""
        for row in range(self._model.rowCount()):
            item = self._model.item(row)
            if item.data(_CODE_ROLE) == code:
                return str(item.data(_LABEL_ROLE))
        return code

    def entry_count(self) -> int:
        """Number of entries, shown or hidden."""
        return self._model.rowCount()

    def checked(self) -> frozenset[str] | None:
        """Codes of the checked entries, or None when none is checked (no restriction)."""
        codes = frozenset(
            str(item.data(_CODE_ROLE))
            for row in range(self._model.rowCount())
            if (item := self._model.item(row)).checkState() == Qt.CheckState.Checked
        )
        return codes or None

    def set_checked(self, codes: Iterable[str], *, notify: bool = False) -> None:
        """Check exactly these codes (others are unchecked)."""
        wanted = set(codes)
        self._silent = True
        try:
            for row in range(self._model.rowCount()):
                item = self._model.item(row)
                state = (
                    Qt.CheckState.Checked
                    if item.data(_CODE_ROLE) in wanted
                    else (Qt.CheckState.Unchecked)
                )
                if item.checkState() != state:
                    item.setCheckState(state)
        finally:
            self._silent = False
        if notify:
            self.changed.emit()

    def restrict_to(self, codes: frozenset[str] | None) -> None:
        """Show only these codes (None = all); hidden entries are unchecked."""
        self._proxy.set_allowed(codes)
        if codes is not None:
            kept = (self.checked() or frozenset()) & codes
            self.set_checked(kept)

    def clear(self) -> None:
        """Uncheck everything and empty the search field, without signal."""
        self.set_checked(())
        if self.search is not None:
            self.search.clear()

    def _on_model_item_changed(self, _item: QStandardItem) -> None:
        if not self._silent:
            self.changed.emit()
