"""The red, hidden-until-needed label where the offers' dialogs say what is wrong."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


def error_label(parent: QWidget) -> QLabel:
    """A label for French error messages: plain text (never rich text from user input),
    wrapped, red, hidden until a message is set and shown."""
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setStyleSheet("color: #b00020")
    label.hide()
    return label
