"""The one free-name helper: the first of a series of candidate names that nothing uses yet."""

from __future__ import annotations

from collections.abc import Callable, Collection


def free_name(taken: Collection[str], first: str, numbered: Callable[[int], str], start: int = 2) -> str:
    """`first` when free, else `numbered(start)`, `numbered(start + 1)`, ... whichever is not in `taken`."""
    if first not in taken:
        return first
    counter = start
    while numbered(counter) in taken:
        counter += 1
    return numbered(counter)
