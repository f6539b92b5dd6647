"""Result decoding for the query service: a result column of type timestamp arrives as its exact epoch
milliseconds (an int), the way frames hold it, instead of a datetime that is turned back into milliseconds.

The driver's own decoding stops at years 1..9999 (and its failure costs the connection), while Cassandra
and gocql hold any int64; and it divides by 1000.0, so before about 1697 and after about 2242 its datetime can
be a millisecond early. A timestamp inside a collection, tuple, UDT or vector becomes the exact datetime, or a
`TimestampMs` (an int) outside the years 1 to 9999, which the text and JSON writers write as a time.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any, ClassVar

from core.cql.values import TimestampMs, datetime_of_ms, epoch_ms


def _epoch_ms(byts: bytes, protocol_version: int) -> int:
    return int.from_bytes(byts, "big", signed=True)


def _nested_timestamp(byts: bytes, protocol_version: int) -> dt.datetime | TimestampMs:
    return datetime_of_ms(int.from_bytes(byts, "big", signed=True))


def _nested_timestamp_bytes(value: dt.datetime | int, protocol_version: int) -> bytes:
    """The inverse, exact: a map keyed by timestamps finds its values by its keys' bytes (the driver's own
    serialize goes through a float)."""
    ms = int(value) if isinstance(value, int) else epoch_ms(value)
    return ms.to_bytes(8, "big", signed=True)


def with_exact_nested(kind: Any, timestamp: Any) -> Any:
    """`kind` with each timestamp inside it (at any depth of collections, tuples, UDTs and vectors) decoded by
    `timestamp`, or `kind` itself when it holds none. The copies are named with an underscore, which keeps
    them out of the driver's type registry, and keep the CQL names and the UDT's fields and classes."""
    from cassandra import cqltypes

    if kind in (cqltypes.DateType, cqltypes.TimestampType):  # a vector's is TimestampType (not timeuuid, a
        return timestamp                                     # DateType subclass too)
    attributes: dict[str, Any] = {}
    subtypes = tuple(getattr(kind, "subtypes", None) or ())
    if subtypes:
        exact = tuple(with_exact_nested(sub, timestamp) for sub in subtypes)
        if exact != subtypes:
            attributes["subtypes"] = exact
    inner = getattr(kind, "subtype", None)  # a vector's element type
    if isinstance(inner, type) and (exact_inner := with_exact_nested(inner, timestamp)) is not inner:
        attributes["subtype"] = exact_inner
    if not attributes:
        return kind
    return type(f"_Exact{kind.__name__}", (kind,), {**attributes, "cassname": kind.cassname})


@cache
def exact_timestamp_handler() -> Any:
    """The driver's protocol handler (its Cython row parser where built) with top-level timestamps as ints.
    Underscore names keep these classes out of the driver's global type registry."""
    from cassandra import cqltypes
    from cassandra.protocol import ProtocolHandler, ResultMessage

    class _EpochMsTimestamp(cqltypes.DateType):  # type: ignore[misc]
        deserialize = staticmethod(_epoch_ms)  # the pure-Python driver's path

    class _NestedTimestamp(cqltypes.DateType):  # type: ignore[misc]
        deserialize = staticmethod(_nested_timestamp)  # in C too: the row parser calls it for a type it lacks
        serialize = staticmethod(_nested_timestamp_bytes)

    # The Cython row parser picks a column's decoder by the type's class name ("Des" + name): named after
    # bigint, the value is read straight to an int in C. Renamed after creation, it stays out of the driver's
    # registry (which is filled when a class is made), and its CQL name is still "timestamp".
    _EpochMsTimestamp.__name__ = "LongType"

    base = ProtocolHandler.message_types_by_opcode[ResultMessage.opcode]

    class _ExactResult(base):  # type: ignore[misc, valid-type]
        def recv_results_metadata(self, f: Any, user_type_map: Any) -> None:
            super().recv_results_metadata(f, user_type_map)
            columns: list[Any] | None = getattr(self, "column_metadata", None)
            if columns:
                self.column_metadata = [
                    (ks, table, name, _EpochMsTimestamp if kind is cqltypes.DateType
                     else with_exact_nested(kind, _NestedTimestamp))
                    for ks, table, name, kind in columns]

    class _ExactHandler(ProtocolHandler):  # type: ignore[misc]
        message_types_by_opcode: ClassVar[dict[int, Any]] = {**ProtocolHandler.message_types_by_opcode,
                                                             _ExactResult.opcode: _ExactResult}

    return _ExactHandler


def execute_exact(session: Any, query: Any, *, trace: bool, timeout: float, profile: Any, host: Any | None) -> Any:
    """`session.execute_async` of a statement whose pages (this one and the next) decode with
    `exact_timestamp_handler`; the session's other requests keep the driver's handler."""
    future = session._create_response_future(query, None, trace, {}, timeout, profile, None, host)
    future._protocol_handler = exact_timestamp_handler()
    session._on_request(future)
    future.send_request()
    return future
