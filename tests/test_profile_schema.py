"""The profile file's strict schema: truncation, duplicates, unknown or missing fields, old-format files."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config.datasource import ConnectionScope, DataSource, Flavor
from core.config.profile_file import ProfileFile
from core.config.secrets import SecretStore
from core.config.store import DataSourceStore
from core.errors import ProfileError

# A file exactly as the previous cqlscope (schema version 1, no end marker) wrote it.
V1_FILE = """\
# cqlscope data sources (secrets are in the system keyring, not here)
schema_version: 1
datasources:
- name: prod
  uid: cqls-0123456789abcdef0123
  flavor: scylla
  hosts:
  - 10.0.0.1
  - 10.0.0.2:19042
  port: 9042
  keyspace: metrics
  consistency: LOCAL_QUORUM
  local_dc: dc1
  protocol_version: null
  connect_timeout: 5.0
  request_timeout: 10.0
  tls_enabled: false
  tls_ca_file: ''
  tls_cert_file: ''
  tls_key_file: ''
  tls_verify_hostname: true
  scope: cluster_only
  is_default: true
  org_id: 1
  editable: false
- name: lab
  uid: lab-1
  flavor: cassandra
  hosts:
  - 127.0.0.1
  port: 9043
  keyspace: ''
  consistency: ONE
  local_dc: ''
  protocol_version: 4
  connect_timeout: 2.5
  request_timeout: 30.0
  tls_enabled: false
  tls_ca_file: ''
  tls_cert_file: ''
  tls_key_file: ''
  tls_verify_hostname: true
  scope: cluster_only
  is_default: false
  org_id: 2
  editable: false
"""

V1_EXPECTED = [
    DataSource(name="prod", uid="cqls-0123456789abcdef0123", flavor=Flavor.SCYLLA,
               hosts=["10.0.0.1", "10.0.0.2:19042"], keyspace="metrics", consistency="LOCAL_QUORUM",
               local_dc="dc1", is_default=True),
    DataSource(name="lab", uid="lab-1", flavor=Flavor.CASSANDRA, hosts=["127.0.0.1"], port=9043,
               consistency="ONE", protocol_version=4, connect_timeout=2.5, request_timeout=30.0, org_id=2),
]


def _several() -> list[DataSource]:
    return [
        DataSource(name="prod", uid="u-prod", hosts=["10.0.0.1", "10.0.0.2"], keyspace="metrics", is_default=True),
        DataSource(name="lab ünïcode", uid="u-lab", flavor=Flavor.SCYLLA, hosts=["[::1]:19042"],
                   consistency="LOCAL_QUORUM", scope=ConnectionScope.SPECIFIED_LIST, protocol_version=4),
        DataSource(name="tls", uid="u-tls", hosts=["db.example"], tls_enabled=True, tls_ca_file="/etc/ca.pem",
                   org_id=3),
        DataSource(name="10", uid="u-10", hosts=["10"], keyspace='"Quoted"', request_timeout=12.5),
    ]


def _write(config_dir: Path, text: str | bytes) -> Path:
    config_dir.mkdir(parents=True, exist_ok=True)
    path = config_dir / "datasources.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_new_files_end_with_the_count_and_the_marker(config_dir: Path) -> None:
    ProfileFile().save(_several())
    lines = (config_dir / "datasources.yaml").read_text().splitlines()
    assert lines[-2:] == ["count: 4", "# end of cqlscope profile: 4 data sources"]
    assert "schema_version: 2" in lines
    assert ProfileFile().load() == _several()


def test_every_cut_of_a_written_profile_loads_complete_or_is_refused_and_kept(
        config_dir: Path, memory_secrets: SecretStore) -> None:
    ProfileFile().save(_several())
    path = config_dir / "datasources.yaml"
    full = path.read_bytes()
    refused = 0
    for cut in range(len(full)):
        for stale in config_dir.glob("datasources.yaml.bak*"):
            stale.unlink()
        path.write_bytes(full[:cut])
        store = DataSourceStore(secrets=memory_secrets)
        try:
            store.load()
        except ProfileError as exc:
            refused += 1
            assert str(path) in exc.message
            with pytest.raises(ProfileError, match="Not saved"):
                store.add(DataSource(name="after the cut", hosts=["h"]))
            assert path.read_bytes() == full[:cut], f"the file cut at {cut} was overwritten"
            continue
        assert store.list() == _several(), f"the file cut at byte {cut} loaded incompletely"
    # Only cuts within the final newline may load (the content is all there).
    assert refused >= len(full) - 1


def test_the_v1_format_loads_and_is_upgraded_on_the_next_save(config_dir: Path, memory_secrets: SecretStore) -> None:
    path = _write(config_dir, V1_FILE)
    store = DataSourceStore(secrets=memory_secrets)
    store.load()
    assert store.list() == V1_EXPECTED
    store.add(DataSource(name="new", uid="new-1", hosts=["h"]))
    text = path.read_text()
    assert "schema_version: 2" in text
    assert text.rstrip("\n").endswith("# end of cqlscope profile: 3 data sources")
    assert (config_dir / "datasources.yaml.bak").read_text() == V1_FILE, "the old file is kept once"
    assert ProfileFile().load() == [*V1_EXPECTED, DataSource(name="new", uid="new-1", hosts=["h"])]


@pytest.mark.parametrize(("change", "message"), [
    (lambda t: t.replace("uid: lab-1", "uid: cqls-0123456789abcdef0123"), "same uid"),
    (lambda t: t.replace("name: lab", "name: prod"), "same name"),
    (lambda t: t.replace("  editable: false\n- name: lab", "  editable: false\n  colour: red\n- name: lab"),
     "unknown field 'colour'"),
    (lambda t: t.replace("  local_dc: dc1\n", ""), "lacks the field(s) local_dc"),
    (lambda t: t.replace("  port: 9043\n", "  port: 9043\n  port: 9044\n"), "'port' appears twice"),
    (lambda t: t.replace("  - 127.0.0.1\n", "  - 10\n"), "hosts: expected a list"),
    (lambda t: t.replace("port: 9043", "port: '9043'"), "port: expected a whole number"),
    (lambda t: t.replace("uid: lab-1", "uid: ../../etc"), "uid: expected 1-40"),
    (lambda t: t.replace("schema_version: 1\n", ""), "schema_version' is missing"),
    (lambda t: t + "extra: 1\n", "unknown field 'extra'"),
])
def test_schema_violations_are_refused_with_the_line(config_dir: Path, change: object, message: str) -> None:
    assert callable(change)
    text = change(V1_FILE)
    path = _write(config_dir, text)
    with pytest.raises(ProfileError) as caught:
        ProfileFile().load()
    assert message in caught.value.message
    assert f"{path}, line " in caught.value.message or "schema_version" in message
    with pytest.raises(ProfileError, match="Not saved"):
        ProfileFile().save([])
    assert path.read_text() == text


def test_a_duplicate_uid_is_refused_at_its_line(config_dir: Path) -> None:
    path = _write(config_dir, V1_FILE.replace("uid: lab-1", "uid: cqls-0123456789abcdef0123"))
    with pytest.raises(ProfileError, match=f"{path}, line 27: data sources #1 and #2 have the same uid"):
        ProfileFile().load()


def test_a_wrong_count_or_a_missing_marker_is_refused(config_dir: Path) -> None:
    ProfileFile().save(_several())
    path = config_dir / "datasources.yaml"
    full = path.read_text()
    _write(config_dir, full.replace("count: 4", "count: 3"))
    with pytest.raises(ProfileError, match="'count' says 3 but the file has 4"):
        ProfileFile().load()
    _write(config_dir, full.replace("# end of cqlscope profile: 4 data sources\n", ""))
    with pytest.raises(ProfileError, match="the last line is not"):
        ProfileFile().load()


def test_an_empty_file_is_refused_not_taken_as_no_data_sources(config_dir: Path) -> None:
    path = _write(config_dir, "")
    with pytest.raises(ProfileError, match="empty"):
        ProfileFile().load()
    assert path.read_text() == ""


def test_a_newer_schema_is_refused_without_a_backup(config_dir: Path) -> None:
    _write(config_dir, "schema_version: 3\ndatasources: []\ncount: 0\n")
    with pytest.raises(ProfileError, match="upgrade cqlscope"):
        ProfileFile().load()
    assert not (config_dir / "datasources.yaml.bak").exists()
