"""`cqlscope query --target FILE --format plugin` and `cqlscope variables`, run as a user runs them
against the local cluster loaded with the plugin vectors' data, compared with the real cassandra
plugin's recorded answers (tests/fixtures/plugins, see PROVENANCE.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conformance.plugin_cases import FIXTURES, cases, expected
from tests.support import LocalNode, run_cli

FROM, TO = "1704067200000", "1704067500000"


def _case(case_id: str) -> dict[str, Any]:
    return next(case for case in cases() if case["id"] == case_id)


def _sorted_frames(answer: dict[str, Any]) -> list[str]:
    return sorted(json.dumps(frame, sort_keys=True) for frame in answer["results"]["A"]["frames"])


def _recorded(case_id: str) -> dict[str, Any]:
    """The recorded answer with numbers kept as written (`10` and `10.0` differ), like _answer below."""
    data = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"), parse_float=str)
    answer: dict[str, Any] = next(item for item in data if item["id"] == case_id)
    return answer


def _answer(stdout: str) -> dict[str, Any]:
    answer: dict[str, Any] = json.loads(stdout, parse_float=str)
    return answer


@pytest.fixture
def source(cassandra: LocalNode, oracle_keyspace: str, secret_service_env: dict[str, str]) -> str:
    added = run_cli("datasource", "add", "c", "--flavor", "cassandra", "--hosts", cassandra.host,
                    "--keyspace", oracle_keyspace, "--consistency", "ONE")
    assert added.returncode == 0, added.stderr
    for field in ("user", "password"):
        assert run_cli("datasource", "set-secret", "c", field, "--stdin", stdin="cassandra\n").returncode == 0
    return "c"


def _target_file(tmp_path: Path, target: dict[str, Any]) -> str:
    path = tmp_path / "target.json"
    path.write_text(json.dumps(target))
    return str(path)


@pytest.mark.parametrize("case_id", ["cassandra_ts_macros", "cassandra_builder", "cassandra_alias_column"])
def test_plugin_format_answers_like_the_plugin(case_id: str, source: str, tmp_path: Path) -> None:
    case = _case(case_id)
    target = {**case["query"], "queryType": "query", "refId": "A"}
    result = run_cli("query", source, "--target", _target_file(tmp_path, target), "--format", "plugin",
                     "--from", str(case["from"]), "--to", str(case["to"]))
    assert result.returncode == 0, result.stderr
    assert _sorted_frames(_answer(result.stdout)) == _sorted_frames(_recorded(case_id)["response"])


def test_target_variables_are_interpolated_like_the_front_end(source: str, tmp_path: Path) -> None:
    variables = tmp_path / "vars.json"
    variables.write_text(json.dumps({"sensors": ["a", "b"]}))
    recorded = _case("cassandra_ts_macros")["query"]["target"]
    target = {"refId": "A", "queryType": "query", "rawQuery": True,
              "target": recorded.replace("('a', 'b')", "(${sensors:sqlstring})")}
    result = run_cli("query", source, "--target", _target_file(tmp_path, target), "--format", "plugin",
                     "--vars", str(variables), "--from", FROM, "--to", TO)
    assert result.returncode == 0, result.stderr
    assert _sorted_frames(_answer(result.stdout)) == _sorted_frames(_recorded("cassandra_ts_macros")["response"])


def test_target_globals_come_from_the_flags(source: str, tmp_path: Path) -> None:
    """${__user.login} and ${__dashboard.uid} in a target are the flags' (they were the defaults: the flags only
    reached a query typed on the command line)."""
    recorded = _case("cassandra_ts_macros")["query"]["target"]
    target = {"refId": "A", "queryType": "query", "rawQuery": True,
              "target": recorded.replace("('a', 'b')", "('${__user.login}', '${__dashboard.uid}')")}
    result = run_cli("query", source, "--target", _target_file(tmp_path, target), "--format", "plugin",
                     "--user-login", "a", "--dashboard-uid", "b", "--from", FROM, "--to", TO)
    assert result.returncode == 0, result.stderr
    assert _sorted_frames(_answer(result.stdout)) == _sorted_frames(_recorded("cassandra_ts_macros")["response"])


def test_plugin_errors_are_the_plugins(source: str, tmp_path: Path) -> None:
    case = _case("cassandra_value_decimal")
    target = {**case["query"], "queryType": "query"}
    result = run_cli("query", source, "--target", _target_file(tmp_path, target), "--format", "plugin",
                     "--from", FROM, "--to", TO)
    assert result.returncode == 0, result.stderr
    assert _answer(result.stdout) == _recorded("cassandra_value_decimal")["response"]


def test_a_failed_call_prints_the_error_and_exits_1(source: str, tmp_path: Path) -> None:
    assert run_cli("datasource", "set-secret", source, "password", "--stdin", stdin="wrong\n").returncode == 0
    target = {**_case("cassandra_bad_password")["query"], "queryType": "query"}
    result = run_cli("query", source, "--target", _target_file(tmp_path, target), "--format", "plugin",
                     "--from", FROM, "--to", TO)
    assert result.returncode == 1
    assert json.loads(result.stdout) == {"error": expected()["cassandra_bad_password"]["error"]}
    assert "wrong" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_incomplete_builder_target_is_refused_like_the_front_end(source: str, tmp_path: Path) -> None:
    target = {"refId": "A", "queryType": "query", "rawQuery": False, "keyspace": "oracle_ks", "table": "ts"}
    result = run_cli("query", source, "--target", _target_file(tmp_path, target), "--format", "plugin")
    assert result.returncode == 1
    assert json.loads(result.stdout) == {"error": "Skipping query execution while not all editor fields are filled"}


def test_target_without_plugin_format_runs_its_cql(source: str, tmp_path: Path) -> None:
    target = {**_case("cassandra_builder")["query"], "queryType": "query"}
    result = run_cli("query", source, "--target", _target_file(tmp_path, target), "--format", "json",
                     "--from", FROM, "--to", TO)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [(row["sensor"], row["value"]) for row in rows] == [
        ("a", 1.5), ("a", 2.5), ("a", 3.5), ("a", 4.5), ("a", 5.5),
        ("b", 10), ("b", 20), ("b", 30), ("b", 40), ("b", 50)]


def test_variables_lists_the_plugins_options(source: str) -> None:
    case = _case("cassandra_variables_distinct")
    recorded = expected()["cassandra_variables_distinct"]["resource"]["body_json"]
    as_json = run_cli("variables", source, "--format", "json", case["params"]["query"])
    assert as_json.returncode == 0, as_json.stderr
    options = json.loads(as_json.stdout)
    assert sorted(options, key=json.dumps) == sorted(recorded, key=json.dumps)
    as_text = run_cli("variables", source, case["params"]["query"])
    assert sorted(as_text.stdout.splitlines()) == sorted(option["value"] for option in recorded)


def test_variables_failure_is_explained(source: str) -> None:
    result = run_cli("variables", source, "INSERT INTO oracle_ks.scratch (k, v) VALUES (3, 'var')")
    assert result.returncode == 1
    assert "HTTP 500" in result.stderr
    assert "query is not a SELECT statement" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_target_files_are_explained(source: str, tmp_path: Path) -> None:
    missing = run_cli("query", source, "--target", str(tmp_path / "nope.json"), "--format", "plugin")
    assert missing.returncode == 2 and "cannot read the target file" in missing.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    result = run_cli("query", source, "--target", str(broken), "--format", "plugin")
    assert result.returncode == 2 and "is not JSON" in result.stderr and "Traceback" not in result.stderr
    neither = run_cli("query", source, "--format", "plugin")
    assert neither.returncode == 2 and "--target" in neither.stderr
