"""The session editor's « Bilan » tab: what came of a session once it has taken place.

Participants, job offers presented, hires, a comment, and which invited firms
came (the presence table). The editor fills the tab from a record, reads the
entry back into its draft and asks the tab to validate before anything is saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import (
    QFormLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QTableView,
    QWidget,
)

from planner.services.sessions.outcome import validate_outcome
from planner.services.sessions.planning import SessionRecord
from planner.ui.sessions.editor_models import PresenceModel


@dataclass(frozen=True)
class OutcomeEntry:
    """The counts and comment as typed; ``None`` where nothing was entered."""

    attendance: int | None
    jobs_offered: int | None
    hires: int | None
    notes: str | None


def _count_box(parent: QWidget) -> QSpinBox:
    box = QSpinBox(parent)
    box.setRange(-1, 100_000)
    box.setSpecialValueText("non saisi")
    box.setValue(-1)
    return box


def _count(box: QSpinBox) -> int | None:
    return None if box.value() < 0 else box.value()


class SessionOutcomeTab(QWidget):
    """The « Bilan » form: counts, comment and the invitees' presence."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.attendance = _count_box(self)
        self.jobs_offered = _count_box(self)
        self.hires = _count_box(self)
        self.notes = QPlainTextEdit(self)
        self.notes.setPlaceholderText("Ce qui s'est dit, les suites à donner…")
        self.notes.setMaximumHeight(90)
        self.presence = PresenceModel(self)
        self.presence_view = QTableView(self)
        self.presence_view.setModel(self.presence)
        self.presence_view.verticalHeader().hide()
        header = self.presence_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.present_label = QLabel(self)
        self.presence.dataChanged.connect(self._on_presence_changed)
        self.presence.modelReset.connect(self._on_presence_changed)
        form = QFormLayout(self)
        form.addRow("Participants", self.attendance)
        form.addRow("Offres d'emploi présentées", self.jobs_offered)
        form.addRow("Recrutements", self.hires)
        form.addRow("Commentaire", self.notes)
        form.addRow(self.present_label)
        form.addRow(self.presence_view)

    def fill(self, record: SessionRecord, invitees: list[tuple[str, str, str]]) -> None:
        """Show a saved session's outcome; ``invitees`` are (SIRET, name, status)."""
        self.presence.set_rows(invitees)
        for box, value in (
            (self.attendance, record.attendance),
            (self.jobs_offered, record.jobs_offered),
            (self.hires, record.hires),
        ):
            box.setValue(-1 if value is None else value)
        self.notes.setPlainText(record.outcome_notes or "")

    def entry(self) -> OutcomeEntry:
        """The counts and comment as typed (a blank comment is ``None``)."""
        notes = self.notes.toPlainText().strip()
        return OutcomeEntry(
            attendance=_count(self.attendance),
            jobs_offered=_count(self.jobs_offered),
            hires=_count(self.hires),
            notes=notes or None,
        )

    def validate(self, keep: list[str]) -> dict[str, str]:
        """Check the entry; the invitees whose presence changed (among ``keep``).

        Raises:
            PlannerError: a count out of range or more hires than job offers.
        """
        presence = self.presence.changed(keep=keep)
        entry = self.entry()
        validate_outcome(entry.attendance, entry.jobs_offered, entry.hires, presence)
        return presence

    def _on_presence_changed(self, *_args: Any) -> None:
        count = self.presence.present_count()
        self.present_label.setText(
            f"Entreprises invitées présentes : {count} sur {self.presence.rowCount()}"
        )
