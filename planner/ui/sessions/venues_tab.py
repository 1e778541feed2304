"""The « Lieux » tab of the sessions planning: venues, a free address, placing one on the map."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.domain.errors import PlannerError
from planner.services.campaign.campaign_store import CampaignStore
from planner.services.sessions.planning import VenueInfo
from planner.services.sessions.venues import add_free_venue, list_venues
from planner.ui.headed_table_model import HeadedTableModel

_Index = QModelIndex | QPersistentModelIndex
VENUE_ID_ROLE = int(Qt.ItemDataRole.UserRole) + 2
VENUE_KINDS = {
    "partner": "Agence partenaire",
    "mairie": "Mairie",
    "host": "Entreprise d'accueil",
    "free": "Adresse libre",
}


NON_DIFFUSIBLE_VENUE_TIP = (
    "Ce lieu venait d'une entreprise devenue non diffusible : son nom, son adresse et "
    "sa position ont été effacés. Choisissez un autre lieu pour ses séances."
)


class VenueTableModel(HeadedTableModel):
    """One row per venue: name, kind, address, whether it is placed, its sessions."""

    HEADERS = ["Lieu", "Type", "Adresse", "Sur la carte", "Séances"]

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.venues: list[VenueInfo] = []
        self.sessions: dict[int, int] = {}

    def set_data(self, venues: list[VenueInfo], sessions: dict[int, int]) -> None:
        self.beginResetModel()
        self.venues, self.sessions = venues, sessions
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.venues)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        venue = self.venues[index.row()]
        placed = venue.lon is not None and venue.lat is not None
        column = index.column()
        if role == VENUE_ID_ROLE:
            return venue.id
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return f"⚠ {venue.name} — à remplacer" if venue.non_diffusible else venue.name
            if column == 1:
                return VENUE_KINDS.get(venue.kind, venue.kind)
            if column == 2:
                return venue.address or ""
            if column == 3:
                return "oui" if placed else "non placé"
            return self.sessions.get(venue.id, 0)
        if role == Qt.ItemDataRole.ForegroundRole and column == 0 and venue.non_diffusible:
            return QColor("#b00020")
        if role == Qt.ItemDataRole.ToolTipRole and venue.non_diffusible:
            return NON_DIFFUSIBLE_VENUE_TIP
        if role == Qt.ItemDataRole.ForegroundRole and column == 3 and not placed:
            return QColor("#b35c00")
        return None

    def row_of(self, venue_id: int) -> int:
        return next((i for i, v in enumerate(self.venues) if v.id == venue_id), -1)


class VenuesPage(QWidget):
    """The venues list with « Nouveau lieu… » and « Placer sur la carte ».

    Signals:
        venuesChanged(): a venue was added or placed.
    """

    venuesChanged = Signal()  # noqa: N815 (Qt signal naming)

    def __init__(self, parent: QWidget, place: Callable[[int, str], bool]) -> None:
        """``place(venue_id, name)`` starts the pick mode; False when no map is there."""
        super().__init__(parent)
        self.store: CampaignStore | None = None
        self._place = place
        self.model = VenueTableModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.hint = QLabel(self)
        self.hint.setStyleSheet("color: #555")
        new = QPushButton("Nouveau lieu…", self)
        new.clicked.connect(self.new_venue)
        self.place_button = QPushButton("Placer sur la carte", self)
        self.place_button.setToolTip(
            "Le prochain clic sur la carte donne sa position au lieu choisi"
        )
        self.place_button.clicked.connect(self.place_selected)
        bar = QHBoxLayout()
        bar.addWidget(new)
        bar.addWidget(self.place_button)
        bar.addWidget(self.hint, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

    def set_data(self, store: CampaignStore | None, sessions: dict[int, int]) -> None:
        self.store = store
        selected = self.selected_venue()
        venues = list_venues(store) if store is not None else []
        self.model.set_data(venues, sessions)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        if selected is not None:
            self.select(selected[0])
        unplaced = sum(1 for v in venues if v.lon is None or v.lat is None)
        self.hint.setText(f"{unplaced} lieu(x) à placer sur la carte" if unplaced else "")

    def selected_venue(self) -> tuple[int, str] | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        venue = self.model.venues[rows[0].row()]
        return venue.id, venue.name

    def select(self, venue_id: int) -> None:
        row = self.model.row_of(venue_id)
        if row >= 0:
            self.table.selectRow(row)

    def new_venue(self) -> None:
        if self.store is None:
            return
        name, ok = QInputDialog.getText(self, "Nouveau lieu", "Nom du lieu :")
        if not ok or not name.strip():
            return
        address, ok = QInputDialog.getText(self, "Nouveau lieu", f"Adresse de « {name} » :")
        if not ok:
            return
        try:
            venue_id = add_free_venue(self.store, name, address.strip() or None)
        except PlannerError as exc:
            QMessageBox.warning(self, "Lieux", str(exc))
            return
        self.venuesChanged.emit()
        self.select(venue_id)
        self._place(venue_id, name.strip())

    def place_selected(self) -> None:
        chosen = self.selected_venue()
        if chosen is None:
            QMessageBox.information(self, "Lieux", "Choisissez d'abord un lieu dans la liste.")
            return
        venue = self.model.venues[self.model.row_of(chosen[0])]
        if venue.non_diffusible:
            QMessageBox.information(self, "Lieux", NON_DIFFUSIBLE_VENUE_TIP)
            return
        if not self._place(*chosen):
            QMessageBox.information(self, "Lieux", "La carte n'est pas disponible.")
