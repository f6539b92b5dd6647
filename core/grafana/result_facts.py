"""What the compatibility report needs to know about a result's rows, gathered page by page as they arrive.

The report never takes a second pass over the rows: each page updates, per column, whether it holds a NULL,
whether a decimal or varint loses digits as a float64, the scylla plugin's first value-level panic, and the
distinct values of the first column (the cassandra plugin's series ids). A whole frame is one page.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from core.cql.values import base_type
from core.grafana.frames import Field, Frame

# Distinct first-column values counted exactly up to this many; past it the report says "more than".
DISTINCT_CAP = 100_000


class ColumnFacts:
    """One column's facts so far."""

    def __init__(self, item: Field, scylla: bool) -> None:
        self.has_null = False
        self.loses_digits = False
        self.scylla_panic: str | None = None  # the first value whose Go type is not the scylla field's
        kind = base_type(item.cql_type)
        self._check_digits = kind in ("decimal", "varint")
        self._scylla = _ScyllaValueCheck(item.cql_type) if scylla else None

    def add(self, values: Sequence[Any]) -> None:
        if not self.has_null and None in values:
            self.has_null = True
        if self._check_digits and not self.loses_digits:
            self.loses_digits = loses_digits(values)
        if self._scylla is not None and self.scylla_panic is None:
            self.scylla_panic = self._scylla.first_panic(values)


class ResultFacts:
    """The facts of a whole result, fed one page (a Frame of that page's rows) at a time."""

    def __init__(self, flavor: str) -> None:
        self.flavor = flavor
        self.shape: Frame | None = None  # the columns, without rows
        self.row_count = 0
        self.columns: list[ColumnFacts] = []
        self._distinct: set[Any] = set()
        self.distinct_capped = False

    @classmethod
    def of(cls, flavor: str, frame: Frame) -> ResultFacts:
        """The facts of a whole frame (one page)."""
        facts = cls(flavor)
        facts.add(frame)
        return facts

    def add(self, page: Frame) -> None:
        if self.shape is None:
            self.shape = Frame(page.name, [Field(f.name, f.cql_type, f.type, f.element, [], dict(f.labels),
                                                 f.nullable) for f in page.fields], dict(page.meta))
            self.columns = [ColumnFacts(f, self.flavor == "scylla") for f in page.fields]
        self.row_count += page.row_count
        for facts, item in zip(self.columns, page.fields, strict=True):
            facts.add(item.values)
        if self.flavor == "cassandra" and page.fields and not self.distinct_capped:
            try:
                self._distinct.update(page.fields[0].values)
            except TypeError:  # collections and UDT-like values: by their repr
                self._distinct.update(_hashable(v) for v in page.fields[0].values)
            if len(self._distinct) > DISTINCT_CAP:
                self.distinct_capped = True
                self._distinct.clear()

    def distinct_first(self) -> str:
        """How many distinct first-column values the rows hold, as text ("more than 100,000" past the cap)."""
        return f"more than {DISTINCT_CAP:,}" if self.distinct_capped else str(len(self._distinct))

    def null_columns(self) -> set[str]:
        assert self.shape is not None
        return {f.name for f, facts in zip(self.shape.fields, self.columns, strict=True) if facts.has_null}


class _ScyllaValueCheck:
    """The scylla plugin's per-value check: the first value whose Go type differs from its field's panics
    (interface conversion) in the plugin's frame append."""

    def __init__(self, cql_type: str) -> None:
        from core.grafana.plugins.go_values import GoPanic, GoTypeError, go_type, parse_cql_type
        from core.grafana.plugins.scylla_frames import element_type

        self.cql = parse_cql_type(cql_type)
        self.element = element_type(self.cql)
        try:
            go_type(self.cql)
            self.enabled = not self.cql.contains_custom()
        except (GoPanic, GoTypeError):
            self.enabled = False  # a type-level panic or an unknown type: the report says so from the type

    def first_panic(self, values: Sequence[Any]) -> str | None:
        if not self.enabled:
            return None
        from core.grafana.plugins.go_values import from_driver
        from core.grafana.plugins.scylla_frames import PANIC_ON_NULL_TYPES, to_value

        tuple_type = self.cql.name == "tuple"
        # Only a decimal's or varint's Go type depends on its value; any other type's depends on whether it is
        # NULL, so the first NULL and the first other value decide for the page.
        each_value = self.cql.name in PANIC_ON_NULL_TYPES
        seen_null = seen_value = False
        for value in values:
            if not each_value:
                if value is None:
                    if seen_null:
                        continue
                    seen_null = True
                else:
                    if seen_value:
                        continue
                    seen_value = True
            gotype, _payload = to_value(None if tuple_type else from_driver(self.cql, value), self.cql, [])
            if gotype != self.element:
                return f"interface conversion: interface {{}} is {gotype}, not {self.element}"
            if seen_null and seen_value:
                return None
        return None


def loses_digits(values: Sequence[Any]) -> bool:
    """True when a decimal or varint value is not exactly a float64."""
    for value in values:
        if value is None:
            continue
        if Decimal(float(value)) != Decimal(value):
            return True
    return False


def _hashable(value: Any) -> Any:
    """A set key for any CQL value: lists, sets, maps and UDT-like values by their repr."""
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value
