"""The call form of « Mon portefeuille », made for the keyboard.

The outcome is chosen with one key (its digit, 1 to 8, or its initial: the
eight outcomes start with eight different letters); the needs are typed in one
field (``N1103 2, G1602 1``) with completion of the ROME métiers by code or by
label; the date is today's unless changed.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QStringListModel, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from planner.domain import clock
from planner.domain.outcomes import OUTCOMES
from planner.services.followup.portfolio import rome_choices
from planner.ui.offers.services_field import ServicesField


def _initial(text: str) -> str:
    """The first letter without accent, in lower case (« À rappeler » → « a »)."""
    bare = unicodedata.normalize("NFKD", text[:1])
    return "".join(c for c in bare if not unicodedata.combining(c)).casefold()


INITIALS: dict[str, int] = {_initial(outcome): i for i, outcome in enumerate(OUTCOMES)}
"""Outcome index by initial; the eight outcomes have eight different initials."""
assert len(INITIALS) == len(OUTCOMES)


class OutcomeBox(QComboBox):
    """The eight outcomes, chosen by digit (1–8) or initial (N, À/A, P, B, O, R, E, D)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        for number, outcome in enumerate(OUTCOMES, start=1):
            self.addItem(f"{number}  {outcome}", outcome)
        self.setPlaceholderText("Résultat : touche 1 à 8 ou initiale")
        self.setCurrentIndex(-1)
        self.setToolTip(
            "Résultat de l'appel : tapez son chiffre ou son initiale\n"
            + "\n".join(f"{n} ou {o[0]} : {o}" for n, o in enumerate(OUTCOMES, start=1))
        )

    def outcome(self) -> str | None:
        """The chosen outcome, or None."""
        value = self.currentData()
        return str(value) if value is not None else None

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        text = event.text()
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if plain and text and text in "12345678":
            self.setCurrentIndex(int(text) - 1)
            event.accept()
            return
        if plain and text and _initial(text) in INITIALS:
            self.setCurrentIndex(INITIALS[_initial(text)])
            event.accept()
            return
        super().keyPressEvent(event)


_WHOLE_CODE = re.compile(r"^[A-Za-z]\d{4}$")


class NeedsCompleter(QCompleter):
    """Completes the need being typed (after the last comma) with ROME métiers,
    by code or by any part of the label, and inserts the code."""

    def __init__(self, choices: list[tuple[str, str]], parent: QLineEdit) -> None:
        super().__init__(parent)
        self.setModel(QStringListModel([f"{code} — {label}" for code, label in choices], self))
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setMaxVisibleItems(12)
        self.setWidget(parent)
        self._edit = parent

    def splitPath(self, path: str) -> list[str]:  # noqa: N802 (Qt override)
        part = re.split(r"[,;]", path)[-1].strip()
        # A whole code, or a code and a number: nothing is left to complete (and
        # Enter saves instead of choosing in a popup).
        done = _WHOLE_CODE.match(part) or re.search(r"\d\s+\S|\s\d", part)
        return [part] if part and not done else ["\x00"]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:  # noqa: N802
        code = str(index.data()).split(" ", 1)[0]
        text = self._edit.text()
        cut = max(text.rfind(","), text.rfind(";")) + 1
        head = text[:cut]
        return f"{head} {code} " if head else f"{code} "


class CallForm(QWidget):
    """Outcome, needs, services, next step, note and date of one call.

    Attributes:
        outcome, needs, next_step, note, date, services: the fields, in tab order.
        firm: the firm being called (name, commune, phone, last contact).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.firm = QLabel("Aucune entreprise choisie", self)
        self.firm.setWordWrap(True)
        self.firm.setTextFormat(Qt.TextFormat.PlainText)
        self.outcome = OutcomeBox(self)
        self.needs = QLineEdit(self)
        self.needs.setPlaceholderText("ex. N1103 2, G1602 1 — code ROME ou métier, puis postes")
        self.needs.setToolTip(
            "Besoins recueillis : un code ROME (ou le début du nom du métier, complété) puis "
            "le nombre de postes ; plusieurs besoins séparés par des virgules."
        )
        choices = rome_choices()
        self.completer: NeedsCompleter | None = None
        if choices:
            self.completer = NeedsCompleter(choices, self.needs)
            self.needs.setCompleter(self.completer)
        self.services = ServicesField(self)
        self.next_step = QLineEdit(self)
        self.next_step.setPlaceholderText("ex. rappeler le 15/12, envoyer l'offre…")
        self.note = QLineEdit(self)
        self.note.setPlaceholderText("Commentaire libre")
        self.date = QLineEdit(self)
        self.date.setPlaceholderText("jj/mm/aaaa")
        self.date.setMaximumWidth(120)
        self.reset_date()
        layout = QFormLayout(self)
        layout.addRow(self.firm)
        layout.addRow("&Résultat :", self.outcome)
        layout.addRow("&Besoins :", self.needs)
        layout.addRow("Prochaine é&tape :", self.next_step)
        layout.addRow("N&ote :", self.note)
        layout.addRow("&Date de l'appel :", self.date)
        # Last in tab order: the keyboard run outcome → needs → next step stays as it was.
        layout.addRow("&Services :", self.services)
        QWidget.setTabOrder(self.outcome, self.needs)
        QWidget.setTabOrder(self.needs, self.next_step)
        QWidget.setTabOrder(self.next_step, self.note)
        QWidget.setTabOrder(self.note, self.date)
        QWidget.setTabOrder(self.date, self.services)

    def reset_date(self, today: dt.date | None = None) -> None:
        """Today's date in the date field."""
        self.date.setText((today or clock.today()).strftime("%d/%m/%Y"))

    def clear(self) -> None:
        """Empty the form for the next call (the date stays: calls are made in runs)."""
        self.outcome.setCurrentIndex(-1)
        for field in (self.needs, self.services, self.next_step, self.note):
            field.clear()

    def is_blank(self) -> bool:
        """Whether nothing was typed for the current call (a reload would lose nothing)."""
        typed = (self.needs, self.services, self.next_step, self.note)
        return self.outcome.currentIndex() < 0 and not any(f.text().strip() for f in typed)

    def start(self) -> None:
        """Put the cursor on the outcome, the first thing to type."""
        self.outcome.setFocus(Qt.FocusReason.OtherFocusReason)

    def focus_on(self, reason: str) -> None:
        """Put the cursor where an error message ``reason`` points."""
        fields: dict[str, Any] = {  # the most specific words first
            "service": self.services,
            "postes": self.needs,
            "rome": self.needs,
            "besoin": self.needs,
            "date": self.date,
            "étape": self.next_step,
            "note": self.note,
            "résultat": self.outcome,
        }
        lowered = reason.casefold()
        for word, field in fields.items():
            if word in lowered:
                field.setFocus(Qt.FocusReason.OtherFocusReason)
                return
        self.start()
