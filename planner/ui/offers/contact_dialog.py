"""« Enregistrer un contact / un service » on the firm card: who, when, the outcome and
the services (proposed, accepted, realised or refused), written in one transaction."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QVBoxLayout,
    QWidget,
)

from planner.domain import clock
from planner.domain.errors import InputError, PlannerError
from planner.services.campaign.campaign_store import CampaignStore
from planner.services.offers.firm_contact import (
    RecordedContact,
    contact_form_choices,
    record_firm_contact,
)
from planner.ui.followup.portfolio_form import OutcomeBox
from planner.ui.offers.error_label import error_label
from planner.ui.offers.services_field import ServicesField
from planner.ui.offers.services_table import ServicesTable

NO_ADVISER = "— coordination (sans conseiller) —"


class ContactDialog(QDialog):
    """The form; ``recorded`` holds the contact once saved."""

    def __init__(
        self, parent: QWidget | None, store: CampaignStore, siret: str, firm_name: str
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Enregistrer un contact / un service — {firm_name}")
        self.setMinimumWidth(640)
        self.store = store
        self.siret = siret
        self.firm_name = firm_name
        self.recorded: RecordedContact | None = None
        choices = contact_form_choices(store, siret)
        self.adviser = QComboBox(self)
        if not choices.locked:
            self.adviser.addItem(NO_ADVISER, None)
        for adviser_id, label in choices.advisers:
            if not choices.locked or adviser_id == choices.adviser_id:
                self.adviser.addItem(label, adviser_id)
        found = self.adviser.findData(choices.adviser_id)
        self.adviser.setCurrentIndex(max(found, 0))
        self.adviser.setEnabled(not choices.locked)
        self.outcome = OutcomeBox(self)
        self.date = QLineEdit(clock.today().strftime("%d/%m/%Y"), self)
        self.date.setPlaceholderText("jj/mm/aaaa")
        self.service_rows = ServicesTable(self)
        self.service_rows.set_offers(choices.offers)
        # The typed line stays as a shortcut (« POEI réalisé 3, PMSMP proposé »).
        self.services = ServicesField(self)
        self.services.set_offers(choices.offers)
        self.block_warning = QLabel(choices.block_warning or "", self)
        self.block_warning.setWordWrap(True)
        self.block_warning.setTextFormat(Qt.TextFormat.PlainText)
        self.block_warning.setStyleSheet(
            "color: #8a4b00; background: #fff3e0; border: 1px solid #f0b060; padding: 4px"
        )
        self.block_warning.setVisible(choices.block_warning is not None)
        self.note = QLineEdit(self)
        self.errors = error_label(self)
        form = QFormLayout()
        form.addRow("Conseiller :", self.adviser)
        form.addRow("Résultat :", self.outcome)
        form.addRow("Date :", self.date)
        form.addRow("Services :", self.service_rows)
        form.addRow("Saisie rapide :", self.services)
        form.addRow("Note :", self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("Enregistrer")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.block_warning)
        layout.addLayout(form)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)
        self.outcome.setFocus()

    def save(self) -> bool:
        """Record the contact and its services; close on success, else say what is wrong."""
        try:
            outcome = self.outcome.outcome()
            if outcome is None:
                raise PlannerError("choisissez le résultat du contact (touche 1 à 8)")
            data = self.adviser.currentData()
            try:
                typed = self.services.entries()
            except InputError as exc:
                raise InputError(f"saisie rapide, {exc}") from None
            self.recorded = record_firm_contact(
                self.store,
                self.siret,
                outcome,
                date=self.date.text(),
                adviser_id=int(data) if data is not None else None,
                services=[*self.service_rows.entries(), *typed],
                note=self.note.text(),
            )
        except PlannerError as exc:
            self._show(f"Rien n'a été enregistré : {exc}")
            return False
        except Exception as exc:  # a database refusal (row-level security): rolled back
            self._show(
                f"Rien n'a été enregistré : erreur de la base ({type(exc).__name__} : {exc})."
            )
            return False
        self._say_recorded()
        self.accept()
        return True

    def _say_recorded(self) -> None:
        """« Contact enregistré pour NOM » in the main window's status bar."""
        parent = self.parentWidget()
        window = parent.window() if parent is not None else None
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(f"Contact enregistré pour {self.firm_name}", 10_000)

    def _show(self, text: str) -> None:
        self.errors.setText(text)
        self.errors.show()
