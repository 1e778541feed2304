"""Qt models over the task force drafts: partners › teams › advisers, and remit rules."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from planner.domain.headcount_bands import band_label
from planner.domain.nomenclature import REV2
from planner.domain.remit import RULE_LABELS, Rule
from planner.io.nomenclatures import load_nomenclature
from planner.services.task_force.edit import AdviserDraft, PartnerDraft, TeamDraft
from planner.services.task_force.task_force import PARTNER_KINDS
from planner.ui.headed_table_model import HeadedTableModel

_Index = QModelIndex | QPersistentModelIndex
Node = PartnerDraft | TeamDraft | AdviserDraft
Path = tuple[int, ...]

TREE_HEADERS = ["Nom", "Type ou e-mail", "Capacité"]
SUM_OF_ADVISERS = "conseillers"
ADVISER_MIME = "application/x-planner-adviser"


class TaskForceTreeModel(QAbstractItemModel):
    """Partners, their teams and the teams' advisers, over a list of drafts.

    An index's internal id names its parent's path (row numbers from the
    root), so no Python object is handed to Qt. An adviser row may be dragged
    onto another team: the model does not move it itself but asks its owner,
    who decides what becomes of the adviser's firms.

    Signals:
        move_requested(adviser_path, team_path): an adviser was dropped on
            another team.
    """

    move_requested = Signal(object, object)

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

    # Overrides both QObject.parent() and QAbstractItemModel.parent(child): one Python
    # method cannot match both stub overloads.
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

    def flags(self, index: _Index) -> Qt.ItemFlag:
        node = self.node(index)
        flags = super().flags(index)
        if isinstance(node, AdviserDraft):
            flags |= Qt.ItemFlag.ItemIsDragEnabled
        elif isinstance(node, TeamDraft):
            flags |= Qt.ItemFlag.ItemIsDropEnabled
        return flags

    def supportedDropActions(self) -> Qt.DropAction:  # noqa: N802
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: N802
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [ADVISER_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:  # noqa: N802
        """The path of the first adviser among ``indexes`` (one adviser moves at a time)."""
        mime = QMimeData()
        for index in indexes:
            path = self.path(index)
            if len(path) == 3:
                mime.setData(ADVISER_MIME, json.dumps(list(path)).encode())
                break
        return mime

    def _drop(self, data: QMimeData, parent: _Index) -> tuple[Path, Path] | None:
        """(adviser path, team path) when ``data`` is an adviser dropped on another team."""
        if not data.hasFormat(ADVISER_MIME):
            return None
        target = self.path(parent)
        if len(target) == 1 and parent.isValid():
            return None  # between two teams of a partner: not a team
        if len(target) == 3:
            target = target[:2]  # on (or between) advisers: their team
        try:
            source = tuple(int(n) for n in json.loads(bytes(data.data(ADVISER_MIME).data())))
        except (ValueError, TypeError):
            return None
        if len(target) != 2 or len(source) != 3 or source[:2] == target:
            return None
        if not isinstance(self._safe_node(source), AdviserDraft):
            return None
        return source, target

    def _safe_node(self, path: Path) -> Node | None:
        try:
            return self._node(path)
        except IndexError:
            return None

    def canDropMimeData(  # noqa: N802
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: _Index,
    ) -> bool:
        return action == Qt.DropAction.MoveAction and self._drop(data, parent) is not None

    def dropMimeData(  # noqa: N802
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: _Index,
    ) -> bool:
        """Ask for the dropped adviser to be moved (see ``move_requested``).

        Returns False, so that the view removes nothing itself: the move, if
        the coordinator goes on, is made by :meth:`move`.
        """
        drop = self._drop(data, parent) if action == Qt.DropAction.MoveAction else None
        if drop is not None:
            self.move_requested.emit(*drop)
        return False

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

    def move(self, adviser_path: Path, team_path: Path) -> Path:
        """Move the adviser at ``adviser_path`` to the end of the team at ``team_path``."""
        source = self._children(adviser_path[:-1])
        target = self._children(team_path)
        row = len(target)
        moving = self.beginMoveRows(
            self.index_of(adviser_path[:-1]),
            adviser_path[-1],
            adviser_path[-1],
            self.index_of(team_path),
            row,
        )
        if not moving:
            return adviser_path
        target.append(source.pop(adviser_path[-1]))
        self.endMoveRows()
        self.refresh(adviser_path[:-1])
        self.refresh(team_path)
        return (*team_path, row)

    def teams(self) -> list[tuple[Path, str]]:
        """Every team's path and label (« partner › team »), in tree order."""
        return [
            ((p, t), f"{partner.name} › {team.name}")
            for p, partner in enumerate(self.partners)
            for t, team in enumerate(partner.teams)
        ]

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


def rule_value_label(rule: Rule, communes: dict[str, str], nomenclature: str = REV2) -> str:
    """A rule's value as a coordinator reads it (code and label, NAF in ``nomenclature``)."""
    if rule.kind == "naf":
        label = load_nomenclature(nomenclature).labels.get(rule.value)
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

    def __init__(
        self, communes: dict[str, str], parent: Any = None, nomenclature: str = REV2
    ) -> None:
        super().__init__(parent)
        self.communes = communes
        self.nomenclature = nomenclature  # the campaign's reference NAF
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
        return rule_value_label(rule, self.communes, self.nomenclature)
