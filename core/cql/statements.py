"""What a CQL statement does, from its first keyword: read, or change data or schema (so the GUI asks first).

Comments, leading whitespace and parentheses are skipped; the first keyword decides. Anything that is not known to
only read (SELECT, DESCRIBE, LIST, USE, EXPLAIN...) counts as a change, so an unknown statement is asked about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

READ_KEYWORDS = frozenset({"SELECT", "DESCRIBE", "DESC", "LIST", "USE", "EXPLAIN", "TRACING", "SHOW"})
DATA_KEYWORDS = frozenset({"INSERT", "UPDATE", "DELETE", "TRUNCATE", "BATCH", "BEGIN", "APPLY"})
SCHEMA_KEYWORDS = frozenset({"CREATE", "DROP", "ALTER"})
ACCESS_KEYWORDS = frozenset({"GRANT", "REVOKE"})

_LEADING = re.compile(r"(?:\s+|--[^\n]*(?:\n|$)|//[^\n]*(?:\n|$)|/\*.*?(?:\*/|$)|\()*", re.DOTALL)
_WORD = re.compile(r"[A-Za-z_]+")


@dataclass(frozen=True)
class StatementKind:
    """The first keyword of a statement and what it does: `read`, `data`, `schema`, `access` or `unknown`."""

    keyword: str
    effect: str

    @property
    def changes_something(self) -> bool:
        return self.effect != "read"

    def describe(self) -> str:
        """A few words for a confirmation question, e.g. "changes data (DELETE)"."""
        words = {"data": "changes data", "schema": "changes the schema", "access": "changes permissions",
                 "unknown": "may change data or schema", "read": "only reads"}
        return f"{words[self.effect]} ({self.keyword or 'no keyword'})"


def classify(text: str) -> StatementKind:
    """The kind of the statement `text` starts with (an empty text reads nothing and changes nothing)."""
    start = _LEADING.match(text)
    rest = text[start.end() if start else 0:]
    word = _WORD.match(rest)
    if word is None:
        return StatementKind("", "read" if not rest.strip() else "unknown")
    keyword = word.group(0).upper()
    if keyword in READ_KEYWORDS:
        return StatementKind(keyword, "read")
    if keyword in DATA_KEYWORDS:
        return StatementKind(keyword, "data")
    if keyword in SCHEMA_KEYWORDS:
        return StatementKind(keyword, "schema")
    if keyword in ACCESS_KEYWORDS:
        return StatementKind(keyword, "access")
    return StatementKind(keyword, "unknown")
