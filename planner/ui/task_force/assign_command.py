"""Undoable manual assignment of firms to a team or an adviser, and locks."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from planner.services.campaign.campaign_store import CampaignStore
from planner.services.task_force.task_force import (
    AssignmentRow,
    assign_firms,
    replace_assignments,
    restore_assignments,
    set_locked,
)

State = dict[str, tuple[int, int | None, bool] | None]


class _AssignmentsCommand(QUndoCommand):
    """A change of assignments: ``apply`` and ``revert`` rewrite them, then the window refreshes.

    When the change was already made before the command is pushed
    (``applied``), the push's first ``redo`` does nothing.
    """

    def __init__(
        self, text: str, store: CampaignStore, refresh: Callable[[], None], applied: bool
    ) -> None:
        super().__init__(text)
        self.store = store
        self.refresh = refresh
        self._skip_redo = applied

    def apply(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError

    def redo(self) -> None:
        if self._skip_redo:
            self._skip_redo = False
            return
        self.apply()
        self.refresh()

    def undo(self) -> None:
        self.revert()
        self.refresh()


class AssignCommand(_AssignmentsCommand):
    """Firms given to a team (or adviser); undo puts back each firm's previous state.

    The first assignment is made by ``TaskForceController._assign`` before the command
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
        super().__init__(text, store, refresh, applied=True)
        self.sirets = sirets
        self.team_id = team_id
        self.adviser_id = adviser_id
        self.locked = locked
        self.previous = previous

    def apply(self) -> None:
        assign_firms(
            self.store, self.sirets, self.team_id, adviser_id=self.adviser_id, locked=self.locked
        )

    def revert(self) -> None:
        restore_assignments(self.store, self.previous)


class LockCommand(_AssignmentsCommand):
    """Lock or unlock firms' assignments."""

    def __init__(
        self,
        store: CampaignStore,
        sirets: list[str],
        locked: bool,
        previous: State,
        refresh: Callable[[], None],
    ) -> None:
        text = f"{'Verrouiller' if locked else 'Déverrouiller'} {len(sirets)} établissement(s)"
        super().__init__(text, store, refresh, applied=False)
        self.sirets = sirets
        self.locked = locked
        self.previous = previous

    def apply(self) -> None:
        set_locked(self.store, self.sirets, self.locked)

    def revert(self) -> None:
        restore_assignments(self.store, self.previous)


class DivisionCommand(_AssignmentsCommand):
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
        super().__init__("Répartition automatique", store, refresh, applied=True)
        self.before = before
        self.after = after

    def apply(self) -> None:
        replace_assignments(self.store, self.after)

    def revert(self) -> None:
        replace_assignments(self.store, self.before)
