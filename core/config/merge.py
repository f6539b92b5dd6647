"""Merging one process's edit of a data source into the version another process wrote meanwhile.

A three-way merge by field: fields only this process changed take its values, fields only the other
changed keep theirs, and a field both changed to different values is a conflict (ConflictError).
"""

from __future__ import annotations

import dataclasses
from enum import StrEnum

from core.config.datasource import DataSource, printable
from core.errors import CqlscopeError

FIELDS = tuple(f.name for f in dataclasses.fields(DataSource))


class ConflictError(CqlscopeError):
    """The same fields of a data source were changed differently elsewhere since this process read it.

    `fields` names them; `mine` is this process's version, `theirs` the one on disk now (None when it was
    removed) and `base` the version this process started from. Nothing was written.
    """

    title = "Changed elsewhere"

    def __init__(self, message: str, *, fields: list[str], mine: DataSource, theirs: DataSource | None,
                 base: DataSource) -> None:
        super().__init__(message)
        self.fields = fields
        self.mine = mine
        self.theirs = theirs
        self.base = base


class Preference(StrEnum):
    """Which side wins the conflicting fields when the user has chosen."""

    MINE = "mine"
    THEIRS = "theirs"


def changed_fields(before: DataSource, after: DataSource) -> list[str]:
    """The fields whose values differ between two versions."""
    return [name for name in FIELDS if getattr(before, name) != getattr(after, name)]


def conflicting_fields(base: DataSource, mine: DataSource, theirs: DataSource) -> list[str]:
    """Fields both sides changed from `base`, to different values."""
    return [name for name in FIELDS
            if getattr(mine, name) != getattr(base, name) and getattr(theirs, name) != getattr(base, name)
            and getattr(mine, name) != getattr(theirs, name)]


def merge(base: DataSource, mine: DataSource, theirs: DataSource, prefer: Preference | None = None) -> DataSource:
    """`theirs` with the fields this process changed; ConflictError on a real conflict unless `prefer` says."""
    conflicts = conflicting_fields(base, mine, theirs)
    if conflicts and prefer is None:
        raise conflict_error(base, mine, theirs, conflicts)
    merged = theirs.copy()
    for name in changed_fields(base, mine):
        if name in conflicts and prefer == Preference.THEIRS:
            continue
        value = getattr(mine, name)
        setattr(merged, name, list(value) if isinstance(value, list) else value)
    return merged


def conflict_error(base: DataSource, mine: DataSource, theirs: DataSource | None,
                   fields: list[str]) -> ConflictError:
    """The error for a conflict, naming the fields and both values."""
    name = printable(base.name)
    if theirs is None:
        message = (f"'{name}' was removed by another cqlscope process since this one read it, so the edit was not "
                   "saved. Add it again if you still need it.")
        return ConflictError(message, fields=["(removed)"], mine=mine, theirs=None, base=base)
    details = "; ".join(f"{field}: yours {_show(getattr(mine, field))}, theirs {_show(getattr(theirs, field))}"
                        for field in fields)
    message = (f"'{name}' was changed by another cqlscope process since this one read it, and the same "
               f"field{'s' if len(fields) > 1 else ''} differ ({details}). Nothing was saved: reload and "
               "edit again.")
    return ConflictError(message, fields=fields, mine=mine, theirs=theirs, base=base)


def _show(value: object) -> str:
    if isinstance(value, str):
        return repr(printable(value))
    if isinstance(value, list):
        return "[" + ", ".join(printable(str(item)) for item in value) + "]"
    return printable(str(getattr(value, "value", value)))
