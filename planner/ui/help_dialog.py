"""Aide → Guide de démarrage: the steps of a campaign, in French, from resources/help."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from planner.ui.resources import resource_path

GUIDE = ("help", "guide.html")


class GuideDialog(QDialog):
    """A non-modal window with the quick-start guide."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Guide de démarrage")
        self.resize(720, 640)
        self.browser = QTextBrowser(self)
        self.browser.setOpenExternalLinks(False)
        path = resource_path(*GUIDE)
        try:
            self.browser.setHtml(path.read_text(encoding="utf-8"))
        except OSError:
            self.browser.setPlainText(f"Le guide est introuvable ({path}).")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Fermer")
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
