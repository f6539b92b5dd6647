"""Validation before writing: Grafana's rules and messages, and the plugins' needs."""

from __future__ import annotations

from pathlib import Path

from core.config.datasource import ConnectionScope, DataSource, Flavor
from core.provisioning import ExportOptions, build_export
from core.provisioning.model import TOO_MANY_DEFAULTS
from core.provisioning.validation import validate_entries
from tests.provisioning_support import cassandra_full, scylla_full

GRAFANA_TWO_DEFAULTS = ("datasource.yaml config is invalid. Only one datasource per organization can be marked "
                        "as default")


def messages(datasources: list[DataSource], options: ExportOptions | None = None) -> list[str]:
    return [f.message for f in build_export(datasources, options or ExportOptions()).errors]


def test_two_defaults_in_one_org_uses_grafanas_message() -> None:
    assert TOO_MANY_DEFAULTS == GRAFANA_TWO_DEFAULTS
    a = scylla_full()
    b = cassandra_full().copy(org_id=1, is_default=True)
    assert GRAFANA_TWO_DEFAULTS in messages([a, b])


def test_defaults_in_different_orgs_are_fine() -> None:
    assert messages([scylla_full(), cassandra_full().copy(is_default=True)]) == []


def test_default_counted_across_files(tmp_path: Path) -> None:
    sibling = tmp_path / "other.yaml"
    sibling.write_text("apiVersion: 1\ndatasources:\n  - name: Prom\n    type: prometheus\n    isDefault: true\n")
    assert GRAFANA_TWO_DEFAULTS in messages([scylla_full()], ExportOptions(sibling_files=[sibling]))
    merged = tmp_path / "merge.yaml"
    merged.write_text("apiVersion: 1\ndatasources:\n  - name: Loki\n    type: loki\n    isDefault: true\n")
    assert GRAFANA_TWO_DEFAULTS in messages([scylla_full()], ExportOptions(merge_into=merged))


def test_name_and_url_limits() -> None:
    long_name = scylla_full().copy(name="n" * 191, is_default=False)
    assert any("max length is 190" in m for m in messages([long_name]))
    assert messages([scylla_full().copy(name="n" * 190)]) == []
    hosts = [f"host-{i:03d}.cassandra.example.com" for i in range(10)]  # 10 x 38 characters
    assert any("max length is 255" in m for m in messages([cassandra_full().copy(hosts=hosts)]))


def test_org_and_name_unique() -> None:
    a = cassandra_full()
    b = cassandra_full().copy(uid="other")
    assert any("used twice in org 2" in m for m in messages([a, b]))
    assert messages([a, b.copy(org_id=3)]) == []


def test_cassandra_consistency_required() -> None:
    assert any("consistency is empty" in m for m in messages([cassandra_full().copy(consistency="")]))
    serial = cassandra_full().copy(consistency="SERIAL")
    assert any("does not offer consistency SERIAL" in m for m in messages([serial]))


def test_scylla_scope_needs_hosts() -> None:
    empty = DataSource(name="s", uid="s", flavor=Flavor.SCYLLA, hosts=[])
    assert any("jsonData.host is empty" in m for m in messages([empty]))
    assert messages([empty.copy(scope=ConnectionScope.ANY)]) == []


def test_validate_entries_on_raw_entries() -> None:
    entries = [{"name": "a", "type": "x", "isDefault": "true"}, {"name": "b", "type": "y", "isDefault": True,
                                                                   "orgId": 0}]
    assert [f.message for f in validate_entries(entries)] == [GRAFANA_TWO_DEFAULTS]
