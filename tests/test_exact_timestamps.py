"""The query service's result decoding: a result column of type timestamp is read to its exact epoch ms, in C."""

from __future__ import annotations

import struct
from io import BytesIO

from cassandra import cqltypes
from cassandra.bytesio import BytesIOReader
from cassandra.deserializers import DesLongType, find_deserializer, make_deserializers
from cassandra.obj_parser import ListParser
from cassandra.parsing import ParseDesc
from cassandra.policies import ColDesc
from cassandra.protocol import ResultMessage

from core.cql.exact_timestamps import exact_timestamp_handler
from core.cql.values import cql_type_name


def _timestamp_type() -> type:
    """The type the handler's result message gives a top-level timestamp column."""
    result = exact_timestamp_handler().message_types_by_opcode[ResultMessage.opcode]
    message = result.__new__(result)
    body = (struct.pack(">ii", 0x0001, 2) + _string("ks") + _string("t")  # global table spec, two columns
            + _string("ts") + struct.pack(">H", 0x000B)
            + _string("tl") + struct.pack(">HH", 0x0020, 0x000B))  # list<timestamp>
    message.recv_results_metadata(BytesIO(body), {})
    top, nested = (column[3] for column in message.column_metadata)
    assert nested.subtypes[0] is cqltypes.DateType, "a timestamp inside a collection keeps the driver's datetime"
    return top


def _string(text: str) -> bytes:
    return struct.pack(">H", len(text)) + text.encode()


def test_a_timestamp_column_decodes_in_c_to_epoch_ms_and_keeps_its_cql_name() -> None:
    kind = _timestamp_type()
    assert cql_type_name(kind) == "timestamp"
    assert isinstance(find_deserializer(kind), DesLongType)
    assert cqltypes.lookup_casstype("LongType") is cqltypes.LongType, "the driver's registry is untouched"
    values = (0, -1, 253402300800000, -62198755200000, 2**63 - 1, -(2**63))
    page = struct.pack(">i", len(values) + 1) + b"".join(struct.pack(">iq", 8, v) for v in values)
    page += struct.pack(">i", -1)  # NULL
    desc = ParseDesc(["ts"], [kind], None, [ColDesc("ks", "t", "ts")], make_deserializers([kind]), 4)
    rows = ListParser().parse_rows(BytesIOReader(page), desc)
    assert [row[0] for row in rows] == [*values, None]


def test_the_pure_python_path_reads_the_same_ints() -> None:
    kind = _timestamp_type()
    for value in (0, -1, 253402300800000, 2**63 - 1, -(2**63)):
        assert kind.from_binary(struct.pack(">q", value), 4) == value
