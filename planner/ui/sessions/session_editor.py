"""The session editor: kind, title, times, recurrence, venue, capacity, people, theme, invitees."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QInputDialog,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
)
from sqlalchemy import select

from planner.db import models
from planner.db.store import CampaignStore
from planner.domain.errors import PlannerError
from planner.domain.recurrence import Recurrence
from planner.domain.session_labels import SESSION_KINDS, SESSION_STATUSES
from planner.services.session_invitees import suggest_invitees
from planner.services.sessions import (
    ClashError,
    SessionDraft,
    SessionRecord,
    check_draft,
    invitees_of,
    save_session,
)
from planner.services.venues import list_venues


def _qdt(moment: dt.datetime) -> QDateTime:
    return QDateTime(moment.year, moment.month, moment.day, moment.hour, moment.minute, 0)


class SessionEditor(QDialog):
    """Create or edit a session; saving shows clashes and asks for an override on errors."""

    def __init__(self, parent: Any, store: CampaignStore, record: SessionRecord | None) -> None:
        super().__init__(parent)
        self.store, self.record = store, record
        self.saved_ids: list[int] = []
        self.setWindowTitle("Modifier la séance" if record else "Nouvelle séance")
        self.kind = QComboBox(self)
        for code, label in SESSION_KINDS.items():
            self.kind.addItem(label, code)
        self.title_edit = QLineEdit(self)
        start = (
            record.starts_at
            if record
            else dt.datetime.combine(dt.date.today() + dt.timedelta(days=7), dt.time(9))
        )
        end = record.ends_at if record else start + dt.timedelta(hours=3)
        self.start = QDateTimeEdit(_qdt(start), self)
        self.end = QDateTimeEdit(_qdt(end), self)
        for edit in (self.start, self.end):
            edit.setDisplayFormat("dd/MM/yyyy HH:mm")
            edit.setCalendarPopup(True)
        self.repeat = QSpinBox(self)
        self.repeat.setRange(1, 104)
        self.repeat.setSuffix(" semaine(s)")
        self.repeat.setEnabled(record is None)
        self.venue = QComboBox(self)
        self.venue.addItem("Lieu à définir", None)
        for venue in list_venues(store):
            self.venue.addItem(
                venue.name + ("" if venue.lon is not None else " (non placé)"), venue.id
            )
        self.capacity = QSpinBox(self)
        self.capacity.setRange(-1, 10000)
        self.capacity.setSpecialValueText("non fixée")
        self.capacity.setValue(-1)
        self.status = QComboBox(self)
        for code, label in SESSION_STATUSES.items():
            self.status.addItem(label, code)
        self.theme = QLineEdit(self)
        self.theme.setPlaceholderText("ex. NAF 52, ROME N1103")
        self.partners = self._checks(models.Partner)
        self.advisers = self._checks(models.Adviser)
        self.invitees = QListWidget(self)
        self.radius = QDoubleSpinBox(self)
        self.radius.setRange(0.5, 50)
        self.radius.setValue(5)
        self.radius.setSuffix(" km")
        suggest = QPushButton("Suggérer des invités", self)
        suggest.clicked.connect(self.suggest)
        form = QFormLayout(self)
        for label, widget in [
            ("Type", self.kind), ("Titre", self.title_edit), ("Début", self.start),
            ("Fin", self.end), ("Répéter chaque semaine", self.repeat), ("Lieu", self.venue),
            ("Places", self.capacity), ("Statut", self.status), ("Thème", self.theme),
            ("Partenaires", self.partners), ("Conseillers", self.advisers),
            ("Invités", self.invitees), ("Rayon", self.radius), ("", suggest),
        ]:  # fmt: skip
            form.addRow(label, widget)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.hosts: list[str] = list(record.hosts) if record else []
        if record is not None:
            self._fill(record)

    def _checks(self, model: Any) -> QListWidget:
        widget = QListWidget(self)
        widget.setMaximumHeight(90)
        with self.store.session() as session:
            for row in session.scalars(select(model).order_by(model.name)):
                item = QListWidgetItem(row.name, widget)
                item.setData(Qt.ItemDataRole.UserRole, row.id)
                item.setCheckState(Qt.CheckState.Unchecked)
        return widget

    def _fill(self, record: SessionRecord) -> None:
        self.kind.setCurrentIndex(max(0, self.kind.findData(record.kind)))
        self.title_edit.setText(record.title)
        self.venue.setCurrentIndex(
            max(0, self.venue.findData(record.venue.id if record.venue else None))
        )
        self.capacity.setValue(record.capacity if record.capacity is not None else -1)
        self.status.setCurrentIndex(max(0, self.status.findData(record.status)))
        self.theme.setText(", ".join(f"{k.upper()} {c}" for k, c in record.themes))
        for widget, chosen in ((self.partners, record.partners), (self.advisers, record.advisers)):
            for i in range(widget.count()):
                item = widget.item(i)
                if item.data(Qt.ItemDataRole.UserRole) in chosen:
                    item.setCheckState(Qt.CheckState.Checked)
        for siret, name, _status in invitees_of(self.store, record.id):
            self._add_invitee(siret, name)

    def _add_invitee(self, siret: str, name: str) -> None:
        item = QListWidgetItem(f"{name} ({siret})", self.invitees)
        item.setData(Qt.ItemDataRole.UserRole, siret)

    def _checked(self, widget: QListWidget) -> list[int]:
        return [
            int(widget.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked
        ]

    def themes(self) -> list[tuple[str, str]]:
        found = []
        for part in self.theme.text().replace(";", ",").split(","):
            words = part.split()
            if len(words) == 2 and words[0].lower() in ("naf", "rome"):
                found.append((words[0].lower(), words[1].upper()))
        return found

    def draft(self) -> SessionDraft:
        capacity = self.capacity.value()
        return SessionDraft(
            kind=str(self.kind.currentData()),
            title=self.title_edit.text(),
            starts_at=self.start.dateTime().toPython(),  # type: ignore[arg-type]
            ends_at=self.end.dateTime().toPython(),  # type: ignore[arg-type]
            venue_id=self.venue.currentData(),
            capacity=None if capacity == -1 else capacity,
            status=str(self.status.currentData()),
            partner_ids=self._checked(self.partners),
            adviser_ids=self._checked(self.advisers),
            host_sirets=self.hosts,
            invitee_sirets=[
                str(self.invitees.item(i).data(Qt.ItemDataRole.UserRole))
                for i in range(self.invitees.count())
            ],
            themes=self.themes(),
            recurrence=Recurrence(self.repeat.value()) if self.repeat.value() > 1 else None,
        )

    def suggest(self) -> None:
        venue = next((v for v in list_venues(self.store) if v.id == self.venue.currentData()), None)
        if venue is None or venue.lon is None or venue.lat is None:
            QMessageBox.information(
                self, "Invités", "Choisissez d'abord un lieu placé sur la carte."
            )
            return
        present = [
            self.invitees.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.invitees.count())
        ]
        for s in suggest_invitees(
            self.store,
            self.themes(),
            venue.lon,
            venue.lat,
            radius_km=self.radius.value(),
            exclude=present,
        ):
            self._add_invitee(
                s.siret, f"{s.name} — {s.status or 'jamais contactée'}, {s.distance_km} km"
            )

    def save(self) -> None:
        draft = self.draft()
        sid = self.record.id if self.record else None
        try:
            warnings = [c for c in check_draft(self.store, draft, session_id=sid) if not c.is_error]
            self.saved_ids = save_session(self.store, draft, session_id=sid)
        except ClashError as exc:
            reason, ok = QInputDialog.getText(
                self, "Conflits", f"{exc}\n\nEnregistrer quand même ? Indiquez pourquoi :"
            )
            if not ok or not reason.strip():
                return
            self.saved_ids = save_session(self.store, draft, session_id=sid, override=reason)
        except PlannerError as exc:
            QMessageBox.warning(self, "Séance", str(exc))
            return
        if warnings:
            QMessageBox.information(self, "À vérifier", "\n".join(c.message for c in warnings))
        self.accept()
