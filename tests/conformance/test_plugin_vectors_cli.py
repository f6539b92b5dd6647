"""Every recorded plugin answer whose settings a cqlscope data source can hold, reproduced end to end through
`cqlscope query NAME --target FILE --format plugin` (and `cqlscope variables`): the case's settings are
imported like a provisioning entry, the data source's settings as Grafana would pass them must equal the
recorded ones, and the printed JSON must equal the recorded answer (tests/fixtures/plugins, PROVENANCE.md)."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest

from core.cli.main import main
from core.config.datasource import Flavor
from core.config.secrets import SecretStore
from core.config.workspace import Workspace
from core.provisioning.mapping import from_entry
from core.query.plugin_answers import grafana_settings
from tests.conformance.plugin_cases import cases, expected

pytestmark = [pytest.mark.cassandra, pytest.mark.keyring]

TYPES = {"scylla": ("scylladb-scylla-datasource", Flavor.SCYLLA),
         "cassandra": ("hadesarchitect-cassandra-datasource", Flavor.CASSANDRA)}


def _meaningful(settings: dict[str, Any]) -> dict[str, Any]:
    """Settings without empty values (Go reads a missing key and its zero value alike)."""
    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items() if v not in ("", None, False, {})}
        return value

    cleaned = clean(settings)
    assert isinstance(cleaned, dict)
    return cleaned


def _frames_sorted(answer: dict[str, Any]) -> Any:
    if "results" not in answer:
        return answer
    results = {}
    for ref_id, result in answer["results"].items():
        result = dict(result)
        result["frames"] = sorted(result.get("frames") or [], key=lambda f: json.dumps(f, sort_keys=True))
        results[ref_id] = result
    return {"results": results}


def _run(capsys: pytest.CaptureFixture[str], args: list[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(args)
    return code, capsys.readouterr().out


def test_representable_vectors_through_the_cli(oracle_keyspace: str, secret_service_env: dict[str, str],
                                               real_secrets: SecretStore, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    checked, mismatches = 0, []
    for index, case in enumerate(cases()):
        if case.get("verbatim") or case.get("repeat"):
            continue  # sent as written, or state across requests: not what the front end sends once
        # One config directory per case, as a user with that one data source would have.
        case_dir = tmp_path / f"config-{index}"
        monkeypatch.setenv("CQLSCOPE_CONFIG_DIR", str(case_dir))
        with contextlib.closing(Workspace(case_dir, real_secrets)) as workspace:
            workspace.store.load()
            checked += _check_case(case, index, workspace, tmp_path, capsys, mismatches)
    print(f"{checked} vectors checked through the CLI")
    assert checked >= 150, f"only {checked} cases could be expressed as cqlscope data sources"
    assert mismatches == []


def _check_case(case: dict[str, Any], index: int, workspace: Workspace, tmp_path: Path,
                capsys: pytest.CaptureFixture[str], mismatches: list[str]) -> int:
    """Run one case through the CLI; 1 when it was checked (its mismatch recorded), 0 when not expressible."""
    plugin_type, flavor = TYPES[case["plugin"]]
    settings = case["settings"]
    entry = {"name": f"v{index}", "type": plugin_type, "url": settings.get("url", ""),
             "jsonData": settings.get("jsonData", {}), "secureJsonData": settings.get("secureJsonData", {})}
    try:
        mapped = from_entry(entry, flavor)
        ds = workspace.store.add(mapped.datasource, check_files=False)
    except Exception:
        return 0  # settings a cqlscope data source cannot hold (the emulation tests cover them)
    for field, value in mapped.secrets.items():
        workspace.store.set_secret(ds.name, field, value)
    if _meaningful(grafana_settings(workspace, ds)) != _meaningful(dict(settings)):
        return 0
    recorded = expected()[case["id"]]
    if "resource" in case:
        if case["resource"] != "variables":
            return 0  # the CLI serves the variables resource only
        query = (case.get("params") or {}).get("query", "")
        code, out = _run(capsys, ["variables", ds.name, query, "--format", "json"])
        body = recorded["resource"]
        if body["status"] == 200:
            got = sorted(json.dumps(o, sort_keys=True) for o in json.loads(out))
            want = sorted(json.dumps(o, sort_keys=True) for o in json.loads(body["body"]))
            if code != 0 or got != want:
                mismatches.append(case["id"])
        elif code == 0:
            mismatches.append(case["id"])
        return 1
    target = {**case["query"], "refId": "A", "queryType": "alert" if case.get("alerting") else "query"}
    path = tmp_path / f"{case['id']}.json"
    path.write_text(json.dumps(target))
    code, out = _run(capsys, ["query", ds.name, "--target", str(path), "--format", "plugin", "--from",
                              str(case["from"]), "--to", str(case["to"]), "--max-data-points",
                              str(case["maxDataPoints"])])
    answer = json.loads(out)
    want = {"error": recorded["error"]} if recorded.get("error") is not None else recorded["response"]
    if _frames_sorted(answer) != _frames_sorted(want) or code != (1 if "error" in want else 0):
        mismatches.append(case["id"])
    return 1
