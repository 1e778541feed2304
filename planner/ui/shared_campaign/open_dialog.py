"""« Ouvrir une campagne partagée… »: server, port, database, login and password.

The dialog tests the connection off the GUI thread before it closes, and says
in French what went wrong (wrong password, server unreachable, not a planner
campaign). A password the user asks to remember goes to the system's keyring
(never to the settings); without a keyring the dialog says so and keeps nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from planner.domain.errors import PlannerError
from planner.services.shared_campaign.connection import (
    DEFAULT_PORT,
    NO_KEYRING_MESSAGE,
    ServerAddress,
    SharedCampaignProbe,
    check_address,
    forget_password,
    keyring_available,
    probe_campaign,
    remember_password,
)
from planner.ui.tasks import TaskRunner

TITLE = "Ouvrir une campagne partagée"


@dataclass(frozen=True, slots=True)
class SharedCampaignChoice:
    """What the dialog gives back once the connection worked.

    Attributes:
        address: where the campaign is (no password).
        password: the password typed (kept in memory only).
        name: the campaign's name, as the server holds it.
        notice: a French message to show (the password could not be remembered), or "".
    """

    address: ServerAddress
    password: str
    name: str
    notice: str = ""

    @property
    def url(self) -> str:
        """The URL to open, password included (never written anywhere)."""
        return self.address.url(self.password)


class OpenSharedDialog(QDialog):
    """Asks where a shared campaign is and who connects; tests it before closing.

    Attributes:
        choice: set when the dialog is accepted.
    """

    def __init__(
        self,
        parent: QWidget | None = None,
        address: ServerAddress | None = None,
        password: str = "",
        reason: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setMinimumWidth(460)
        self.choice: SharedCampaignChoice | None = None
        self._runner: TaskRunner | None = None
        self._closed = False

        self.host = QLineEdit(self)
        self.host.setPlaceholderText("serveur.exemple.fr")
        self.port = QSpinBox(self)
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.database = QLineEdit(self)
        self.database.setPlaceholderText("campagne_plaine_commune")
        self.user = QLineEdit(self)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox("Mémoriser le mot de passe", self)
        if keyring_available():
            self.remember.setToolTip(
                "Le mot de passe est gardé dans le trousseau du système, jamais dans les "
                "réglages de planner."
            )
        else:
            self.remember.setEnabled(False)
            self.remember.setToolTip(NO_KEYRING_MESSAGE)
        self.status = QLabel(reason, self)
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Ouvrir")
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText("Annuler")
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("Serveur :", self.host)
        form.addRow("Port :", self.port)
        form.addRow("Base de données :", self.database)
        form.addRow("Utilisateur :", self.user)
        form.addRow("Mot de passe :", self.password)
        form.addRow("", self.remember)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        if not keyring_available():
            note = QLabel(NO_KEYRING_MESSAGE, self)
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

        if address is not None:
            self.host.setText(address.host)
            self.port.setValue(address.port)
            self.database.setText(address.database)
            self.user.setText(address.user)
        self.password.setText(password)
        (self.password if address is not None else self.host).setFocus()

    def address(self) -> ServerAddress:
        """The address typed so far.

        Raises:
            ConnectionProblem: a field is missing (French message).
        """
        return check_address(
            self.host.text(), self.port.value(), self.database.text(), self.user.text()
        )

    def url(self) -> str:
        """The ``postgresql+psycopg://`` URL of what is typed, password included."""
        return self.address().url(self.password.text())

    @property
    def testing(self) -> bool:
        """Whether a connection test is running."""
        return self._runner is not None

    @Slot()
    def _on_buttons_accepted(self) -> None:
        if self._runner is not None:
            return
        try:
            address = self.address()
        except PlannerError as exc:
            self.status.setText(str(exc))
            return
        password = self.password.text()
        self.status.setText(f"Connexion à {address.label}…")
        self.buttons.setEnabled(False)
        runner = TaskRunner(lambda _p, _c: probe_campaign(address, password or None), self)
        runner.signals.succeeded.connect(self._on_probe_succeeded)
        runner.signals.failed.connect(self._on_probe_failed)
        self._runner = runner
        runner.start()

    @Slot(object)
    def _on_probe_succeeded(self, probe: SharedCampaignProbe) -> None:
        self._probe_over()
        if self._closed:
            return  # cancelled (Échap) while the connection was tried: nothing to keep
        password = self.password.text()
        notice = ""
        if self.remember.isChecked() and self.remember.isEnabled():
            notice = remember_password(probe.address, password) or ""
        elif self.remember.isEnabled():
            forget_password(probe.address)
        self.choice = SharedCampaignChoice(probe.address, password, probe.name, notice)
        self.accept()

    def reject(self) -> None:
        """Cancel: a connection test still running is ignored when it ends."""
        self._closed = True
        super().reject()

    @Slot(str)
    def _on_probe_failed(self, message: str) -> None:
        self._probe_over()
        self.status.setText(message)

    def _probe_over(self) -> None:
        if self._runner is not None:
            self._runner.finished = True
        self._runner = None
        self.buttons.setEnabled(True)
