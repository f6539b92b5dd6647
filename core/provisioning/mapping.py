"""Translation between the flavor-neutral DataSource and each plugin's provisioning entry.

The plugins' confusing names stay here, at the edge: the cassandra plugin's `rootPath` is the client
*key* path, and its `user` lives in jsonData although it is a credential.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core.config.datasource import (
    DEFAULT_PORT,
    ConnectionScope,
    DataSource,
    Flavor,
    parse_hosts,
    split_host_port,
)
from core.provisioning.model import ACCESS, DEFAULT_ORG_ID, VERSION, Finding, Severity, uid_from_name

PLUGIN_FLAVORS = {flavor.plugin_id: flavor for flavor in Flavor}


def format_endpoint(host: str, port: int) -> str:
    """`host:port`, with IPv6 addresses in brackets."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def scylla_hosts(ds: DataSource) -> str:
    """The scylla plugin's `host`: the contact points as a comma list, ports only when not 9042."""
    parts = []
    for entry in ds.hosts:
        host, port = split_host_port(entry, ds.port)
        if port == DEFAULT_PORT:
            parts.append(f"[{host}]" if ":" in host else host)
        else:
            parts.append(format_endpoint(host, port))
    return ",".join(parts)


def cassandra_url(ds: DataSource) -> str:
    """The cassandra plugin's `url`: `host:port` entries joined by `;`."""
    return ";".join(format_endpoint(*split_host_port(entry, ds.port)) for entry in ds.hosts)


def secret_variables(prefix: str) -> dict[str, str]:
    """Environment variable names of the secrets of one data source, by field."""
    return {"user": f"{prefix}_USER", "password": f"{prefix}_PASSWORD"}


def escape_dollars(text: str) -> str:
    """A literal value as Grafana must read it: every `$` doubled, so nothing is taken for a variable."""
    return text.replace("$", "$$")


def to_entry(ds: DataSource, secrets: Mapping[str, str]) -> dict[str, Any]:
    """The provisioning entry of `ds`; `secrets` holds the text to write for each secret (already escaped value,
    or a `${VAR}` placeholder). Other literal strings are escaped here."""
    entry = _entry(ds.copy(name=escape_dollars(ds.name), uid=escape_dollars(ds.uid),
                           hosts=[escape_dollars(h) for h in ds.hosts], keyspace=escape_dollars(ds.keyspace),
                           tls_ca_file=escape_dollars(ds.tls_ca_file), tls_cert_file=escape_dollars(ds.tls_cert_file),
                           tls_key_file=escape_dollars(ds.tls_key_file)), secrets)
    return entry


def _entry(ds: DataSource, secrets: Mapping[str, str]) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": ds.name,
        "type": ds.flavor.plugin_id,
        "uid": ds.uid,
        "access": ACCESS,
        "orgId": ds.org_id,
        "isDefault": ds.is_default,
        "editable": ds.editable,
        "version": VERSION,
    }
    json_data: dict[str, Any] = {}
    secure: dict[str, str] = {}
    if ds.flavor == Flavor.SCYLLA:
        json_data["host"] = scylla_hosts(ds)
        json_data["connectionScope"] = ds.scope.value
        json_data["enableTls"] = ds.tls_enabled
        if ds.tls_ca_file:
            json_data["tlsCaCertPath"] = ds.tls_ca_file
        if ds.tls_cert_file:
            json_data["tlsClientCertPath"] = ds.tls_cert_file
        if ds.tls_key_file:
            json_data["tlsClientKeyPath"] = ds.tls_key_file
        json_data["tlsSkipVerify"] = not ds.tls_verify_hostname
        for secret_field in ("user", "password"):
            if secret_field in secrets:
                secure[secret_field] = secrets[secret_field]
    else:
        entry["url"] = cassandra_url(ds)
        if ds.keyspace:
            json_data["keyspace"] = ds.keyspace
        json_data["consistency"] = ds.consistency
        if "user" in secrets:
            json_data["user"] = secrets["user"]
        json_data["timeout"] = whole_seconds(ds.request_timeout)
        json_data["useCustomTLS"] = ds.tls_enabled
        json_data["allowInsecureTLS"] = not ds.tls_verify_hostname
        if ds.tls_cert_file:
            json_data["certPath"] = ds.tls_cert_file
        if ds.tls_key_file:
            json_data["rootPath"] = ds.tls_key_file  # the plugin's name for the client KEY
        if ds.tls_ca_file:
            json_data["caPath"] = ds.tls_ca_file
        if "password" in secrets:
            secure["password"] = secrets["password"]
    entry["jsonData"] = json_data
    if secure:
        entry["secureJsonData"] = secure
    return entry


def whole_seconds(seconds: float) -> int:
    """The cassandra plugin's integer timeout: rounded, at least 1."""
    return max(1, round(seconds))


@dataclass
class MappedEntry:
    """A data source read back from a provisioning entry, with its secrets and what was noticed."""

    datasource: DataSource
    secrets: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


def parse_bool(value: Any, default: bool = False) -> bool:
    """A boolean the way Grafana reads one (Go's strconv.ParseBool); anything else gives `default`."""
    if isinstance(value, bool):
        return value
    if value is None:
        return default
    text = str(value)
    if text in ("1", "t", "T", "TRUE", "true", "True"):
        return True
    if text in ("0", "f", "F", "FALSE", "false", "False"):
        return False
    return default


def parse_int(value: Any, default: int) -> int:
    """An integer value (strings after expansion too); empty gives `default`, garbage raises ValueError."""
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise ValueError(f"'{value}' is not a whole number")
    try:
        return int(str(value).strip())
    except ValueError:
        raise ValueError(f"'{value}' is not a whole number") from None


def _get(data: Mapping[str, Any], key: str) -> Any:
    """A jsonData value by key, case-insensitively like Go's encoding/json (exact match first)."""
    if key in data:
        return data[key]
    lowered = key.lower()
    for name, value in data.items():
        if isinstance(name, str) and name.lower() == lowered:
            return value
    return None


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def hosts_and_port(entries: list[str]) -> tuple[list[str], int]:
    """Contact points and the model's port: a port shared by every entry becomes `port`."""
    parsed = [split_host_port(entry, 0) for entry in entries]
    ports = {port for _, port in parsed}
    if len(ports) == 1 and 0 not in ports:
        port = ports.pop()
        return [f"[{host}]" if ":" in host else host for host, _ in parsed], port
    return list(entries), DEFAULT_PORT


def from_entry(entry: Mapping[str, Any], flavor: Flavor) -> MappedEntry:
    """Map an (already expanded) provisioning entry back to the model; ValueError on unusable values."""
    name = _text(entry.get("name"))
    ds = DataSource(name=name, flavor=flavor)
    uid = _text(entry.get("uid"))
    ds.uid = uid or uid_from_name(name)
    org_id = parse_int(entry.get("orgId"), DEFAULT_ORG_ID)
    ds.org_id = org_id if org_id != 0 else DEFAULT_ORG_ID
    ds.is_default = parse_bool(entry.get("isDefault"))
    ds.editable = parse_bool(entry.get("editable"))
    raw_json = entry.get("jsonData") or {}
    raw_secure = entry.get("secureJsonData") or {}
    if not isinstance(raw_json, Mapping) or not isinstance(raw_secure, Mapping):
        raise ValueError("jsonData and secureJsonData must be mappings")
    json_data: Mapping[str, Any] = raw_json
    secure: Mapping[str, Any] = raw_secure
    mapped = MappedEntry(ds)

    def note(message: str, severity: Severity = Severity.NOTE) -> None:
        mapped.findings.append(Finding(severity, message, name))

    if flavor == Flavor.SCYLLA:
        ds.hosts, ds.port = hosts_and_port(parse_hosts(_text(_get(json_data, "host"))))
        scope = _text(_get(json_data, "connectionScope"))
        try:
            ds.scope = ConnectionScope(scope) if scope else ConnectionScope.CLUSTER_ONLY
        except ValueError:
            note(f"unknown connectionScope '{scope}': the plugin treats it as cluster_only", Severity.WARNING)
            ds.scope = ConnectionScope.CLUSTER_ONLY
        ds.tls_enabled = parse_bool(_get(json_data, "enableTls"))
        ds.tls_ca_file = _text(_get(json_data, "tlsCaCertPath"))
        ds.tls_cert_file = _text(_get(json_data, "tlsClientCertPath"))
        ds.tls_key_file = _text(_get(json_data, "tlsClientKeyPath"))
        ds.tls_verify_hostname = not parse_bool(_get(json_data, "tlsSkipVerify"))
        for secret_field in ("user", "password"):
            value = _text(secure.get(secret_field))
            if value:
                mapped.secrets[secret_field] = value
        # the scylla plugin has no keyspace and a fixed consistency: keep the model's defaults
    else:
        url = _text(entry.get("url"))
        ds.hosts, ds.port = hosts_and_port(parse_hosts(url))
        ds.keyspace = _text(_get(json_data, "keyspace"))
        ds.consistency = _text(_get(json_data, "consistency"))
        timeout = _get(json_data, "timeout")
        if timeout not in (None, ""):
            ds.request_timeout = float(parse_int(timeout, 0))
        ds.tls_enabled = parse_bool(_get(json_data, "useCustomTLS"))
        ds.tls_verify_hostname = not parse_bool(_get(json_data, "allowInsecureTLS"))
        ds.tls_cert_file = _text(_get(json_data, "certPath"))
        ds.tls_key_file = _text(_get(json_data, "rootPath"))  # rootPath is the client key
        ds.tls_ca_file = _text(_get(json_data, "caPath"))
        user = _text(_get(json_data, "user"))
        if user:
            mapped.secrets["user"] = user
        password = _text(secure.get("password"))
        if password:
            mapped.secrets["password"] = password
        if parse_bool(_get(json_data, "useCertContent")):
            note("useCertContent (certificates pasted into secureJsonData) is not supported: the certificate "
                 "contents were not imported; point certPath/rootPath/caPath at files instead", Severity.WARNING)
        if _text(_get(json_data, "allowedAuthenticators")):
            note("allowedAuthenticators is not kept by cqlscope and was ignored", Severity.WARNING)
    return mapped
