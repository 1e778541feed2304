"""Undoable manual assignment of firms to a team or an adviser, and locks."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from planner.db.store import CampaignStore
from planner.services.task_force import (
    AssignmentRow,
    assign_firms,
    replace_assignments,
    restore_assignments,
    set_locked,
)

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


class DivisionCommand(QUndoCommand):
    """An automatic division; undo puts back every assignment as it was before it.

    The division itself runs before the command is pushed; the command holds
    both snapshots, so undo and redo are plain rewrites of the assignments.
    """

    def __init__(
        self,
        store: CampaignStore,
        before: list[AssignmentRow],
        after: list[AssignmentRow],
        refresh: Callable[[], None],
    ) -> None:
        super().__init__("Répartition automatique")
        self.store = store
        self.before = before
        self.after = after
        self.refresh = refresh
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        replace_assignments(self.store, self.after)
        self.refresh()

    def undo(self) -> None:
        replace_assignments(self.store, self.before)
        self.refresh()
