"""The query service's result decoding: a result column of type timestamp is read to its exact epoch ms, in C, and
a timestamp inside a collection, tuple or UDT to its exact datetime (or, outside the years 1 to 9999, to a
TimestampMs, an int)."""

from __future__ import annotations

import datetime as dt
import struct
from io import BytesIO
from typing import Any

from cassandra import cqltypes
from cassandra.bytesio import BytesIOReader
from cassandra.deserializers import DesLongType, find_deserializer, make_deserializers
from cassandra.obj_parser import ListParser
from cassandra.parsing import ParseDesc
from cassandra.policies import ColDesc
from cassandra.protocol import ResultMessage

from core.cql.exact_timestamps import exact_timestamp_handler
from core.cql.values import TimestampMs, cql_type_name, value_text

# (epoch ms, the datetime it is, after GNU date -u -d @seconds): years where the driver's datetime (ms / 1000.0
# seconds) is a millisecond early, and the ends of Python's years.
EXACT = [(194_792_871_470_590, dt.datetime(8142, 9, 28, 2, 57, 50, 590_000)),
         (-12_751_056_761_787, dt.datetime(1565, 12, 8, 7, 47, 18, 213_000)),
         (253_402_300_799_999, dt.datetime(9999, 12, 31, 23, 59, 59, 999_000)),
         (-62_135_596_800_000, dt.datetime(1, 1, 1)), (-1, dt.datetime(1969, 12, 31, 23, 59, 59, 999_000))]
FAR = [253_402_300_800_000, -62_135_596_800_001, 2**63 - 1, -(2**63)]  # beyond Python's years


def _column_types(*types: bytes) -> list[Any]:
    """The types the handler's result message gives columns of these protocol type options."""
    result = exact_timestamp_handler().message_types_by_opcode[ResultMessage.opcode]
    message = result.__new__(result)
    body = struct.pack(">ii", 0x0001, len(types)) + _string("ks") + _string("t")  # global table spec
    body += b"".join(_string(f"c{i}") + option for i, option in enumerate(types))
    message.recv_results_metadata(BytesIO(body), {})
    return [column[3] for column in message.column_metadata]


TIMESTAMP = struct.pack(">H", 0x000B)
LIST_OF_TIMESTAMPS = struct.pack(">HH", 0x0020, 0x000B)
MAP_OF_TIMESTAMP_TO_INT = struct.pack(">HHH", 0x0021, 0x000B, 0x0009)
TUPLE_OF_INT_AND_TIMESTAMP = struct.pack(">HHHH", 0x0031, 2, 0x0009, 0x000B)
LIST_OF_LISTS_OF_TIMESTAMPS = struct.pack(">HHH", 0x0020, 0x0020, 0x000B)


def _timestamp_type() -> type:
    """The type the handler's result message gives a top-level timestamp column."""
    top: type = _column_types(TIMESTAMP)[0]
    return top


def _cell(items: list[bytes]) -> bytes:
    """A collection's bytes (protocol v3+): the count, then each item with its length."""
    return struct.pack(">i", len(items)) + b"".join(struct.pack(">i", len(item)) + item for item in items)


def _parsed(kind: Any, cell: bytes) -> Any:
    """One cell parsed by the driver's Cython row parser, as a result page is."""
    page = struct.pack(">i", 1) + struct.pack(">i", len(cell)) + cell
    desc = ParseDesc(["c"], [kind], None, [ColDesc("ks", "t", "c")], make_deserializers([kind]), 4)
    return ListParser().parse_rows(BytesIOReader(page), desc)[0][0]


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


def test_timestamps_in_a_list_decode_exactly_in_c_and_in_python() -> None:
    kind = _column_types(LIST_OF_TIMESTAMPS)[0]
    assert cql_type_name(kind) == "list<timestamp>"
    cell = _cell([struct.pack(">q", ms) for ms, _ in EXACT] + [struct.pack(">q", ms) for ms in FAR])
    expected = [moment for _, moment in EXACT] + FAR
    for values in (_parsed(kind, cell), kind.from_binary(cell, 4)):
        assert values == expected
        assert [type(v) for v in values[len(EXACT):]] == [TimestampMs] * len(FAR)
    for ms, moment in EXACT[:2]:
        assert cqltypes.DateType.deserialize(struct.pack(">q", ms), 4) != moment, \
            "the driver's own datetime is a millisecond early here"
    assert value_text(expected, "list<timestamp>") == (
        '["8142-09-28T02:57:50.590Z","1565-12-08T07:47:18.213Z","9999-12-31T23:59:59.999Z",'
        '"0001-01-01T00:00:00.000Z","1969-12-31T23:59:59.999Z","+010000-01-01T00:00:00.000Z",'
        '"0000-12-31T23:59:59.999Z","+292278994-08-17T07:12:55.807Z","-292275055-05-16T16:47:04.192Z"]')


def test_a_map_keyed_by_timestamps_finds_its_values_by_the_exact_keys() -> None:
    """The driver's map finds a value by its key's bytes: the key must turn back into the bytes it came from."""
    kind = _column_types(MAP_OF_TIMESTAMP_TO_INT)[0]
    assert cql_type_name(kind) == "map<timestamp, int>"
    keys = [EXACT[0][0], FAR[0], EXACT[1][0]]
    cell = struct.pack(">i", len(keys)) + b"".join(
        struct.pack(">iqii", 8, ms, 4, n) for n, ms in enumerate(keys))
    for value in (_parsed(kind, cell), kind.from_binary(cell, 4)):
        assert list(value.items()) == [(EXACT[0][1], 0), (FAR[0], 1), (EXACT[1][1], 2)]
        assert value[EXACT[1][1]] == 2 and value[TimestampMs(FAR[0])] == 1
    assert value_text(_parsed(kind, cell), "map<timestamp, int>") == (
        '{"8142-09-28T02:57:50.590Z":0,"+010000-01-01T00:00:00.000Z":1,"1565-12-08T07:47:18.213Z":2}')


def test_tuples_and_nested_collections_decode_exactly() -> None:
    pair, nested = _column_types(TUPLE_OF_INT_AND_TIMESTAMP, LIST_OF_LISTS_OF_TIMESTAMPS)
    assert (cql_type_name(pair), cql_type_name(nested)) == ("frozen<tuple<int, timestamp>>",
                                                            "list<list<timestamp>>")
    cell = struct.pack(">ii", 4, 7) + struct.pack(">iq", 8, FAR[0])
    assert _parsed(pair, cell) == pair.from_binary(cell, 4) == (7, FAR[0])
    inner = _cell([struct.pack(">q", EXACT[0][0]), struct.pack(">q", FAR[1])])
    assert _parsed(nested, _cell([inner])) == nested.from_binary(_cell([inner]), 4) == [[EXACT[0][1], FAR[1]]]


def test_a_type_without_timestamps_and_the_drivers_registry_are_untouched() -> None:
    plain = struct.pack(">HH", 0x0020, 0x0009)  # list<int>
    kind = _column_types(plain)[0]
    assert kind.__name__ == "ListType(Int32Type)" and kind.subtypes == (cqltypes.Int32Type,)
    # The driver's timeuuid type is a subclass of its timestamp type: it stays a UUID, alone and in a list.
    timeuuid, timeuuids = _column_types(struct.pack(">H", 0x000F), struct.pack(">HH", 0x0020, 0x000F))
    assert timeuuid is cqltypes.TimeUUIDType and timeuuids.subtypes == (cqltypes.TimeUUIDType,)
    _column_types(LIST_OF_TIMESTAMPS, MAP_OF_TIMESTAMP_TO_INT)
    assert not [name for name in cqltypes._casstypes if "Exact" in name or name.startswith("_")]
    assert cqltypes.lookup_casstype("DateType") is cqltypes.DateType
