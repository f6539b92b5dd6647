"""The `export` and `import` subcommands, run as a user would."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.support import run_cli


def _add(name: str, *flags: str) -> None:
    result = run_cli("datasource", "add", name, *flags)
    assert result.returncode == 0, result.stderr


def test_export_stdout_and_file(tmp_path: Path) -> None:
    _add("Cass A", "--flavor", "cassandra", "--hosts", "c1,c2", "--keyspace", "ks", "--local-dc", "dc1")
    _add("Scylla B", "--flavor", "scylla", "--hosts", "s1", "--uid", "scylla-b")
    out = run_cli("export", "--all")
    assert out.returncode == 0, out.stderr
    document = yaml.safe_load(out.stdout)
    assert [e["name"] for e in document["datasources"]] == ["Cass A", "Scylla B"]
    assert "cannot express local datacenter" in out.stderr
    target = tmp_path / "prov" / "cql.yaml"
    target.parent.mkdir()
    env = tmp_path / "grafana.env"
    out = run_cli("export", "Scylla B", "--prune", "--delete", "Old", "--env-file", str(env), "-o", str(target))
    assert out.returncode == 0, out.stderr
    assert "11.1" in out.stderr
    written = yaml.safe_load(target.read_text())
    assert written["prune"] is True and written["deleteDatasources"] == [{"name": "Old", "orgId": 1}]
    assert env.read_text().splitlines()[1:] == ["SCYLLA_B_USER=", "SCYLLA_B_PASSWORD="]


def test_export_validation_error_writes_nothing(tmp_path: Path) -> None:
    _add("A", "--flavor", "cassandra", "--hosts", "a", "--default")
    _add("B", "--flavor", "scylla", "--hosts", "b")
    target = tmp_path / "out.yaml"
    sibling = tmp_path / "other.yaml"
    sibling.write_text("apiVersion: 1\ndatasources:\n  - name: P\n    type: prometheus\n    isDefault: true\n")
    out = run_cli("export", "--all", "-o", str(target))
    assert out.returncode == 1
    assert "Only one datasource per organization can be marked as default" in out.stderr
    assert f"'P' in {sibling}" in out.stderr  # the other file of the directory is named
    assert "Traceback" not in out.stderr and not target.exists()
    assert run_cli("export", "Nope").returncode == 1


def test_import_conflicts_and_bad_yaml(tmp_path: Path) -> None:
    _add("Cass A", "--flavor", "cassandra", "--hosts", "c1")
    exported = run_cli("export", "Cass A").stdout
    path = tmp_path / "in.yaml"
    path.write_text(exported)
    out = run_cli("import", str(path))
    assert out.returncode == 1 and "choose skip, rename or replace" in out.stderr
    out = run_cli("import", str(path), "--on-conflict", "rename")
    assert out.returncode == 0, out.stderr
    assert "Cass A (imported)" in run_cli("datasource", "list").stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("apiVersion: 1\ndatasources:\n  - name: [x\n")
    out = run_cli("import", str(bad))
    assert out.returncode == 2 and "bad.yaml, line" in out.stderr and "Traceback" not in out.stderr
