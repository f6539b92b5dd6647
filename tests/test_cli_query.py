"""`cqlscope render` and `cqlscope query` as a user runs them, against the real local cluster."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from tests.cql_types import EXPECTED_TEXT
from tests.support import LocalNode, run_cli

FROM, TO = "1594671549254", "1594675149254"


def test_render_prints_only_the_text_on_stdout(tmp_path: Path) -> None:
    variables = tmp_path / "vars.json"
    variables.write_text(json.dumps({"ids": ["a", "b"], "dc": {"value": ["1", "2"], "text": ["East", "West"]}}))
    result = run_cli("render", "--vars", str(variables), "--from", FROM, "--to", TO,
                     "SELECT * FROM t WHERE id IN ($ids) AND dc = '${dc:text}' AND ts > ${__from:date:iso}")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ("SELECT * FROM t WHERE id IN ({a,b}) AND dc = 'East + West' "
                             "AND ts > 2020-07-13T20:19:09.254Z\n")
    assert "glob" in result.stderr and "{a,b}" in result.stderr


def test_render_cassandra_flavor_and_report_json() -> None:
    result = run_cli("render", "--flavor", "cassandra", "--from", FROM, "--to", TO, "--report", "json",
                     "SELECT id FROM t WHERE ts >= $__timeFrom AND x = $missing")
    assert result.stdout == "SELECT id FROM t WHERE ts >= 1594671549254 AND x = $missing\n"
    findings = json.loads(result.stderr)
    assert [f["code"] for f in findings] == ["unresolved-variable"]


def test_render_with_the_panels_min_interval() -> None:
    """A day over 50 points is 28.8 min, which Grafana rounds to 30m; a panel's 2h Min interval raises it to 2h,
    and a Min interval below the computed one changes nothing."""
    day = ("--from", "1704067200000", "--to", "1704153600000", "--max-data-points", "50")
    text = "SELECT $__interval, $__interval_ms FROM t"
    assert run_cli("render", *day, text).stdout == "SELECT 30m, 1800000 FROM t\n"
    assert run_cli("render", *day, "--min-interval", "2h", text).stdout == "SELECT 2h, 7200000 FROM t\n"
    assert run_cli("render", *day, "--min-interval", "10s", text).stdout == "SELECT 30m, 1800000 FROM t\n"
    bad = run_cli("render", *day, "--min-interval", "2 hours", text)
    assert bad.returncode == 2 and "invalid interval '2 hours'" in bad.stderr and "Traceback" not in bad.stderr


def test_render_bad_input_is_explained() -> None:
    bad_time = run_cli("render", "--from", "yesterday", "x")
    assert bad_time.returncode == 2 and "'yesterday'" in bad_time.stderr and "Traceback" not in bad_time.stderr
    bad_vars = run_cli("render", "--vars", "/nonexistent/vars.json", "x")
    assert bad_vars.returncode == 2 and "cannot read" in bad_vars.stderr


@pytest.fixture
def source(cassandra: LocalNode, secret_service_env: dict[str, str]) -> str:
    assert run_cli("datasource", "add", "q", "--hosts", cassandra.host, "--flavor", "scylla").returncode == 0
    for field in ("user", "password"):
        assert run_cli("datasource", "set-secret", "q", field, "--stdin", stdin="cassandra\n").returncode == 0
    return "q"


def test_query_json_keeps_every_value_exact(source: str, every_type_table: str) -> None:
    result = run_cli("query", source, "--format", "json", f"SELECT * FROM {every_type_table} WHERE k IN (1, 2)")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout, parse_float=Decimal, parse_int=int)
    full, empty = rows
    assert full["de"] == Decimal("12345678901234567890.123456789012345")
    assert full["vi"] == 123456789012345678901234567890 and full["b"] == 9223372036854775807
    assert full["ts"] == "2024-01-02T03:04:05.678Z" and full["bl"] == "0xcafe" and full["vc"] == ""
    assert full["m"] == {"1": Decimal("1.50")} and full["ud"] == {"street": "Main", "num": 5}
    assert full["f"] == Decimal("1.1") and full["ve"] == [Decimal("1.5"), Decimal("2.25"), Decimal("-0.1")]
    assert all(value is None for name, value in empty.items() if name != "k")
    assert "2 rows" in result.stderr
    # The scylla plugin cannot scan the vector column: no rows and no panic (recorded case scylla_select_star_row1).
    assert "cannot read it" in result.stderr and "fails the whole query" not in result.stderr


def test_query_csv_keeps_null_apart_from_empty_text(source: str, every_type_table: str) -> None:
    result = run_cli("query", source, "--format", "csv", f"SELECT * FROM {every_type_table} WHERE k IN (1, 2)")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()  # text mode turned the CRLF line ends into newlines
    header = next(csv.reader(io.StringIO(lines[0])))
    values = next(csv.reader(io.StringIO(lines[1])))
    row = dict(zip(header, values, strict=True))
    for name, text in EXPECTED_TEXT.items():
        assert row[name] == text, name
    assert ',"",' in lines[1] or lines[1].endswith(',""') or '"",' in lines[1], "empty text is quoted"
    assert lines[2] == "2" + "," * (len(header) - 1), "NULLs are empty unquoted fields"


def test_query_frame_format_is_grafana_frame_json(source: str, every_type_table: str) -> None:
    result = run_cli("query", source, "--format", "frame", f"SELECT k, ts, de FROM {every_type_table} WHERE k = 1")
    frames = json.loads(result.stdout, parse_float=Decimal)
    schema, data = frames[0]["schema"], frames[0]["data"]
    assert [(f["name"], f["type"], f["typeInfo"]["frame"]) for f in schema["fields"]] == [
        ("k", "number", "int32"), ("ts", "time", "time.Time"), ("de", "number", "float64")]
    assert data["values"] == [[1], [1704164645678], [Decimal("12345678901234567890.123456789012345")]]


def test_query_pins_hosts_and_fans_out(source: str, two_node_cluster: LocalNode) -> None:
    pinned = run_cli("query", source, "--host", "127.0.0.2", "--format", "json",
                     "SELECT broadcast_address FROM system.local")
    assert pinned.returncode == 0, pinned.stderr
    assert json.loads(pinned.stdout) == [{"broadcast_address": "127.0.0.2"}]
    assert "answered by 127.0.0.2" in pinned.stderr
    fanned = run_cli("query", source, "--all-hosts", "--format", "json", "SELECT broadcast_address FROM system.local")
    assert fanned.returncode == 0, fanned.stderr
    assert json.loads(fanned.stdout) == [{"broadcast_address": "127.0.0.1", "_host": "127.0.0.1"},
                                         {"broadcast_address": "127.0.0.2", "_host": "127.0.0.2"}]


def test_query_limit_says_truncated(source: str) -> None:
    result = run_cli("query", source, "--limit", "1", "--format", "csv",
                     "SELECT keyspace_name FROM system_schema.keyspaces")
    assert result.returncode == 0
    assert len(result.stdout.splitlines()) == 2
    assert "truncated" in result.stderr


def vars_file(directory: Path) -> Path:
    path = directory / "vars.json"
    path.write_text(json.dumps({"ids": ["a", "b"]}))
    return path


def test_query_errors_are_clear(source: str, tmp_path: Path) -> None:
    syntax = run_cli("query", source, "SELEC * FROM system.local")
    assert syntax.returncode == 1 and "cql syntax error" in syntax.stderr and "line 1:0" in syntax.stderr
    table = run_cli("query", source, "SELECT * FROM system.nope")
    assert table.returncode == 1 and "nope" in table.stderr
    keyspace = run_cli("query", source, "SELECT * FROM no_such_keyspace.t")
    assert keyspace.returncode == 1 and "keyspace no_such_keyspace does not exist" in keyspace.stderr
    assert "system_schema.keyspaces" in keyspace.stderr
    glob = run_cli("query", source, "--vars", str(vars_file(tmp_path)),
                   "SELECT * FROM system.local WHERE key IN ($ids)")
    assert glob.returncode == 1 and "cql syntax error" in glob.stderr
    assert "glob" in glob.stderr and "${ids:sqlstring}" in glob.stderr, "the report explains the failure"
    rejected = run_cli("query", source, "--flavor", "cassandra", "UPDATE system.local SET key = 'x'")
    assert rejected.returncode == 1 and "not run" in rejected.stderr
    for result in (syntax, table, keyspace, glob, rejected):
        assert "Traceback" not in result.stderr


@pytest.mark.parametrize("profile", [None, b"datasources:\n  - name: [unclosed\n", b"\xff\xfe not yaml \x00"])
def test_render_needs_no_profile_and_writes_nothing(config_dir: Path, profile: bytes | None) -> None:
    if profile is not None:
        config_dir.mkdir(parents=True, exist_ok=True)
        (config_dir / "datasources.yaml").write_bytes(profile)
    before = sorted(p.name for p in config_dir.iterdir()) if config_dir.exists() else []
    result = run_cli("render", "--flavor", "cassandra", "--from", FROM, "--to", TO,
                     "SELECT v FROM t WHERE ts >= $__timeFrom")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "SELECT v FROM t WHERE ts >= 1594671549254\n"
    after = sorted(p.name for p in config_dir.iterdir()) if config_dir.exists() else []
    assert after == before, "no profile, no .bak, nothing written"
    if profile is not None:
        assert (config_dir / "datasources.yaml").read_bytes() == profile


def test_the_cli_shortens_the_gil_switch_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    """The driver decodes the next page on its own thread while the CLI converts the last one: at CPython's
    5 ms switch interval the decoder waited for the GIL and the pages came late (core/query/threads.py)."""
    import sys

    from core.cli.main import main

    before = sys.getswitchinterval()
    sys.setswitchinterval(0.005)
    try:
        assert main(["datasource", "list"]) == 0
        assert sys.getswitchinterval() <= 0.001
    finally:
        sys.setswitchinterval(before)
