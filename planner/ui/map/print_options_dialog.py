"""The small dialog asked before printing the map: framing, orientation, paper."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QRadioButton,
    QWidget,
)

from planner.services.map.map_sheet import FRAMING_BASSIN, FRAMING_VIEW, FRAMINGS

PAPERS: tuple[tuple[QPageSize.PageSizeId, str], ...] = (
    (QPageSize.PageSizeId.A4, "A4"),
    (QPageSize.PageSizeId.A3, "A3"),
)
MARGIN_MM = 10.0


@dataclass(frozen=True)
class PrintOptions:
    """What the user chose: framing (``FRAMING_*``), landscape or not, paper."""

    framing: str = FRAMING_BASSIN
    landscape: bool = True
    paper: QPageSize.PageSizeId = QPageSize.PageSizeId.A4

    def page_layout(self) -> QPageLayout:
        """The page: paper, orientation and 10 mm margins."""
        orientation = (
            QPageLayout.Orientation.Landscape
            if self.landscape
            else QPageLayout.Orientation.Portrait
        )
        margins = QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM)
        return QPageLayout(QPageSize(self.paper), orientation, margins, QPageLayout.Unit.Millimeter)


class PrintOptionsDialog(QDialog):
    """« Imprimer la carte »: what to frame, in which orientation, on which paper."""

    def __init__(
        self, parent: QWidget | None, *, accept_text: str, options: PrintOptions | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Imprimer la carte")
        options = options or PrintOptions()
        form = QFormLayout(self)

        self.framing_buttons: dict[str, QRadioButton] = {}
        framing_row = QHBoxLayout()
        self._framing_group = QButtonGroup(self)
        for key, label in FRAMINGS.items():
            button = QRadioButton(label, self)
            button.setChecked(key == options.framing)
            self._framing_group.addButton(button)
            self.framing_buttons[key] = button
            framing_row.addWidget(button)
        self.framing_buttons[FRAMING_BASSIN].setToolTip("La carte montre tout le bassin.")
        self.framing_buttons[FRAMING_VIEW].setToolTip(
            "La carte montre ce que la fenêtre affiche maintenant."
        )
        form.addRow("Cadrage :", framing_row)

        orientation_row = QHBoxLayout()
        self._orientation_group = QButtonGroup(self)
        self.landscape_button = QRadioButton("Paysage", self)
        self.portrait_button = QRadioButton("Portrait", self)
        self.landscape_button.setChecked(options.landscape)
        self.portrait_button.setChecked(not options.landscape)
        for button in (self.landscape_button, self.portrait_button):
            self._orientation_group.addButton(button)
            orientation_row.addWidget(button)
        form.addRow("Orientation :", orientation_row)

        self.paper_box = QComboBox(self)
        for paper, label in PAPERS:
            self.paper_box.addItem(label, paper)
        self.paper_box.setCurrentIndex(
            next((i for i, (p, _) in enumerate(PAPERS) if p == options.paper), 0)
        )
        form.addRow("Format :", self.paper_box)

        buttons = QDialogButtonBox(self)
        buttons.addButton(accept_text, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def options(self) -> PrintOptions:
        """The choices shown now."""
        framing = next(k for k, b in self.framing_buttons.items() if b.isChecked())
        paper = self.paper_box.currentData()
        return PrintOptions(
            framing=framing,
            landscape=self.landscape_button.isChecked(),
            paper=paper if isinstance(paper, QPageSize.PageSizeId) else PAPERS[0][0],
        )
