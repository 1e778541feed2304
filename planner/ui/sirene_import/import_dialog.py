"""Import SIRENE files into the open campaign: pick, check, filter, run, summarise."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from planner.domain.headcount_bands import DEFAULT_TARGET_BANDS
from planner.domain.import_filters import ImportFilters
from planner.domain.progress import CancelToken, Progress
from planner.geo.reference import CommuneReference
from planner.io.sirene_layout import SireneKind
from planner.services.campaign.campaign_file import bassin_aliases
from planner.services.campaign.campaign_store import CampaignStore
from planner.services.sirene_import.files import describe
from planner.services.sirene_import.pipeline import ImportSummary, SireneFiles, import_sirene
from planner.ui.tasks import run_with_progress

_SLOTS = (
    (
        "stock",
        "Établissements (StockEtablissement) *",
        {SireneKind.ESTABLISHMENTS, SireneKind.ESTABLISHMENTS_GEO},
    ),
    ("units", "Unités légales (StockUniteLegale)", {SireneKind.LEGAL_UNITS}),
    ("geoloc", "Géolocalisation INSEE", {SireneKind.GEOLOCATION}),
)
_FILTER = "Fichiers SIRENE (*.csv *.zip *.parquet);;Tous les fichiers (*)"


class ImportSireneDialog(QDialog):
    """The import dialog; ``summary`` is set once an import succeeded."""

    def __init__(
        self,
        store: CampaignStore,
        parent: QWidget | None = None,
        *,
        files: list[Path] | None = None,
    ) -> None:
        super().__init__(parent)
        self._importing = False  # an import is running: the dialog stays open
        self.setWindowTitle("Importer des établissements SIRENE")
        self.setMinimumWidth(720)
        self.store = store
        self.summary: ImportSummary | None = None
        self.paths: dict[str, Path | None] = {key: None for key, _l, _k in _SLOTS}
        self._edits: dict[str, QLineEdit] = {}
        self._infos: dict[str, QLabel] = {}

        files_box = QGroupBox("Fichiers (glissez-les ici ou choisissez-les)")
        form = QFormLayout(files_box)
        for key, label, _kinds in _SLOTS:
            edit = QLineEdit()
            edit.setReadOnly(True)
            button = QPushButton("Choisir…")
            button.clicked.connect(lambda _=False, k=key: self._choose(k))
            row = QHBoxLayout()
            row.addWidget(edit, 1)
            row.addWidget(button)
            info = QLabel("")
            info.setWordWrap(True)
            info.setStyleSheet("color:#555;")
            holder = QVBoxLayout()
            holder.addLayout(row)
            holder.addWidget(info)
            form.addRow(label, holder)
            self._edits[key], self._infos[key] = edit, info

        filters_box = QGroupBox(
            "Filtres (par défaut : TPE et PME actives et employeuses du bassin)"
        )
        filters = QVBoxLayout(filters_box)
        self.include_closed = QCheckBox("Garder les établissements fermés")
        self.all_sizes = QCheckBox("Toutes les tranches d'effectifs (pas seulement moins de 250)")
        self.unknown_size = QCheckBox("Garder les tranches d'effectifs inconnues (NN ou vides)")
        self.non_employers = QCheckBox("Garder les non-employeurs")
        for box in (self.include_closed, self.all_sizes, self.unknown_size, self.non_employers):
            filters.addWidget(box)
        self.all_sizes.toggled.connect(
            lambda on: self.unknown_size.setChecked(on or self.unknown_size.isChecked())
        )
        note = QLabel(
            "Les établissements non diffusibles (statut P) sont seulement comptés : "
            "ni nom, ni adresse, ni position ne sont enregistrés."
        )
        note.setWordWrap(True)
        filters.addWidget(note)

        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.report.setPlaceholderText("Le résumé de l'import s'affichera ici.")
        self.buttons = QDialogButtonBox()
        self.run_button = self.buttons.addButton("Importer", QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.run_button.clicked.connect(self._run)
        self.close_button.clicked.connect(self.reject)
        self.run_button.setEnabled(False)

        layout = QVBoxLayout(self)
        layout.addWidget(files_box)
        layout.addWidget(filters_box)
        layout.addWidget(self.report, 1)
        layout.addWidget(self.buttons)
        self.setAcceptDrops(True)
        for path in files or []:
            self.add_file(path)

    def _choose(self, key: str) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choisir un fichier SIRENE", "", _FILTER)
        if path:
            self.add_file(Path(path), key)

    def add_file(self, path: Path, key: str | None = None) -> None:
        """Put a file in the slot its header says it belongs to (or the given one)."""
        info = describe(path)
        if info.kind is None:
            self.report.appendPlainText(f"{path.name} : {info.problem}")
            return
        if key is None:
            key = next((k for k, _l, kinds in _SLOTS if info.kind in kinds), "stock")
        self.paths[key] = path
        self._edits[key].setText(str(path))
        vintage = f", données à jour au {info.vintage}" if info.vintage else ""
        self._infos[key].setText(
            f"{info.kind.value} — {info.columns} colonnes, {info.size_mb} Mo{vintage}"
        )
        self.run_button.setEnabled(self.paths["stock"] is not None)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.add_file(Path(url.toLocalFile()))

    def filters(self) -> ImportFilters:
        """The filters as ticked."""
        return ImportFilters(
            include_closed=self.include_closed.isChecked(),
            bands=None if self.all_sizes.isChecked() else DEFAULT_TARGET_BANDS,
            include_unknown_band=self.unknown_size.isChecked(),
            include_non_employers=self.non_employers.isChecked(),
        )

    def _run(self) -> None:
        stock = self.paths["stock"]
        if stock is None:
            return
        files = SireneFiles(stock, self.paths["units"], self.paths["geoloc"])
        filters = self.filters()
        store = self.store

        def task(progress: Progress, cancel: CancelToken) -> ImportSummary:
            aliases = bassin_aliases(store, CommuneReference.load())
            return import_sirene(store, files, filters, aliases, progress=progress, cancel=cancel)

        self.run_button.setEnabled(False)
        self._importing = True
        run_with_progress(self, "Import SIRENE", task, self._done, self._failed)

    def reject(self) -> None:
        """Escape, « Annuler » or the title bar's ×: refused while the import runs.

        The import is stopped with its progress dialog's « Annuler »; closing this
        dialog under it would leave the window showing firms the import changed.
        """
        if self._importing:
            return
        super().reject()

    def _done(self, summary: ImportSummary) -> None:
        self._importing = False
        self.summary = summary
        self.report.setPlainText("\n".join(summary.lines()))
        self.run_button.hide()
        self.close_button.setText("Fermer")
        self.close_button.clicked.disconnect()
        self.close_button.clicked.connect(self.accept)
        self.close_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _failed(self, message: str) -> None:
        self._importing = False
        self.report.setPlainText(message)
        self.run_button.setEnabled(True)
