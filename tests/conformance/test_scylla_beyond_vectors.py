"""The emulated ScyllaDB plugin 0.5.0 on inputs the recorded vectors do not hold, against the local cluster.

Expected texts are written by hand from Go's rules (encoding/json of Go 1.24: keys sorted as text, `<>&`
escaped, []byte in base64, *inf.Dec as quoted text, time.Time in RFC 3339; gocql 1.7: NULL members become zero
values, sets come in the server's order), never computed by the code under test.
"""

from __future__ import annotations

from typing import Any

import pytest

from core.grafana.plugins import PluginRequest, instance_for

SETTINGS = {"jsonData": {"host": "127.0.0.1"}, "secureJsonData": {"user": "cassandra", "password": "cassandra"}}
NIL_ANSWER = "both response and error are nil, but one must be provided"


def _ask(instance: Any, text: Any, **fields: Any) -> dict[str, Any]:
    target = {"queryText": text, "queryHost": "", "allHosts": False, **fields}
    answer: dict[str, Any] = instance.query(PluginRequest(target=target, from_ms=0, to_ms=1))
    return answer


def _values(answer: dict[str, Any]) -> list[list[Any]]:
    values: list[list[Any]] = answer["results"]["A"]["frames"][0]["data"]["values"]
    return values


@pytest.fixture
def collections_table(admin_session: Any, scratch_keyspace: str) -> str:
    ks = scratch_keyspace
    admin_session.execute(f"CREATE TYPE {ks}.inner_t (a int, b list<int>, c decimal, d blob)")
    admin_session.execute(f"""CREATE TABLE {ks}.c (k int PRIMARY KEY, ld list<double>, mi map<int, text>,
        st set<timestamp>, mt map<timestamp, int>, lt list<frozen<tuple<int, text>>>, u frozen<inner_t>,
        lx list<text>, lf list<float>, lb list<bigint>, lv list<varint>, lti list<time>, lda list<date>,
        ldu list<duration>, li list<inet>, si set<int>, ml map<text, frozen<list<int>>>, mb map<blob, int>)""")
    admin_session.execute(f"""INSERT INTO {ks}.c (k, ld, mi, st, mt, lt, u, lx, lf, lb, lv, lti, lda, ldu, li, si,
        ml) VALUES (1, [1.5, NaN], {{9: 'nine', 10: 'ten'}},
        {{'2024-01-15 10:30:00.123+0000', '1970-01-01 00:00:00+0000'}}, {{'2024-01-15 10:30:00+0000': 1}},
        [(1, 'a'), (2, null)], {{a: 5, b: null, c: 1.50, d: 0x00ff}}, ['<&>', 'é\t'], [0.1],
        [9007199254740993], [123456789012345678901234567890], ['00:00:01'], ['2024-01-15'], [1h],
        ['::ffff:1.2.3.4'], {{5, -1, 0}}, {{'a': []}})""")
    return f"{ks}.c"


def test_collections_are_go_json_text(two_node_cluster: Any, collections_table: str) -> None:
    columns = "ld, mi, st, mt, lt, u, lx, lf, lb, lv, lti, lda, ldu, li, si, ml"
    instance = instance_for("scylladb-scylla-datasource", SETTINGS)
    try:
        answer = _ask(instance, f"SELECT {columns} FROM {collections_table} WHERE k = 1")
        assert [row[0] for row in _values(answer)] == [
            "",  # NaN: json.Marshal fails and the plugin keeps the empty text
            '{"10":"ten","9":"nine"}',
            '["1970-01-01T00:00:00Z","2024-01-15T10:30:00.123Z"]',
            '{"2024-01-15T10:30:00Z":1}',
            '[[1,"a"],[2,""]]',
            '{"a":5,"b":null,"c":"1.50","d":"AP8="}',
            '["\\u003c\\u0026\\u003e","é\\t"]',
            "[0.1]",
            "[9007199254740993]",
            "[123456789012345678901234567890]",
            "[1000000000]",
            '["2024-01-15T00:00:00Z"]',
            '[{"Months":0,"Days":0,"Nanoseconds":3600000000000}]',
            '["1.2.3.4"]',
            "[-1,0,5]",
            '{"a":[]}',
        ]
        assert any("json: unsupported value: NaN" in line for line in instance.log)
    finally:
        instance.close()


def test_a_map_keyed_by_blob_panics_even_without_rows(two_node_cluster: Any, collections_table: str) -> None:
    instance = instance_for("scylladb-scylla-datasource", SETTINGS)
    try:
        assert _ask(instance, f"SELECT k, mb FROM {collections_table} WHERE k = 999") == {"error": NIL_ANSWER}
        assert getattr(instance, "last_panic", None) == "reflect.MapOf: invalid key type []uint8"
    finally:
        instance.close()


def test_statements_gocql_refuses_or_go_reads_oddly(two_node_cluster: Any) -> None:
    empty = {"results": {"A": {"status": 200, "frames": [
        {"schema": {"name": "response", "refId": "A", "fields": []}, "data": {"values": []}}]}}}
    instance = instance_for("scylladb-scylla-datasource", SETTINGS)
    try:
        assert _ask(instance, "USE system") == empty
        assert instance.log == ["WARN use statements aren't supported. Please see https://github.com/gocql/gocql "
                                "for explanation."]
        assert _ask(instance, 5) == empty, "a number is formatted with %v and fails as CQL"
        answer = _ask(instance, "SELECT key FROM system.local", format=3)
        assert answer == {"results": {"A": {
            "status": 400, "errorSource": "", "frames": [],
            "error": "json unmarshal: json: cannot unmarshal number into Go struct field queryModel.format of "
                     "type string"}}}
        assert _ask(instance, "SELECT key FROM system.local", allHosts=None) == {"error": NIL_ANSWER}
        assert getattr(instance, "last_panic", None) == "interface conversion: interface {} is nil, not bool"
        assert instance.resource("variables", {}).status == 500
    finally:
        instance.close()


def test_a_whitelisted_session_is_reused_without_all_hosts(two_node_cluster: Any) -> None:
    """The session cache is keyed by the host string alone: once "All hosts" opened a session pinned to
    127.0.0.2, the same host without "All hosts" gets that pinned session too."""
    instance = instance_for("scylladb-scylla-datasource", SETTINGS)
    try:
        for all_hosts in (True, False, False):
            answer = _ask(instance, "SELECT broadcast_address FROM system.local", queryHost="127.0.0.2",
                          allHosts=all_hosts)
            assert _values(answer)[0] == ["127.0.0.2"]
    finally:
        instance.close()


@pytest.mark.parametrize("host, logged", [
    ("127.0.0.1:abc", 'gocql: unable to create session: strconv.Atoi: parsing "abc": invalid syntax'),
    ("[::1]", "gocql: unable to create session: failed to resolve any of the provided hostnames"),
])
def test_data_source_hosts_gocql_cannot_use(two_node_cluster: Any, host: str, logged: str) -> None:
    settings = {**SETTINGS, "jsonData": {"host": host}}
    instance = instance_for("scylladb-scylla-datasource", settings)
    try:
        assert _ask(instance, "SELECT key FROM system.local") == {"results": {"A": {"status": 200, "frames": []}}}
        assert instance.log == [f"WARN Failed getting session err={logged} host="]
    finally:
        instance.close()


def test_a_host_name_is_looked_up(two_node_cluster: Any) -> None:
    instance = instance_for("scylladb-scylla-datasource", {**SETTINGS, "jsonData": {"host": "localhost:9042"}})
    try:
        assert _values(_ask(instance, "SELECT key FROM system.local")) == [["local"]]
    finally:
        instance.close()


def test_check_health(two_node_cluster: Any) -> None:
    from core.grafana.plugins.scylla import ScyllaInstance

    healthy = ScyllaInstance(SETTINGS)
    broken = ScyllaInstance({**SETTINGS, "jsonData": {"host": ""}})
    try:
        assert healthy.check_health() == {"status": "OK", "message": "Data source is working"}
        assert broken.check_health() == {"status": "ERROR", "message": "no host supplied for connection"}
    finally:
        healthy.close()
        broken.close()
