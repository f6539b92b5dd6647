"""A linear-time scanner that finds exactly what Grafana's VARIABLE_REGEX finds, match for match.

The regex (scenes `variables/constants.ts`, kept as `templating.VARIABLE_PATTERN`) is quadratic in Python
when many expressions are left open (`${a:` or `${a[` repeated): each failed attempt scans to the end of
the text again. This scanner walks the same grammar once, remembering where the next `}`, `]`, quote or
path stop lies, so a megabyte of adversarial text takes milliseconds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Protocol

_WORD = re.compile(r"\w+", re.ASCII)  # JavaScript's \w
_DOT_STOPS = ":^{}[]"  # `\.[^:^{}\[\]]+`: a dotted path part runs until one of these
# The regex's alternatives made possessive (a dotted path taken whole cannot be read another way that
# matches); the `${...}` forms without a bracketed part are whole, those that reach a `[` are marked.
_SIMPLE_ALTERNATIVES = r"\$(\w++)|\[\[(\w+?)(?::(\w++))?\]\]"
_BRACES = r"\$\{(\w++)((?:\.[^:^{}\[\]]++)*+)(?:\}|:([^}]++)\})"
_BRACKET = r"(?P<bracket>\$\{\w++(?:\.[^:^{}\[\]]++)*+(?=\[))"
_SIMPLE = re.compile(rf"{_SIMPLE_ALTERNATIVES}|(?!)(x)(x)(x)", re.ASCII)  # groups 4-6 exist, never match
_NO_BRACKETS = re.compile(f"{_SIMPLE_ALTERNATIVES}|{_BRACES}", re.ASCII)
_WITH_BRACKETS = re.compile(f"{_SIMPLE_ALTERNATIVES}|{_BRACES}|{_BRACKET}", re.ASCII)


class ExpressionMatch(Protocol):
    """What both the regex's own matches and the scanner's give: the groups of VARIABLE_PATTERN and the span."""

    def group(self, index: int, /) -> str | Any: ...

    def start(self) -> int: ...

    def end(self) -> int: ...

    def span(self) -> tuple[int, int]: ...


class VariableMatch:
    """One `${name[...]...}` expression read by the scanner, with the regex's groups (4-6 set, 1-3 None)."""

    __slots__ = ("_groups", "_span", "_text")

    def __init__(self, text: str, span: tuple[int, int], groups: tuple[str | None, ...]) -> None:
        self._text, self._span, self._groups = text, span, groups

    def group(self, index: int, /) -> str | None:
        return self._text[self._span[0]:self._span[1]] if index == 0 else self._groups[index - 1]

    def groups(self) -> tuple[str | None, ...]:
        return self._groups

    def start(self) -> int:
        return self._span[0]

    def end(self) -> int:
        return self._span[1]

    def span(self) -> tuple[int, int]:
        return self._span


class NextFinder:
    """The next position of any of some characters at or after a position, amortised linear.

    A finder remembers its last answer: no such character lies in [last query, last answer), so a later
    query inside that window is answered at once. Queries from the scanner rarely move backwards.
    """

    def __init__(self, text: str, chars: str) -> None:
        self._text = text
        self._pattern = re.compile("[" + re.escape(chars) + "]")
        self._from = 0
        self._found = -1  # nothing asked yet

    def find(self, position: int) -> int:
        """The index of the next wanted character at or after `position`, or len(text) when none."""
        if self._from <= position <= self._found:
            return self._found
        match = self._pattern.search(self._text, position)
        self._from, self._found = position, match.start() if match else len(self._text)
        return self._found


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.close_brace = NextFinder(text, "}")
        self.close_bracket = NextFinder(text, "]")
        self.double_quote = NextFinder(text, '"')
        self.single_quote = NextFinder(text, "'")
        self.plain_stop = NextFinder(text, "]\"'")
        self.dot_stop = NextFinder(text, _DOT_STOPS)

    def word_end(self, position: int) -> int:
        match = _WORD.match(self.text, position)
        return match.end() if match else position

    def dollar(self, start: int) -> VariableMatch:
        """`\\$(\\w+)`: always matches when a word character follows the `$`."""
        end = self.word_end(start + 1)
        return VariableMatch(self.text, (start, end), (self.text[start + 1:end], None, None, None, None, None))

    def brackets(self, start: int) -> VariableMatch | None:
        """`\\[\\[(\\w+?)(?::(\\w+))?\\]\\]`: the lazy name still ends where the word does."""
        text = self.text
        name_end = self.word_end(start + 2)
        if name_end == start + 2:
            return None
        name = text[start + 2:name_end]
        if text.startswith("]]", name_end):
            return VariableMatch(text, (start, name_end + 2), (None, name, None, None, None, None))
        if text.startswith(":", name_end):
            fmt_end = self.word_end(name_end + 1)
            if fmt_end > name_end + 1 and text.startswith("]]", fmt_end):
                fmt = text[name_end + 1:fmt_end]
                return VariableMatch(text, (start, fmt_end + 2), (None, name, fmt, None, None, None))
        return None

    def path_part_end(self, position: int) -> int:
        """The end of one field-path part starting at `position`, or -1 when none starts there.

        A dotted part is taken whole (shorter choices only lead back to the same stop); a bracketed part
        has one reading, chosen by the character after `[`.
        """
        text = self.text
        char = text[position:position + 1]
        if char == ".":
            end = self.dot_stop.find(position + 1)
            return end if end > position + 1 else -1
        if char != "[":
            return -1
        quote = text[position + 1:position + 2]
        if quote in ('"', "'"):
            finder = self.double_quote if quote == '"' else self.single_quote
            close = finder.find(position + 2)
            return close + 2 if text.startswith("]", close + 1) else -1
        close = self.plain_stop.find(position + 1)
        return close + 1 if text.startswith("]", close) else -1

    def braces(self, start: int) -> VariableMatch | None:
        """`\\$\\{(\\w+)(<path parts>*)(?::([^}]+))?\\}`; only the last path stop can end a match."""
        text = self.text
        name_end = self.word_end(start + 2)
        if name_end == start + 2:
            return None
        stop = name_end
        while (part_end := self.path_part_end(stop)) != -1:
            stop = part_end
        path = text[name_end:stop]
        if text.startswith("}", stop):
            return VariableMatch(text, (start, stop + 1), (None, None, None, text[start + 2:name_end], path, None))
        if text.startswith(":", stop):
            close = self.close_brace.find(stop + 1)
            if stop + 1 < close < len(text):
                fmt = text[stop + 1:close]
                groups = (None, None, None, text[start + 2:name_end], path, fmt)
                return VariableMatch(text, (start, close + 1), groups)
        return None


def scan_variables(text: str) -> Iterator[ExpressionMatch]:
    """Every expression `VARIABLE_PATTERN.finditer(text)` yields, in order, in time linear in the text.

    The regex engine finds `$name`, `[[name:fmt]]` and the `${...}` forms without a bracketed part; a `${`
    whose path reaches a `[` is read here, with the finders. No `${...}` ends after the last `}` and no
    bracketed part closes after the last `]`, so the patterns drop those alternatives past them.
    """
    last_brace, last_bracket = text.rfind("}"), text.rfind("]")
    scanner: _Scanner | None = None
    position = 0
    while True:
        if position > last_brace:
            pattern, endpos = _SIMPLE, len(text)
        else:
            pattern, endpos = (_WITH_BRACKETS if position <= last_bracket else _NO_BRACKETS), last_brace + 1
        restart = -1
        for found in pattern.finditer(text, position, endpos):
            if found.lastgroup != "bracket":
                yield found
                continue
            scanner = scanner or _Scanner(text)
            match = scanner.braces(found.start())
            if match is not None:
                yield match
            restart = match.end() if match is not None else found.start() + 1
            break
        if restart >= 0:
            position = restart
        elif endpos == len(text):
            return
        else:
            position = endpos  # on past the last `}`, where only `$name` and `[[name]]` can match


def finditer_closed(full: re.Pattern[str], rest: re.Pattern[str], text: str, close: str) -> Iterator[re.Match[str]]:
    """`full.finditer(text)` in linear time, for a pattern whose slow alternatives are `open [^close]* close`.

    Such an alternative can only fail after a long scan when no `close` follows, so `full` runs up to the last
    `close` and `rest` (the same pattern without those alternatives) after it. No match may contain `close`
    except at its end.
    """
    last = text.rfind(close)
    position = 0
    for match in full.finditer(text, 0, last + 1):
        position = match.end()
        yield match
    yield from rest.finditer(text, max(position, last + 1))
