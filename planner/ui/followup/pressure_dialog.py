"""Suivi → Pression de sollicitation…: at most N contacts in D days for a firm, all
partners together; firms over it are left out of the call lists."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from planner.domain.errors import PlannerError
from planner.services.campaign.campaign_store import CampaignStore
from planner.services.followup.solicitation.cap_setting import load_cap_setting, save_cap_setting


class PressureDialog(QDialog):
    """Edit the campaign's solicitation cap (read-only for partners and advisers)."""

    def __init__(self, store: CampaignStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle("Pression de sollicitation")
        setting = load_cap_setting(store)
        intro = QLabel(
            "Une entreprise qui a déjà reçu ce nombre de contacts dans la période, tous "
            "partenaires confondus, sort des listes d'appels et des invitations suggérées "
            "jusqu'à ce que le plus ancien sorte de la période. Les entreprises marquées "
            "« ne pas solliciter » en sortent toujours.",
            self,
        )
        intro.setWordWrap(True)
        self.count = QSpinBox(self)
        self.count.setRange(1, 100)
        self.count.setValue(setting.count)
        self.count.setSuffix(" contacts")
        self.days = QSpinBox(self)
        self.days.setRange(1, 366)
        self.days.setValue(setting.days)
        self.days.setSuffix(" jours")
        form = QFormLayout()
        form.addRow("Au plus :", self.count)
        form.addRow("En :", self.days)
        self.note = QLabel(setting.why_not or "", self)
        self.note.setWordWrap(True)
        self.note.setVisible(not setting.editable)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Enregistrer")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Fermer")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(setting.editable)
        self.count.setEnabled(setting.editable)
        self.days.setEnabled(setting.editable)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)

    def accept(self) -> None:
        try:
            save_cap_setting(self.store, self.count.value(), self.days.value())
        except PlannerError as exc:
            QMessageBox.warning(self, "Pression de sollicitation", str(exc))
            return
        super().accept()
