"""Validation before writing: Grafana's rules and messages, and the plugins' needs."""

from __future__ import annotations

from pathlib import Path

from core.config.datasource import ConnectionScope, DataSource, Flavor
from core.provisioning import ExportOptions, build_export
from core.provisioning.model import TOO_MANY_DEFAULTS, Severity
from core.provisioning.validation import validate_entries
from tests.provisioning_support import cassandra_full, scylla_full

GRAFANA_TWO_DEFAULTS = ("datasource.yaml config is invalid. Only one datasource per organization can be marked "
                        "as default")


def messages(datasources: list[DataSource], options: ExportOptions | None = None) -> list[str]:
    return [f.message for f in build_export(datasources, options or ExportOptions()).errors]


def two_defaults(found: list[str]) -> list[str]:
    """The one-default errors, Grafana's text (config_reader.go ErrInvalidConfigToManyDefault) first."""
    return [m for m in found if m.startswith(GRAFANA_TWO_DEFAULTS)]


def test_two_defaults_in_one_org_uses_grafanas_message() -> None:
    assert TOO_MANY_DEFAULTS == GRAFANA_TWO_DEFAULTS
    a = scylla_full()
    b = cassandra_full().copy(org_id=1, is_default=True)
    assert two_defaults(messages([a, b])) == [
        f"{GRAFANA_TWO_DEFAULTS} (org 1: 'Scylla prod' in this file, 'Cassandra analytics' in this file)"]


def test_defaults_in_different_orgs_are_fine() -> None:
    assert messages([scylla_full(), cassandra_full().copy(is_default=True)]) == []


def test_default_counted_across_files(tmp_path: Path) -> None:
    sibling = tmp_path / "other.yaml"
    sibling.write_text("apiVersion: 1\ndatasources:\n  - name: Prom\n    type: prometheus\n    isDefault: true\n")
    # every type counts, in every file of the directory (config_reader.go validateDefaultUniqueness)
    assert two_defaults(messages([scylla_full()], ExportOptions(sibling_files=[sibling]))) == [
        f"{GRAFANA_TWO_DEFAULTS} (org 1: 'Prom' in {sibling}, 'Scylla prod' in this file)"]
    merged = tmp_path / "merge.yaml"
    merged.write_text("apiVersion: 1\ndatasources:\n  - name: Loki\n    type: loki\n    isDefault: true\n")
    assert two_defaults(messages([scylla_full()], ExportOptions(merge_into=merged)))


def test_name_and_url_limits() -> None:
    long_name = scylla_full().copy(name="n" * 191, is_default=False)
    assert any("max length is 190" in m for m in messages([long_name]))
    assert messages([scylla_full().copy(name="n" * 190)]) == []
    hosts = [f"host-{i:03d}.cassandra.example.com" for i in range(10)]  # 10 x 38 characters
    assert any("max length is 255" in m for m in messages([cassandra_full().copy(hosts=hosts)]))


def test_repeated_name_updates_and_uids_are_unique_per_org() -> None:
    # datasources.go applyChanges: an entry whose (orgId, name) exists updates that data source
    entries = [{"name": "a", "type": "x", "uid": "u1", "orgId": 2}, {"name": "a", "type": "x", "uid": "u1", "orgId": 2}]
    found = validate_entries(entries)
    assert [f.severity for f in found] == [Severity.WARNING] and "used twice in org 2" in found[0].message
    # the uid is unique per org: the same uid in another org is fine, under another name in one org it is not
    assert validate_entries([{"name": "a", "uid": "u", "orgId": 1}, {"name": "b", "uid": "u", "orgId": 2}]) == []
    clash = validate_entries([{"name": "a", "uid": "u", "orgId": 1}, {"name": "b", "uid": "u", "orgId": 1}])
    assert [f.severity for f in clash] == [Severity.ERROR] and "unique per org" in clash[0].message


def test_cassandra_consistency_required() -> None:
    assert any("consistency is empty" in m for m in messages([cassandra_full().copy(consistency="")]))
    serial = cassandra_full().copy(consistency="SERIAL")
    assert any("does not offer consistency SERIAL" in m for m in messages([serial]))


def test_scylla_needs_a_host() -> None:
    # scylla 0.5.0 builds its cluster only `if hosts.Host != ""` (pkg/plugin/datasource.go), whatever the scope
    empty = DataSource(name="s", uid="s", flavor=Flavor.SCYLLA, hosts=[])
    assert any("jsonData.host is empty" in m for m in messages([empty]))
    assert any("jsonData.host is empty" in m for m in messages([empty.copy(scope=ConnectionScope.ANY)]))


def test_validate_entries_counts_org_zero_as_one() -> None:
    entries = [{"name": "a", "type": "x", "isDefault": True}, {"name": "b", "type": "y", "isDefault": True,
                                                                 "orgId": 0}]
    assert [f.message for f in validate_entries(entries)] == [
        f"{GRAFANA_TWO_DEFAULTS} (org 1: 'a' in this file, 'b' in this file)"]
