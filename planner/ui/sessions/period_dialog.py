"""Choose what to print: a period, and optionally a partner or a venue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout


class PeriodDialog(QDialog):
    """Period (jj/mm/aaaa), partner and venue of a printed schedule."""

    def __init__(
        self, parent: Any, first: dt.date, last: dt.date, partners: list[str], venues: list[str]
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Imprimer le programme des séances")
        self.start = QDateEdit(QDate(first.year, first.month, first.day), self)
        self.end = QDateEdit(QDate(last.year, last.month, last.day), self)
        for edit in (self.start, self.end):
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setCalendarPopup(True)
        self.partner = QComboBox(self)
        self.partner.addItems(["Tous les partenaires", *partners])
        self.venue = QComboBox(self)
        self.venue.addItems(["Tous les lieux", *venues])
        form = QFormLayout(self)
        form.addRow("Du", self.start)
        form.addRow("Au", self.end)
        form.addRow("Partenaire", self.partner)
        form.addRow("Lieu", self.venue)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[dt.date, dt.date, str | None, str | None]:
        start = _to_date(self.start.date())
        end = _to_date(self.end.date())
        partner = self.partner.currentText() if self.partner.currentIndex() > 0 else None
        venue = self.venue.currentText() if self.venue.currentIndex() > 0 else None
        return start, end, partner, venue


def _to_date(value: QDate) -> dt.date:
    """The edit's day as a date (PySide6 types ``QDate.toPython()`` as object)."""
    day = value.toPython()
    if not isinstance(day, dt.date):
        raise TypeError(f"QDate.toPython() gave {type(day).__name__}")
    return day
