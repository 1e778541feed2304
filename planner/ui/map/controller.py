"""The map's view options and outputs: firm colours, communes coloured, background,
clustering, PNG and HTML export, printing."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QFileDialog, QMenu

from planner.domain import clock
from planner.domain.cell_text import printed_text
from planner.domain.errors import PlannerError
from planner.domain.file_names import file_stem
from planner.services.map.firm_colors import COLOR_ATTRIBUTES, attribute_title, categories
from planner.services.map.map_sheet import FRAMING_BASSIN, MapSheet, map_sheet
from planner.ui.campaign.loaded_campaign import LoadedCampaign
from planner.ui.firms.filter_panel import FilterPanel
from planner.ui.map.map_widget import MapExportError
from planner.ui.map.print_options_dialog import PrintOptions, PrintOptionsDialog
from planner.ui.window_parts import WindowParts

EXPORT_KIND = "export"
"""The recent-folder kind of the map's exports (``WindowParts.last_dir``)."""

CHOROPLETHS: tuple[tuple[str | None, str], ...] = (
    (None, "Aucune coloration"),
    ("count", "Établissements par commune"),
    ("per_1000", "Établissements pour 1 000 habitants"),
)


class MapController(QObject):
    """What the « Affichage » menu and the map exports do with the bassin map."""

    def __init__(self, parts: WindowParts) -> None:
        super().__init__(parts.window)
        self._parts = parts
        self.map = parts.map
        self.color_attribute = "band"
        self.color_actions: dict[str, QAction] = {}
        self.cluster_action: QAction | None = None
        self.print_options = PrintOptions()

    # --- menus ------------------------------------------------------------------

    def add_view_actions(self, view: QMenu) -> None:
        """« Affichage »: firm colours, communes coloured, background, clustering."""
        window = self._parts.window
        colors = view.addMenu("Couleur des établissements")
        group = QActionGroup(window)
        for key, label in COLOR_ATTRIBUTES.items():
            action = colors.addAction(label)
            self.color_actions[key] = action
            action.setCheckable(True)
            action.setChecked(key == self.color_attribute)
            action.triggered.connect(lambda _=False, k=key: self.set_color_attribute(k))
            group.addAction(action)
        choropleth = view.addMenu("Communes colorées")
        group = QActionGroup(window)
        for mode, label in CHOROPLETHS:
            action = choropleth.addAction(label)
            action.setCheckable(True)
            action.setChecked(mode is None)
            action.triggered.connect(lambda _=False, m=mode: self.set_choropleth(m))
            group.addAction(action)
        tiles = view.addAction("Fond OpenStreetMap (nécessite le réseau)")
        tiles.setCheckable(True)
        tiles.setChecked(bool(self._parts.settings.value("map/online", False, type=bool)))
        tiles.toggled.connect(self._on_tiles_toggled)
        self.cluster_action = view.addAction("Regrouper les points proches")
        self.cluster_action.setCheckable(True)
        self.cluster_action.toggled.connect(self.map.set_clustered)

    def add_export_actions(self, file_menu: QMenu) -> None:
        """« Fichier »: export the map as PNG or HTML, print it."""
        export = file_menu.addMenu("&Exporter la carte")
        export.addAction("Image PNG…").triggered.connect(self.export_png)
        export.addAction("Page HTML autonome…").triggered.connect(self.export_html)
        export.addAction("Document PDF…").triggered.connect(self.export_pdf)
        print_action = file_menu.addAction("Im&primer la carte…")
        print_action.triggered.connect(self.print_map)
        print_action.setShortcut(QKeySequence.StandardKey.Print)

    @Slot(bool)
    def _on_tiles_toggled(self, on: bool) -> None:
        self._parts.settings.setValue("map/online", on)
        self._parts.status_bar.showMessage(
            "Le fond OpenStreetMap sera "
            + ("affiché" if on else "retiré")
            + " au prochain démarrage de planner.",
            8000,
        )

    # --- a campaign shown -------------------------------------------------------

    def set_geography(self, loaded: LoadedCampaign) -> None:
        """Draw the bassin's communes and outline."""
        self.map.set_geography(loaded.communes, loaded.outline)

    def push_firms(self, loaded: LoadedCampaign) -> None:
        """Put the campaign's firms on the map, coloured by the current attribute."""
        firms = loaded.firms
        reference = loaded.nomenclature
        category, legend = categories(firms, self.color_attribute, reference)
        # « Section NAF 2025 » (or rév. 2) in the colouring menu, as in the legend.
        self.color_actions["section"].setText(attribute_title("section", reference))
        self.map.set_firms(
            firms["id"].to_numpy(),
            firms["lon"].fill_null(np.nan).to_numpy(),
            firms["lat"].fill_null(np.nan).to_numpy(),
            category,
            legend,
            title=attribute_title(self.color_attribute, reference),
        )

    # --- view options -----------------------------------------------------------

    def set_color_attribute(self, attribute: str) -> None:
        """Colour the firms by another attribute (the « Affichage » menu's radio follows)."""
        self.color_attribute = attribute
        action = self.color_actions.get(attribute)
        if action is not None:
            action.setChecked(True)
        campaign = self._parts.campaign()
        if campaign is not None:
            category, legend = categories(campaign.firms, attribute, campaign.nomenclature)
            self.map.recolor(category, legend, attribute_title(attribute, campaign.nomenclature))

    def set_choropleth(self, mode: str | None) -> None:
        """Colour the communes by firm count or density."""
        campaign = self._parts.campaign()
        if campaign is None:
            return
        if mode is None:
            self.map.set_choropleth(None)
            return
        ids = self._parts.table.firm_model.visible_ids()
        shown = campaign.firms[ids] if len(ids) else campaign.firms.clear()
        counts = dict(shown.group_by("commune_code").len().iter_rows())
        if mode == "count":
            self.map.set_choropleth(
                "count", {k: float(v) for k, v in counts.items()}, "Établissements par commune"
            )
            return
        population = {
            f["properties"]["code"]: f["properties"]["population"]
            for f in campaign.communes["features"]
        }
        values = {
            code: 1000.0 * counts.get(code, 0) / pop for code, pop in population.items() if pop
        }
        self.map.set_choropleth("per_1000", values, "Établissements pour 1 000 habitants")

    # --- export and print -------------------------------------------------------

    @Slot()
    def export_png(self) -> None:
        """Save the map's current view as a PNG image."""
        path, _ = QFileDialog.getSaveFileName(
            self._parts.window,
            "Exporter la carte en image",
            self.suggested_path("png"),
            "Image PNG (*.png)",
        )
        if path:
            self._parts.set_last_dir(path, EXPORT_KIND)
            self.map.export_png(Path(path), self._on_export_failed)

    @Slot()
    def export_html(self) -> None:
        """Save the map as a standalone HTML page that works offline."""
        path, _ = QFileDialog.getSaveFileName(
            self._parts.window,
            "Exporter la carte en page HTML",
            self.suggested_path("html"),
            "Page HTML (*.html)",
        )
        if path:
            self._parts.set_last_dir(path, EXPORT_KIND)
            self._export(lambda: self.map.export_html(Path(path)))

    @Slot()
    def print_map(self) -> None:
        """Print the map laid out for the paper (framing and orientation asked first)."""
        options = self._ask_print_options("Imprimer…")
        if options is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageLayout(options.page_layout())
        dialog = QPrintDialog(printer, self._parts.window)
        if dialog.exec():
            self._print(printer, options, printed_message(printer))

    @Slot()
    def export_pdf(self) -> None:
        """Save the map as a PDF document laid out for the paper."""
        options = self._ask_print_options("Choisir le fichier…")
        if options is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self._parts.window,
            "Exporter la carte en PDF",
            self.suggested_path("pdf"),
            "Document PDF (*.pdf)",
        )
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        self._parts.set_last_dir(path, EXPORT_KIND)
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(path)
        printer.setPageLayout(options.page_layout())
        self._print(printer, options, f"Carte enregistrée : {path}")

    def suggested_path(self, extension: str) -> str:
        """Where a map export's save dialog opens: the exports' last folder, and a name
        « carte-<campagne>-jj-mm-aaaa.<extension> »."""
        campaign = self._parts.campaign()
        name = campaign.header.name if campaign is not None else ""
        stem = file_stem(name, fallback="bassin")
        today = clock.today()
        folder = Path(self._parts.last_dir(EXPORT_KIND))
        return str(folder / f"carte-{stem}-{today:%d-%m-%Y}.{extension}")

    def _ask_print_options(self, accept_text: str) -> PrintOptions | None:
        dialog = PrintOptionsDialog(
            self._parts.window, accept_text=accept_text, options=self.print_options
        )
        if not dialog.exec():
            return None
        self.print_options = dialog.options()
        return self.print_options

    def sheet(self, framing: str = FRAMING_BASSIN) -> MapSheet:
        """The printed map's title (campaign, colouring and the filter in force), date
        and sources."""
        campaign = self._parts.campaign()
        if campaign is None:
            return map_sheet("", "", today=clock.today(), framing=framing)
        sheet = map_sheet(
            campaign.header.name,
            attribute_title(self.color_attribute, campaign.nomenclature),
            today=clock.today(),
            demo=campaign.header.is_demo,
            online=self.map.is_online(),
            framing=framing,
        )
        shown = self.filter_note()
        if not shown:
            return sheet
        return dataclasses.replace(sheet, title=f"{sheet.title} — {printed_text(shown).strip()}")

    def filter_note(self) -> str:
        """The firms' filter in force, as the printed title says it: « équipe X »,
        « équipes X, Y » (with « établissements filtrés » when other criteria apply
        too), or « établissements filtrés »; empty when every firm is shown."""
        panel = self._parts.window.findChild(FilterPanel)
        if panel is None:
            return ""
        current = panel.current_filter()
        if current.is_empty:
            return ""
        parts: list[str] = []
        teams = current.teams
        if teams is not None:
            names = sorted(panel.teams.label_of(code) for code in teams)
            parts.append(("équipe " if len(names) == 1 else "équipes ") + ", ".join(names))
        if dataclasses.replace(current, teams=None).is_empty:
            return " ; ".join(parts)
        return " ; ".join([*parts, "établissements filtrés"])

    def _print(self, printer: QPrinter, options: PrintOptions, message: str) -> None:
        status = self._parts.status_bar
        status.showMessage("Mise en page de la carte pour l'impression…")
        self.map.print_to(
            printer,
            self.sheet(options.framing),
            self._on_export_failed,
            lambda: status.showMessage(message, 8000),
        )

    def _export(self, export: Callable[[], None]) -> None:
        """Run a map export; a failure (full disk, read-only folder…) is said in French."""
        try:
            export()
        except (PlannerError, MapExportError) as exc:
            self._on_export_failed(exc)

    def _on_export_failed(self, exc: Exception) -> None:
        self._parts.status_bar.clearMessage()
        self._parts.show_error(str(exc))


def printed_message(printer: QPrinter) -> str:
    """What the status bar says once the map is printed: a printer set to write a
    PDF file names the file."""
    name = printer.outputFileName()
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and name:
        return f"La carte a été enregistrée dans {name}."
    return "La carte a été envoyée à l'imprimante."
