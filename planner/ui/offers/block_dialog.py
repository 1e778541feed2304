"""« Ne pas solliciter… » on the firm card: the reason, the date until which it holds and
a note; the mark keeps the firm out of call lists and invitee suggestions."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from planner.domain.errors import PlannerError
from planner.domain.solicitation import BLOCK_REASONS
from planner.services.campaign.campaign_store import CampaignStore
from planner.services.followup.solicitation.block_writes import set_firm_block
from planner.services.followup.solicitation.blocks import FirmBlockView
from planner.ui.offers.error_label import error_label


class BlockDialog(QDialog):
    """The form; ``block`` holds the mark once set."""

    def __init__(
        self,
        parent: QWidget | None,
        store: CampaignStore,
        siret: str,
        firm_name: str,
        current: FirmBlockView | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Ne pas solliciter — {firm_name}")
        self.setMinimumWidth(460)
        self.store = store
        self.siret = siret
        self.block: FirmBlockView | None = None
        self.reason = QComboBox(self)
        for code, label in BLOCK_REASONS.items():
            self.reason.addItem(label, code)
        self.until = QLineEdit(self)
        self.until.setPlaceholderText("jj/mm/aaaa (vide : jusqu'à levée)")
        self.note = QLineEdit(self)
        if current is not None:
            self.reason.setCurrentIndex(max(self.reason.findData(current.reason), 0))
            self.until.setText(current.until.strftime("%d/%m/%Y") if current.until else "")
            self.note.setText(current.note or "")
        self.errors = error_label(self)
        form = QFormLayout()
        form.addRow("Motif :", self.reason)
        form.addRow("Jusqu'au :", self.until)
        form.addRow("Note :", self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Marquer")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel("L'entreprise ne figurera plus dans les listes d'appels ni les invitations.")
        )
        layout.addLayout(form)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)

    def save(self) -> bool:
        """Set the mark; close on success, else say what is wrong."""
        try:
            self.block = set_firm_block(
                self.store,
                self.siret,
                str(self.reason.currentData()),
                until=self.until.text(),
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
        self.accept()
        return True

    def _show(self, text: str) -> None:
        self.errors.setText(text)
        self.errors.show()
