"""The firm's card: its fields, read-only, as a form of selectable labels."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

PLACEHOLDER = "Sélectionnez une entreprise dans le tableau pour afficher sa fiche."
EMPTY_VALUE = "—"

Sections = Sequence[tuple[str, dict[str, str]]]
"""A card in titled parts: ``firm_detail_sections``' ``CardSection`` values are such tuples."""


def _value_label(text: str) -> QLabel:
    label = QLabel(text or EMPTY_VALUE)
    # Plain text: names and addresses come from outside and must not be read as HTML.
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse
        | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )
    if not text:
        label.setEnabled(False)  # greyed: the field is empty in SIRENE
    return label


class FirmDetailPanel(QWidget):
    """Shows one firm's card (from ``firm_details`` or ``firm_detail_sections``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._values: dict[str, str] = {}
        self._scroll = QScrollArea(self)
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._scroll)
        self.show_firm(None)

    def show_firm(self, details: dict[str, str] | None) -> None:
        """Show a card as one form (label → value); None or empty shows the placeholder."""
        self.show_sections(None if not details else [("", details)])

    def show_sections(self, sections: Sections | None) -> None:
        """Show a card in titled parts, as ``firm_detail_sections`` returns it."""
        self._values = {}
        content = QWidget()
        column = QVBoxLayout(content)
        if not sections:
            placeholder = QLabel(PLACEHOLDER)
            placeholder.setWordWrap(True)
            placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
            placeholder.setEnabled(False)
            column.addWidget(placeholder)
        else:
            for title, fields in sections:
                self._add_section(column, title, fields)
        column.addStretch(1)
        self._scroll.setWidget(content)  # deletes the previous card

    def value(self, label: str) -> str | None:
        """The text shown for a field (empty if the field is empty), None if absent."""
        return self._values.get(label)

    def _add_section(self, column: QVBoxLayout, title: str, fields: dict[str, str]) -> None:
        if title:
            heading = QLabel(title)
            font = heading.font()
            font.setBold(True)
            heading.setFont(font)
            column.addWidget(heading)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for name, text in fields.items():
            self._values[name] = text
            form.addRow(f"{name} :", _value_label(text))
        column.addLayout(form)
