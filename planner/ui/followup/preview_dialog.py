"""The preview shown before outcomes are written to the campaign."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from planner.domain.errors import PlannerError
from planner.services.followup.outcomes_import import OutcomePreview, export_rejections
from planner.ui.followup.preview_model import (
    RowsModel,
    accepted_model,
    conflicts_model,
    rejected_model,
)


def _table(model: RowsModel, parent: QWidget) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class OutcomePreviewDialog(QDialog):
    """Accepted / rejected / conflicts tabs; nothing is written until « Enregistrer »."""

    def __init__(self, preview: OutcomePreview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preview = preview
        self.setWindowTitle("Relecture des listes d'appels — aperçu")
        self.resize(1000, 560)
        layout = QVBoxLayout(self)
        files = ", ".join(f"{f.file} ({f.partner})" for f in preview.files)
        layout.addWidget(QLabel(f"Fichiers relus : {files}"))
        self.warnings = QLabel("\n".join(f"⚠ {w}" for w in preview.warnings), self)
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet("color: #9C5700;")
        self.warnings.setVisible(bool(preview.warnings))
        layout.addWidget(self.warnings)
        services, marks = preview.services(), preview.marks()
        self.journey = QLabel(
            f"Services notés sur les lignes acceptées : {services}. "
            f"Entreprises à marquer « ne pas solliciter » (refus, « Ne plus solliciter » = "
            f"Oui) : {marks}.",
            self,
        )
        self.journey.setWordWrap(True)
        self.journey.setVisible(bool(services or marks))
        layout.addWidget(self.journey)
        self.tabs = QTabWidget(self)
        self.accepted_model = accepted_model(preview.accepted)
        self.rejected_model = rejected_model(preview.rejected)
        self.conflicts_model = conflicts_model(preview.conflicts)
        for title, model in (
            (f"Acceptées ({len(preview.accepted)})", self.accepted_model),
            (f"Rejetées ({len(preview.rejected)})", self.rejected_model),
            (f"Conflits ({len(preview.conflicts)})", self.conflicts_model),
        ):
            self.tabs.addTab(_table(model, self), title)
        layout.addWidget(self.tabs)
        self.include_conflicts = QCheckBox(
            "Enregistrer aussi les lignes en conflit (sans rien remplacer : elles "
            "s'ajoutent à l'historique)",
            self,
        )
        self.include_conflicts.setEnabled(bool(preview.conflicts))
        layout.addWidget(self.include_conflicts)
        buttons = QDialogButtonBox(self)
        self.save_button = buttons.addButton(
            "Enregistrer les contacts", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setEnabled(bool(preview.accepted or preview.conflicts))
        self.export_button = QPushButton("Exporter les lignes rejetées…", self)
        self.export_button.setEnabled(bool(preview.rejected))
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.export_button.clicked.connect(self._export_rejected)
        layout.addWidget(buttons)

    def _export_rejected(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Lignes rejetées", "lignes_rejetees.xlsx", "Classeur Excel (*.xlsx)"
        )
        if path:
            try:
                export_rejections(Path(path), self.preview.rejected)
            except PlannerError as exc:
                QMessageBox.warning(self, "Lignes rejetées", str(exc))
                return
            QMessageBox.information(self, "Lignes rejetées", f"Enregistrées dans {path}.")
