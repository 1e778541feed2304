"""The « Métiers en tension (BMO) » window: import the BMO workbook, rank the métiers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
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

from planner.domain.french_numbers import percent
from planner.domain.progress import CancelToken, Progress
from planner.services.campaign.campaign_store import CampaignStore
from planner.services.followup.bmo_tension import (
    BmoImportSummary,
    Figure,
    MetierTension,
    bassins_in_file,
    bmo_years,
    campaign_bmo_bassins,
    import_bmo,
    metiers_in_tension,
    stored_bassins,
)
from planner.ui.tasks import TaskRunner, run_with_progress

Index = QModelIndex | QPersistentModelIndex

WITHHELD_TIP = (
    "Chiffre non diffusé par France Travail (secret statistique : trop peu de réponses "
    "à l'enquête). Ce n'est pas zéro."
)
PARTIAL_TIP = (
    "Une partie du chiffre n'est pas diffusée (secret statistique) : le total est un minimum."
)
COLUMNS = (
    "Code",
    "Métier",
    "Famille",
    "Projets de recrutement",
    "Projets difficiles",
    "Part difficile",
    "Saisonniers",
)
PROJECTS, DIFFICULT, SHARE, SEASONAL = 3, 4, 5, 6


def share_text(share: float | None) -> str:
    """``56 %``, or a dash when the share cannot be computed."""
    return "—" if share is None else percent(share, 0)


class MetierTensionModel(QAbstractTableModel):
    """The bassin's métiers with their BMO figures; sortable by any column.

    Withheld figures sort after every published one, whichever the order, and
    are shown as « secret statistique », never as 0.
    """

    def __init__(self, metiers: Sequence[MetierTension] = (), parent: Any = None) -> None:
        super().__init__(parent)
        self._metiers = list(metiers)

    def set_metiers(self, metiers: Sequence[MetierTension]) -> None:
        self.beginResetModel()
        self._metiers = list(metiers)
        self.endResetModel()

    def metier(self, row: int) -> MetierTension:
        return self._metiers[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._metiers)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def _figure(self, m: MetierTension, column: int) -> Figure | None:
        return {PROJECTS: m.projects, DIFFICULT: m.difficult, SEASONAL: m.seasonal}.get(column)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        m = self._metiers[index.row()]
        column = index.column()
        figure = self._figure(m, column)
        if role == Qt.ItemDataRole.DisplayRole:
            if figure is not None:
                return figure.text()
            if column == SHARE:
                return share_text(m.difficulty_share)
            return (m.code, m.label, m.family or "")[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= PROJECTS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if figure is not None and (figure.value is None or figure.partial):
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor("#757575")
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setItalic(True)
                return font
            if role == Qt.ItemDataRole.ToolTipRole:
                return WITHHELD_TIP if figure.value is None else PARTIAL_TIP
        if role == Qt.ItemDataRole.ToolTipRole and column == SHARE:
            if m.difficulty_share is None:
                return "Part non calculée : un des deux chiffres n'est pas diffusé en entier."
            return "Part des projets de recrutement jugés difficiles par les employeurs."
        if role == Qt.ItemDataRole.ToolTipRole and column == 1:
            return m.label
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return section + 1

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        descending = order == Qt.SortOrder.DescendingOrder
        sign = -1.0 if descending else 1.0

        def key(m: MetierTension) -> tuple[bool, float, float, str]:
            projects = -float(m.projects.value or 0)  # ties: most projects first
            figure = self._figure(m, column)
            if figure is not None:
                return (figure.value is None, sign * (figure.value or 0), projects, m.code)
            share = m.difficulty_share
            return (share is None, sign * (share or 0.0), projects, m.code)

        self.layoutAboutToBeChanged.emit()
        if column < PROJECTS:
            text = [(m.code, m.label, m.family or "")[column].lower() for m in self._metiers]
            order_ = sorted(range(len(text)), key=text.__getitem__, reverse=descending)
            self._metiers = [self._metiers[i] for i in order_]
        else:
            self._metiers.sort(key=key)
        self.layoutChanged.emit()


class BmoWindow(QDialog):
    """The bassin's métiers in tension, with the BMO workbook import."""

    def __init__(self, store: CampaignStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle("Métiers en tension (BMO)")
        self.resize(1240, 640)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.model = MetierTensionModel(parent=self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setSortingEnabled(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().setVisible(False)
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        note = QLabel(
            "Source : enquête Besoins en main-d'œuvre de France Travail. « secret "
            "statistique » : chiffre non diffusé (trop peu de réponses), ce n'est pas zéro ; "
            "« ≥ » : total dont une partie n'est pas diffusée.",
            self,
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        self.import_button = QPushButton("&Importer un classeur BMO…", self)
        self.import_button.clicked.connect(self._on_import_button_clicked)
        self.import_button.setObjectName("bmoImport")
        close = QPushButton("Fermer", self)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addWidget(note)
        layout.addLayout(buttons)
        self._task: TaskRunner | None = None
        self.reload()

    def reload(self) -> None:
        """Read the stored BMO figures again (a few hundred rows)."""
        years = bmo_years(self.store)
        metiers = metiers_in_tension(self.store, year=years[0]) if years else []
        self.model.set_metiers(metiers)
        self.view.sortByColumn(PROJECTS, Qt.SortOrder.DescendingOrder)
        widths = (64, 360, 250, 160, 130, 100, 130)
        for column, width in enumerate(widths):
            self.view.setColumnWidth(column, width)
        if not years:
            self.summary.setText(
                "<b>Aucune donnée BMO dans la campagne.</b> Importez la base open data "
                "« Besoins en main-d'œuvre » de France Travail (Base_open_data_BMO_….xlsx)."
            )
            return
        bassins = ", ".join(
            f"{label} ({code})" for code, label in stored_bassins(self.store, years[0]).items()
        )
        withheld = sum(m.projects.value is None for m in metiers)
        published = Figure(sum(m.projects.value or 0 for m in metiers)).text()
        self.summary.setText(
            f"<b>BMO {years[0]} — {bassins}</b> : {len(metiers)} métiers, "
            f"{published} projets de recrutement publiés ; "
            f"nombre de projets non diffusé pour {withheld} métiers."
        )

    def _on_import_button_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Base open data BMO", "", "Classeurs Excel (*.xlsx)"
        )
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path, bassins: Sequence[str] | None = None) -> None:
        """Import off the GUI thread; ask for the bassin if the campaign has none."""
        store = self.store

        def task(progress: Progress, cancel: CancelToken) -> object:
            wanted = list(bassins or campaign_bmo_bassins(store, path))
            if not wanted:
                progress(0, 1, "Lecture des bassins du classeur")
                return bassins_in_file(path)
            return import_bmo(store, path, bassins=wanted, progress=progress, cancel=cancel)

        def done(result: object) -> None:
            if isinstance(result, BmoImportSummary):
                self.reload()
                QMessageBox.information(self, "BMO", _summary_text(result))
                return
            if not isinstance(result, dict) or not result:
                return
            choices = [f"{code} — {label}" for code, label in result.items()]
            choice, ok = QInputDialog.getItem(
                self,
                "Bassin BMO",
                "La campagne n'est pas définie par un bassin BMO.\nBassin à importer :",
                choices,
                0,
                False,
            )
            if ok:
                self.import_file(path, [choice.split(" — ")[0]])

        def failed(message: str) -> None:
            QMessageBox.warning(self, "BMO", message)

        self._task = run_with_progress(self, "Import de la base BMO", task, done, failed)


def _summary_text(summary: BmoImportSummary) -> str:
    bassins = ", ".join(f"{label} ({code})" for code, label in summary.bassins.items())
    years = ", ".join(str(y) for y in summary.years)
    text = (
        f"BMO {years}, {bassins} : {summary.rows} lignes, {summary.metiers} métiers.\n"
        f"Chiffres non diffusés (secret statistique) : {summary.withheld_projects} pour les "
        f"projets, {summary.withheld_difficult} pour les projets difficiles."
    )
    if summary.replaced:
        text += f"\n{summary.replaced} lignes de l'import précédent ont été remplacées."
    return text
