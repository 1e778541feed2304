"""« Ouvrir une campagne partagée… »: the URL, the connection test, the keyring, the recent menu."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import psycopg
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import PasswordDeleteError
from PySide6.QtWidgets import QDialog, QDialogButtonBox
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import make_url

from planner.services.shared_campaign.connection import (
    KEYRING_SERVICE,
    ConnectionProblem,
    ServerAddress,
    address_of_url,
    check_address,
    describe_connection_error,
)
from planner.services.shared_campaign.publish import publish
from planner.ui.main_window import MainWindow
from planner.ui.shared_campaign.open_dialog import OpenSharedDialog

SECRET = "s3cret:p@ss/é"


class MemoryKeyring(KeyringBackend):
    """A keyring that keeps passwords in a dict (tests only)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[service, username] = password

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def delete_password(self, service: str, username: str) -> None:
        if self.passwords.pop((service, username), None) is None:
            raise PasswordDeleteError("absent")


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def published(demo_file: Path, pg_database: str) -> str:
    publish(demo_file, pg_database)
    return pg_database


def _settings_text(folder: Path) -> str:
    return "".join(
        p.read_text(encoding="utf-8", errors="replace") for p in folder.rglob("*") if p.is_file()
    )


def _fill(dialog: OpenSharedDialog, address: ServerAddress, password: str) -> None:
    dialog.host.setText(address.host)
    dialog.port.setValue(address.port)
    dialog.database.setText(address.database)
    dialog.user.setText(address.user)
    dialog.password.setText(password)


def _ok(dialog: OpenSharedDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_the_dialog_builds_the_url_with_user_and_password_quoted(
    qtbot: QtBot, memory_keyring: MemoryKeyring
) -> None:
    dialog = OpenSharedDialog()
    qtbot.addWidget(dialog)
    assert dialog.port.value() == 5432
    _fill(dialog, ServerAddress("pg.exemple.fr", 5433, "plaine commune", "jean@ft"), SECRET)
    url = make_url(dialog.url())
    assert url.drivername == "postgresql+psycopg"
    assert (url.host, url.port, url.database) == ("pg.exemple.fr", 5433, "plaine commune")
    assert (url.username, url.password) == ("jean@ft", SECRET)
    dialog.host.setText("")
    _ok(dialog)
    assert "Indiquez le serveur" in dialog.status.text()
    assert dialog.result() != QDialog.DialogCode.Accepted


@pytest.mark.postgres
def test_open_remembers_the_password_in_the_keyring_never_in_settings(
    qtbot: QtBot, isolated_settings: Path, memory_keyring: MemoryKeyring, published: str
) -> None:
    address = address_of_url(published)
    dialog = OpenSharedDialog()
    qtbot.addWidget(dialog)
    assert dialog.remember.isEnabled()
    _fill(dialog, address, SECRET)  # trust auth: the server takes any password
    dialog.remember.setChecked(True)
    _ok(dialog)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=10000)
    choice = dialog.choice
    assert choice is not None and "Plaine Commune" in choice.name
    assert make_url(choice.url).password == SECRET
    assert memory_keyring.passwords == {(KEYRING_SERVICE, address.keyring_user): SECRET}
    assert SECRET not in _settings_text(isolated_settings)


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("problem", "expected"),
    [
        ("missing_database", "n'existe pas"),
        ("unreachable", "Serveur injoignable"),
        ("not_a_campaign", "n'est pas une campagne planner"),
    ],
)
def test_a_failed_connection_is_said_in_french_and_keeps_the_dialog_open(
    qtbot: QtBot, memory_keyring: MemoryKeyring, pg_database: str, problem: str, expected: str
) -> None:
    address = address_of_url(pg_database)  # a fresh, empty database: not a campaign
    if problem == "missing_database":
        address = ServerAddress(address.host, address.port, "base_absente_x", address.user)
    elif problem == "unreachable":
        address = ServerAddress(address.host, 1, address.database, address.user)
    dialog = OpenSharedDialog()
    qtbot.addWidget(dialog)
    _fill(dialog, address, SECRET)
    dialog.remember.setChecked(True)
    _ok(dialog)
    qtbot.waitUntil(lambda: not dialog.testing, timeout=15000)
    assert expected in dialog.status.text()
    assert dialog.choice is None and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.buttons.isEnabled()
    assert memory_keyring.passwords == {}


def test_without_a_keyring_the_dialog_says_so_and_stores_nothing(
    qtbot: QtBot, no_keyring: None
) -> None:
    dialog = OpenSharedDialog()
    qtbot.addWidget(dialog)
    assert not dialog.remember.isEnabled()
    assert "Aucun trousseau" in dialog.remember.toolTip()


@pytest.fixture
def window(qtbot: QtBot, isolated_settings: Path) -> Iterator[MainWindow]:
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


@pytest.mark.postgres
def test_a_shared_campaign_is_listed_among_recent_campaigns_and_reopens(
    qtbot: QtBot,
    window: MainWindow,
    isolated_settings: Path,
    memory_keyring: MemoryKeyring,
    published: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    controller = window.controllers.campaign
    texts = [a.text() for a in window.parts.menu("&Fichier").actions()]
    assert "Ouvrir une campagne parta&gée…" in texts
    address = address_of_url(published)
    controller.open_campaign(address.url(SECRET), shared=address)
    qtbot.waitUntil(lambda: window.campaign is not None, timeout=30000)

    entry = address.public_url()
    assert controller.recent_files()[0] == entry
    menu = controller.recent_menu
    assert menu is not None
    label = menu.actions()[0].text()
    assert label.endswith(f" — 127.0.0.1/{address.database}")
    assert "Plaine Commune" in label
    assert SECRET not in _settings_text(isolated_settings)
    assert SECRET not in window.statusBar().currentMessage()

    # No password remembered: reopening asks again, with the address filled in.
    asked: list[ServerAddress | None] = []
    monkeypatch.setattr(controller, "_ask_shared", lambda a, _reason: asked.append(a))
    menu.actions()[0].trigger()
    assert asked == [address]

    # Remembered: reopening takes it from the keyring, and opens the campaign again.
    memory_keyring.set_password(KEYRING_SERVICE, address.keyring_user, SECRET)
    shown = window.campaign
    menu.actions()[0].trigger()
    qtbot.waitUntil(lambda: window.campaign is not shown, timeout=30000)
    assert window.campaign is not None
    assert make_url(window.campaign.store.url).password == SECRET
    assert controller.recent_files().count(entry) == 1

    # A remembered password that no longer opens it: the dialog comes back, saying why.
    gone = ServerAddress(address.host, address.port, "base_supprimee_x", address.user)
    memory_keyring.set_password(KEYRING_SERVICE, gone.keyring_user, SECRET)
    reasons: list[str] = []
    monkeypatch.setattr(
        controller, "_ask_shared", lambda a, reason: (asked.append(a), reasons.append(reason))
    )
    controller.reopen_shared(gone.public_url())
    qtbot.waitUntil(lambda: len(asked) == 2, timeout=15000)
    assert asked[-1] == gone and reasons[-1]
    assert SECRET not in reasons[-1]


def test_connection_errors_in_french() -> None:
    address = ServerAddress("pg.exemple.fr", 5432, "t6", "jean")
    refused = psycopg.OperationalError(
        'connection failed: connection to server at "10.0.0.5", port 5432 failed: '
        'FATAL:  password authentication failed for user "jean"'
    )
    assert "Mot de passe refusé" in describe_connection_error(refused, address)
    no_role = psycopg.OperationalError('FATAL:  role "jean" does not exist')
    assert "L'utilisateur « jean » n'existe pas" in describe_connection_error(no_role, address)
    with pytest.raises(ConnectionProblem, match="Port invalide"):
        check_address("pg.exemple.fr", "cinq", "t6", "jean")


@pytest.mark.postgres
def test_cancelled_while_connecting_keeps_nothing(
    qtbot: QtBot, memory_keyring: MemoryKeyring, published: str
) -> None:
    dialog = OpenSharedDialog()
    qtbot.addWidget(dialog)
    _fill(dialog, address_of_url(published), SECRET)
    dialog.remember.setChecked(True)
    _ok(dialog)
    assert dialog.testing
    dialog.reject()  # before the test's answer reaches the GUI thread
    qtbot.waitUntil(lambda: not dialog.testing, timeout=10000)
    assert dialog.choice is None
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert memory_keyring.passwords == {}
