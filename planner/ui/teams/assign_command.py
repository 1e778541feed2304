"""Undoable manual assignment of firms to a team or an adviser, and locks."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from planner.db.store import CampaignStore
from planner.services.task_force import assign_firms, restore_assignments, set_locked

State = dict[str, tuple[int, int | None, bool] | None]


class AssignCommand(QUndoCommand):
    """Firms given to a team (or adviser); undo puts back each firm's previous state.

    The first assignment is made by :func:`assign_and_push` before the command
    is pushed (so that a refused assignment never enters the stack).
    """

    def __init__(
        self,
        store: CampaignStore,
        sirets: list[str],
        team_id: int | None,
        adviser_id: int | None,
        locked: bool,
        previous: State,
        text: str,
        refresh: Callable[[], None],
    ) -> None:
        super().__init__(text)
        self.store = store
        self.sirets = sirets
        self.team_id = team_id
        self.adviser_id = adviser_id
        self.locked = locked
        self.previous = previous
        self.refresh = refresh
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        assign_firms(
            self.store, self.sirets, self.team_id, adviser_id=self.adviser_id, locked=self.locked
        )
        self.refresh()

    def undo(self) -> None:
        restore_assignments(self.store, self.previous)
        self.refresh()


class LockCommand(QUndoCommand):
    """Lock or unlock firms' assignments."""

    def __init__(
        self,
        store: CampaignStore,
        sirets: list[str],
        locked: bool,
        previous: State,
        refresh: Callable[[], None],
    ) -> None:
        super().__init__(
            f"{'Verrouiller' if locked else 'Déverrouiller'} {len(sirets)} établissement(s)"
        )
        self.store = store
        self.sirets = sirets
        self.locked = locked
        self.previous = previous
        self.refresh = refresh

    def redo(self) -> None:
        set_locked(self.store, self.sirets, self.locked)
        self.refresh()

    def undo(self) -> None:
        restore_assignments(self.store, self.previous)
        self.refresh()
