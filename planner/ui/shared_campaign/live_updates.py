"""Live changes: what others change in a shared campaign shows in the open window.

A :class:`~planner.services.shared_campaign.change_feed.ChangeFeed` listens
to the PostgreSQL campaign's notices on a thread of its own; its batches come
back to the GUI thread through a queued signal, and refresh what shows the
tables they name:

- firms, assignments, contacts, teams, advisers, partners, settings → the
  firms again (``parts.refresh_firms``: the map, the table, then
  ``campaignShown`` refreshes the teams dock and the calendar); the
  selected firm is selected again, so its card shows the change;
- sessions, their links and venues → the calendar, and the open card;
- a session open in the editor that someone else changed → a French banner
  in the editor (what changed, by whom): saving would replace their version,
  and the user now knows it.

Nothing is skipped as "our own write": a change the app made itself is
refreshed twice, never missed. An SQLite campaign has no feed.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QLabel, QMessageBox, QVBoxLayout

from planner.services.campaign.campaign_store import CampaignStore
from planner.services.sessions.planning import SessionRecord
from planner.services.shared_campaign.access import AccessError, current_access
from planner.services.shared_campaign.change_feed import (
    EVERYTHING,
    Change,
    ChangeFeed,
    supports_live_changes,
)
from planner.ui.campaign.loaded_campaign import LoadedCampaign
from planner.ui.firms.controller import FirmsController
from planner.ui.sessions.controller import SessionsController
from planner.ui.window_parts import WindowParts

FIRM_TABLES = frozenset(
    {
        "establishment",
        "assignment",
        "contact",
        "contact_need",
        "team",
        "adviser",
        "partner",
        "remit_rule",
        "setting",
        "supported_firm",
        "import_run",
        "bassin_commune",
        "campaign",
    }
)
"""Tables whose changes reload the firms (map, table, teams dock)."""

SESSION_TABLES = frozenset(
    {
        "discovery_session",
        "session_invitee",
        "session_host",
        "session_theme",
        "session_partner",
        "session_adviser",
        "venue",
        "partner",
        "team",
        "adviser",
    }
)
"""Tables whose changes refresh the calendar and the open session editor."""

CARD_TABLES = frozenset(
    {
        "assignment",
        "contact",
        "contact_need",
        "session_invitee",
        "session_host",
        "discovery_session",
    }
)
"""Tables shown on the firm card."""

RETRY_MS = 250
"""While another reload of the firms runs, how often to check whether it ended."""

COOLDOWN_SECONDS = 0.8
"""Least time between two live reloads of the firms: under a stream of changes (a
division elsewhere, twenty writers) the window reloads about once a second, not
without a pause, and each change still shows within two seconds."""

JOIN_SECONDS = 2.0
"""How long closing waits for the feed's thread (it may be connecting to a lost server)."""

_ORPHANS: list[QObject] = []
"""Bridges of feeds that did not end in time: kept alive, as their thread may still run."""

BANNER_NAME = "liveChangeBanner"
BANNER_STYLE = "background:#f8d7da; color:#58151c; border:1px solid #f1aeb5; padding:6px;"

_SESSION_FIELDS = (
    ("title", "titre"),
    ("kind", "type"),
    ("starts_at", "début"),
    ("ends_at", "fin"),
    ("status", "statut"),
    ("capacity", "capacité"),
    ("venue", "lieu"),
    ("partners", "partenaires"),
    ("advisers", "conseillers"),
    ("hosts", "entreprises d'accueil"),
    ("themes", "thèmes"),
    ("invitees", "invités"),
    ("attendance", "participants"),
    ("outcome_notes", "bilan"),
    ("jobs_offered", "offres"),
    ("hires", "recrutements"),
    ("present", "présents"),
)


def changed_session_fields(before: SessionRecord, after: SessionRecord | None) -> list[str]:
    """The French names of what differs between two readings of a session."""
    if after is None:
        return []
    return [
        label for name, label in _SESSION_FIELDS if getattr(before, name) != getattr(after, name)
    ]


def conflict_text(before: SessionRecord, after: SessionRecord | None, logins: list[str]) -> str:
    """The editor's banner: the session changed (or was deleted) while it was open."""
    who = f" par {', '.join(logins)}" if logins else ""
    if after is None:
        return (
            f"Attention : cette séance vient d'être supprimée{who}. "
            "Enregistrer la recréerait telle que vous la voyez ; Annuler la laisse supprimée."
        )
    fields = changed_session_fields(before, after)
    what = f" ({', '.join(fields)})" if fields else ""
    return (
        f"Attention : cette séance vient d'être modifiée{who}{what} pendant que vous l'éditiez. "
        "Enregistrer remplacerait ses changements par les vôtres ; Annuler puis rouvrir la "
        "séance montre sa nouvelle version."
    )


class _Bridge(QObject):
    """Carries the feed's reports from its thread to the GUI thread (queued).

    Signals:
        changes(object): a batch of :class:`Change` values.
        state(str): ``"connected"`` or ``"disconnected"``.
    """

    changes = Signal(object)
    state = Signal(str)


class LiveUpdates(QObject):
    """Refreshes the window when others change the open shared campaign.

    Signals:
        applied(object): a batch (a list of :class:`Change`) was handled.
    """

    applied = Signal(object)

    def __init__(
        self, parts: WindowParts, firms: FirmsController, sessions: SessionsController
    ) -> None:
        super().__init__(parts.window)
        self._parts = parts
        self._firms = firms
        self._sessions = sessions
        self._store: CampaignStore | None = None
        self._feed: ChangeFeed | None = None
        self._thread: threading.Thread | None = None
        self._bridge: _Bridge | None = None
        self._reselect: list[str] = []
        self._firms_pending = False
        self._last_reload = 0.0
        self._warned: dict[int, SessionRecord | None] = {}
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(RETRY_MS)
        self._retry.timeout.connect(self._on_retry_timeout)
        parts.campaign_shown.connect(self._on_campaign_shown)

    # --- the feed ---------------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether a feed listens to the open campaign."""
        return self._thread is not None and self._thread.is_alive()

    def wait_listening(self, timeout: float) -> bool:
        """Wait until the feed listens (tests: a change made before would be missed)."""
        return self._feed is not None and self._feed.wait_listening(timeout)

    def start(self, store: CampaignStore) -> None:
        """Listen to this campaign's changes (nothing for an SQLite campaign)."""
        self.stop()
        self._store = store
        if not supports_live_changes(store):
            return
        bridge = _Bridge()
        bridge.changes.connect(self._on_bridge_changes)
        bridge.state.connect(self._on_bridge_state)
        feed = ChangeFeed(store, bridge.changes.emit, on_state=bridge.state.emit)
        thread = threading.Thread(target=feed.run, name="planner-change-feed", daemon=True)
        self._bridge, self._feed, self._thread = bridge, feed, thread
        thread.start()

    def stop(self) -> None:
        """Stop listening; returns once the feed's thread has ended (2 s at most)."""
        feed, thread, bridge = self._feed, self._thread, self._bridge
        self._feed = self._thread = self._bridge = None
        self._store = None
        self._retry.stop()
        self._firms_pending = False
        self._reselect = []
        if feed is not None:
            feed.stop()
        if thread is not None:
            thread.join(timeout=JOIN_SECONDS)
        if bridge is not None:
            bridge.changes.disconnect(self._on_bridge_changes)
            bridge.state.disconnect(self._on_bridge_state)
            if thread is not None and thread.is_alive():
                # Still waiting for an unreachable server: it will deliver nothing
                # (stopped), but its bridge must outlive it.
                _ORPHANS.append(bridge)
            else:
                bridge.deleteLater()

    # --- the window -------------------------------------------------------------

    @Slot(object)
    def _on_campaign_shown(self, loaded: LoadedCampaign | None) -> None:
        if loaded is None:
            self.stop()
            return
        if loaded.store is not self._store:
            self.start(loaded.store)
            return
        sirets, self._reselect = self._reselect, []
        if sirets and not self._parts.table.selected_ids():
            firms = loaded.firms
            ids = firms.filter(firms["siret"].is_in(sirets))["id"].to_list()
            if ids:
                self._parts.table.select_ids([int(i) for i in ids])

    @Slot(object)
    def _on_bridge_changes(self, batch: list[Change]) -> None:
        if not self._from_current_feed() or self._parts.campaign() is None:
            return  # a late batch of a feed since stopped
        tables = {change.table for change in batch}
        everything = EVERYTHING in tables
        logins = sorted({c.login for c in batch if c.login})
        reload_firms = everything or bool(tables & FIRM_TABLES)
        if reload_firms:
            self._refresh_firms()
        if everything or tables & SESSION_TABLES:
            self._sessions.panel.refresh()
            self._check_session_editors(logins)
        if not reload_firms and tables & CARD_TABLES:
            self._refresh_card()
        if everything or "access_grant" in tables:
            self._check_access()
        me = self._store.engine.url.username if self._store is not None else None
        others = [login for login in logins if login != me]
        if others:
            self._parts.status_bar.showMessage(
                f"Campagne mise à jour par {', '.join(others)}", 5000
            )
        self.applied.emit(batch)

    def _check_access(self) -> None:
        """The grants changed: say so if this login lost its access (what the window
        shows is no longer kept up to date, and writes will be refused)."""
        store = self._store
        if store is None:
            return

        def check(_progress: object, _cancel: object) -> str:
            try:
                current_access(store)
            except AccessError as exc:
                return str(exc)
            except Exception:  # its group gone, the login may no longer even read the grants
                return (
                    f"Le compte « {store.engine.url.username} » n'a plus aucun accès à cette "
                    "campagne : le coordinateur le lui a retiré."
                )
            return ""

        def told(problem: object) -> None:
            if problem and store is self._store:
                QMessageBox.warning(
                    self._parts.window,
                    "Accès retiré",
                    f"{problem}\n\nCe que la fenêtre montre n'est plus tenu à jour : "
                    "fermez la campagne.",
                )

        self._parts.run_quietly(check, told, lambda _message: None)

    @Slot(str)
    def _on_bridge_state(self, state: str) -> None:
        if not self._from_current_feed():
            return
        if state == "disconnected":
            self._parts.status_bar.showMessage(
                "Connexion au serveur de la campagne perdue : nouvelle tentative en cours…"
            )
        else:
            self._parts.status_bar.clearMessage()

    def _from_current_feed(self) -> bool:
        sender = self.sender()
        return sender is not None and sender is self._bridge

    def _reload_running(self) -> bool:
        return any(shiboken6.isValid(r) and not r.finished for r in self._parts.runners)

    def _refresh_firms(self) -> None:
        """Reload the firms; after a reload already running, which may have read too early."""
        if self._parts.campaign() is None:
            return
        wait = self._last_reload + COOLDOWN_SECONDS - time.monotonic()
        if self._reload_running() or wait > 0:
            # A reload started before this change would drop ours (it sees another
            # campaign object when it ends): wait for it, then reload again.
            self._firms_pending = True
            self._retry.start(max(RETRY_MS, int(wait * 1000)))
            return
        self._firms_pending = False
        self._last_reload = time.monotonic()
        if not self._reselect:
            self._reselect = self._selected_sirets()
        self._parts.refresh_firms_quietly()

    @Slot()
    def _on_retry_timeout(self) -> None:
        if self._firms_pending:
            self._refresh_firms()

    def _selected_sirets(self) -> list[str]:
        campaign = self._parts.campaign()
        ids = self._parts.table.selected_ids()
        if campaign is None or not ids:
            return []
        sirets: list[str] = campaign.firms["siret"].gather(ids).to_list()
        return sirets

    def _refresh_card(self) -> None:
        campaign = self._parts.campaign()
        sirets = self._selected_sirets()
        if campaign is None or len(sirets) != 1:
            return
        self._firms.details.show_card(campaign.store, sirets[0])

    def _check_session_editors(self, logins: list[str]) -> None:
        from planner.ui.sessions.session_editor import SessionEditor

        editors = [
            e for e in self._parts.window.findChildren(SessionEditor) if e.isVisible() and e.record
        ]
        self._warned = {k: v for k, v in self._warned.items() if k in {id(e) for e in editors}}
        records = {r.id: r for r in self._sessions.panel.records}
        for editor in editors:
            opened = editor.record
            if opened is None:
                continue
            fresh = records.get(opened.id)
            key = id(editor)
            if fresh == opened or (key in self._warned and self._warned[key] == fresh):
                continue
            self._warned[key] = fresh
            self._show_banner(editor, conflict_text(opened, fresh, logins))

    @staticmethod
    def _show_banner(editor: Any, text: str) -> None:
        banner = editor.findChild(QLabel, BANNER_NAME)
        if banner is None:
            banner = QLabel(editor)
            banner.setObjectName(BANNER_NAME)
            banner.setWordWrap(True)
            banner.setStyleSheet(BANNER_STYLE)
            layout = editor.layout()
            if isinstance(layout, QVBoxLayout):
                layout.insertWidget(0, banner)
        banner.setText(text)
        banner.show()
