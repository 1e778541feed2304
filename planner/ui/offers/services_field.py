"""The one-line services field (``POEI réalisé 3, PMSMP proposé``) of the card's contact
form and of « Mon portefeuille »'s call form, with completion of the catalogue's codes."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from planner.services.offers.catalogue import OfferView
from planner.services.offers.recording import ServiceEntry
from planner.services.offers.service_input import parse_services, services_hint


class ServicesField(QLineEdit):
    """Services typed on one line; :meth:`entries` reads them (InputError if unreadable)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.offers: list[OfferView] = []
        self._codes = QStringListModel(self)
        completer = QCompleter(self._codes, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchStartsWith)
        self.setCompleter(completer)
        self.setPlaceholderText("ex. POEI réalisé 3, PMSMP proposé (facultatif)")

    def set_offers(self, offers: Sequence[OfferView]) -> None:
        """The services that may be typed (the active ones of the catalogue)."""
        self.offers = list(offers)
        self._codes.setStringList([o.code for o in self.offers])
        self.setToolTip(services_hint(self.offers))

    def entries(self) -> list[ServiceEntry]:
        """The typed services, checked against the catalogue (InputError otherwise)."""
        return parse_services(self.text(), self.offers)
