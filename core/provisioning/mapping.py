"""Translation between the flavor-neutral DataSource and each emulated plugin release's provisioning entry.

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
from core.provisioning.releases import RELEASES, SCYLLA_0_5_0, json_data_findings, secure_findings

PLUGIN_FLAVORS = {flavor.plugin_id: flavor for flavor in Flavor}


def format_endpoint(host: str, port: int) -> str:
    """`host:port`, with IPv6 addresses in brackets."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def scylla_host(host: str, port: int) -> str:
    """One contact point as gocql.NewCluster takes it: the port only when not 9042, and an IPv6
    address bare without a port (`[::1]` alone is looked up as a host name and fails)."""
    if port == DEFAULT_PORT:
        return host
    return format_endpoint(host, port)


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
    """The provisioning entry of `ds` for its emulated release; `secrets` holds the text to write for each
    secret (already escaped value, or a `$VAR` placeholder). Other literal strings are escaped here."""
    entry = _entry(ds.copy(name=escape_dollars(ds.name), uid=escape_dollars(ds.uid),
                           hosts=[escape_dollars(h) for h in ds.hosts], keyspace=escape_dollars(ds.keyspace),
                           tls_ca_file=escape_dollars(ds.tls_ca_file), tls_cert_file=escape_dollars(ds.tls_cert_file),
                           tls_key_file=escape_dollars(ds.tls_key_file)), secrets)
    return entry


def instance_settings(ds: DataSource, secrets: Mapping[str, str]) -> dict[str, Any]:
    """What Grafana hands the plugin for `ds` (its DataSourceInstanceSettings: `url`, `jsonData`,
    `secureJsonData`): the provisioning entry after Grafana's expansion, with the real secret values."""
    entry = _entry(ds, secrets)
    return {"url": entry.get("url", ""), "jsonData": entry["jsonData"],
            "secureJsonData": dict(entry.get("secureJsonData", {}))}


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
    release = RELEASES[ds.flavor]
    json_data: dict[str, Any] = {}
    secure: dict[str, str] = {}
    if release is SCYLLA_0_5_0:
        if ds.hosts:
            json_data["host"] = scylla_host(*split_host_port(ds.hosts[0], ds.port))
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
        json_data["useCustomTLS"] = ds.tls_enabled  # the front end's spelling (src/ConfigEditor.tsx)
        json_data["allowInsecureTLS"] = not ds.tls_verify_hostname
        if ds.tls_cert_file:
            json_data["certPath"] = ds.tls_cert_file
        if ds.tls_key_file:
            json_data["rootPath"] = ds.tls_key_file  # the plugin's name for the client KEY
        if ds.tls_ca_file:
            json_data["caPath"] = ds.tls_ca_file
        if "password" in secrets:
            secure["password"] = secrets["password"]
    assert all(release.key(key) is not None for key in json_data), "a key the release does not read"
    entry["jsonData"] = json_data
    if secure:
        entry["secureJsonData"] = secure
    return entry


def release_findings(ds: DataSource) -> list[Finding]:
    """What the export leaves out because the emulated release would ignore or misread it."""
    findings: list[Finding] = []
    release = RELEASES[ds.flavor]
    if release is SCYLLA_0_5_0:
        if len(ds.hosts) > 1:
            first = scylla_host(*split_host_port(ds.hosts[0], ds.port))
            findings.append(Finding("", Severity.WARNING, f"{release.label} passes jsonData.host whole to gocql, so a "
                                    "comma list is looked up as one DNS name and fails: only the first contact "
                                    f"point ({first}) is written; the driver finds the other nodes from it",
                                    subject=ds.name))
        tls = [label for label, on in (("use TLS", ds.tls_enabled), ("CA certificate", bool(ds.tls_ca_file)),
                                        ("client certificate", bool(ds.tls_cert_file)),
                                        ("client key", bool(ds.tls_key_file)),
                                        ("verify server certificate off", not ds.tls_verify_hostname)) if on]
        if tls:
            findings.append(Finding("", Severity.WARNING, f"{release.label} ignores TLS ({', '.join(tls)}): left out "
                                    "of the file; Grafana connects without TLS", subject=ds.name))
        if ds.scope != ConnectionScope.CLUSTER_ONLY:
            findings.append(Finding("", Severity.WARNING, f"{release.label} ignores the connection scope "
                                    f"({ds.scope.value}): left out of the file; the driver uses every node it "
                                    "discovers", subject=ds.name))
    return findings


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
        mapped.findings.append(Finding("", severity, message, subject=name))

    release = RELEASES[flavor]
    mapped.findings.extend(json_data_findings(release, json_data, name))
    mapped.findings.extend(secure_findings(release, secure, name))
    if release is SCYLLA_0_5_0:
        host = _get(json_data, "host")
        host_text = host if isinstance(host, str) else ""
        ds.hosts, ds.port = hosts_and_port(parse_hosts(host_text))
        if "," in host_text or ";" in host_text:
            note(f"{release.label} passes jsonData.host '{host_text}' whole to gocql, which looks it up as one "
                 "DNS name and fails: Grafana cannot connect; cqlscope keeps the hosts as a list, so write one "
                 "contact point in the file", Severity.WARNING)
        elif host_text.startswith("[") and host_text.endswith("]"):
            note(f"jsonData.host '{host_text}' has brackets but no port: gocql looks it up as a host name and "
                 "fails; write the address bare or with :port", Severity.WARNING)
        for secret_field in ("user", "password"):
            value = _text(secure.get(secret_field))
            if value:
                mapped.secrets[secret_field] = value
        if bool(mapped.secrets.get("user")) != bool(mapped.secrets.get("password")):
            note(f"{release.label} logs in only when both secureJsonData.user and password are set: Grafana "
                 "connects without credentials", Severity.WARNING)
        # 0.5.0 has no keyspace, TLS or connection scope and a fixed consistency: the model's defaults stay
    else:
        url = _text(entry.get("url"))
        ds.hosts, ds.port = hosts_and_port(parse_hosts(url))
        ds.keyspace = _text(_get(json_data, "keyspace"))
        ds.consistency = _text(_get(json_data, "consistency"))
        timeout = _get(json_data, "timeout")
        if isinstance(timeout, float):  # a fraction is refused by the plugin (warned above): keep the default
            timeout = int(timeout) if timeout.is_integer() else None
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
        if parse_bool(_get(json_data, "useCustomTLS")) and not ds.tls_verify_hostname:
            note("allowInsecureTLS is on: the plugin (Go InsecureSkipVerify) checks neither the certificate chain "
                 "nor the host name; cqlscope does the same with 'Verify server certificate' off", Severity.NOTE)
    return mapped
