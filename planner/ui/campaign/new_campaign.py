"""Create a campaign: its name and its bassin, with a map preview before confirming."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

from PySide6.QtCore import QSettings, QStandardPaths, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from shapely import union_all
from shapely.geometry import mapping

from planner.domain.french_numbers import integer
from planner.geo.reference import CommuneReference
from planner.io.ze_workbook import Zone
from planner.services.campaign.bassin import BASSIN_KINDS, Bassin, BassinSpec, resolve_bassin
from planner.services.campaign.campaign_file import create_campaign
from planner.ui.campaign.commune_checklist import CommuneChecklistModel
from planner.ui.map.map_widget import MapWidget
from planner.ui.recent_folders import RecentFolders
from planner.ui.tasks import TaskRunner, run_with_progress

CAMPAIGN_FOLDER = "campagne"  # the same kind as « Ouvrir… » (planner.ui.campaign.controller)
ZONES_FOLDER = "zonage"


def _searchable_combo(items: list[tuple[str, str]]) -> QComboBox:
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    for code, label in items:
        combo.addItem(label, code)
    completer = QCompleter(combo.model(), combo)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    combo.setCompleter(completer)
    combo.setCurrentIndex(-1)
    return combo


class _ZoneFilePage(QWidget):
    """A zone chosen from a file the app remembers (ZE workbook or BMO table)."""

    def __init__(self, kind: str, file_filter: str, dialog: NewCampaignDialog) -> None:
        super().__init__()
        self.kind = kind
        self.dialog = dialog
        self.file_filter = file_filter
        self.path: Path | None = None
        self.file_label = QLabel("Aucun fichier choisi")
        self.file_label.setWordWrap(True)
        choose = QPushButton("Choisir le fichier…")
        choose.clicked.connect(self._choose)
        self.combo = _searchable_combo([])
        layout = QFormLayout(self)
        row = QHBoxLayout()
        row.addWidget(self.file_label, 1)
        row.addWidget(choose)
        layout.addRow("Fichier :", row)
        layout.addRow("Zone :", self.combo)
        self.combo.currentIndexChanged.connect(dialog.schedule_preview)
        remembered = QSettings().value(f"bassins/{kind}_file")
        if remembered and Path(str(remembered)).exists():
            self.load(Path(str(remembered)))

    def _cache_file(self, path: Path) -> Path:
        base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation)
        stat = path.stat()
        return Path(base) / f"{self.kind}-{path.stem}-{stat.st_size}-{int(stat.st_mtime)}.json"

    def _choose(self) -> None:
        folders = RecentFolders()
        path, _ = QFileDialog.getOpenFileName(
            self, "Choisir le fichier", folders.folder(ZONES_FOLDER), self.file_filter
        )
        if path:
            folders.remember(path, ZONES_FOLDER)
            self.load(Path(path))

    def load(self, path: Path) -> None:
        """Read the zones of a file (cached after the first time)."""
        cache = self._cache_file(path)
        if cache.exists():
            data = json.loads(cache.read_text(encoding="utf-8"))
            self._fill(
                path, {c: Zone(c, v["label"], tuple(v["communes"])) for c, v in data.items()}
            )
            return

        def task(_progress: Any, _cancel: Any) -> dict[str, Zone]:
            from planner.io.bmo_bassins import read_bmo_bassins
            from planner.io.ze_workbook import read_ze_workbook

            return (read_ze_workbook if self.kind == "ze" else read_bmo_bassins)(path)

        def done(zones: dict[str, Zone]) -> None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_text(
                json.dumps(
                    {c: {"label": z.label, "communes": list(z.communes)} for c, z in zones.items()}
                ),
                encoding="utf-8",
            )
            self._fill(path, zones)

        run_with_progress(
            self, "Lecture du fichier", task, done, self.dialog.show_problem, writes=False
        )

    def _fill(self, path: Path, zones: dict[str, Zone]) -> None:
        self.path = path
        QSettings().setValue(f"bassins/{self.kind}_file", str(path))
        self.file_label.setText(f"{path.name} ({integer(len(zones))} zones) — mémorisé")
        self.combo.clear()
        for code, zone in sorted(zones.items(), key=lambda kv: kv[1].label):
            self.combo.addItem(f"{zone.label} ({code})", code)
        self.combo.setCurrentIndex(-1)

    def spec(self) -> BassinSpec | None:
        code = self.combo.currentData()
        return BassinSpec(self.kind, code, self.path) if code and self.path else None


class _ListPage(QWidget):
    """A bassin picked in a list of areas (EPCI, EPT, département)."""

    def __init__(self, kind: str, items: list[tuple[str, str]], dialog: NewCampaignDialog) -> None:
        super().__init__()
        self.kind = kind
        self.combo = _searchable_combo(items)
        layout = QFormLayout(self)
        layout.addRow(BASSIN_KINDS[kind] + " :", self.combo)
        self.combo.currentIndexChanged.connect(dialog.schedule_preview)

    def spec(self) -> BassinSpec | None:
        code = self.combo.currentData()
        return BassinSpec(self.kind, code) if code else None


class _CommunesPage(QWidget):
    """Communes ticked in a list, with search as you type."""

    def __init__(self, reference: CommuneReference, dialog: NewCampaignDialog) -> None:
        super().__init__()
        self.model = CommuneChecklistModel(*reference.listing(), parent=self)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Rechercher une commune (nom ou code)…")
        self.search.textChanged.connect(self.model.set_search)
        view = QListView()
        view.setModel(self.model)
        view.setUniformItemSizes(True)
        self.count = QLabel("0 commune cochée")
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(view, 1)
        layout.addWidget(self.count)
        self.model.checkedChanged.connect(self._on_model_checked_changed)
        self._dialog = dialog

    def _on_model_checked_changed(self) -> None:
        n = len(self.codes())
        self.count.setText(
            f"{integer(n)} commune{'s' if n > 1 else ''} cochée{'s' if n > 1 else ''}"
        )
        self._dialog.schedule_preview()

    def codes(self) -> list[str]:
        return self.model.checked_codes()

    def spec(self) -> BassinSpec | None:
        codes = self.codes()
        return BassinSpec("communes", ",".join(codes)) if codes else None


def _bassin_geojson(
    reference: CommuneReference, communes: list[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The communes (code, nom, population) and the outline of a bassin, as GeoJSON."""
    shapes = reference.boundaries(communes)
    features = [
        {
            "type": "Feature",
            "properties": {
                "code": code,
                "nom": reference.name(code),
                "population": reference.population(code),
            },
            "geometry": mapping(shape),
        }
        for code, shape in shapes
    ]
    outline = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {},
                "geometry": mapping(union_all([shape for _code, shape in shapes])),
            }
        ],
    }
    return {"type": "FeatureCollection", "features": features}, outline


class NewCampaignDialog(QDialog):
    """Name the campaign, define its bassin, see it on a map, then create the file."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Nouvelle campagne")
        self.resize(1100, 700)
        self.reference = CommuneReference.load()
        self.created_path: Path | None = None
        self.bassin: Bassin | None = None
        self._preview_seq = 0
        # Before the pages: a remembered zone file fills its list at once.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self._update_preview)

        self.name = QLineEdit()
        self.name.setPlaceholderText("ex. Task force Plaine Commune 2027")
        self.kind = QComboBox()
        self.pages = QStackedWidget()
        ref = self.reference
        pages: dict[str, QWidget] = {
            "ze": _ZoneFilePage("ze", "Classeur INSEE (*.xlsx)", self),
            "bmo": _ZoneFilePage("bmo", "Table CSV (*.csv)", self),
            "epci": _ListPage("epci", [(s, f"{n} ({s})") for s, n in ref.epcis()], self),
            "ept": _ListPage("ept", [(c, f"{c} {n}") for c, _s, n in ref.epts()], self),
            "departement": _ListPage("departement", [(d, d) for d in ref.departements()], self),
            "communes": _CommunesPage(ref, self),
        }
        for key, page in pages.items():
            self.kind.addItem(BASSIN_KINDS[key], key)
            self.pages.addWidget(page)
        self._pages = pages
        self.kind.currentIndexChanged.connect(self.pages.setCurrentIndex)
        self.kind.currentIndexChanged.connect(self.schedule_preview)

        self.status = QLabel("Choisissez un bassin pour le voir sur la carte.")
        self.status.setWordWrap(True)
        self.preview = MapWidget(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create_button = self.buttons.addButton(
            "Créer la campagne…", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.create_button.setEnabled(False)
        self.create_button.clicked.connect(self._create)
        self.buttons.rejected.connect(self.reject)

        left = QWidget()
        form = QFormLayout(left)
        form.addRow("Nom de la campagne :", self.name)
        form.addRow("Bassin défini par :", self.kind)
        form.addRow(self.pages)
        form.addRow(self.status)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.preview)
        splitter.setSizes([420, 680])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.buttons)
        self.kind.setCurrentIndex(list(pages).index("ept"))

    def schedule_preview(self) -> None:
        """Refresh the preview shortly (typing and ticking stay fluid)."""
        self._timer.start()

    def show_problem(self, message: str) -> None:
        """Say what is wrong, in place of the preview's status."""
        self.status.setText(message)
        self.status.setStyleSheet("color:#b00020;")

    def _update_preview(self) -> None:
        page = self.pages.currentWidget()
        spec_of = getattr(page, "spec", None)
        spec: BassinSpec | None = spec_of() if spec_of is not None else None
        self._preview_seq += 1  # a preview still on its way is now stale
        self.bassin = None
        self.create_button.setEnabled(False)
        if spec is None:
            self.status.setText("Choisissez un bassin pour le voir sur la carte.")
            return
        try:
            bassin = resolve_bassin(spec, self.reference)
        except Exception as exc:
            self.show_problem(str(exc))
            return
        self.bassin = bassin
        self.status.setStyleSheet("")
        lines = [f"{bassin.label} : {integer(len(bassin.communes))} communes", *bassin.report()]
        self.status.setText("\n".join(lines))
        self.create_button.setEnabled(True)  # creating needs the bassin, not its drawing
        # Boundaries are decoded off the GUI thread, only the bassin's; only
        # the latest bassin asked for is drawn.
        seq, reference, communes = self._preview_seq, self.reference, list(bassin.communes)

        def task(_progress: Any, _cancel: Any) -> tuple[dict[str, Any], dict[str, Any]]:
            return _bassin_geojson(reference, communes)

        runner = TaskRunner(task, self)

        def shown(result: object) -> None:
            runner.deleteLater()
            if seq != self._preview_seq:
                return
            communes_geojson, outline = cast(tuple[dict[str, Any], dict[str, Any]], result)
            self.preview.set_geography(communes_geojson, outline)

        def failed(message: str) -> None:
            runner.deleteLater()
            if seq == self._preview_seq:
                self.create_button.setEnabled(False)
                self.show_problem(message)

        runner.signals.succeeded.connect(shown)
        runner.signals.failed.connect(failed)
        runner.start()

    def _create(self) -> None:
        if self.bassin is None:
            return
        name = self.name.text().strip() or self.bassin.label
        folders = RecentFolders()
        default = str(Path(folders.folder(CAMPAIGN_FOLDER)) / f"{name}.planner")
        path, _ = QFileDialog.getSaveFileName(
            self, "Enregistrer la campagne", default, "Campagnes planner (*.planner)"
        )
        if not path:
            return
        target = Path(path if path.endswith(".planner") else path + ".planner")
        folders.remember(target, CAMPAIGN_FOLDER)
        bassin, reference = self.bassin, self.reference

        def task(_progress: Any, _cancel: Any) -> Path:
            create_campaign(target, name, bassin, reference).close()
            return target

        def done(created: Path) -> None:
            self.created_path = created
            self.accept()

        run_with_progress(
            self, "Création de la campagne", task, done, self.show_problem, cancellable=False
        )
