"""The firm table, its filters and the detail panel, kept in step with the map.

A click on the map selects the row, a table selection is framed on the map, a
lasso on the map selects rows, and the filters apply to both.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import QDockWidget, QLabel, QMenu

from planner.domain.french_numbers import integer
from planner.services.firms.firm_query import FirmFilter
from planner.ui.campaign.loaded_campaign import LoadedCampaign
from planner.ui.firms.detail_panel import FirmDetailPanel
from planner.ui.firms.filter_panel import FilterPanel
from planner.ui.firms.firm_table_model import FirmTableModel
from planner.ui.window_parts import WindowParts


class FirmsController(QObject):
    """The firm table, the « Filtres » dock, the detail panel and the firm count."""

    def __init__(self, parts: WindowParts) -> None:
        super().__init__(parts.window)
        self._parts = parts
        self.table = parts.table
        self.model: FirmTableModel = parts.table.firm_model
        self.details = FirmDetailPanel(parts.window)
        # A contact, a service or a mark written from the card: the table's status
        # and the map's colours follow (reloaded off the GUI thread, no progress box),
        # and the firm stays selected with its card shown.
        self._keep_siret: str | None = None
        self.details.cardChanged.connect(self._on_details_cardChanged)
        self.filters = FilterPanel(parts.window)
        self.filter_dock = QDockWidget("Filtres", parts.window)
        self.filter_dock.setObjectName("filtres")
        self.filter_dock.setWidget(self.filters)
        parts.window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.filter_dock)
        self.count_label = QLabel("Aucune campagne ouverte", parts.window)
        parts.status_bar.addPermanentWidget(self.count_label)
        self._selected_count = 0
        self._frame_selection = True

    def connect_views(self) -> None:
        """Keep table, filters, details and map in step (once the menus are built)."""
        self.filters.filterChanged.connect(self._on_filters_filterChanged)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selectionChanged)
        self._parts.map.firmClicked.connect(self._on_map_firmClicked)
        self._parts.map.selectionDrawn.connect(self._on_map_selectionDrawn)
        self._parts.map.set_details_provider(self._details_for_map)
        self._parts.campaign_shown.connect(self._on_campaign_shown)

    def add_view_actions(self, menu: QMenu) -> None:
        """« Affichage »: show or hide the filters."""
        menu.addAction(self.filter_dock.toggleViewAction())

    # --- a campaign shown -------------------------------------------------------

    def set_firms(self, loaded: LoadedCampaign) -> None:
        """Put the campaign's firms in the table and its values in the filters."""
        self.model.set_firms(loaded.prepared)
        self.filters.set_firms(loaded.firms, loaded.nomenclature)

    def show_team(self, team_id: int | None) -> None:
        """Limit the map and the table to one team's firms (None: all teams again).

        The « Filtres » dock is shown: its banner says which team, and its
        « Afficher toutes les équipes » button takes the limit away.
        """
        if team_id is not None:
            self.filter_dock.show()
            self.filter_dock.raise_()
        self.filters.show_only_team(team_id)

    def apply_filters(self) -> None:
        """Apply the current filters to the table and the map."""
        self._on_filters_filterChanged(self.filters.current_filter())

    def clear_details(self) -> None:
        """Show no firm in the detail panel."""
        self.details.show_firm(None)

    def update_count(self) -> None:
        """« N établissements affichés sur M » in the status bar."""
        campaign = self._parts.campaign()
        if campaign is None:
            self.count_label.setText("Aucune campagne ouverte")
            return
        shown = self.model.rowCount()
        total = campaign.firms.height
        noun = "établissement affiché" if shown == 1 else "établissements affichés"
        text = f"{integer(shown)} {noun} sur {integer(total)}"
        if self._selected_count:
            text += f" — {selected_text(self._selected_count)}"
        self.count_label.setText(text)

    # --- views in step ----------------------------------------------------------

    @Slot(object)
    def _on_filters_filterChanged(self, firm_filter: FirmFilter) -> None:  # noqa: N802
        campaign = self._parts.campaign()
        if campaign is None:
            return
        mask = firm_filter.apply(campaign.firms)
        self.model.set_mask(mask.to_numpy())
        ids = self.model.visible_ids()
        self._parts.map.set_visible(None if len(ids) == campaign.firms.height else ids)
        self.details.show_firm(None)  # the reset cleared the table's selection
        self._selected_count = 0
        self.update_count()

    @Slot(str)
    def _on_details_cardChanged(self, siret: str) -> None:  # noqa: N802
        self._keep_siret = siret
        self._parts.refresh_firms_quietly()

    @Slot(object)
    def _on_campaign_shown(self, loaded: LoadedCampaign) -> None:
        """After a reload for a card's change, select that firm again and show its card
        (the card alone when the filters now hide it)."""
        siret, self._keep_siret = self._keep_siret, None
        if siret is None:
            return
        found = loaded.firms.select("id").filter(loaded.firms["siret"] == siret)
        if found.height:
            # The map stays where the user left it.
            self._frame_selection = False
            try:
                self.table.select_ids([int(found["id"][0])])
            finally:
                self._frame_selection = True
        if not self.table.selected_ids():
            self.details.show_card(loaded.store, siret)

    @Slot()
    def _on_table_selectionChanged(self) -> None:  # noqa: N802
        ids = self.table.selected_ids()
        self._parts.map.highlight(ids, frame=self._frame_selection)
        self._selected_count = len(ids)
        self.update_count()
        campaign = self._parts.campaign()
        if len(ids) == 1 and campaign is not None:
            siret = campaign.firms["siret"][int(ids[0])]
            self.details.show_card(campaign.store, siret)
        elif not ids:
            self.details.show_firm(None)

    @Slot(int)
    def _on_map_firmClicked(self, firm_id: int) -> None:  # noqa: N802
        self.table.select_ids([firm_id])

    @Slot(list)
    def _on_map_selectionDrawn(self, ids: list[int]) -> None:  # noqa: N802
        # The user framed the firms by drawing around them: the map stays put.
        self._frame_selection = False
        try:
            self.table.select_ids(ids)
        finally:
            self._frame_selection = True
        self._parts.status_bar.showMessage(
            _capitalised(selected_text(len(self.table.selected_ids()))) + " sur la carte", 8000
        )

    def _details_for_map(self, firm_id: int) -> dict[str, str]:
        campaign = self._parts.campaign()
        if campaign is None:
            return {}
        row = campaign.firms.row(int(firm_id), named=True)
        date = row["date_creation"]
        return {
            "nom": row["name"] or "(sans nom)",
            "siret": row["siret"],
            "naf": row["naf_code"] or "",
            "naf_libelle": row["naf_label"] or "",
            "tranche": row["band_label"] or "",
            "adresse": row["address"] or "",
            "creation": date.strftime("%d/%m/%Y") if date else "",
        }


def selected_text(count: int) -> str:
    """« 1 234 établissements sélectionnés » (French number, singular, none)."""
    if count == 0:
        return "aucun établissement sélectionné"
    if count == 1:
        return "1 établissement sélectionné"
    return f"{integer(count)} établissements sélectionnés"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]
