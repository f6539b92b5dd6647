"""Import: v1 and v0 files, Grafana's variable expansion, secrets in a real keyring, conflict choices."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from core.config.datasource import ConnectionScope, DataSource, Flavor
from core.config.secrets import SecretStore
from core.config.store import DataSourceStore
from core.provisioning import ConflictChoice, ProvisioningError, import_file, plan_import, read_provisioning_file
from core.provisioning.envexpand import ExpansionError, expand
from core.provisioning.model import DEPRECATED_V0, ProvisioningFileError, Severity, uid_from_name

V1 = """\
apiVersion: 1
datasources:
  - name: Scylla prod
    type: scylladb-scylla-datasource
    uid: scylla-prod
    orgId: 0
    isDefault: true
    editable: true
    jsonData:
      host: 10.0.0.1:9043
      connectionScope: specified_list
      enableTls: true
      tlsSkipVerify: true
    secureJsonData:
      user: ${SCYLLA_USER}
      password: $__file{PASSWORD_FILE}
  - name: Cassandra analytics
    type: hadesarchitect-cassandra-datasource
    url: c1:9142;c2:9142
    jsonData:
      keyspace: metrics
      consistency: LOCAL_QUORUM
      user: $__env{CASS_USER}
      timeout: 30
      useCustomTLS: true
      allowInsecureTLS: true
      caPath: $CA_FILE
    secureJsonData:
      password: pa$$word
  - name: Prometheus
    type: prometheus
    url: http://prom:9090
"""

V0 = """\
datasources:
  - name: Legacy cassandra
    type: hadesarchitect-cassandra-datasource
    url: legacy:9042
    org_id: 1
    is_default: true
    json_data:
      consistency: ONE
      user: $NOT_EXPANDED
    secure_json_data:
      password: old-secret
delete_datasources:
  - name: Gone
    org_id: 1
"""


@pytest.fixture
def v1_file(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    ca = tmp_path / "ca.pem"
    ca.write_text("CA\n")
    secret = tmp_path / "password.txt"
    secret.write_text("  from-a-file\n")
    path = tmp_path / "v1.yaml"
    path.write_text(V1.replace("PASSWORD_FILE", str(secret)))
    return path, {"CA_FILE": str(ca), "SCYLLA_USER": "scylla_ro", "CASS_USER": "analyst"}


def test_expansion_like_grafana(tmp_path: Path) -> None:
    env = {"A": "1", "B": "two"}
    secret = tmp_path / "s"
    secret.write_text("\n  content \n")
    assert expand("$A-${B}-$__env{A}", env) == "1-two-1"
    assert expand("$UNSET|${UNSET}|$__env{UNSET}", env) == "||"
    assert expand("pa$$word", env) == "pa$word"
    assert expand("$$A and $$$A", env) == "$A and $1"
    assert expand(f"$__file{{{secret}}}", env) == "content"
    assert expand("no variables, $ alone", env) == "no variables, $ alone"
    # Grafana's wording (values.go + setting/expanders.go): the file expander's os.Stat error
    with pytest.raises(ExpansionError, match=r"failed to interpolate value .*got error while expanding expander "
                                             r"file: stat .*missing: no such file or directory"):
        expand(f"$__file{{{tmp_path / 'missing'}}}", env)


def test_v1_import_maps_back(config_dir: Path, memory_secrets: SecretStore,
                             v1_file: tuple[Path, dict[str, str]]) -> None:
    path, env = v1_file
    store = DataSourceStore(config_dir, memory_secrets)
    plan, done = import_file(store, path, None, env)
    assert done == ["Scylla prod", "Cassandra analytics"]
    assert any("type 'prometheus'" in f.message for f in plan.findings)
    scylla = store.get("Scylla prod")
    assert scylla.flavor == Flavor.SCYLLA and scylla.uid == "scylla-prod"
    assert scylla.hosts == ["10.0.0.1"] and scylla.port == 9043
    # scylla 0.5.0 reads only jsonData.host (pkg/plugin/datasource.go): scope and TLS keys are ignored
    assert scylla.scope == ConnectionScope.CLUSTER_ONLY and not scylla.tls_enabled and scylla.tls_verify_hostname
    ignored = {f.message for f in plan.findings if f.subject == "Scylla prod"}
    for key in ("connectionScope", "enableTls", "tlsSkipVerify"):
        assert f"scylla 0.5.0 ignores jsonData.{key}: not imported" in ignored
    assert scylla.org_id == 1 and scylla.is_default and scylla.editable
    cassandra = store.get("Cassandra analytics")
    assert cassandra.uid == uid_from_name("Cassandra analytics")
    assert cassandra.hosts == ["c1", "c2"] and cassandra.port == 9142
    assert (cassandra.keyspace, cassandra.consistency, cassandra.request_timeout) == ("metrics", "LOCAL_QUORUM", 30.0)
    assert not cassandra.tls_verify_hostname and cassandra.tls_ca_file == env["CA_FILE"]
    assert memory_secrets.get("scylla-prod", "user") == "scylla_ro"
    assert memory_secrets.get("scylla-prod", "password") == "from-a-file"
    assert memory_secrets.get(cassandra.uid, "user") == "analyst"
    assert memory_secrets.get(cassandra.uid, "password") == "pa$word"


def test_uid_from_name_matches_grafana() -> None:
    # Grafana: strings.ToUpper(fmt.Sprintf("P%x", sha256(name)[:8]))
    assert uid_from_name("Cassandra analytics").startswith("P") and len(uid_from_name("x")) == 17


def test_v0_file_with_warning_and_no_expansion(config_dir: Path, memory_secrets: SecretStore,
                                               tmp_path: Path) -> None:
    path = tmp_path / "v0.yaml"
    path.write_text(V0)
    parsed = read_provisioning_file(path, {"NOT_EXPANDED": "x"})
    assert parsed.api_version == 0
    assert any(f.severity == Severity.WARNING and DEPRECATED_V0 in f.message for f in parsed.findings)
    store = DataSourceStore(config_dir, memory_secrets)
    plan = plan_import(store, parsed, None)
    assert any("deletes 'Gone'" in f.message for f in plan.findings)
    from core.provisioning import apply_import

    apply_import(store, plan)
    legacy = store.get("Legacy cassandra")
    assert legacy.is_default and legacy.consistency == "ONE"
    assert memory_secrets.get(legacy.uid, "user") == "$NOT_EXPANDED"
    assert memory_secrets.get(legacy.uid, "password") == "old-secret"


@pytest.mark.keyring
def test_secrets_land_in_real_keyring_never_in_profile(config_dir: Path, real_secrets: SecretStore,
                                                       v1_file: tuple[Path, dict[str, str]]) -> None:
    path, env = v1_file
    store = DataSourceStore(config_dir, real_secrets)
    import_file(store, path, None, env)
    assert real_secrets.get("scylla-prod", "password") == "from-a-file"
    assert real_secrets.get("scylla-prod", "user") == "scylla_ro"
    cassandra = store.get("Cassandra analytics")
    assert real_secrets.get(cassandra.uid, "user") == "analyst"
    assert real_secrets.get(cassandra.uid, "password") == "pa$word"
    profile = store.profile.path.read_text()
    for secret in ("from-a-file", "scylla_ro", "analyst", "pa$word"):
        assert secret not in profile
    entries = yaml.safe_load(profile)["datasources"]
    assert all("user" not in e and "password" not in e for e in entries)


def _existing(store: DataSourceStore) -> None:
    store.add(DataSource(name="Scylla prod", uid="local-scylla", flavor=Flavor.SCYLLA, hosts=["old"]))
    store.add(DataSource(name="Other", uid=uid_from_name("Cassandra analytics"), hosts=["x"]))
    store.set_secret("Scylla prod", "password", "old-password")


def test_conflicts_are_reported_without_a_choice(config_dir: Path, memory_secrets: SecretStore,
                                                 v1_file: tuple[Path, dict[str, str]]) -> None:
    path, env = v1_file
    store = DataSourceStore(config_dir, memory_secrets)
    _existing(store)
    before = store.profile.path.read_text()
    with pytest.raises(ProvisioningError, match="choose skip, rename or replace"):
        import_file(store, path, None, env)
    assert store.profile.path.read_text() == before
    plan = plan_import(store, read_provisioning_file(path, env), None)
    assert len(plan.conflicts) == 2


def test_conflict_skip(config_dir: Path, memory_secrets: SecretStore, v1_file: tuple[Path, dict[str, str]]) -> None:
    path, env = v1_file
    store = DataSourceStore(config_dir, memory_secrets)
    _existing(store)
    _, done = import_file(store, path, ConflictChoice.SKIP, env)
    assert done == []
    assert store.names() == ["Scylla prod", "Other"] and store.get("Scylla prod").hosts == ["old"]


def test_conflict_rename(config_dir: Path, memory_secrets: SecretStore, v1_file: tuple[Path, dict[str, str]]) -> None:
    path, env = v1_file
    store = DataSourceStore(config_dir, memory_secrets)
    _existing(store)
    _, done = import_file(store, path, ConflictChoice.RENAME, env)
    assert done == ["Scylla prod (imported)", "Cassandra analytics"]
    renamed = store.get("Scylla prod (imported)")
    assert renamed.uid == "scylla-prod" and renamed.hosts == ["10.0.0.1"]
    assert store.get("Cassandra analytics").uid != uid_from_name("Cassandra analytics")  # uid was taken
    assert store.get("Scylla prod").hosts == ["old"]
    assert memory_secrets.get("local-scylla", "password") == "old-password"


def test_conflict_replace(config_dir: Path, memory_secrets: SecretStore,
                          v1_file: tuple[Path, dict[str, str]]) -> None:
    path, env = v1_file
    store = DataSourceStore(config_dir, memory_secrets)
    _existing(store)
    _, done = import_file(store, path, ConflictChoice.REPLACE, env)
    assert done == ["Scylla prod", "Cassandra analytics"]
    assert store.names() == ["Scylla prod", "Cassandra analytics"]
    assert store.get("Scylla prod").uid == "scylla-prod"
    assert memory_secrets.get("local-scylla", "password") is None  # the replaced one's secrets are gone


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("apiVersion: 1\ndatasources:\n  - name: [x\n    type: y\n")
    with pytest.raises(ProvisioningFileError, match=r"bad\.yaml, line \d+"):
        read_provisioning_file(path)


def test_invalid_entry_imports_nothing(config_dir: Path, memory_secrets: SecretStore, tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("apiVersion: 1\ndatasources:\n"
                    "  - name: ok\n    type: hadesarchitect-cassandra-datasource\n    url: a:9042\n"
                    "    jsonData: {consistency: ONE}\n"
                    "  - name: bad\n    type: hadesarchitect-cassandra-datasource\n    url: b:9042\n")
    store = DataSourceStore(config_dir, memory_secrets)
    with pytest.raises(ProvisioningError, match="consistency"):
        import_file(store, path, None, {})
    assert store.names() == []


def test_tls_paths_of_another_machine_are_kept_with_a_warning(
    config_dir: Path, memory_secrets: SecretStore, v1_file: tuple[Path, dict[str, str]]
) -> None:
    path, env = v1_file
    env = {**env, "CA_FILE": "/etc/grafana/certs/not-here.pem"}
    store = DataSourceStore(config_dir, memory_secrets)
    plan, done = import_file(store, path, None, env)
    assert "Cassandra analytics" in done
    assert store.get("Cassandra analytics").tls_ca_file == "/etc/grafana/certs/not-here.pem"
    warnings = [f.message for f in plan.findings if f.severity == Severity.WARNING]
    assert any("not-here.pem" in w and "cannot be read" in w for w in warnings)
