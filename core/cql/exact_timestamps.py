"""Result decoding for the query service: a result column of type timestamp arrives as its exact epoch
milliseconds (an int), the way frames hold it, instead of a datetime that is turned back into milliseconds.

The driver's own decoding stops at years 1..9999 (and its failure costs the connection), while Cassandra
and gocql hold any int64. Only the result's own columns change: a timestamp inside a collection, tuple or
UDT keeps the driver's datetime, which the text and JSON writers already read.
"""

from __future__ import annotations

from functools import cache
from typing import Any, ClassVar


def _epoch_ms(byts: bytes, protocol_version: int) -> int:
    return int.from_bytes(byts, "big", signed=True)


@cache
def exact_timestamp_handler() -> Any:
    """The driver's protocol handler (its Cython row parser where built) with top-level timestamps as ints.
    Underscore names keep these classes out of the driver's global type registry."""
    from cassandra import cqltypes
    from cassandra.protocol import ProtocolHandler, ResultMessage

    class _EpochMsTimestamp(cqltypes.DateType):  # type: ignore[misc]
        deserialize = staticmethod(_epoch_ms)  # the pure-Python driver's path

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
                    (ks, table, name, _EpochMsTimestamp if kind is cqltypes.DateType else kind)
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
