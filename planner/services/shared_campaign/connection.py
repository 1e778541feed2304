"""Reaching a shared campaign on a PostgreSQL server: its address, the login's password, a test.

The app asks for a server, port, database, user and password; this module
builds the SQLAlchemy URL from them (user and password quoted), tries the
connection and says in French what went wrong (wrong password, server
unreachable, not a planner campaign). A password the user asks to remember
goes to the system's keyring (``keyring``), never to the settings file.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.pool import NullPool

from planner.db.store import REVISIONS
from planner.domain.errors import PlannerError

DEFAULT_PORT = 5432
DRIVER = "postgresql+psycopg"
KEYRING_SERVICE = "planner — campagnes partagées"
CONNECT_TIMEOUT_S = 8


class ConnectionProblem(PlannerError):
    """The shared campaign cannot be reached, or is not a planner campaign."""


@dataclass(frozen=True, slots=True)
class ServerAddress:
    """Where a shared campaign lives, and who connects: everything but the password.

    Attributes:
        host: the server's name or address.
        port: its PostgreSQL port.
        database: the campaign's database.
        user: the PostgreSQL login.
    """

    host: str
    port: int
    database: str
    user: str

    @property
    def label(self) -> str:
        """« serveur/base » (the port only when it is not the usual one)."""
        server = self.host if self.port == DEFAULT_PORT else f"{self.host}:{self.port}"
        return f"{server}/{self.database}"

    @property
    def keyring_user(self) -> str:
        """The name its password is stored under in the keyring."""
        return f"{self.user}@{self.host}:{self.port}/{self.database}"

    def url(self, password: str | None = None) -> str:
        """The SQLAlchemy URL (user and password percent-encoded)."""
        return URL.create(
            DRIVER,
            username=self.user,
            password=password or None,
            host=self.host,
            port=self.port,
            database=self.database,
        ).render_as_string(hide_password=False)

    def public_url(self) -> str:
        """The URL without any password: what may be written to settings and shown."""
        return self.url(None)


def check_address(host: str, port: int | str, database: str, user: str) -> ServerAddress:
    """A :class:`ServerAddress` from what the user typed, or a French message.

    Raises:
        ConnectionProblem: a field is empty or the port is not a port number.
    """
    host, database, user = host.strip(), database.strip(), user.strip()
    missing = [
        label
        for label, value in (("le serveur", host), ("la base", database), ("l'utilisateur", user))
        if not value
    ]
    if missing:
        raise ConnectionProblem(f"Indiquez {', '.join(missing)}.")
    if "?" in database or "/" in database:
        raise ConnectionProblem(f"Nom de base invalide : « {database} » (ni « ? » ni « / »).")
    try:
        number = int(str(port).strip())
    except ValueError:
        number = 0
    if not 0 < number < 65536:
        raise ConnectionProblem(f"Port invalide : « {port} » (un nombre, 5432 d'habitude).")
    return ServerAddress(host, number, database, user)


def address_of_url(url: str) -> ServerAddress:
    """The address a PostgreSQL URL names (its password, if any, is ignored).

    Raises:
        ConnectionProblem: not a PostgreSQL URL.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConnectionProblem(f"Adresse de campagne illisible : {url}") from exc
    if parsed.get_backend_name() != "postgresql" or not parsed.database:
        raise ConnectionProblem(
            "Une campagne partagée est une base PostgreSQL : "
            "postgresql+psycopg://utilisateur@serveur:5432/base."
        )
    return ServerAddress(
        host=parsed.host or "localhost",
        port=parsed.port or DEFAULT_PORT,
        database=parsed.database,
        user=parsed.username or "",
    )


def normalize_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` URLs use planner's driver (psycopg 3).

    Raises:
        ConnectionProblem: not a PostgreSQL URL.
    """
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            url = f"{DRIVER}://{url[len(prefix) :]}"
    if not url.startswith(f"{DRIVER}://"):
        raise ConnectionProblem(
            f"« {_hide_password(url)} » n'est pas l'adresse d'une base PostgreSQL "
            "(postgresql+psycopg://utilisateur@serveur:5432/base)."
        )
    return url


def _hide_password(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.rsplit("@", maxsplit=1)[-1]


def describe_connection_error(exc: BaseException, address: ServerAddress) -> str:
    """A French message for a failed connection to ``address``."""
    detail = str(getattr(exc, "orig", None) or exc)
    lowered = detail.lower()
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        return (
            f"Mot de passe refusé pour l'utilisateur « {address.user} » sur {address.label} : "
            "vérifiez le mot de passe (et l'utilisateur)."
        )
    if f'role "{address.user.lower()}" does not exist' in lowered or (
        "role" in lowered and "does not exist" in lowered
    ):
        return f"L'utilisateur « {address.user} » n'existe pas sur le serveur {address.host}."
    if "database" in lowered and "does not exist" in lowered:
        return f"La base « {address.database} » n'existe pas sur le serveur {address.host}."
    if "permission denied" in lowered or "not permitted" in lowered:
        return (
            f"L'utilisateur « {address.user} » n'a pas le droit d'ouvrir la base "
            f"« {address.database} » : demandez un accès au coordinateur."
        )
    for needle in (
        "connection refused",
        "could not translate host name",
        "name or service not known",
        "timeout",
        "timed out",
        "no route to host",
        "network is unreachable",
        "could not connect",
        "connection failed",
    ):
        if needle in lowered:
            return (
                f"Serveur injoignable : {address.host}, port {address.port}. Vérifiez le nom "
                "du serveur, le port, et que PostgreSQL y est démarré et accessible d'ici."
            )
    return f"Connexion à {address.label} impossible : {detail.strip().splitlines()[0]}"


@dataclass(frozen=True, slots=True)
class SharedCampaignProbe:
    """What a connection test found: a planner campaign, its name and schema.

    Attributes:
        address: where it is.
        name: the campaign's name.
        revision: its schema revision.
    """

    address: ServerAddress
    name: str
    revision: str


def probe_campaign(address: ServerAddress, password: str | None) -> SharedCampaignProbe:
    """Connect once and check that the database holds a planner campaign.

    Runs off the GUI thread (it waits for the network).

    Raises:
        ConnectionProblem: the server cannot be reached, the login is refused,
            or the database is not a campaign this version of planner opens.
    """
    engine = create_engine(
        address.url(password),
        poolclass=NullPool,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S},
    )
    try:
        with engine.connect() as conn:
            has_schema = conn.execute(
                text("SELECT to_regclass('alembic_version') IS NOT NULL")
            ).scalar()
            revision = (
                conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
                if has_schema
                else None
            )
            if revision is None:
                raise ConnectionProblem(
                    f"La base « {address.database} » sur {address.host} n'est pas une campagne "
                    "planner. Publiez-y d'abord une campagne (planner campaign publish)."
                )
            if revision not in REVISIONS:
                raise ConnectionProblem(
                    f"La campagne de {address.label} a été enregistrée par une version plus "
                    f"récente de planner (schéma {revision}) : mettez planner à jour."
                )
            name = conn.execute(text("SELECT name FROM campaign ORDER BY id LIMIT 1")).scalar()
    except DBAPIError as exc:
        raise ConnectionProblem(describe_connection_error(exc, address)) from exc
    finally:
        engine.dispose()
    return SharedCampaignProbe(address, str(name or address.database), str(revision))


# --- the password, in the system's keyring ---------------------------------------


def keyring_available() -> bool:
    """Whether a keyring backend can store passwords on this computer."""
    import keyring
    from keyring.backends import fail

    return not isinstance(keyring.get_keyring(), fail.Keyring)


NO_KEYRING_MESSAGE = (
    "Aucun trousseau de mots de passe n'est disponible sur cet ordinateur : le mot de passe "
    "n'a pas été mémorisé, il sera demandé à chaque ouverture."
)


def remember_password(address: ServerAddress, password: str) -> str | None:
    """Keep ``password`` in the keyring; a French message when it could not be kept."""
    import keyring
    from keyring.errors import KeyringError

    if not keyring_available():
        return NO_KEYRING_MESSAGE
    try:
        keyring.set_password(KEYRING_SERVICE, address.keyring_user, password)
    except KeyringError as exc:
        return f"Le mot de passe n'a pas été mémorisé (trousseau : {exc})."
    return None


def stored_password(address: ServerAddress) -> str | None:
    """The password remembered for ``address``, or None."""
    import keyring
    from keyring.errors import KeyringError

    if not keyring_available():
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, address.keyring_user)
    except KeyringError:
        return None


def forget_password(address: ServerAddress) -> None:
    """Remove the password remembered for ``address`` (nothing if there is none)."""
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    if not keyring_available():
        return
    try:
        keyring.delete_password(KEYRING_SERVICE, address.keyring_user)
    except (PasswordDeleteError, KeyringError):
        return
