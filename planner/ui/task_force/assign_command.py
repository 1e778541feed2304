"""Undoable manual assignment of firms to a team or an adviser, and locks.

Each command holds the change it made (the state it replaced and the state
it wrote, with versions). Undo and redo write the other state only if no one
changed these firms since; otherwise the conflict dialog shows what the
other person did and lets the user keep their own values, take the other
person's, or cancel. A command whose undo or redo was not made leaves the
stack: the firms are no longer in the state it remembers.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from planner.domain.errors import PlannerError
from planner.services.campaign.campaign_store import CampaignStore
from planner.services.shared_campaign.conflicts import Conflict, StaleVersion
from planner.services.task_force.assignment_writes import AssignmentChange
from planner.services.task_force.task_force import (
    AssignmentRow,
    assignment_versions,
    previous_assignments,
    replace_assignments,
    restore_assignments,
)

Resolver = Callable[[Conflict], str]
"""Asks the user what to do with a conflict: ``mine``, ``theirs`` or ``cancel``."""
Noter = Callable[[AssignmentChange], None]
"""Told of each change written, so that the next write names the versions it left."""


def _no_note(_change: AssignmentChange) -> None:
    return None


MAX_ROUNDS = 3
"""How many times « Garder mes modifications » is tried when others keep writing."""


class _AssignmentsCommand(QUndoCommand):
    """A change of assignments: ``apply`` and ``revert`` rewrite them, then the window refreshes.

    When the change was already made before the command is pushed
    (``applied``), the push's first ``redo`` does nothing.
    """

    def __init__(
        self,
        text: str,
        store: CampaignStore,
        refresh: Callable[[], None],
        applied: bool,
        resolve: Resolver,
        noted: Noter = _no_note,
    ) -> None:
        super().__init__(text)
        self.store = store
        self.refresh = refresh
        self.resolve = resolve
        self.noted = noted
        # Where other refusals are told (the window sets it; French messages).
        self.warn: Callable[[str], None] = lambda _message: None
        self._skip_redo = applied
        self.last_conflict: Conflict | None = None

    def apply(self, force: bool) -> None:
        raise NotImplementedError

    def revert(self, force: bool) -> None:
        raise NotImplementedError

    def _write(self, step: Callable[[bool], None]) -> None:
        """Run ``step``; on a conflict ask the user, and write over theirs only if asked."""
        force = False
        for _ in range(MAX_ROUNDS):
            try:
                step(force)
                return
            except StaleVersion as exc:
                self.last_conflict = exc.conflict
                if self.resolve(exc.conflict) != "mine":
                    break
                force = True
            except PlannerError as exc:  # a team deleted meanwhile, the server busy…
                self.warn(str(exc))
                break
        # Their values stay: this command no longer describes the firms' state.
        self.setObsolete(True)

    def redo(self) -> None:
        if self._skip_redo:
            self._skip_redo = False
            return
        self._write(self.apply)
        self.refresh()

    def undo(self) -> None:
        self._write(self.revert)
        self.refresh()


class AssignCommand(_AssignmentsCommand):
    """Firms given to a team (or adviser), or taken out of it; undo puts back each
    firm's previous state, redo the assignment, each time only over the state it left.

    The first assignment is made by ``TaskForceController._assign`` before the
    command is pushed (so that a refused assignment never enters the stack).
    """

    def __init__(
        self,
        store: CampaignStore,
        change: AssignmentChange,
        text: str,
        refresh: Callable[[], None],
        resolve: Resolver,
        noted: Noter = _no_note,
    ) -> None:
        super().__init__(text, store, refresh, applied=True, resolve=resolve, noted=noted)
        self.change = change

    def _flip(self, force: bool) -> None:
        change = self.change
        if force:
            # Keep mine: expect the versions there are now, whoever wrote them.
            current = previous_assignments(self.store, list(change.before))
            change = AssignmentChange(before=change.before, after=current)
        flipped = restore_assignments(self.store, change)
        # What the next step puts back is this command's own state, not the values
        # another person had written over it (the user chose to keep theirs).
        self.change = AssignmentChange(before=self.change.after, after=flipped.after)
        self.noted(flipped)

    def apply(self, force: bool) -> None:
        self._flip(force)

    def revert(self, force: bool) -> None:
        self._flip(force)


class LockCommand(AssignCommand):
    """Firms' assignments locked or unlocked (made before the push, like an assignment)."""


class DivisionCommand(_AssignmentsCommand):
    """An automatic division; undo puts back every assignment as it was before it.

    The division itself runs before the command is pushed; the command holds
    both snapshots and the versions the last rewrite left, so undo and redo
    are rewrites of the assignments refused when someone changed one since.
    """

    def __init__(
        self,
        store: CampaignStore,
        before: list[AssignmentRow],
        after: list[AssignmentRow],
        versions: dict[str, int],
        refresh: Callable[[], None],
        resolve: Resolver,
    ) -> None:
        super().__init__("Répartition automatique", store, refresh, applied=True, resolve=resolve)
        self.before = before
        self.after = after
        self.versions = versions

    def _rewrite(self, rows: list[AssignmentRow], force: bool) -> None:
        expected = assignment_versions(self.store) if force else self.versions
        self.versions = replace_assignments(self.store, rows, expected)

    def apply(self, force: bool) -> None:
        self._rewrite(self.after, force)

    def revert(self, force: bool) -> None:
        self._rewrite(self.before, force)
