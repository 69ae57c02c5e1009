"""The undo log of a fork: every change a fork makes to its lanes or material is recorded, so
a mark is a position in the log and a rollback undoes the changes made since.

Marks used to copy the fork's state (its lanes, takes, new lots and consumptions), which made
every line of a quotation cost all the lines before it; undoing costs only what is undone.
Changes set aside by a rollback can be made again (:meth:`Journal.redo`), which is how a line
goes back to its plan with Odoo's vendor after trying a faster one.
"""

from __future__ import annotations

from typing import Any, Protocol


class Keeper(Protocol):
    """What a change belongs to: it knows how to undo and redo its own changes."""

    def undo(self, change: Change) -> None:
        """Reverse ``change`` (the latest change still in force)."""

    def redo(self, change: Change) -> None:
        """Make ``change`` again, on the state it was first made on."""


# (keeper, kind, details...): kept as plain tuples, as a quote records thousands of them
Change = tuple[Any, ...]


class Journal:
    """Changes in the order they were made."""

    __slots__ = ("changes",)

    def __init__(self) -> None:
        self.changes: list[Change] = []

    def record(self, change: Change) -> None:
        """A change just made; ``change[0]`` is its :class:`Keeper`."""
        self.changes.append(change)

    def position(self) -> int:
        """Where the log is now: what :meth:`undo_to` goes back to."""
        return len(self.changes)

    def undo_to(self, position: int) -> list[Change]:
        """Undo, latest first, every change since ``position``; returns them in the order they
        were made (for :meth:`redo`)."""
        undone = self.changes[position:]
        del self.changes[position:]
        for change in reversed(undone):
            change[0].undo(change)
        return undone

    def redo(self, changes: list[Change]) -> None:
        """Make ``changes`` (from :meth:`undo_to`) again, in order."""
        for change in changes:
            change[0].redo(change)
        self.changes.extend(changes)

    def clear(self) -> None:
        """Forget every change (they are committed)."""
        self.changes = []
