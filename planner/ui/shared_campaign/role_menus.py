"""Hide what the connected login's role may not use in a shared campaign.

PostgreSQL enforces the roles (row-level security, table privileges); the app
only spares a partner or an adviser the menus whose every use would be
refused. The actions are found by ``objectName`` anywhere under the main
window, including in dialogs opened later (the BMO window's import button):
a dialog is checked when Qt polishes it, before it shows.

A status-bar label says who is connected and with which role.
"""

from __future__ import annotations

from PySide6.QtCore import QChildEvent, QEvent, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QWidget

from planner.domain.errors import PlannerError
from planner.services.shared_campaign.access import Access, current_access
from planner.ui.campaign.loaded_campaign import LoadedCampaign
from planner.ui.window_parts import WindowParts

# What only coordination may do (the campaign-wide writes).
COORDINATION_ONLY: frozenset[str] = frozenset(
    {
        "sireneImport",  # Fichier › Importer SIRENE…
        "nafNomenclature",  # Fichier › Nomenclature NAF de référence…
        "taskForceEditor",  # Task force › Partenaires et équipes…
        "teamsWorkbookImport",  # Task force › Importer le classeur des équipes…
        "divideCampaign",  # Task force › Répartir automatiquement…
        "partnerPortfolioImport",  # Task force › Importer le portefeuille d'un partenaire…
        "portfolioConflicts",  # Task force › Conflits de portefeuilles… (settlement)
        "unassignSelection",  # Task force › Retirer la sélection de son équipe
        "bmoImport",  # Suivi › Métiers en tension › Importer un classeur BMO…
        "supportedFirmsImport",  # Suivi › Importer les entreprises déjà accompagnées…
        "refuseUnsignedLists",  # Suivi › Refuser les listes non signées (campaign setting)
        "priorityWeights",  # Suivi › Priorités… (campaign setting)
        "callListExport",  # signed with the campaign's key, which only coordination reads
        "outcomesReadBack",  # Suivi › Relire les listes complétées… (checked with that key)
        "offerCatalogue",  # Task force › Offre de services… (the shared catalogue)
    }
)

# What a partner may do but not an adviser: move firms between its teams and advisers.
PARTNER_AND_UP: frozenset[str] = frozenset(
    {
        "assignSelectionToTeam",
        "assignSelectionToAdviser",
        "lockSelection",
        "unlockSelection",
    }
)

ROLE_ACTIONS: frozenset[str] = COORDINATION_ONLY | PARTNER_AND_UP
"""Every object name this module shows or hides."""


def hidden_names(role: str) -> frozenset[str]:
    """The object names hidden from ``role``."""
    if role == "coordination":
        return frozenset()
    if role == "partenaire":
        return COORDINATION_ONLY
    return ROLE_ACTIONS


def role_label(access: Access, server: str = "") -> str:
    """What the status bar says of the connected login: its role, and for a shared
    campaign the server and database (``server``); empty for a campaign file."""
    where = f" — {server}" if server else ""
    if access.role == "coordination":
        return f"{access.login} — coordination{where}" if server else ""
    if access.role == "partenaire":
        return f"{access.login} — partenaire « {access.partner_name} »{where}"
    if access.role == "conseiller":
        return (
            f"{access.login} — conseiller {access.adviser_email} (« {access.partner_name} »){where}"
        )
    return ""


def apply_role(root: QWidget, role: str) -> list[str]:
    """Show or hide the role's actions and widgets under ``root``; return those hidden."""
    hidden = hidden_names(role)
    done: list[str] = []
    items: list[QAction | QWidget] = [*root.findChildren(QAction), *root.findChildren(QWidget)]
    for item in items:
        name = item.objectName()
        if name in ROLE_ACTIONS:
            item.setVisible(name not in hidden)
            if name in hidden:
                done.append(name)
    if root.objectName() in ROLE_ACTIONS:
        root.setVisible(root.objectName() not in hidden)
    return done


class RoleMenus(QObject):
    """Applies the open campaign's role to the main window's menus and dialogs.

    Attributes:
        access: the connected login's access to the campaign shown, or None.
        label: the status-bar label naming a partner's or adviser's login.
    """

    def __init__(self, parts: WindowParts) -> None:
        super().__init__(parts.window)
        self._parts = parts
        self._store: object | None = None
        self.access: Access | None = None
        self.label = QLabel(parts.window)
        self.label.setObjectName("connectedRole")
        parts.status_bar.addPermanentWidget(self.label)
        self.label.hide()
        parts.campaign_shown.connect(self._on_campaign_shown)
        parts.window.installEventFilter(self)

    @property
    def role(self) -> str:
        """The role in force (coordination without a campaign)."""
        return self.access.role if self.access is not None else "coordination"

    def _on_campaign_shown(self, loaded: LoadedCampaign | None) -> None:
        if loaded is None or loaded.store is self._store:
            return  # the same campaign, refreshed: same login, same role
        self._store = loaded.store
        try:
            access = current_access(loaded.store)
        except PlannerError:
            # A login that lost its grant while connected: the narrowest role.
            access = Access(login="?", role="conseiller")
        self.access = access
        apply_role(self._parts.window, access.role)
        url = loaded.store.engine.url
        server = (
            f"{url.host or 'localhost'}/{url.database}"
            if url.drivername.startswith("postgresql")
            else ""
        )
        text = role_label(access, server)
        self.label.setText(text)
        self.label.setVisible(bool(text))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        # A dialog of the window (the BMO window) is polished before it first shows.
        if (
            event.type() == QEvent.Type.ChildPolished
            and self.role != "coordination"
            and isinstance(event, QChildEvent)
            and isinstance(child := event.child(), QWidget)
        ):
            apply_role(child, self.role)
        return False
