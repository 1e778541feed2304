"""Errors that reach the user, with a French message that says what and where."""

from __future__ import annotations


class PlannerError(Exception):
    """Base of every error whose message is meant for the user (in French)."""


class InputError(PlannerError):
    """Bad input in a file: says what is wrong and where (file, line, column).

    Attributes:
        file: the file's name as the user knows it.
        line: 1-based line number in the file (the header is line 1), if known.
        column: the column's name (or letter, in a workbook), if known.
        reason: what is wrong, in French.
    """

    def __init__(
        self,
        reason: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: str | None = None,
    ) -> None:
        self.reason = reason
        self.file = file
        self.line = line
        self.column = column
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The whole message: where, then what."""
        where = []
        if self.file:
            where.append(f"fichier {self.file}")
        if self.line is not None:
            where.append(f"ligne {self.line}")
        if self.column:
            where.append(f"colonne {self.column}")
        prefix = ", ".join(where)
        return f"{prefix[:1].upper()}{prefix[1:]} : {self.reason}" if prefix else self.reason


class Cancelled(PlannerError):
    """The user cancelled a long task; nothing was saved."""

    def __init__(self) -> None:
        super().__init__("Opération annulée : la campagne est restée telle qu'elle était.")
