"""Qt models over the task force drafts: partners › teams › advisers, and remit rules."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from planner.domain.headcount_bands import band_label
from planner.domain.remit import RULE_LABELS, Rule
from planner.io.naf_labels import load_naf_labels
from planner.services.task_force import PARTNER_KINDS
from planner.services.task_force_edit import AdviserDraft, PartnerDraft, TeamDraft
from planner.ui.headed_table_model import HeadedTableModel

_Index = QModelIndex | QPersistentModelIndex
Node = PartnerDraft | TeamDraft | AdviserDraft
Path = tuple[int, ...]

TREE_HEADERS = ["Nom", "Type ou e-mail", "Capacité"]
SUM_OF_ADVISERS = "conseillers"


class TaskForceTreeModel(QAbstractItemModel):
    """Partners, their teams and the teams' advisers, over a list of drafts.

    An index's internal id names its parent's path (row numbers from the
    root), so no Python object is handed to Qt.
    """

    def __init__(self, partners: list[PartnerDraft], parent: Any = None) -> None:
        super().__init__(parent)
        self.partners = partners
        self._paths: list[Path] = [()]
        self._ids: dict[Path, int] = {(): 0}

    # --- paths -------------------------------------------------------------------

    def _id_of(self, path: Path) -> int:
        if path not in self._ids:
            self._ids[path] = len(self._paths)
            self._paths.append(path)
        return self._ids[path]

    def path(self, index: _Index) -> Path:
        """Row numbers from the root to ``index`` (empty for the root)."""
        if not index.isValid():
            return ()
        return (*self._paths[int(index.internalId())], index.row())

    def index_of(self, path: Path, column: int = 0) -> QModelIndex:
        """The index at ``path``."""
        index = QModelIndex()
        for depth, row in enumerate(path):
            index = self.index(row, column if depth == len(path) - 1 else 0, index)
        return index

    def node(self, index: _Index) -> Node | None:
        """The draft shown at ``index`` (None for the root)."""
        return self._node(self.path(index))

    def _node(self, path: Path) -> Node | None:
        if not path:
            return None
        partner = self.partners[path[0]]
        if len(path) == 1:
            return partner
        team = partner.teams[path[1]]
        if len(path) == 2:
            return team
        return team.advisers[path[2]]

    def _children(self, path: Path) -> list[Any]:
        node = self._node(path)
        if node is None:
            return self.partners
        if isinstance(node, PartnerDraft):
            return node.teams
        if isinstance(node, TeamDraft):
            return node.advisers
        return []

    # --- Qt API ------------------------------------------------------------------------

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        parent_path = self.path(parent)
        if not 0 <= row < len(self._children(parent_path)) or not 0 <= column < 3:
            return QModelIndex()
        return self.createIndex(row, column, self._id_of(parent_path))

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        parent_path = self._paths[int(index.internalId())]
        if not parent_path:
            return QModelIndex()
        return self.createIndex(parent_path[-1], 0, self._id_of(parent_path[:-1]))

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._children(self.path(parent)))

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return len(TREE_HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return TREE_HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        node = self.node(index)
        if node is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return _cells(node)[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    # --- edits ----------------------------------------------------------------------------

    def refresh(self, path: Path) -> None:
        """Tell the views that the row at ``path`` and its ancestors changed."""
        while path:
            first = self.index_of(path, 0)
            self.dataChanged.emit(first, first.siblingAtColumn(2))
            path = path[:-1]

    def insert(self, parent_path: Path, draft: Node) -> Path:
        """Append ``draft`` under ``parent_path``; return its path."""
        children = self._children(parent_path)
        row = len(children)
        self.beginInsertRows(self.index_of(parent_path), row, row)
        children.append(draft)
        self.endInsertRows()
        self.refresh(parent_path)
        return (*parent_path, row)

    def remove(self, path: Path) -> None:
        """Remove the row at ``path`` (and everything under it)."""
        parent_path = path[:-1]
        self.beginRemoveRows(self.index_of(parent_path), path[-1], path[-1])
        del self._children(parent_path)[path[-1]]
        self.endRemoveRows()
        self.refresh(parent_path)


def _cells(node: Node) -> list[str]:
    if isinstance(node, PartnerDraft):
        kind = PARTNER_KINDS.get(node.kind, node.kind)
        total = sum(t.effective_capacity() for t in node.teams)
        return [node.name, kind + (" — exclusif" if node.exclusive else ""), str(total)]
    if isinstance(node, TeamDraft):
        if node.capacity is None:
            capacity = f"{node.effective_capacity()} ({SUM_OF_ADVISERS})"
        else:
            capacity = str(node.capacity)
        count = len(node.advisers)
        return [node.name, f"{count} conseiller{'s' if count > 1 else ''}", capacity]
    return [node.name, node.email or "", "" if node.capacity is None else str(node.capacity)]


def capitalised(text: str) -> str:
    """``text`` with its first letter upper-case (the rest untouched, unlike str.capitalize)."""
    return text[:1].upper() + text[1:]


def rule_value_label(rule: Rule, communes: dict[str, str]) -> str:
    """A rule's value as a coordinator reads it (code and label)."""
    if rule.kind == "naf":
        label = load_naf_labels().get(rule.value)
        return f"{rule.value} — {label}" if label else rule.value
    if rule.kind == "band":
        return f"{rule.value} — {band_label(rule.value)}"
    if rule.kind == "commune":
        name = communes.get(rule.value)
        return f"{rule.value} — {name}" if name else rule.value
    if rule.kind == "craft":
        return "inscrites au répertoire des métiers"
    return rule.value


class RulesModel(HeadedTableModel):
    """The remit rules of the partner being edited."""

    HEADERS = ("Règle", "Valeur")

    def __init__(self, communes: dict[str, str], parent: Any = None) -> None:
        super().__init__(parent)
        self.communes = communes
        self.rules: list[Rule] = []

    def set_rules(self, rules: list[Rule]) -> None:
        """Show (and edit in place) this partner's list of rules."""
        self.beginResetModel()
        self.rules = rules
        self.endResetModel()

    def append(self, rule: Rule) -> None:
        row = len(self.rules)
        self.beginInsertRows(QModelIndex(), row, row)
        self.rules.append(rule)
        self.endInsertRows()

    def remove(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        del self.rules[row]
        self.endRemoveRows()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rules)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        rule = self.rules[index.row()]
        if index.column() == 0:
            return capitalised(RULE_LABELS.get(rule.kind, rule.kind))
        return rule_value_label(rule, self.communes)
