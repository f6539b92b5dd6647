"""Export: golden files for both flavors in placeholder and inline modes, options, merging, env files."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
import yaml

from core.config.datasource import DataSource, Flavor
from core.provisioning import ExportOptions, SecretsMode, build_export, write_export
from core.provisioning.model import PRUNE_NOTE, ProvisioningError, Severity, variable_prefix
from tests.provisioning_support import SECRETS, cassandra_full, check_golden, scylla_full


def lookup(ds: DataSource, field: str) -> str | None:
    return SECRETS.get((ds.uid, field))


def test_placeholders_golden(tmp_path: Path) -> None:
    result = build_export([scylla_full(), cassandra_full()], ExportOptions(env_file=tmp_path / "grafana.env"))
    assert result.errors == []
    check_golden("provisioning_placeholders.yaml", result.text)
    assert result.env_text is not None
    check_golden("provisioning_placeholders.env", result.env_text)


def test_inline_golden() -> None:
    result = build_export([scylla_full(), cassandra_full()], ExportOptions(secrets=SecretsMode.INLINE), lookup)
    assert result.errors == []
    check_golden("provisioning_inline.yaml", result.text)
    assert any("plain text" in f.message for f in result.warnings)
    assert result.has_inline_secrets


def test_mapping_per_flavor() -> None:
    document = yaml.safe_load(build_export([scylla_full(), cassandra_full()], ExportOptions()).text)
    scylla, cassandra = document["datasources"]
    assert scylla["type"] == "scylladb-scylla-datasource" and "url" not in scylla
    # scylla 0.5.0 (pkg/plugin/datasource.go editModel) reads jsonData.host only
    assert scylla["jsonData"] == {"host": "10.0.0.1"}
    assert scylla["secureJsonData"] == {"user": "$SCYLLA_PROD_USER", "password": "$SCYLLA_PROD_PASSWORD"}
    assert cassandra["url"] == "c1.example:9142;c2.example:9142"
    assert cassandra["jsonData"]["rootPath"] == "/etc/grafana/tls/client.key"  # rootPath is the client KEY
    assert cassandra["jsonData"]["certPath"] == "/etc/grafana/tls/client.pem"
    assert cassandra["jsonData"]["user"] == "$CASSANDRA_ANALYTICS_USER"
    assert cassandra["jsonData"]["timeout"] == 30
    assert cassandra["secureJsonData"] == {"password": "$CASSANDRA_ANALYTICS_PASSWORD"}
    assert cassandra["orgId"] == 2 and cassandra["access"] == "proxy" and cassandra["version"] == 1


def test_placeholder_names_and_override() -> None:
    assert variable_prefix("Scylla prod") == "SCYLLA_PROD"
    assert variable_prefix("scylla-prod (eu)") == "SCYLLA_PROD_EU"
    assert variable_prefix("1st") == "DS_1ST"
    result = build_export([scylla_full()], ExportOptions(variable_prefixes={"Scylla prod": "GF_SCY"}))
    assert "password: $GF_SCY_PASSWORD\n" in result.text
    bad = build_export([scylla_full()], ExportOptions(variable_prefixes={"Scylla prod": "GF-SCY"}))
    assert any("not a variable name" in f.message for f in bad.errors)


def test_placeholder_collision_is_an_error() -> None:
    a = DataSource(name="scylla prod", uid="a", flavor=Flavor.SCYLLA, hosts=["h"])
    b = DataSource(name="Scylla-Prod", uid="b", flavor=Flavor.SCYLLA, hosts=["h"])
    result = build_export([a, b], ExportOptions())
    assert any("SCYLLA_PROD_USER" in f.message for f in result.errors)


def test_unexpressible_settings_warn() -> None:
    scylla = scylla_full().copy(keyspace="ks", consistency="QUORUM", local_dc="dc1", protocol_version=4,
                                connect_timeout=3.0, request_timeout=20.0)
    cassandra = cassandra_full().copy(local_dc="dc1", protocol_version=4)
    result = build_export([scylla, cassandra], ExportOptions())
    warned = [(f.subject, f.message.rsplit(" (", 1)[0].split(" (", 1)[0] if "(s)" not in f.message
               else f.message.split(" (")[0] + " (s)") for f in result.findings if f.severity == Severity.WARNING]
    for label in ("keyspace", "consistency", "local datacenter", "protocol version", "connect timeout (s)",
                  "request timeout (s)"):
        assert ("Scylla prod", f"the scylla 0.5.0 plugin cannot express {label}") in warned
    for label in ("local datacenter", "protocol version"):
        assert ("Cassandra analytics", f"the cassandra 3.3.0 plugin cannot express {label}") in warned
    assert not any(ds == "Cassandra analytics" and "keyspace" in m for ds, m in warned)


def test_delete_and_prune() -> None:
    result = build_export([cassandra_full()], ExportOptions(delete=[("Old", 1)], prune=True))
    document = yaml.safe_load(result.text)
    assert list(document) == ["apiVersion", "deleteDatasources", "prune", "datasources"]
    assert document["deleteDatasources"] == [{"name": "Old", "orgId": 1}]
    assert document["prune"] is True
    assert any(f.message == PRUNE_NOTE for f in result.findings)
    assert "11.1" in PRUNE_NOTE


def test_merge_keeps_other_entries_and_updates_ours(tmp_path: Path) -> None:
    existing = tmp_path / "datasources.yaml"
    existing.write_text(
        "apiVersion: 1\n"
        "deleteDatasources:\n  - name: Gone\n    orgId: 1\n"
        "datasources:\n"
        "  - name: Prometheus\n    type: prometheus\n    url: http://prom:9090\n"
        "  - name: Cassandra analytics\n    type: hadesarchitect-cassandra-datasource\n    orgId: 2\n"
        "    url: old:9042\n    jsonData:\n      consistency: ONE\n"
        "  - name: Cassandra analytics\n    type: hadesarchitect-cassandra-datasource\n    orgId: 3\n"
        "    url: other-org:9042\n    jsonData:\n      consistency: ONE\n", encoding="utf-8")
    result = build_export([cassandra_full(), scylla_full()],
                          ExportOptions(merge_into=existing, delete=[("Old", 1)]))
    assert result.errors == []
    document = yaml.safe_load(result.text)
    names = [(e["name"], e.get("orgId")) for e in document["datasources"]]
    assert names == [("Prometheus", None), ("Cassandra analytics", 2), ("Cassandra analytics", 3),
                     ("Scylla prod", 1)]
    assert document["datasources"][1]["url"] == "c1.example:9142;c2.example:9142"
    assert document["datasources"][2]["url"] == "other-org:9042"
    assert document["deleteDatasources"] == [{"name": "Gone", "orgId": 1}, {"name": "Old", "orgId": 1}]


def test_write_modes(tmp_path: Path) -> None:
    env = tmp_path / "grafana.env"
    out = tmp_path / "prov" / "cql.yaml"
    result = build_export([scylla_full()], ExportOptions(env_file=env, write_secrets_to_env_file=True), lookup)
    write_export(result, out, env)
    assert stat.S_IMODE(env.stat().st_mode) == 0o600
    assert "SCYLLA_PROD_USER=grafana_ro\n" in env.read_text()
    assert "SCYLLA_PROD_PASSWORD='s3cr3t: '\\''quoted'\\'''\n" in env.read_text()
    assert "grafana_ro" not in out.read_text()
    inline = build_export([scylla_full()], ExportOptions(secrets=SecretsMode.INLINE), lookup)
    write_export(inline, out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_errors_write_nothing(tmp_path: Path) -> None:
    bad = cassandra_full().copy(consistency="")
    result = build_export([bad], ExportOptions())
    out = tmp_path / "x.yaml"
    with pytest.raises(ProvisioningError):
        write_export(result, out)
    assert not out.exists()
