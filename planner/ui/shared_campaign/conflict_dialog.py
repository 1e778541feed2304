"""The dialog shown when someone else changed what the user is saving.

It lists each field with the other person's value next to the user's, says
who changed it and when (from the journal), and offers three ways out:
keep one's own values (write them over theirs, knowingly), take theirs
(write nothing and show theirs), or cancel.
"""

from __future__ import annotations

from typing import Literal

from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.services.shared_campaign.conflicts import TABLE_LABELS, Conflict

Choice = Literal["mine", "theirs", "cancel"]

KEEP_MINE = "Garder mes modifications"
TAKE_THEIRS = "Prendre les leurs"
CANCEL = "Annuler"


def conflict_summary(conflict: Conflict) -> str:
    """Who changed what, and when, in one or two French sentences."""
    what = TABLE_LABELS.get(conflict.table, conflict.table)
    who = conflict.login or "quelqu'un d'autre"
    when = f" le {conflict.at.astimezone():%d/%m/%Y à %H:%M:%S}" if conflict.at else ""
    verb = "supprimé" if conflict.current_version is None and not conflict.theirs else "modifié"
    text = f"{who} a {verb} cette {what}{when}, depuis que vous l'avez lue :\n{conflict.label}"
    if conflict.others:
        text += f"\n(et {conflict.others} autre(s) ligne(s) de la même modification)"
    return text


class ConflictDialog(QDialog):
    """Their values next to the user's, and the three choices.

    Attributes:
        choice: what the user chose (``cancel`` until a button is pressed).
    """

    def __init__(self, parent: QWidget | None, conflict: Conflict) -> None:
        super().__init__(parent)
        self.setWindowTitle("Modification concurrente")
        self.choice: Choice = "cancel"
        self.summary = QLabel(conflict_summary(conflict))
        self.summary.setWordWrap(True)
        fields = conflict.changed_fields
        self.model = QStandardItemModel(0, 3, self)
        self.model.setHorizontalHeaderLabels(["Champ", "Leur valeur", "La vôtre"])
        for label in fields:
            row = [label, conflict.theirs.get(label, "—"), conflict.mine.get(label, "—")]
            items = [QStandardItem(value) for value in row]
            for item in items:
                item.setEditable(False)
            self.model.appendRow(items)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.setMinimumWidth(640)  # both values side by side, no sideways scrolling
        buttons = QDialogButtonBox(self)
        self.keep_mine = QPushButton(KEEP_MINE)
        self.take_theirs = QPushButton(TAKE_THEIRS)
        self.cancel = QPushButton(CANCEL)
        buttons.addButton(self.keep_mine, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.take_theirs, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancel, QDialogButtonBox.ButtonRole.RejectRole)
        self.keep_mine.clicked.connect(lambda: self._choose("mine"))
        self.take_theirs.clicked.connect(lambda: self._choose("theirs"))
        self.cancel.clicked.connect(lambda: self._choose("cancel"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addWidget(buttons)

    def _choose(self, choice: Choice) -> None:
        self.choice = choice
        if choice == "cancel":
            self.reject()
        else:
            self.accept()


def resolve_conflict(parent: QWidget | None, conflict: Conflict) -> Choice:
    """Show the conflict and return the user's choice: ``mine``, ``theirs`` or ``cancel``."""
    dialog = ConflictDialog(parent, conflict)
    try:
        dialog.exec()
        return dialog.choice
    finally:
        dialog.deleteLater()
