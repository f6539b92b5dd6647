"""The data source model: validation messages, host parsing, option parsing and (de)serialization."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config.datasource import ConnectionScope, DataSource, Flavor, split_host_port, validate
from core.config.options import OPTIONS, OPTIONS_BY_NAME


def messages(ds: DataSource, others: list[DataSource] | None = None) -> dict[str, str]:
    return dict(validate(ds, others or []))


def test_a_complete_data_source_is_valid() -> None:
    ds = DataSource(name="prod", hosts=["10.0.0.1", "10.0.0.2:9142"], keyspace="metrics")
    assert validate(ds) == []
    assert ds.endpoints() == [("10.0.0.1", 9042), ("10.0.0.2", 9142)]


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"name": ""}, "name", "the name is empty"),
        ({"name": "x" * 191}, "name", "at most 190"),
        ({"port": 0}, "port", "out of range"),
        ({"port": 70000}, "port", "use 1-65535"),
        ({"consistency": "SOMETIMES"}, "consistency", "unknown consistency 'SOMETIMES'"),
        ({"consistency": ""}, "consistency", "fails without one"),
        ({"consistency": "SERIAL"}, "consistency", "the cassandra plugin does not offer SERIAL"),
        ({"hosts": []}, "hosts", "no contact point"),
        ({"hosts": ["db:99999"]}, "hosts", "bad port"),
        ({"keyspace": "has space"}, "keyspace", "is not a keyspace name"),
        ({"protocol_version": 2}, "protocol_version", "use auto, 3, 4 or 5"),
        ({"connect_timeout": 0.0}, "connect_timeout", "above 0"),
        ({"uid": "bad uid!"}, "uid", "1-40 characters"),
        ({"org_id": 0}, "org_id", "1 or more"),
    ],
)
def test_bad_settings_get_a_message_naming_the_fix(changes: dict[str, object], field: str, fragment: str) -> None:
    ds = DataSource(name="prod", hosts=["127.0.0.1"]).copy(**changes)
    found = messages(ds)
    assert field in found, found
    assert fragment in found[field]


def test_duplicate_name_and_second_default_of_an_org_are_rejected() -> None:
    first = DataSource(name="prod", hosts=["h"], is_default=True)
    second = DataSource(name="prod", hosts=["h"], is_default=True)
    found = messages(second, [first])
    assert "already exists" in found["name"]
    assert "already the default of org 1" in found["is_default"]
    assert validate(second.copy(name="other", org_id=2), [first]) == []


def test_scylla_scope_needs_hosts_unless_any() -> None:
    ds = DataSource(name="s", flavor=Flavor.SCYLLA, hosts=[], scope=ConnectionScope.SPECIFIED_LIST)
    assert "scope specified_list needs at least one host" in messages(ds)["hosts"]
    assert validate(ds.copy(scope=ConnectionScope.ANY)) == []
    assert "consistency" not in messages(ds.copy(consistency="SERIAL", scope=ConnectionScope.ANY))


def test_tls_files_must_be_readable_and_cert_needs_key(tmp_path: Path) -> None:
    cert = tmp_path / "client.pem"
    cert.write_text("x")
    ds = DataSource(name="t", hosts=["h"], tls_enabled=True, tls_ca_file=str(tmp_path / "missing.pem"),
                    tls_cert_file=str(cert))
    found = messages(ds)
    assert "cannot be read" in found["tls_ca_file"]
    assert "set the client key too" in found["tls_key_file"]
    # With TLS off the paths are kept but not checked.
    assert validate(ds.copy(tls_enabled=False)) == []


@pytest.mark.parametrize(
    ("entry", "expected"),
    [("db1", ("db1", 9042)), ("db1:9142", ("db1", 9142)), ("[::1]:9000", ("::1", 9000)),
     ("[::1]", ("::1", 9042)), ("fe80::1", ("fe80::1", 9042))],
)
def test_host_entries(entry: str, expected: tuple[str, int]) -> None:
    assert split_host_port(entry, 9042) == expected


def test_round_trip_through_dict_keeps_every_field() -> None:
    ds = DataSource(name="n", flavor=Flavor.SCYLLA, hosts=["a", "b:1"], port=1234, keyspace="k",
                    consistency="QUORUM", local_dc="dc1", protocol_version=4, connect_timeout=2.5,
                    request_timeout=30, tls_enabled=True, tls_ca_file="/ca", tls_cert_file="/c",
                    tls_key_file="/k", tls_verify_hostname=False, scope=ConnectionScope.ANY,
                    is_default=True, org_id=3, editable=True)
    assert DataSource.from_dict(ds.to_dict()) == ds


def test_options_cover_every_user_setting_and_parse_text() -> None:
    model_fields = set(DataSource("x").to_dict()) - {"name", "uid"}
    assert {spec.name for spec in OPTIONS} == model_fields
    assert OPTIONS_BY_NAME["hosts"].parse(" a, b:9142 ,") == ["a", "b:9142"]
    assert OPTIONS_BY_NAME["protocol_version"].parse("auto") is None
    assert OPTIONS_BY_NAME["protocol_version"].parse("4") == 4
    assert OPTIONS_BY_NAME["flavor"].parse("scylla") == Flavor.SCYLLA
    with pytest.raises(ValueError, match="Port: 'abc' is not a valid value"):
        OPTIONS_BY_NAME["port"].parse("abc")
    with pytest.raises(ValueError, match="not one of"):
        OPTIONS_BY_NAME["consistency"].parse("MAYBE")
    assert OPTIONS_BY_NAME["connect_timeout"].format(DataSource("x")) == "5"
