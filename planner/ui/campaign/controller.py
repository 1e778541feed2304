"""Opening campaigns: new, open, recent, demo, the reference NAF, and showing one.

The campaign is read off the GUI thread; once shown, the firm table, the
filters and the map are filled in that order, then ``campaignShown`` tells the
other views (task force, sessions, follow-up).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import cast

from PySide6.QtCore import QObject, QStandardPaths, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QLabel, QMenu, QMessageBox

from planner.domain.progress import CancelToken, Progress
from planner.services.campaign.campaign_copy import SHARED_CAMPAIGN_NO_COPY, can_copy, save_copy
from planner.services.shared_campaign.connection import ServerAddress
from planner.ui.campaign.loaded_campaign import LoadedCampaign, load_campaign, reload_firms
from planner.ui.firms.controller import FirmsController
from planner.ui.map.controller import MapController
from planner.ui.shared_campaign import recent_campaigns
from planner.ui.window_parts import WindowParts

MAX_RECENT = 8
FOLDER_KIND = "campagne"
"""The kind of file whose last folder the campaign file dialogs open in."""
COPY_TIP = "Enregistrer une copie complète de la campagne ouverte dans un autre fichier."
DEMO_FILE_NAME = "demo-plaine-commune.planner"
DEMO_NOTICE = (
    "Campagne de démonstration : les entreprises affichées sont fictives "
    "(noms, adresses, SIRET et positions sont générés au hasard)."
)


def _same_campaign(a: LoadedCampaign, b: LoadedCampaign) -> bool:
    """Whether two loads are of one campaign (reopened after an import, say)."""
    return a.store.label == b.store.label and (a.store.path == b.store.path)


class CampaignController(QObject):
    """The open campaign, and the « Fichier » entries that open one."""

    def __init__(self, parts: WindowParts, firms: FirmsController, map_view: MapController) -> None:
        super().__init__(parts.window)
        self._parts = parts
        self._firms = firms
        self._map = map_view
        self.campaign: LoadedCampaign | None = None
        self.banner = QLabel(parts.window)
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "background:#fff3cd; color:#664d03; border:1px solid #ffe69c; padding:6px;"
        )
        self.banner.hide()
        self.recent_menu: QMenu | None = None
        self.copy_action: QAction | None = None

    # --- menus ------------------------------------------------------------------

    def add_open_actions(self, file_menu: QMenu) -> None:
        """« Fichier »: new campaign, open, recent campaigns, demo."""
        new = file_menu.addAction("&Nouvelle campagne…")
        new.triggered.connect(self.new_campaign)
        new.setShortcut(QKeySequence.StandardKey.New)
        open_ = file_menu.addAction("&Ouvrir…")
        open_.triggered.connect(self.ask_open)
        open_.setShortcut(QKeySequence.StandardKey.Open)
        file_menu.addAction("Ouvrir une campagne parta&gée…").triggered.connect(
            self.ask_open_shared
        )
        self.recent_menu = file_menu.addMenu("Campagnes &récentes")
        file_menu.addAction("Ouvrir la campagne de &démonstration").triggered.connect(
            self.open_demo
        )
        self.refresh_recent()

    def add_copy_action(self, file_menu: QMenu) -> None:
        """« Fichier »: « Enregistrer une copie sous… » (campaign files only)."""
        self.copy_action = file_menu.addAction("Enregistrer une &copie sous…")
        self.copy_action.setObjectName("saveCopy")
        self.copy_action.triggered.connect(self.ask_save_copy)
        self.copy_action.setShortcut(QKeySequence.StandardKey.SaveAs)
        # A disabled entry says why in its tooltip (shared campaigns have no file).
        file_menu.setToolTipsVisible(True)
        self._update_copy_action()

    def _update_copy_action(self) -> None:
        action = self.copy_action
        if action is None:
            return
        campaign = self.campaign
        if campaign is None:
            action.setEnabled(False)
            action.setToolTip("Ouvrez d'abord une campagne.")
        elif not can_copy(campaign.store):
            action.setEnabled(False)
            action.setToolTip(SHARED_CAMPAIGN_NO_COPY)
        else:
            action.setEnabled(True)
            action.setToolTip(COPY_TIP)

    @Slot()
    def ask_save_copy(self) -> None:
        """Ask where, then copy the campaign file off the GUI thread (never half-written)."""
        campaign = self.campaign
        if campaign is None or campaign.store.path is None:
            self._update_copy_action()
            return
        source = campaign.store.path
        suggested = Path(self._parts.last_dir(FOLDER_KIND)) / f"{source.stem} - copie.planner"
        path, _ = QFileDialog.getSaveFileName(
            self._parts.window,
            "Enregistrer une copie de la campagne",
            str(suggested),
            "Campagnes planner (*.planner)",
        )
        if not path:
            return
        target = Path(path) if path.endswith(".planner") else Path(f"{path}.planner")
        self._parts.set_last_dir(target, FOLDER_KIND)
        store = campaign.store
        self._parts.run_task(
            "Copie de la campagne",
            lambda progress, cancel: save_copy(store, target, progress, cancel),
            lambda done: self._parts.status_bar.showMessage(
                f"Copie de la campagne enregistrée : {done}", 8000
            ),
            self._parts.show_error,
        )

    def add_setting_actions(self, file_menu: QMenu) -> None:
        """« Fichier »: the campaign's reference NAF."""
        naf = file_menu.addAction("Nomenclature NAF de &référence…")
        naf.triggered.connect(self.choose_nomenclature)
        naf.setObjectName("nafNomenclature")

    # --- recent files -----------------------------------------------------------

    def recent_files(self) -> list[str]:
        """Recently opened campaigns, most recent first."""
        value = self._parts.settings.value("recent/files", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in cast("Iterable[object]", value or [])]

    def _remember(self, path: str) -> None:
        files = ([path] + [f for f in self.recent_files() if f != path])[:MAX_RECENT]
        self._parts.settings.setValue("recent/files", files)
        recent_campaigns.forget_names(self._parts.settings, files)
        self.refresh_recent()

    def refresh_recent(self) -> None:
        """Fill « Campagnes récentes » from the settings."""
        menu = self.recent_menu
        if menu is None:
            return
        menu.clear()
        files = self.recent_files()
        for path in files:
            if recent_campaigns.is_shared(path):
                action = menu.addAction(recent_campaigns.label(self._parts.settings, path))
                action.setToolTip(path)  # the address without any password
                action.triggered.connect(lambda _=False, p=path: self.reopen_shared(p))
                continue
            action = menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_campaign(Path(p)))
        menu.setEnabled(bool(files))

    # --- opening ----------------------------------------------------------------

    @Slot()
    def new_campaign(self) -> None:
        """Create a campaign in a dialog, then open it."""
        from planner.ui.campaign.new_campaign import NewCampaignDialog

        dialog = NewCampaignDialog(self._parts.window)
        created = dialog.created_path if dialog.exec() else None
        # Its preview map (a web page) goes now, on the GUI thread, not with the window.
        dialog.deleteLater()
        if created is not None:
            self.open_campaign(created)

    @Slot()
    def ask_open(self) -> None:
        """Ask for a campaign file and open it."""
        path, _ = QFileDialog.getOpenFileName(
            self._parts.window,
            "Ouvrir une campagne",
            self._parts.last_dir(FOLDER_KIND),
            "Campagnes planner (*.planner)",
        )
        if path:
            self._parts.set_last_dir(path, FOLDER_KIND)
            self.open_campaign(Path(path))

    @Slot()
    def ask_open_shared(self) -> None:
        """Ask for a shared campaign's server and login, test them, then open it."""
        self._ask_shared(None, "")

    def reopen_shared(self, entry: str) -> None:
        """Open a recent shared campaign: password from the keyring, or asked again."""
        from planner.services.shared_campaign.connection import stored_password

        address = recent_campaigns.address_of(entry)
        if address is None:
            self._parts.show_error(f"Adresse de campagne partagée illisible : {entry}")
            return
        password = stored_password(address)
        if password is None:
            self._ask_shared(address, "Saisissez le mot de passe pour ouvrir cette campagne.")
            return
        self.open_campaign(
            address.url(password),
            label=address.label,
            shared=address,
            # The remembered password may be out of date: ask again, saying why.
            on_failure=lambda message: self._ask_shared(address, message),
        )

    def _ask_shared(self, address: ServerAddress | None, reason: str) -> None:
        from planner.ui.shared_campaign.open_dialog import OpenSharedDialog

        dialog = OpenSharedDialog(self._parts.window, address, reason=reason)
        choice = dialog.choice if dialog.exec() else None
        dialog.deleteLater()
        if choice is None:
            return
        if choice.notice:
            QMessageBox.information(self._parts.window, "Mot de passe", choice.notice)
        self.open_campaign(choice.url, label=choice.address.label, shared=choice.address)

    def demo_path(self) -> Path:
        """Where the demo campaign lives for this user."""
        base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
        return Path(base) / DEMO_FILE_NAME

    @Slot()
    def open_demo(self) -> None:
        """Open the demo campaign, building it the first time."""
        path = self.demo_path()
        if path.exists():
            self.open_campaign(path)
            return
        path.parent.mkdir(parents=True, exist_ok=True)

        def build(progress: Progress, cancel: CancelToken) -> Path:
            from planner.services.demo.demo_campaign import create_demo

            create_demo(path, progress=progress, cancel=cancel)
            return path

        self._parts.run_task(
            "Création de la campagne de démonstration",
            build,
            self.open_campaign,
            self._parts.show_error,
        )

    def open_campaign(
        self,
        path: Path | str,
        *,
        label: str = "",
        shared: ServerAddress | None = None,
        on_failure: Callable[[str], None] | None = None,
    ) -> None:
        """Open a campaign file (or URL) off the GUI thread, then show it.

        Args:
            path: the file, or the database URL (its password is never shown
                nor kept).
            label: what to call it in the status bar (a URL's password hidden).
            shared: the server address of a shared campaign, remembered among
                the recent campaigns once it is shown.
            on_failure: told the French message when it cannot be opened
                (by default, a message box).
        """
        remember = str(path)
        if recent_campaigns.is_shared(remember):
            # A URL may hold a password: what is shown and kept is the address only.
            shared = shared or recent_campaigns.address_of(remember)
            remember = ""
        if not label:
            label = shared.label if shared is not None else remember or "la campagne"
        self._parts.status_bar.showMessage(f"Ouverture de {label}…")
        self._parts.run_task(
            "Ouverture de la campagne",
            lambda _p, _c: load_campaign(path),
            lambda loaded: self._show_campaign(loaded, remember, shared),
            on_failure or self._parts.show_error,
            cancellable=False,  # opening (schema brought up to date) runs to its end
        )

    def _show_campaign(
        self, loaded: LoadedCampaign, path: str, shared: ServerAddress | None = None
    ) -> None:
        previous = self.campaign
        if previous is not None:
            previous.store.close()
        if previous is not None and not _same_campaign(previous, loaded):
            # Another campaign: its own dates, communes and sectors, not the last one's.
            self._firms.filters.reset()
        self.campaign = loaded
        self._parts.undo_stack.clear()
        header = loaded.header
        self._parts.window.setWindowTitle(f"{header.name} — planner")
        if header.is_demo:
            self.banner.setText(DEMO_NOTICE)
        self.banner.setVisible(header.is_demo)
        if loaded.store.backup is not None:
            QMessageBox.information(
                self._parts.window,
                "Campagne mise à jour",
                "Cette campagne venait d'une version précédente de planner. Elle a été "
                "mise à jour ; une copie de l'ancien fichier est conservée :\n"
                f"{loaded.store.backup}",
            )
        self._firms.set_firms(loaded)
        self._map.set_geography(loaded)
        self._map.push_firms(loaded)
        self._firms.apply_filters()
        self._firms.clear_details()
        self._firms.update_count()
        if shared is not None:
            self._remember(
                recent_campaigns.remember_name(self._parts.settings, shared, header.name)
            )
        elif path:
            self._remember(path)
            # « Ouvrir… » then opens beside it, however it was opened (recent, drop…).
            self._parts.set_last_dir(path, FOLDER_KIND)
        self._parts.status_bar.showMessage(
            f"Campagne « {header.name} » ouverte : {header.bassin_label}", 8000
        )
        self._update_copy_action()
        self._parts.campaign_shown.emit(loaded)

    def refresh_firms(self, *, quiet: bool = False) -> None:
        """Reload the firms from the campaign (after an import, a division, outcomes...).

        The reload runs off the GUI thread; filters and the colour attribute are
        kept, and ``campaignShown`` is emitted again when the views are updated.
        ``quiet`` (others' live changes): no progress box, which would take the
        keyboard from the window the user is typing in.
        """
        if self.campaign is None:
            return
        loaded = self.campaign

        def show(fresh: LoadedCampaign) -> None:
            if self.campaign is not loaded:
                return  # another campaign was opened meanwhile
            self.campaign = fresh
            self._firms.set_firms(fresh)
            self._map.push_firms(fresh)
            self._firms.apply_filters()
            self._firms.update_count()
            self._parts.campaign_shown.emit(fresh)

        if quiet:
            self._parts.run_quietly(lambda _p, _c: reload_firms(loaded), show)
            return
        self._parts.run_task(
            "Mise à jour des établissements",
            lambda _p, _c: reload_firms(loaded),
            show,
            self._parts.show_error,
            writes=False,
            cancellable=False,  # the views must show what the campaign now holds
        )

    def reopen(self) -> None:
        """Open the current campaign again (after an import that may have wiped firms)."""
        if self.campaign is None:
            return
        path = self.campaign.store.path
        self.open_campaign(path if path is not None else self.campaign.store.url)

    # --- settings ---------------------------------------------------------------

    @Slot()
    def choose_nomenclature(self) -> None:
        """Campaign setting: NAF rév. 2 or NAF 2025, with the translated rules to confirm."""
        if self.campaign is None:
            self._parts.show_error("Ouvrez ou créez d'abord une campagne.")
            return
        from planner.ui.campaign.nomenclature_dialog import NomenclatureDialog, SwitchCommand

        dialog = NomenclatureDialog(self._parts.window, self.campaign.store)
        dialog.exec()
        if dialog.applied and dialog.plan is not None:
            self._parts.undo_stack.push(
                SwitchCommand(self.campaign.store, dialog.plan, on_done=self.refresh_firms)
            )
            self.refresh_firms()
            self._parts.status_bar.showMessage(dialog.done_message)
            QMessageBox.information(
                self._parts.window, "Nomenclature NAF de référence", dialog.done_message
            )

    def close(self) -> None:
        """Close the open campaign's store (the window closes)."""
        if self.campaign is not None:
            self.campaign.store.close()
