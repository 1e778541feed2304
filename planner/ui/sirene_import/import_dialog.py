"""Import SIRENE files into the open campaign: pick, check, filter, run, summarise."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
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

from planner.domain.french_numbers import decimal, integer
from planner.domain.headcount_bands import DEFAULT_TARGET_BANDS
from planner.domain.import_filters import ImportFilters
from planner.domain.progress import CancelToken, Progress
from planner.geo.reference import CommuneReference
from planner.io.sirene_layout import SireneKind
from planner.services.campaign.campaign_file import bassin_aliases
from planner.services.campaign.campaign_store import CampaignStore
from planner.services.sirene_import.files import describe
from planner.services.sirene_import.pipeline import ImportSummary, SireneFiles, import_sirene
from planner.ui.recent_folders import RecentFolders
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
# What a misplaced file is told: the slot it belongs to, in short.
_SHORT_LABELS = {"stock": "Établissements", "units": "Unités légales", "geoloc": "Géolocalisation"}
_KINDS = {key: kinds for key, _label, kinds in _SLOTS}
FOLDER_KIND = "sirene"
"""The kind of file whose last folder the file dialog opens in."""
_INFO_STYLE = "color:#555;"
_WRONG_STYLE = "color:#b02a37;"


class _FileField(QLineEdit):
    """A file slot: type (or paste) a path, or drop a file on it.

    Signals:
        fileDropped(str): a local file was dropped on the field.
    """

    fileDropped = Signal(str)  # noqa: N815 - Qt signal naming

    def __init__(self) -> None:
        super().__init__()
        self.setAcceptDrops(True)
        self.setClearButtonEnabled(True)
        self.setPlaceholderText("Chemin du fichier : tapez-le, collez-le ou déposez le fichier ici")

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt API
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802 - Qt API
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt API
        local = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if local:
            event.acceptProposedAction()
            self.setText(local[0])
            self.fileDropped.emit(local[0])


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
        self.wrong: dict[str, str] = {}  # slot → why the file typed or dropped there is refused
        self._edits: dict[str, _FileField] = {}
        self._infos: dict[str, QLabel] = {}
        self._folders = RecentFolders()

        files_box = QGroupBox(
            "Fichiers (déposez-les sur cette fenêtre ou dans un champ, tapez ou choisissez-les)"
        )
        form = QFormLayout(files_box)
        for key, label, _kinds in _SLOTS:
            edit = _FileField()
            edit.editingFinished.connect(lambda k=key: self._on_typed(k))
            edit.fileDropped.connect(lambda text, k=key: self.add_file(Path(text), k))
            button = QPushButton("Choisir…")
            button.clicked.connect(lambda _=False, k=key: self._choose(k))
            row = QHBoxLayout()
            row.addWidget(edit, 1)
            row.addWidget(button)
            info = QLabel("")
            info.setWordWrap(True)
            info.setStyleSheet(_INFO_STYLE)
            # Two lines kept for the file's description: the fields below never move.
            info.setFixedHeight(2 * info.fontMetrics().lineSpacing() + 4)
            info.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
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
        path, _ = QFileDialog.getOpenFileName(
            self, "Choisir un fichier SIRENE", self._folders.folder(FOLDER_KIND), _FILTER
        )
        if path:
            self._folders.remember(path, FOLDER_KIND)
            self.add_file(Path(path), key)

    def _on_typed(self, key: str) -> None:
        text = self._edits[key].text().strip().strip('"')
        current = self.paths[key]
        if not text:
            self._clear(key)
        elif current is None or Path(text) != current or key in self.wrong:
            self.add_file(Path(text).expanduser(), key)

    def _clear(self, key: str) -> None:
        self.paths[key] = None
        self.wrong.pop(key, None)
        self._show_info(key, "")
        self._update_run_button()

    def _show_info(self, key: str, text: str, *, wrong: bool = False) -> None:
        self._infos[key].setText(text)
        self._infos[key].setStyleSheet(_WRONG_STYLE if wrong else _INFO_STYLE)
        self._infos[key].setToolTip(text)

    def _update_run_button(self) -> None:
        self.run_button.setEnabled(self.paths["stock"] is not None and not self.wrong)

    def add_file(self, path: Path, key: str | None = None) -> None:
        """Put a file in the slot its header says it belongs to, or in the slot given
        (typed or dropped there): a file that is not of that slot's kind is flagged
        at once, in the slot, and the import waits for the right one."""
        info = describe(path)
        if info.kind is None:
            if key is None:
                self.report.appendPlainText(f"{path.name} : {info.problem}")
                return
            self.paths[key] = None
            self._edits[key].setText(str(path))
            self.wrong[key] = info.problem
            self._show_info(key, info.problem, wrong=True)
            self._update_run_button()
            return
        if key is None:
            key = next((k for k, kinds in _KINDS.items() if info.kind in kinds), "stock")
        self._edits[key].setText(str(path))
        if info.kind not in _KINDS[key]:
            right = next(k for k, kinds in _KINDS.items() if info.kind in kinds)
            self.paths[key] = None
            self.wrong[key] = (
                f"Mauvais fichier ici : c'est un {info.kind.value}, "
                f"à mettre dans « {_SHORT_LABELS[right]} »."
            )
            self._show_info(key, self.wrong[key], wrong=True)
            self._update_run_button()
            return
        self.paths[key] = path
        self.wrong.pop(key, None)
        vintage = f", données à jour au {info.vintage}" if info.vintage else ""
        size = decimal(info.size_mb, 1)
        self._show_info(
            key, f"{info.kind.value} — {integer(info.columns)} colonnes, {size} Mo{vintage}"
        )
        self._update_run_button()

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
        self._update_run_button()
