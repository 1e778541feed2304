"""The firm's card: its fields, read-only, as a form of selectable labels, and its actions
(record a contact and its services, set or lift *ne pas solliciter*)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from planner.domain.errors import PlannerError
from planner.services.campaign.campaign_store import CampaignStore
from planner.services.firms.firm_query import firm_detail_sections
from planner.services.followup.solicitation.block_writes import lift_firm_block, may_lift
from planner.services.followup.solicitation.blocks import FirmBlockView, firm_block
from planner.ui.offers.block_dialog import BlockDialog
from planner.ui.offers.contact_dialog import ContactDialog

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
    """Shows one firm's card (from ``firm_details`` or ``firm_detail_sections``), with its
    actions when shown by :meth:`show_card`.

    Signals:
        cardChanged(str): a contact or a mark was written for this SIRET from the card.
    """

    cardChanged = Signal(str)  # noqa: N815 (Qt signal)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._values: dict[str, str] = {}
        self._store: CampaignStore | None = None
        self._siret: str | None = None
        self._block: FirmBlockView | None = None
        self._scroll = QScrollArea(self)
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.record_button = QPushButton("Enregistrer un contact / un service…", self)
        self.record_button.setObjectName("cardRecordContact")
        self.record_button.clicked.connect(self.record_contact)
        self.block_button = QPushButton("Ne pas solliciter…", self)
        self.block_button.setObjectName("cardBlockFirm")
        self.block_button.clicked.connect(self.block_firm)
        self.lift_button = QPushButton("Lever « ne pas solliciter »", self)
        self.lift_button.setObjectName("cardLiftBlock")
        self.lift_button.clicked.connect(self.lift_block)
        self.action_bar = QWidget(self)
        buttons = QHBoxLayout(self.action_bar)
        buttons.setContentsMargins(0, 0, 0, 0)
        for button in (self.record_button, self.block_button, self.lift_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.action_bar)
        layout.addWidget(self._scroll)
        # Dialogs answer through these (tests replace them).
        self.ask_lift = self._ask_lift
        self.dialog: QDialog | None = None
        self.show_firm(None)

    # --- a firm's card with its actions ----------------------------------------------

    def show_card(self, store: CampaignStore, siret: str) -> None:
        """Read and show ``siret``'s card from ``store``, with its actions."""
        sections = firm_detail_sections(store, siret)
        self.show_sections(sections)
        if not sections:
            return
        self._store, self._siret = store, siret
        with store.session() as session:
            self._block = firm_block(session, siret)
        self.action_bar.show()
        self.block_button.setText(
            "Modifier « ne pas solliciter »…" if self._block else "Ne pas solliciter…"
        )
        self.lift_button.setVisible(self._block is not None and may_lift(store))

    def firm_name(self) -> str:
        """The shown firm's name (its SIRET when it has none)."""
        return self._values.get("Nom") or self._siret or ""

    def record_contact(self) -> None:
        """Open « Enregistrer un contact / un service » for the shown firm."""
        if self._store is None or self._siret is None:
            return
        store, siret = self._store, self._siret
        self.dialog = ContactDialog(self, store, siret, self.firm_name())
        self.dialog.accepted.connect(lambda: self._changed(store, siret))
        self.dialog.open()

    def block_firm(self) -> None:
        """Open « Ne pas solliciter » for the shown firm (its current mark filled in)."""
        if self._store is None or self._siret is None:
            return
        store, siret = self._store, self._siret
        self.dialog = BlockDialog(self, store, siret, self.firm_name(), self._block)
        self.dialog.accepted.connect(lambda: self._changed(store, siret))
        self.dialog.open()

    def lift_block(self) -> None:
        """Lift the shown firm's mark, once confirmed."""
        if self._store is None or self._siret is None or not self.ask_lift(self.firm_name()):
            return
        store, siret = self._store, self._siret
        try:
            lift_firm_block(store, siret)
        except PlannerError as exc:
            QMessageBox.warning(self, "Ne pas solliciter", f"Rien n'a été modifié : {exc}")
            return
        self._changed(store, siret)

    def _ask_lift(self, name: str) -> bool:
        answer = QMessageBox.question(
            self,
            "Lever « ne pas solliciter »",
            f"Lever la marque « ne pas solliciter » de {name} ? L'entreprise pourra de "
            "nouveau figurer dans les listes d'appels.",
        )
        return answer == QMessageBox.StandardButton.Yes

    def _changed(self, store: CampaignStore, siret: str) -> None:
        if self._siret == siret:
            self.show_card(store, siret)
        self.cardChanged.emit(siret)

    def show_firm(self, details: dict[str, str] | None) -> None:
        """Show a card as one form (label → value); None or empty shows the placeholder."""
        self.show_sections(None if not details else [("", details)])

    def show_sections(self, sections: Sections | None) -> None:
        """Show a card in titled parts, as ``firm_detail_sections`` returns it (no actions:
        :meth:`show_card` adds them)."""
        self._values = {}
        self._store = self._siret = self._block = None
        self.action_bar.hide()
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
