"""The parts of the main window that the feature controllers may use.

A controller (``planner/ui/<feature>/controller.py``) is given a
:class:`WindowParts` and reaches the window through it only: the map, the
firm table, the menus by title, the status bar, the undo stack, the settings,
the task runner, the open campaign and the ``campaignShown`` signal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, SignalInstance
from PySide6.QtGui import QAction, QUndoStack
from PySide6.QtWidgets import QMainWindow, QMenu, QStatusBar

from planner.ui.campaign.loaded_campaign import LoadedCampaign
from planner.ui.firms.firm_table_view import FirmTable
from planner.ui.map.map_widget import MapWidget
from planner.ui.recent_folders import DEFAULT_KIND, RecentFolders
from planner.ui.tasks import Task, TaskRunner, run_with_progress, track, writes_campaign

HELP_MENU = "&Aide"
"""The menu bar's last menu: :meth:`WindowParts.menu` adds the others before it."""


@dataclass(frozen=True)
class WindowParts:
    """What a feature controller may use of the main window.

    Attributes:
        window: the main window as a plain ``QMainWindow``: parent of dialogs, holder of docks.
        map: the bassin map.
        table: the firm table (selection by firm id).
        status_bar: the window's status bar.
        undo_stack: the window's undo stack (« Édition › Annuler »).
        settings: the user's settings.
        campaign_shown: emitted with the :class:`LoadedCampaign` now shown.
        campaign: the open campaign, or None.
        refresh_firms: reload the firms of the open campaign off the GUI thread.
        refresh_firms_quietly: the same with no progress box (others' live changes).
        show_error: say a failure to the user, in French.
        menus: the menu bar's menus by title (« &Fichier »…); see :meth:`menu`.
    """

    window: QMainWindow
    map: MapWidget
    table: FirmTable
    status_bar: QStatusBar
    undo_stack: QUndoStack
    settings: QSettings
    campaign_shown: SignalInstance
    campaign: Callable[[], LoadedCampaign | None]
    refresh_firms: Callable[[], None]
    refresh_firms_quietly: Callable[[], None]
    show_error: Callable[[str], None]
    menus: dict[str, QMenu] = field(default_factory=dict)
    runners: list[TaskRunner] = field(default_factory=list)

    def menu(self, title: str) -> QMenu:
        """The menu bar's menu with this title; a new one goes at the end of the bar,
        but before « Aide », which stays the last menu whoever adds menus after it."""
        menu = self.menus.get(title)
        if menu is None:
            bar = self.window.menuBar()
            help_menu = self.menus.get(HELP_MENU)
            if help_menu is not None and title != HELP_MENU:
                menu = QMenu(title, bar)
                bar.insertMenu(help_menu.menuAction(), menu)
            else:
                menu = bar.addMenu(title)
            self.menus[title] = menu
        return menu

    def run_task(
        self,
        title: str,
        task: Task,
        on_success: Callable[[Any], None],
        on_failure: Callable[[str], None] | None = None,
        *,
        writes: bool = True,
        cancellable: bool = True,
    ) -> TaskRunner:
        """Run a task off the GUI thread with a cancellable progress dialog.

        A task ``writes`` the campaign unless told otherwise: while it runs, the
        actions registered with :meth:`writes_campaign` are disabled and its box
        is modal to the application; ``cancellable=False``: no « Annuler » (see
        :func:`run_with_progress`).
        """
        runner = run_with_progress(
            self.window,
            title,
            task,
            on_success,
            on_failure,
            writes=writes,
            cancellable=cancellable,
        )
        return track(self.runners, runner)

    def writes_campaign(self, action: QAction) -> QAction:
        """Mark ``action`` as writing the campaign: disabled while a task writes it."""
        return writes_campaign(action)

    def run_quietly(
        self,
        task: Task,
        on_success: Callable[[Any], None],
        on_failure: Callable[[str], None] | None = None,
    ) -> TaskRunner:
        """Run a short background task off the GUI thread with no dialog (a live reload:
        a progress box would take the keyboard from the window the user types in)."""
        runner = TaskRunner(task, self.window)

        def succeeded(result: object) -> None:
            runner.finished = True
            on_success(result)

        def failed(message: str) -> None:
            runner.finished = True
            (on_failure or self.show_error)(message)

        runner.signals.succeeded.connect(succeeded)
        runner.signals.failed.connect(failed)
        runner.signals.cancelled.connect(lambda: setattr(runner, "finished", True))
        track(self.runners, runner)
        runner.start()
        return runner

    def last_dir(self, kind: str = DEFAULT_KIND) -> str:
        """Where a file dialog opens for this kind of file (« campagne », « sirene »…):
        the folder last used for that kind (see :class:`RecentFolders`)."""
        return RecentFolders(self.settings).folder(kind)

    def set_last_dir(self, path: str | Path, kind: str = DEFAULT_KIND) -> None:
        """Remember the folder of a file chosen for this kind of file."""
        RecentFolders(self.settings).remember(path, kind)
