"""Provisioning read and written as Grafana and the released plugins do; every expected value comes from
their sources, cited next to it, never from cqlscope.

Grafana: pkg/services/provisioning/values/values.go (interpolateValue, the typed values),
pkg/services/provisioning/datasources/{types.go,config_reader.go}, pkg/setting/expanders.go, and
gopkg.in/yaml.v3 resolve.go. Plugins: scylla v0.5.0 pkg/plugin/datasource.go; cassandra cc6b21f
pkg/settings.go and pkg/main.go.
"""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest
import yaml

from core.config.datasource import DataSource, Flavor
from core.config.secrets import SecretStore
from core.config.store import DataSourceStore
from core.provisioning import ExportOptions, SecretsMode, build_export, import_file, plan_import, read_provisioning_file
from core.provisioning.envexpand import expand
from core.provisioning.model import ProvisioningFileError, Severity
from tests.provisioning_support import scylla_full


def write(tmp_path: Path, text: str, name: str = "f.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


CASS = "    type: hadesarchitect-cassandra-datasource\n    url: c1:9042\n"


# -- expansion ------------------------------------------------------------------------------------

def test_braced_variable_is_expanded_twice_plain_once() -> None:
    # interpolateValue: setting.ExpandVar (`${X}` -> value) then os.ExpandEnv on the result, so the `$sw0rd`
    # inside the value is expanded again (unset: ""); a plain `$X` is left to os.ExpandEnv alone, once.
    env = {"PW": "Pa$sw0rd"}
    assert expand("${PW}", env) == "Pa"
    assert expand("$PW", env) == "Pa$sw0rd"
    assert expand("$__env{PW}", env) == "Pa"
    assert expand("Pa$$sw0rd", env) == "Pa$sw0rd"  # split on "$$", joined with "$"


def test_hostname_falls_back_only_in_grafanas_expander() -> None:
    # expanders.go envExpander: `if s == "HOSTNAME" && envValue == ""` -> os.Hostname(); os.ExpandEnv has no such rule
    assert expand("${HOSTNAME}", {}) == socket.gethostname()
    assert expand("$__env{HOSTNAME}", {}) == socket.gethostname()
    assert expand("$HOSTNAME", {}) == ""
    assert expand("${HOSTNAME}", {"HOSTNAME": "set"}) == "set"


def test_exported_placeholders_keep_dollar_passwords(config_dir: Path, memory_secrets: SecretStore,
                                                     tmp_path: Path) -> None:
    ds = DataSource(name="Cass", uid="cass", hosts=["c1"])
    result = build_export([ds], ExportOptions())
    document = yaml.safe_load(result.text)
    assert document["datasources"][0]["secureJsonData"] == {"password": "$CASS_PASSWORD"}
    assert document["datasources"][0]["jsonData"]["user"] == "$CASS_USER"
    store = DataSourceStore(config_dir, memory_secrets)
    import_file(store, write(tmp_path, result.text), None, {"CASS_PASSWORD": "Pa$sw0rd", "CASS_USER": "u$er"})
    assert memory_secrets.get("cass", "password") == "Pa$sw0rd"
    assert memory_secrets.get("cass", "user") == "u$er"


def test_inline_dollar_is_doubled() -> None:
    ds = DataSource(name="Cass", uid="cass", hosts=["c1"])
    result = build_export([ds], ExportOptions(secrets=SecretsMode.INLINE),
                          lambda d, field: "Pa$sw0rd" if field == "password" else None)
    assert yaml.safe_load(result.text)["datasources"][0]["secureJsonData"] == {"password": "Pa$$sw0rd"}
    assert expand("Pa$$sw0rd", {}) == "Pa$sw0rd"


def test_delete_names_are_expanded(config_dir: Path, memory_secrets: SecretStore, tmp_path: Path) -> None:
    # deleteDatasourceConfigV1.Name is a values.StringValue (types.go)
    path = write(tmp_path, "apiVersion: 1\ndeleteDatasources:\n  - name: $OLD\n    orgId: 1\n")
    parsed = read_provisioning_file(path, {"OLD": "Legacy"})
    assert parsed.deletes == [{"name": "Legacy", "orgId": 1}]
    plan = plan_import(DataSourceStore(config_dir, memory_secrets), parsed, None)
    assert any("deletes 'Legacy'" in f.message for f in plan.findings)


# -- YAML typing ----------------------------------------------------------------------------------

def test_string_fields_keep_the_yaml_text(tmp_path: Path) -> None:
    # yaml.v3 decodes a scalar into a Go string as its source text; PyYAML would give 511 and True
    path = write(tmp_path, "apiVersion: 1\ndatasources:\n  - name: 0777\n" + CASS +
                 "    uid: yes\n    jsonData:\n      consistency: ONE\n    secureJsonData:\n      password: 0777\n")
    entry = read_provisioning_file(path, {}).entries[0]
    assert (entry["name"], entry["uid"], entry["secureJsonData"]["password"]) == ("0777", "yes", "0777")


def test_json_data_goes_through_yaml_v3s_resolver(tmp_path: Path) -> None:
    # jsonData is map[string]interface{}: yaml.v3 resolve() keeps `yes` a string (YAML 1.2 booleans only),
    # but reads 0777 as octal 511 ("Octals from the 1.1 spec ... are still decoded by default in v3")
    path = write(tmp_path, "apiVersion: 1\ndatasources:\n  - name: c\n" + CASS + "    jsonData:\n"
                 "      consistency: ONE\n      keyspace: yes\n      user: 0777\n      certPath: '0777'\n"
                 "      timeout: 0x10\n      caPath: 2024-01-02\n      allowInsecureTLS: True\n")
    json_data = read_provisioning_file(path, {}).entries[0]["jsonData"]
    assert json_data == {"consistency": "ONE", "keyspace": "yes", "user": 511, "certPath": "0777", "timeout": 16,
                         "caPath": "2024-01-02", "allowInsecureTLS": True}


def test_expanded_strings_the_plugin_cannot_decode_are_named(config_dir: Path, memory_secrets: SecretStore,
                                                            tmp_path: Path) -> None:
    # cassandra pkg/settings.go: Timeout *int, UseCustomTLS bool; main.go wraps json.Unmarshal's error
    path = write(tmp_path, "apiVersion: 1\ndatasources:\n  - name: c\n" + CASS + "    jsonData:\n"
                 "      consistency: ONE\n      timeout: $T\n      useCustomTLS: \"true\"\n      user: 0777\n")
    plan = plan_import(DataSourceStore(config_dir, memory_secrets), read_provisioning_file(path, {"T": "10"}), None)
    messages = [f.message for f in plan.findings if f.severity == Severity.WARNING]
    assert any(m.startswith('jsonData.timeout is the string "10" after expansion') and
               "Failed to parse connection parameters: json: cannot unmarshal string into Go struct field "
               "dataSourceSettings.timeout of type int" in m for m in messages)
    assert any(m.startswith('jsonData.useCustomTLS is the string "true"') and
               "cannot unmarshal string into Go struct field dataSourceSettings.UseCustomTLS of type bool" in m
               for m in messages)
    assert any("cannot unmarshal number into Go struct field dataSourceSettings.user of type string" in m
               for m in messages)


def test_fractional_timeout_fails_whole_one_decodes(config_dir: Path, memory_secrets: SecretStore,
                                                    tmp_path: Path) -> None:
    # Grafana stores jsonData as JSON: 10.0 is the number 10, which decodes into a Go int; 10.5 does not
    store = DataSourceStore(config_dir, memory_secrets)
    for value, fails in (("10.0", False), ("10.5", True)):
        path = write(tmp_path, "apiVersion: 1\ndatasources:\n  - name: c\n" + CASS +
                     f"    jsonData:\n      consistency: ONE\n      timeout: {value}\n")
        plan = plan_import(store, read_provisioning_file(path, {}), None)
        failed = [f for f in plan.findings if "cannot unmarshal number 10.5 into Go struct field "
                  "dataSourceSettings.timeout of type int" in f.message]
        assert bool(failed) == fails


def test_invalid_top_level_bool_rejects_the_file(tmp_path: Path) -> None:
    # values.BoolValue: strconv.ParseBool(interpolated) and the error fails the whole yaml.Unmarshal
    path = write(tmp_path, "apiVersion: 1\ndatasources:\n  - name: c\n" + CASS + "    isDefault: yes\n")
    with pytest.raises(ProvisioningFileError, match=re.escape('strconv.ParseBool: parsing "yes": invalid syntax')):
        read_provisioning_file(path, {})
    path = write(tmp_path, "apiVersion: 1\ndatasources:\n  - name: c\n" + CASS + "    isDefault: $FLAG\n")
    assert read_provisioning_file(path, {"FLAG": "t"}).entries[0]["isDefault"] is True
    with pytest.raises(ProvisioningFileError, match='parsing "": invalid syntax'):
        read_provisioning_file(path, {})
    path = write(tmp_path, "apiVersion: 1\ndatasources:\n  - name: c\n" + CASS + "    orgId: two\n")
    with pytest.raises(ProvisioningFileError, match=re.escape('strconv.ParseInt: parsing "two": invalid syntax')):
        read_provisioning_file(path, {})


def test_merge_keeps_other_entries_text(tmp_path: Path) -> None:
    existing = write(tmp_path, "apiVersion: 1\ndatasources:\n  - name: Other\n    type: x\n    isDefault: false\n"
                     "    jsonData:\n      mode: 0777\n      flag: yes\n    secureJsonData:\n      password: 0777\n")
    result = build_export([DataSource(name="Cass", uid="cass", hosts=["c1"])], ExportOptions(merge_into=existing))
    assert result.errors == []
    assert "    mode: 0777\n" in result.text and "    flag: 'yes'\n" in result.text
    assert "    password: 0777\n" in result.text
    merged = read_provisioning_file(write(tmp_path, result.text, "out.yaml"), {}).entries[0]
    assert merged["jsonData"] == {"mode": 511, "flag": "yes"} and merged["secureJsonData"] == {"password": "0777"}


def test_strings_go_would_retype_are_quoted() -> None:
    ds = DataSource(name="1e3", uid="0o17", flavor=Flavor.CASSANDRA, hosts=["c1"], keyspace="true")
    result = build_export([ds], ExportOptions())
    entry = yaml.safe_load(result.text)["datasources"][0]
    assert "name: '1e3'" in result.text and "uid: '0o17'" in result.text
    assert (entry["name"], entry["uid"], entry["jsonData"]["keyspace"]) == ("1e3", "0o17", "true")


# -- Grafana's rules ------------------------------------------------------------------------------

def test_name_limit_is_in_bytes() -> None:
    # datasource.go: len(cmd.Name) > maxDatasourceNameLen (190); Go's len counts bytes
    ok = DataSource(name="é" * 95, uid="a", hosts=["h"])  # 190 bytes
    long = DataSource(name="é" * 96, uid="b", hosts=["h"])  # 96 characters, 192 bytes
    assert build_export([ok], ExportOptions()).errors == []
    assert any("max length is 190 bytes (it has 192 bytes" in f.message
               for f in build_export([long], ExportOptions()).errors)


def test_repeated_name_in_one_org_updates(config_dir: Path, memory_secrets: SecretStore, tmp_path: Path) -> None:
    path = write(tmp_path, "apiVersion: 1\ndatasources:\n"
                 "  - name: c\n" + CASS + "    jsonData: {consistency: ONE, keyspace: first}\n"
                 "  - name: c\n" + CASS + "    jsonData: {consistency: ONE, keyspace: second}\n")
    store = DataSourceStore(config_dir, memory_secrets)
    plan, done = import_file(store, path, None, {})
    assert done == ["c"] and store.get("c").keyspace == "second"
    assert not plan.errors


def test_one_default_counts_every_type_and_names_the_other_file(tmp_path: Path) -> None:
    sibling = write(tmp_path, "apiVersion: 1\ndatasources:\n  - name: Loki\n    type: loki\n    isDefault: true\n",
                    "loki.yaml")
    ds = DataSource(name="Cass", uid="cass", hosts=["c1"], is_default=True)
    errors = build_export([ds], ExportOptions(sibling_files=[sibling])).errors
    assert [f.message for f in errors] == [
        "datasource.yaml config is invalid. Only one datasource per organization can be marked as default "
        f"(org 1: 'Loki' in {sibling}, 'Cass' in this file)"]


# -- the released plugins -------------------------------------------------------------------------

def test_scylla_050_gets_one_contact_point_and_nothing_it_ignores() -> None:
    # v0.5.0 getDatasourceSettings: editModel{Host}, gocql.NewCluster(hosts.Host), secureData user/password
    result = build_export([scylla_full()], ExportOptions())
    entry = yaml.safe_load(result.text)["datasources"][0]
    assert entry["jsonData"] == {"host": "10.0.0.1"}
    assert set(entry["secureJsonData"]) == {"user", "password"}
    warnings = [f.message for f in result.warnings if f.subject == "Scylla prod"]
    assert any("only the first contact point (10.0.0.1) is written" in m for m in warnings)
    assert any(m.startswith("scylla 0.5.0 ignores TLS (use TLS, CA certificate, client certificate, client key, "
                            "verify server certificate off)") for m in warnings)
    assert any(m.startswith("scylla 0.5.0 ignores the connection scope (specified_list)") for m in warnings)


@pytest.mark.parametrize(("hosts", "port", "written"), [
    (["fd00::3"], 9042, "fd00::3"),  # gocql: SplitHostPort fails, ParseIP succeeds; "[fd00::3]" alone would not
    (["[fd00::3]:9043"], 9042, "[fd00::3]:9043"),
    (["s1"], 9043, "s1:9043"),
])
def test_scylla_host_forms(hosts: list[str], port: int, written: str) -> None:
    ds = DataSource(name="s", uid="s", flavor=Flavor.SCYLLA, hosts=hosts, port=port)
    assert yaml.safe_load(build_export([ds], ExportOptions()).text)["datasources"][0]["jsonData"] == {
        "host": written}


def test_scylla_import_warns_about_what_the_release_would_do(config_dir: Path, memory_secrets: SecretStore,
                                                             tmp_path: Path) -> None:
    path = write(tmp_path, "apiVersion: 1\ndatasources:\n  - name: s\n    type: scylladb-scylla-datasource\n"
                 "    jsonData:\n      host: s1,s2\n      enableTls: \"true\"\n    secureJsonData:\n      user: u\n")
    plan = plan_import(DataSourceStore(config_dir, memory_secrets), read_provisioning_file(path, {}), None)
    warnings = [f.message for f in plan.findings if f.severity == Severity.WARNING]
    assert "scylla 0.5.0 ignores jsonData.enableTls: not imported" in warnings
    assert any("whole to gocql, which looks it up as one DNS name and fails" in m for m in warnings)
    assert any("only when both secureJsonData.user and password are set" in m for m in warnings)


def test_cassandra_keys_match_the_330_settings_struct() -> None:
    # pkg/settings.go dataSourceSettings tags (matched case-insensitively by encoding/json)
    struct_tags = {"keyspace", "user", "password", "consistency", "certPath", "rootPath", "caPath", "useCertContent",
                   "timeout", "UseCustomTLS", "allowInsecureTLS", "allowedAuthenticators"}
    ds = DataSource(name="c", uid="c", hosts=["c1"], keyspace="ks", tls_enabled=True, tls_ca_file="/ca",
                    tls_cert_file="/cert", tls_key_file="/key", tls_verify_hostname=False)
    entry = yaml.safe_load(build_export([ds], ExportOptions()).text)["datasources"][0]
    lowered = {tag.lower() for tag in struct_tags}
    assert all(key.lower() in lowered for key in entry["jsonData"])
    assert entry["jsonData"]["allowInsecureTLS"] is True and entry["jsonData"]["useCustomTLS"] is True
    assert isinstance(entry["jsonData"]["timeout"], int)


def test_duplicate_keys_reject_the_file_and_merge_keys_merge(tmp_path: Path) -> None:
    # yaml.v3 decode.go: `mapping key "name" already defined at line N`; `<<` merges a mapping's keys
    path = write(tmp_path, "apiVersion: 1\ndatasources:\n  - name: a\n    name: b\n" + CASS)
    with pytest.raises(ProvisioningFileError, match='line 4: mapping key "name" already defined at line 3'):
        read_provisioning_file(path, {})
    path = write(tmp_path, "apiVersion: 1\ncommon: &common\n  consistency: ONE\n  keyspace: ks\ndatasources:\n"
                 "  - name: c\n" + CASS + "    jsonData:\n      <<: *common\n      keyspace: other\n")
    assert read_provisioning_file(path, {}).entries[0]["jsonData"] == {"consistency": "ONE", "keyspace": "other"}


@pytest.mark.parametrize(("text", "go_value"), [
    # yaml.v3 resolve.go: the resolveMap table, then strconv.ParseInt(s, 0, 64) (leading 0 is octal),
    # ParseUint, yamlStyleFloat; YAML 1.1 words and sexagesimal numbers stay strings
    ("0777", 511), ("+12", 12), ("-0x10", -16), ("1_000", 1000), ("0o17", 15), ("0b101", 5),
    ("9223372036854775808", 9223372036854775808), ("1e3", 1000.0), (".5", 0.5), ("08", 8.0),
    ("yes", "yes"), ("on", "on"), ("True", True), ("FALSE", False), ("~", None), ("null", None),
    ("1:20", "1:20"), ("0b102", "0b102"), ("2024-01-02", "2024-01-02"),
])
def test_yaml_v3_plain_scalars(text: str, go_value: object) -> None:
    from core.provisioning.goyaml import resolve_plain

    assert resolve_plain(text) == go_value and type(resolve_plain(text)) is type(go_value)
