"""What an empty campaign shows over the map: what to do next, with a button."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

EMPTY_TITLE = "Cette campagne n'a pas encore d'établissements"
EMPTY_TEXT = (
    "Importez le stock des établissements SIRENE de l'INSEE "
    "(StockEtablissement, en CSV, ZIP ou Parquet) : planner garde ceux du bassin "
    "et les place sur la carte. Vous pouvez aussi déposer le fichier sur cette fenêtre."
)


class EmptyCampaignPanel(QFrame):
    """A card centred over the map area while the open campaign has no firm."""

    def __init__(self, area: QWidget, on_import: Callable[[], None]) -> None:
        """``area`` is the widget the card stays centred on (it becomes its parent)."""
        super().__init__(area)
        self.setObjectName("emptyCampaign")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "#emptyCampaign { background:#ffffff; border:1px solid #9aa5b1; border-radius:6px; }"
        )
        title = QLabel(f"<b>{EMPTY_TITLE}</b>")
        text = QLabel(EMPTY_TEXT)
        text.setWordWrap(True)
        self.button = QPushButton("Importer SIRENE…")
        self.button.setDefault(True)
        self.button.clicked.connect(lambda _=False: on_import())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.addWidget(title)
        layout.addWidget(text)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignLeft)
        self.setFixedWidth(420)
        self._area = area
        area.installEventFilter(self)
        self.hide()

    def show_for(self, firm_count: int) -> None:
        """Shown when the campaign has no firm, hidden otherwise."""
        if firm_count:
            self.hide()
            return
        self._place()
        self.show()
        self.raise_()

    def _place(self) -> None:
        self.adjustSize()
        area = self._area.rect()
        self.move(
            max(0, (area.width() - self.width()) // 2), max(0, (area.height() - self.height()) // 3)
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self._area and event.type() == QEvent.Type.Resize:
            self._place()
        return super().eventFilter(watched, event)
