"""Suivi → Exporter les listes d'appels: folder, layout and partners in one dialog."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from planner.domain.french_numbers import integer
from planner.services.followup.call_lists import Per

FOLDER_KEY = "followup/callListFolder"


class ExportDialog(QDialog):
    """Choose where the workbooks go, one sheet per adviser or per team, and which partners.

    With every partner ticked, the coordinator's workbook and CSV are written too.
    """

    def __init__(
        self,
        partners: list[tuple[str, int]],
        parent: QWidget | None = None,
        *,
        left_out: str = "",
    ) -> None:
        """``left_out``: the French sentence saying how many firms the export will leave
        out, and why (contact pressure, *ne pas solliciter*)."""
        super().__init__(parent)
        self.setWindowTitle("Exporter les listes d'appels")
        self.setMinimumWidth(560)
        settings = QSettings()
        self.folder = QLineEdit(str(settings.value(FOLDER_KEY, str(Path.home()))))
        browse = QPushButton("Parcourir…")
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)

        self.per_adviser = QRadioButton("un onglet par conseiller")
        self.per_team = QRadioButton("un onglet par équipe")
        self.per_adviser.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.per_adviser)
        group.addButton(self.per_team)
        per_row = QHBoxLayout()
        per_row.addWidget(self.per_adviser)
        per_row.addWidget(self.per_team)
        per_row.addStretch(1)

        self.model = QStandardItemModel(self)
        for name, count in partners:
            item = QStandardItem(f"{name} ({integer(count)} entreprises)")
            item.setData(name, Qt.ItemDataRole.UserRole)
            item.setCheckable(True)
            item.setCheckState(Qt.CheckState.Checked)
            item.setEditable(False)
            self.model.appendRow(item)
        self.model.itemChanged.connect(self._update)
        self.partners = QListView()
        self.partners.setModel(self.model)
        all_button = QPushButton("Tous")
        all_button.clicked.connect(lambda: self._check_all(Qt.CheckState.Checked))
        none_button = QPushButton("Aucun")
        none_button.clicked.connect(lambda: self._check_all(Qt.CheckState.Unchecked))
        ticks = QHBoxLayout()
        ticks.addWidget(all_button)
        ticks.addWidget(none_button)
        ticks.addStretch(1)

        self.note = QLabel()
        self.note.setWordWrap(True)
        self.left_out = QLabel(left_out)
        self.left_out.setObjectName("leftOutSummary")
        self.left_out.setWordWrap(True)
        self.left_out.setVisible(bool(left_out))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Exporter")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("Dossier :", folder_row)
        form.addRow("Classeurs :", per_row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Partenaires (un classeur chacun, avec ses seules entreprises) :"))
        layout.addWidget(self.partners, 1)
        layout.addLayout(ticks)
        layout.addWidget(self.left_out)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        self._update()

    # --- what the caller reads ----------------------------------------------------

    def chosen_partners(self) -> list[str]:
        """Names of the ticked partners."""
        return [
            str(self.model.item(row).data(Qt.ItemDataRole.UserRole))
            for row in range(self.model.rowCount())
            if self.model.item(row).checkState() == Qt.CheckState.Checked
        ]

    def all_chosen(self) -> bool:
        return len(self.chosen_partners()) == self.model.rowCount()

    def per(self) -> Per:
        return "adviser" if self.per_adviser.isChecked() else "team"

    def out_dir(self) -> Path:
        return Path(self.folder.text().strip())

    # --- slots --------------------------------------------------------------------

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, "Dossier des listes d'appels", self.folder.text()
        )
        if chosen:
            self.folder.setText(chosen)

    def _check_all(self, state: Qt.CheckState) -> None:
        for row in range(self.model.rowCount()):
            self.model.item(row).setCheckState(state)

    def _update(self, *_: Any) -> None:
        count = len(self.chosen_partners())
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(count > 0)
        if count == 0:
            self.note.setText("Cochez au moins un partenaire.")
        elif self.all_chosen():
            self.note.setText(
                f"{count} classeurs de partenaires, plus le classeur du coordinateur "
                "(toutes les entreprises) et son export CSV."
            )
        else:
            self.note.setText(
                f"{count} classeur(s) de partenaires. Le classeur du coordinateur n'est "
                "écrit que lorsque tous les partenaires sont cochés."
            )

    def _accept(self) -> None:
        folder = self.out_dir()
        if not self.folder.text().strip():
            self.note.setText("Choisissez le dossier où écrire les classeurs.")
            return
        if folder.exists() and not folder.is_dir():
            self.note.setText(f"« {folder} » n'est pas un dossier.")
            return
        QSettings().setValue(FOLDER_KEY, str(folder))
        self.accept()
