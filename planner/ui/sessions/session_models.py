"""Qt models of the sessions list and of the clash list."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from planner.domain.session_clashes import Clash
from planner.domain.session_labels import kind_label, status_label
from planner.services.sessions.planning import SessionRecord
from planner.ui.headed_table_model import HeadedTableModel

_Index = QModelIndex | QPersistentModelIndex
SESSION_ID_ROLE = int(Qt.ItemDataRole.UserRole) + 1
VENUE_COLUMN = 4


def _venue_text(record: SessionRecord) -> str:
    if record.venue is None:
        return "—"
    if record.venue.non_diffusible:
        return f"⚠ {record.venue.name} — à remplacer"
    return record.venue.name


class SessionTableModel(HeadedTableModel):
    """One row per session; the sort role gives dates and numbers their natural order."""

    HEADERS = [
        "Date",
        "Horaire",
        "Titre",
        "Type",
        "Lieu",
        "Statut",
        "Places",
        "Invités",
        "Conflits",
    ]

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.records: list[SessionRecord] = []
        self.clash_count: dict[int, int] = {}

    def set_data(self, records: list[SessionRecord], clashes: list[Clash]) -> None:
        self.beginResetModel()
        self.records = records
        self.clash_count = {}
        for clash in clashes:
            for sid in (clash.session_id, clash.other_id):
                if sid is not None and clash.is_error:
                    self.clash_count[sid] = self.clash_count.get(sid, 0) + 1
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.records)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.records[index.row()]
        col = index.column()
        if role == SESSION_ID_ROLE:
            return r.id
        if role == Qt.ItemDataRole.UserRole:  # sort key
            keys: list[Any] = [
                r.starts_at.isoformat(),
                r.starts_at.time().isoformat(),
                r.title.casefold(),
                kind_label(r.kind),
                r.venue.name if r.venue else "",
                r.status,
                r.capacity if r.capacity is not None else -1,
                r.invitees,
                self.clash_count.get(r.id, 0),
            ]
            return keys[col]
        if role == Qt.ItemDataRole.DisplayRole:
            values = [
                f"{r.starts_at:%d/%m/%Y}",
                f"{r.starts_at:%H:%M}–{r.ends_at:%H:%M}",
                r.title,
                kind_label(r.kind),
                _venue_text(r),
                status_label(r.status),
                "" if r.capacity is None else str(r.capacity),
                str(r.invitees),
                str(self.clash_count.get(r.id, "")),
            ]
            return values[col]
        if role == Qt.ItemDataRole.ForegroundRole and self.clash_count.get(r.id):
            return QColor("#b00020")
        if r.venue is not None and r.venue.non_diffusible:
            if role == Qt.ItemDataRole.ForegroundRole and col == VENUE_COLUMN:
                return QColor("#b00020")
            if role == Qt.ItemDataRole.ToolTipRole and col == VENUE_COLUMN:
                return "Lieu à remplacer : il venait d'une entreprise devenue non diffusible."
        return None

    def row_of(self, session_id: int) -> int:
        return next((i for i, r in enumerate(self.records) if r.id == session_id), -1)


class ClashTableModel(HeadedTableModel):
    """One row per clash: severity, date, message; the session id in SESSION_ID_ROLE."""

    HEADERS = ["Gravité", "Date", "Conflit"]

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.clashes: list[Clash] = []
        self.starts: dict[int, str] = {}

    def set_data(self, records: list[SessionRecord], clashes: list[Clash]) -> None:
        self.beginResetModel()
        self.clashes = sorted(clashes, key=lambda c: (not c.is_error, c.session_id or 0))
        self.starts = {r.id: f"{r.starts_at:%d/%m/%Y %H:%M}" for r in records}
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.clashes)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        c = self.clashes[index.row()]
        if role == SESSION_ID_ROLE:
            return c.session_id
        if role == Qt.ItemDataRole.DisplayRole:
            return [
                "Erreur" if c.is_error else "Avertissement",
                self.starts.get(c.session_id or -1, ""),
                c.message,
            ][index.column()]
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor("#b00020") if c.is_error else QColor("#a05a00")
        if role == Qt.ItemDataRole.ToolTipRole:
            return c.message
        return None
