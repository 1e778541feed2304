"""The session editor's « Entreprises » tab: the host firms and the invited firms.

Hosts are picked from the campaign's firms (a search field, or the firms
selected in the table or on the map); invitees can be suggested around the
session's venue. The tab reads the venue, the capacity and the themes from the
« Séance » tab through the callables the editor gives it.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from planner.services.campaign.campaign_store import CampaignStore
from planner.services.campaign.naf_reference import reference_nomenclature
from planner.services.sessions.choices import firm_name
from planner.services.sessions.invitees import (
    MORE_STEP,
    rome_note,
    suggest_invitees,
    suggestion_limit,
)
from planner.services.sessions.venues import list_venues
from planner.ui.sessions.editor_models import (
    SIRET_ROLE,
    FirmListModel,
    FirmSearchModel,
    firm_label,
)

Inform = Callable[[str, str], None]


class SessionFirmsTab(QWidget):
    """The « Entreprises » form: host firms, invitees and invitee suggestions."""

    def __init__(
        self,
        store: CampaignStore,
        firms: pl.DataFrame | None,
        *,
        selected_sirets: Callable[[], list[str]] | None,
        venue_id: Callable[[], object],
        capacity: Callable[[], int | None],
        themes: Callable[[], list[tuple[str, str]]],
        inform: Inform,
        parent: QWidget | None = None,
    ) -> None:
        """
        Args:
            store: the open campaign.
            firms: the campaign's firms (``siret``, ``name``), to search host firms in.
            selected_sirets: the firms selected in the table or on the map.
            venue_id: the id of the venue chosen in the « Séance » tab, or None.
            capacity: the session's places, None when not fixed.
            themes: the session's ``(naf|rome, code)`` themes.
            inform: ``(title, text)`` shown to the user.
        """
        super().__init__(parent)
        self.store = store
        self._selected_sirets = selected_sirets
        self._venue_id, self._capacity, self._themes = venue_id, capacity, themes
        self._inform = inform
        self.firm_search_model = FirmSearchModel(firms, self)
        self.host_search = QLineEdit(self)
        self.host_search.setPlaceholderText("Chercher une entreprise de la campagne (nom ou SIRET)")
        self.host_search.setClearButtonEnabled(True)
        completer = QCompleter(self.firm_search_model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setMaxVisibleItems(12)
        # PySide6's stubs give SignalInstance no __getitem__ for picking an overload.
        completer.activated[QModelIndex].connect(self._on_completer_activated)  # type: ignore[index]
        self.host_search.setCompleter(completer)
        self.hosts = FirmListModel(self)
        self.host_view = QListView(self)
        self.host_view.setModel(self.hosts)
        self.host_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.host_view.setMaximumHeight(110)
        add_selected = QPushButton("Ajouter les entreprises sélectionnées", self)
        add_selected.setToolTip("Celles choisies dans le tableau ou sur la carte")
        add_selected.setEnabled(self._selected_sirets is not None)
        add_selected.clicked.connect(self.add_selected_hosts)
        remove_host = QPushButton("Retirer", self)
        remove_host.clicked.connect(lambda: self._remove(self.host_view, self.hosts))
        host_buttons = QHBoxLayout()
        host_buttons.addWidget(add_selected)
        host_buttons.addWidget(remove_host)
        host_buttons.addStretch(1)

        self.invitees = FirmListModel(self)
        self.invitee_view = QListView(self)
        self.invitee_view.setModel(self.invitees)
        self.invitee_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.radius = QDoubleSpinBox(self)
        self.radius.setRange(0.5, 50)
        self.radius.setValue(5)
        self.radius.setSuffix(" km")
        suggest = QPushButton("Suggérer des invités", self)
        suggest.setToolTip(
            "Autant d'entreprises que de places libres (50 si les places ne sont pas fixées)"
        )
        suggest.clicked.connect(lambda _checked=False: self.suggest(more=False))
        self.suggest_more = QPushButton("Proposer plus d'invités", self)
        self.suggest_more.setToolTip(
            f"{MORE_STEP} entreprises de plus, au-delà des places de la séance"
        )
        self.suggest_more.clicked.connect(lambda _checked=False: self.suggest(more=True))
        remove_invitee = QPushButton("Retirer", self)
        remove_invitee.clicked.connect(lambda: self._remove(self.invitee_view, self.invitees))
        invitee_buttons = QHBoxLayout()
        invitee_buttons.addWidget(QLabel("Rayon", self))
        invitee_buttons.addWidget(self.radius)
        invitee_buttons.addWidget(suggest)
        invitee_buttons.addWidget(self.suggest_more)
        invitee_buttons.addWidget(remove_invitee)
        invitee_buttons.addStretch(1)

        layout = QVBoxLayout(self)
        title = QLabel("<b>Entreprises d'accueil</b>", self)
        layout.addWidget(title)
        layout.addWidget(self.host_search)
        layout.addWidget(self.host_view)
        layout.addLayout(host_buttons)
        layout.addWidget(QLabel("<b>Entreprises invitées</b>", self))
        layout.addWidget(self.invitee_view, 1)
        self.invitee_count = QLabel(self)
        layout.addWidget(self.invitee_count)
        layout.addLayout(invitee_buttons)
        for signal in (
            self.invitees.rowsInserted,
            self.invitees.rowsRemoved,
            self.invitees.modelReset,
        ):
            signal.connect(self.count_invitees)
        self.count_invitees()
        note = rome_note(reference_nomenclature(self.store))
        self.rome_note = QLabel(note or "", self)
        self.rome_note.setWordWrap(True)
        self.rome_note.setVisible(note is not None)
        layout.addWidget(self.rome_note)

    # ---------------------------------------------------------------- hosts

    def _on_completer_activated(self, index: QModelIndex) -> None:
        siret = index.data(SIRET_ROLE)
        if siret:
            self.add_host(str(siret))
        # Once Qt has put the chosen text in the line edit, empty it for the next search.
        self.host_search.clear()

    def add_host(self, siret: str) -> bool:
        """Add a campaign firm as a host; False when unknown or already there."""
        label = self._label_of(siret)
        return label is not None and self.hosts.add(siret, label)

    def _label_of(self, siret: str) -> str | None:
        name = firm_name(self.store, siret)
        return None if name is None else firm_label(name, siret)

    def add_selected_hosts(self) -> None:
        """Add the firms selected in the table or on the map as hosts."""
        if self._selected_sirets is None:
            return
        sirets = self._selected_sirets()
        if not sirets:
            self._inform(
                "Entreprises d'accueil",
                "Sélectionnez d'abord des entreprises dans le tableau ou sur la carte.",
            )
            return
        for siret in sirets:
            self.add_host(siret)

    def _remove(self, view: QListView, model: FirmListModel) -> None:
        model.remove_rows([i.row() for i in view.selectionModel().selectedRows()])

    # ------------------------------------------------------------- invitees

    def count_invitees(self, *_args: object) -> None:
        """Show how many firms are invited, against the session's places."""
        count, capacity = len(self.invitees.sirets()), self._capacity()
        text = f"{count} entreprise{'s' if count > 1 else ''} invitée{'s' if count > 1 else ''}"
        if capacity is not None:
            text += f" pour {capacity} place{'s' if capacity > 1 else ''}"
            if count > capacity:
                text += " (au-delà des places)"
        self.invitee_count.setText(text)

    def suggest(self, more: bool = False) -> None:
        """Add suggested invitees: up to the free places, or beyond them with ``more``."""
        venue = next((v for v in list_venues(self.store) if v.id == self._venue_id()), None)
        if venue is None or venue.lon is None or venue.lat is None:
            self._inform("Invités", "Choisissez d'abord un lieu placé sur la carte.")
            return
        invited = self.invitees.sirets()
        limit = suggestion_limit(self._capacity(), len(invited), more=more)
        if limit == 0:
            self._inform(
                "Invités",
                f"La séance est complète : {len(invited)} entreprises invitées pour "
                f"{self._capacity()} places. « Proposer plus d'invités » en propose au-delà.",
            )
            return
        for s in suggest_invitees(
            self.store,
            self._themes(),
            venue.lon,
            venue.lat,
            radius_km=self.radius.value(),
            limit=limit,
            exclude=invited,
        ):
            self.invitees.add(
                s.siret, f"{s.name} — {s.status or 'jamais contactée'}, {s.distance_km} km"
            )
