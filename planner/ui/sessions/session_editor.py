"""The session editor: the session itself, its firms (hosts, invitees), and its outcome.

Three tabs: « Séance » (kind, title, times, recurrence, venue, capacity,
status, theme, partners, advisers), « Entreprises » (host firms picked from
the campaign's firms, invitees and suggestions; see ``session_firms_tab``)
and « Bilan » (after the event: participants, job offers, hires, comment,
which invitees came; see ``session_outcome_tab``).

The questions the editor asks (a reason to override a clash) and what it
tells (warnings) go through ``ask_reason`` and ``inform``, which a caller or
a test can replace: a modal message box would block a test.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import polars as pl
from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLayout,
    QLineEdit,
    QListView,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from planner.domain.errors import PlannerError
from planner.domain.recurrence import Recurrence
from planner.domain.session_labels import SESSION_KINDS, SESSION_STATUSES
from planner.services.campaign.campaign_store import CampaignStore
from planner.services.sessions.choices import NamedChoice, adviser_choices, partner_choices
from planner.services.sessions.outcome import record_outcome
from planner.services.sessions.planning import (
    ClashError,
    SessionDraft,
    SessionRecord,
    check_draft,
    invitees_of,
    save_session,
)
from planner.services.sessions.venues import add_free_venue, list_venues
from planner.services.sessions.working_days import default_session_start
from planner.services.shared_campaign.conflicts import Conflict, StaleVersion
from planner.ui.sessions.editor_models import CheckListModel, firm_label
from planner.ui.sessions.session_firms_tab import SessionFirmsTab
from planner.ui.sessions.session_outcome_tab import SessionOutcomeTab
from planner.ui.shared_campaign.conflict_dialog import resolve_conflict

AskReason = Callable[[str], "str | None"]
Inform = Callable[[str, str], None]


def _qdt(moment: dt.datetime) -> QDateTime:
    return QDateTime(moment.year, moment.month, moment.day, moment.hour, moment.minute, 0)


def _check_view(checks: CheckListModel, parent: QWidget) -> QListView:
    """A short list of check boxes; space toggles the current one."""
    view = QListView(parent)
    view.setModel(checks)
    view.setMaximumHeight(90)
    return view


class SessionEditor(QDialog):
    """Create or edit a session; saving shows clashes and asks for an override on errors."""

    def __init__(
        self,
        parent: Any,
        store: CampaignStore,
        record: SessionRecord | None,
        *,
        firms: pl.DataFrame | None = None,
        selected_sirets: Callable[[], list[str]] | None = None,
        ask_reason: AskReason | None = None,
        inform: Inform | None = None,
    ) -> None:
        """
        Args:
            parent: the main window (or any widget).
            store: the open campaign.
            record: the session to edit; ``None`` for a new one.
            firms: the campaign's firms (``siret``, ``name``), to search host firms in.
            selected_sirets: the firms selected in the table or on the map.
            ask_reason: asked for a reason to save despite clash errors;
                returns ``None`` to give up. Defaults to an input dialog.
            inform: ``(title, text)`` shown to the user. Defaults to a message box.
        """
        super().__init__(parent)
        self.store, self.record = store, record
        self.saved_ids: list[int] = []
        self.ask_reason: AskReason = ask_reason or self._ask_reason_dialog
        self.inform: Inform = inform or self._inform_box
        self.resolve: Callable[[Conflict], str] = lambda c: resolve_conflict(self, c)
        self.setWindowTitle("Modifier la séance" if record else "Nouvelle séance")
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._session_tab(record), "Séance")
        self.firms_tab = SessionFirmsTab(
            store,
            firms,
            selected_sirets=selected_sirets,
            venue_id=self.venue.currentData,
            capacity=self._capacity,
            themes=self.themes,
            # Looked up at each call: a caller or a test may replace ``inform``.
            inform=lambda title, text: self.inform(title, text),  # noqa: PLW0108
            parent=self,
        )
        self.capacity.valueChanged.connect(self.firms_tab.count_invitees)
        self.tabs.addTab(self.firms_tab, "Entreprises")
        # The firms' fields, as callers and tests have always reached them.
        self.hosts, self.invitees = self.firms_tab.hosts, self.firms_tab.invitees
        self.host_search, self.rome_note = self.firms_tab.host_search, self.firms_tab.rome_note
        self.invitee_count = self.firms_tab.invitee_count
        self.suggest_more = self.firms_tab.suggest_more
        self.outcome = SessionOutcomeTab(self)
        self.tabs.addTab(self.outcome, "Bilan")
        # The outcome's fields, as callers and tests have always reached them.
        self.attendance, self.jobs_offered = self.outcome.attendance, self.outcome.jobs_offered
        self.hires, self.notes = self.outcome.hires, self.outcome.notes
        self.presence, self.present_label = self.outcome.presence, self.outcome.present_label
        self.tabs.setTabEnabled(2, record is not None)
        self.tabs.setTabToolTip(2, "Le bilan se saisit après la séance")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        if record is not None:
            self._fill(record)

    # ----------------------------------------------------------------- tabs

    def _session_tab(self, record: SessionRecord | None) -> QWidget:
        page = QWidget(self)
        self.kind = QComboBox(page)
        for code, label in SESSION_KINDS.items():
            self.kind.addItem(label, code)
        self.title_edit = QLineEdit(page)
        # A new session: the next working day (no weekend, no public holiday), at 9 h.
        start = record.starts_at if record else default_session_start(self.store)
        end = record.ends_at if record else start + dt.timedelta(hours=3)
        self.start = QDateTimeEdit(_qdt(start), page)
        self.end = QDateTimeEdit(_qdt(end), page)
        for edit in (self.start, self.end):
            edit.setDisplayFormat("dd/MM/yyyy HH:mm")
            edit.setCalendarPopup(True)
        self.repeat = QSpinBox(page)
        self.repeat.setRange(1, 104)
        self.repeat.setSuffix(" semaine(s)")
        self.repeat.setEnabled(record is None)
        self.venue = QComboBox(page)
        self._fill_venues()
        self.venue.setToolTip(
            "Un lieu non placé se place sur la carte après l'enregistrement, "
            "ou depuis l'onglet « Lieux » du planning"
        )
        new_venue = QPushButton("Nouveau lieu…", page)
        new_venue.setToolTip("Une adresse libre, placée ensuite à la main sur la carte")
        new_venue.clicked.connect(self._on_new_venue_clicked)
        venue_row = QHBoxLayout()
        venue_row.addWidget(self.venue, 1)
        venue_row.addWidget(new_venue)
        self.capacity = QSpinBox(page)
        self.capacity.setRange(-1, 10000)
        self.capacity.setSpecialValueText("non fixée")
        self.capacity.setValue(-1)
        self.status = QComboBox(page)
        for code, label in SESSION_STATUSES.items():
            self.status.addItem(label, code)
        self.theme = QLineEdit(page)
        self.theme.setPlaceholderText("ex. NAF 52, ROME N1103")
        self.partners = self._named_checks(partner_choices(self.store))
        self.advisers = self._named_checks(adviser_choices(self.store))
        self.partner_view = _check_view(self.partners, page)
        self.adviser_view = _check_view(self.advisers, page)
        form = QFormLayout(page)
        rows: list[tuple[str, QWidget | QLayout]] = [
            ("Type", self.kind), ("Titre", self.title_edit), ("Début", self.start),
            ("Fin", self.end), ("Répéter chaque semaine", self.repeat), ("Lieu", venue_row),
            ("Places", self.capacity), ("Statut", self.status), ("Thème", self.theme),
            ("Partenaires", self.partner_view), ("Conseillers", self.adviser_view),
        ]  # fmt: skip
        for label, widget in rows:
            if isinstance(widget, QLayout):  # addRow has one overload per kind
                form.addRow(label, widget)
            else:
                form.addRow(label, widget)
        return page

    def _fill_venues(self) -> None:
        self.venue.clear()
        self.venue.addItem("Lieu à définir", None)
        self._unplaced: dict[int, str] = {}
        for venue in list_venues(self.store):
            placed = venue.lon is not None and venue.lat is not None
            if venue.non_diffusible:
                self.venue.addItem(f"⚠ {venue.name} — à remplacer", venue.id)
                continue
            self.venue.addItem(venue.name + ("" if placed else " (non placé)"), venue.id)
            if not placed:
                self._unplaced[venue.id] = venue.name

    def add_venue(self, name: str, address: str | None) -> int | None:
        """Create a free venue and choose it; None (and a message) on bad input."""
        try:
            venue_id = add_free_venue(self.store, name, address)
        except PlannerError as exc:
            self.inform("Lieu", str(exc))
            return None
        self._fill_venues()
        self.venue.setCurrentIndex(self.venue.findData(venue_id))
        return venue_id

    def _on_new_venue_clicked(self) -> None:
        name, ok = QInputDialog.getText(self, "Nouveau lieu", "Nom du lieu :")
        if not ok or not name.strip():
            return
        address, ok = QInputDialog.getText(self, "Nouveau lieu", f"Adresse de « {name} » :")
        if ok:
            self.add_venue(name, address.strip() or None)

    def venue_to_place(self) -> tuple[int, str] | None:
        """The chosen venue when it is not placed on the map yet: (id, name)."""
        venue_id = self.venue.currentData()
        if venue_id is None or venue_id not in self._unplaced:
            return None
        return int(venue_id), self._unplaced[venue_id]

    def _named_checks(self, choices: list[NamedChoice]) -> CheckListModel:
        """The campaign's partners or advisers by name, none checked."""
        return CheckListModel([(c.id, c.name) for c in choices], self)

    def _fill(self, record: SessionRecord) -> None:
        self.kind.setCurrentIndex(max(0, self.kind.findData(record.kind)))
        self.title_edit.setText(record.title)
        self.venue.setCurrentIndex(
            max(0, self.venue.findData(record.venue.id if record.venue else None))
        )
        self.capacity.setValue(record.capacity if record.capacity is not None else -1)
        self.status.setCurrentIndex(max(0, self.status.findData(record.status)))
        self.theme.setText(", ".join(f"{k.upper()} {c}" for k, c in record.themes))
        self.partners.set_checked(record.partners)
        self.advisers.set_checked(record.advisers)
        for siret, name in record.hosts.items():
            self.hosts.add(siret, firm_label(name, siret))
        invitees = invitees_of(self.store, record.id)
        for siret, name, _status in invitees:
            self.invitees.add(siret, firm_label(name, siret))
        self.outcome.fill(record, invitees)

    # ---------------------------------------------------------------- firms

    def add_host(self, siret: str) -> bool:
        """Add a campaign firm as a host; False when unknown or already there."""
        return self.firms_tab.add_host(siret)

    def add_selected_hosts(self) -> None:
        """Add the firms selected in the table or on the map as hosts."""
        self.firms_tab.add_selected_hosts()

    def suggest(self, more: bool = False) -> None:
        """Add suggested invitees: up to the free places, or beyond them with ``more``."""
        self.firms_tab.suggest(more=more)

    # ----------------------------------------------------------------- save

    def themes(self) -> list[tuple[str, str]]:
        found = []
        for part in self.theme.text().replace(";", ",").split(","):
            words = part.split()
            if len(words) == 2 and words[0].lower() in ("naf", "rome"):
                found.append((words[0].lower(), words[1].upper()))
        return found

    def draft(self) -> SessionDraft:
        capacity = self.capacity.value()
        outcome = self.outcome.entry()
        return SessionDraft(
            kind=str(self.kind.currentData()),
            title=self.title_edit.text(),
            starts_at=_to_datetime(self.start.dateTime()),
            ends_at=_to_datetime(self.end.dateTime()),
            venue_id=self.venue.currentData(),
            capacity=None if capacity == -1 else capacity,
            status=str(self.status.currentData()),
            partner_ids=self.partners.checked_ids(),
            adviser_ids=self.advisers.checked_ids(),
            host_sirets=self.hosts.sirets(),
            invitee_sirets=self.invitees.sirets(),
            themes=self.themes(),
            recurrence=Recurrence(self.repeat.value()) if self.repeat.value() > 1 else None,
            attendance=outcome.attendance,
            outcome_notes=outcome.notes,
            jobs_offered=outcome.jobs_offered,
            hires=outcome.hires,
        )

    def _capacity(self) -> int | None:
        return None if self.capacity.value() == -1 else self.capacity.value()

    def save(self) -> None:
        draft = self.draft()
        sid = self.record.id if self.record else None
        seen = self.record.version if self.record else None
        try:
            presence = self.outcome.validate(keep=draft.invitee_sirets)
            warnings = [c for c in check_draft(self.store, draft, session_id=sid) if not c.is_error]
            try:
                self.saved_ids = save_session(
                    self.store, draft, session_id=sid, expected_version=seen
                )
            except ClashError as exc:
                reason = self.ask_reason(f"{exc}\n\nEnregistrer quand même ? Indiquez pourquoi :")
                if not reason or not reason.strip():
                    return
                self.saved_ids = save_session(
                    self.store, draft, session_id=sid, override=reason, expected_version=seen
                )
            if sid is not None and presence:
                record_outcome(
                    self.store,
                    sid,
                    attendance=draft.attendance,
                    jobs_offered=draft.jobs_offered,
                    hires=draft.hires,
                    notes=draft.outcome_notes,
                    invitee_statuses=presence,
                )
        except StaleVersion as exc:
            self._on_conflict(exc)
            return
        except PlannerError as exc:
            self.inform("Séance", str(exc))
            return
        if warnings:
            self.inform("À vérifier", "\n".join(c.message for c in warnings))
        self.accept()

    def _on_conflict(self, exc: StaleVersion) -> None:
        """Someone else saved this session since it was opened: ask what to keep."""
        choice = self.resolve(exc.conflict)
        if choice == "mine" and self.record is not None:
            self.record.version = exc.conflict.current_version or 0  # over theirs, knowingly
            self.save()
        elif choice == "theirs":
            self.reject()  # theirs stay; the calendar shows them
        else:
            self.inform("Séance", str(exc))

    # ------------------------------------------------------- default prompts

    def _ask_reason_dialog(self, text: str) -> str | None:
        reason, ok = QInputDialog.getText(self, "Conflits", text)
        return reason if ok else None

    def _inform_box(self, title: str, text: str) -> None:
        QMessageBox.information(self, title, text)


def _to_datetime(value: QDateTime) -> dt.datetime:
    """The edit's date and time as a datetime (PySide6 types ``toPython()`` as object)."""
    moment = value.toPython()
    if not isinstance(moment, dt.datetime):
        raise TypeError(f"QDateTime.toPython() gave {type(moment).__name__}")
    return moment
