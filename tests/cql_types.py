"""A row of every CQL type Cassandra 5.0 has, and the exact texts and frame types cqlscope must give."""

ALL_TYPES_DDL = """CREATE TABLE {ks}.every_type (k int PRIMARY KEY, a ascii, b bigint, bl blob, bo boolean,
 d date, de decimal, do double, du duration, f float, i inet, s smallint, t text, ti time, ts timestamp,
 tu timeuuid, ty tinyint, u uuid, vc varchar, vi varint, l list<int>, st set<text>, m map<int, decimal>,
 tup tuple<int, text>, ud frozen<addr>, ve vector<float, 3>, fl frozen<list<map<text, int>>>)"""

ALL_TYPES_ROW = """INSERT INTO {ks}.every_type (k, a, b, bl, bo, d, de, do, du, f, i, s, t, ti, ts, tu, ty, u, vc,
 vi, l, st, m, tup, ud, ve, fl) VALUES (1, 'asc', 9223372036854775807, 0xcafe, true, '2024-02-29',
 12345678901234567890.123456789012345, 1.1, 1mo2d3h4m5s6ms7us8ns, 1.1, '::1', 32767, 'héllo',
 '13:14:15.123456789', '2024-01-02T03:04:05.678Z', 13fa3d20-e8fe-11f1-8a8e-2b12f51130f8, -128,
 6ab09bec-e68e-48d9-a5f8-97e6fb4c9b47, '', 123456789012345678901234567890, [1,2], {{'a','b'}}, {{1: 1.50}},
 (1, 'x'), {{street: 'Main', num: 5}}, [1.5, 2.25, -0.1], [{{'a': 1}}])"""

EXPECTED_TEXT = {
    "a": "asc", "b": "9223372036854775807", "bl": "0xcafe", "bo": "true", "d": "2024-02-29",
    "de": "12345678901234567890.123456789012345", "do": "1.1", "du": "1mo2d3h4m5s6ms7us8ns", "f": "1.1",
    "i": "::1", "s": "32767", "t": "héllo", "ti": "13:14:15.123456789", "ts": "2024-01-02T03:04:05.678Z",
    "tu": "13fa3d20-e8fe-11f1-8a8e-2b12f51130f8", "ty": "-128", "u": "6ab09bec-e68e-48d9-a5f8-97e6fb4c9b47",
    "vc": "", "vi": "123456789012345678901234567890", "l": "[1,2]", "st": '["a","b"]', "m": '{"1":1.50}',
    "tup": '[1,"x"]', "ud": '{"street":"Main","num":5}', "ve": "[1.5,2.25,-0.1]", "fl": '[{"a":1}]',
}

EXPECTED_TYPES = {
    "ts": ("time", "time.Time"), "b": ("number", "int64"), "k": ("number", "int32"), "s": ("number", "int16"),
    "ty": ("number", "int8"), "f": ("number", "float32"), "do": ("number", "float64"),
    "de": ("number", "float64"), "vi": ("number", "float64"), "bo": ("boolean", "bool"),
    "t": ("string", "string"), "u": ("string", "string"), "bl": ("string", "string"),
    "l": ("other", "json.RawMessage"), "ud": ("other", "json.RawMessage"), "ve": ("other", "json.RawMessage"),
}
