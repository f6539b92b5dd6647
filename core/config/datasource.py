"""The flavor-neutral data source model (non-secure settings only) and its validation.

Secure settings (user, password) never live here: the keyring holds them, and the model only learns
whether each one is configured (see `core.config.secrets`).
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import re
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from typing import Any


class Flavor(StrEnum):
    """The Grafana plugin a data source is meant for."""

    SCYLLA = "scylla"
    CASSANDRA = "cassandra"

    @property
    def plugin_id(self) -> str:
        return PLUGIN_IDS[self]


PLUGIN_IDS = {
    Flavor.SCYLLA: "scylladb-scylla-datasource",
    Flavor.CASSANDRA: "hadesarchitect-cassandra-datasource",
}


class ConnectionScope(StrEnum):
    """The ScyllaDB plugin's `connectionScope`: which hosts the driver may use."""

    CLUSTER_ONLY = "cluster_only"
    SPECIFIED_LIST = "specified_list"
    ANY = "any"


# Consistency levels that make sense for queries; the cassandra plugin accepts the first eight only.
CASSANDRA_PLUGIN_CONSISTENCIES = (
    "ONE", "TWO", "THREE", "QUORUM", "ALL", "LOCAL_QUORUM", "EACH_QUORUM", "LOCAL_ONE",
)
CONSISTENCIES = (*CASSANDRA_PLUGIN_CONSISTENCIES, "SERIAL", "LOCAL_SERIAL")
PROTOCOL_VERSIONS = (3, 4, 5)
SECRET_FIELDS = ("user", "password")
MAX_NAME_LENGTH = 190  # Grafana rejects longer data source names
MAX_CONNECT_TIMEOUT_S = 300.0
DEFAULT_PORT = 9042

_UID_RE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
_KEYSPACE_RE = re.compile(r'^([A-Za-z0-9_]{1,48}|"[^"]{1,48}")$')


# Characters that change how text prints (terminal escapes, new lines, bidi overrides): refused in names.
_BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def is_unprintable(char: str) -> bool:
    """True for control characters, line and paragraph separators and bidirectional overrides."""
    return unicodedata.category(char) in ("Cc", "Zl", "Zp") or char in _BIDI_CONTROLS


def printable(text: str) -> str:
    """`text` with every unprintable character escaped (\\x1b, \\u202e), safe to print on a terminal."""
    if not any(is_unprintable(char) for char in text) and "\\" not in text:
        return text
    out = []
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif is_unprintable(char):
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def new_uid() -> str:
    """A stable, Grafana-compatible uid (at most 40 characters of [A-Za-z0-9_-])."""
    return "cqls-" + uuid.uuid4().hex[:20]


@dataclass
class DataSource:
    """Non-secure settings of one CQL data source, shared by both Grafana plugin flavors."""

    name: str
    uid: str = field(default_factory=new_uid)
    flavor: Flavor = Flavor.CASSANDRA
    hosts: list[str] = field(default_factory=list)
    port: int = DEFAULT_PORT
    keyspace: str = ""
    consistency: str = "LOCAL_ONE"
    local_dc: str = ""
    protocol_version: int | None = None  # None: negotiate the highest both sides speak
    connect_timeout: float = 5.0
    request_timeout: float = 10.0
    tls_enabled: bool = False
    tls_ca_file: str = ""
    tls_cert_file: str = ""
    tls_key_file: str = ""
    tls_verify_hostname: bool = True
    scope: ConnectionScope = ConnectionScope.CLUSTER_ONLY
    is_default: bool = False
    org_id: int = 1
    editable: bool = False
    test_datasource: bool = False  # cqlscope only: statements that change data or schema run without asking

    def copy(self, **changes: Any) -> DataSource:
        """A deep copy with some fields changed (lists are not shared)."""
        clone = dataclasses.replace(self, **changes)
        if "hosts" not in changes:
            clone.hosts = list(self.hosts)
        return clone

    def to_dict(self) -> dict[str, Any]:
        """Plain YAML/JSON-ready values (enums as their strings)."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Enum):
                value = value.value
            elif isinstance(value, list):
                value = list(value)
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DataSource:
        """Build from `to_dict` output; unknown keys are ignored, wrong types raise ValueError."""
        known = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        if "name" not in values:
            raise ValueError("a data source entry has no name")
        ds = cls(name=str(values.pop("name")))
        for key, value in values.items():
            setattr(ds, key, coerce_field(key, value))
        return ds

    def endpoints(self) -> list[tuple[str, int]]:
        """Contact points as (host, port); entries without a port use `port`."""
        return [split_host_port(h, self.port) for h in self.hosts]


_FIELD_TYPES = {f.name: f.type for f in dataclasses.fields(DataSource)}


def coerce_field(name: str, value: Any) -> Any:
    """Convert a value read from a file to the field's type, raising ValueError with the field name."""
    try:
        if name == "flavor":
            return Flavor(str(value))
        if name == "scope":
            return ConnectionScope(str(value))
        if name == "hosts":
            if isinstance(value, str):
                return parse_hosts(value)
            if not isinstance(value, list):
                raise ValueError("expected a list of hosts")
            return [str(v) for v in value]
        if name == "protocol_version":
            return None if value in (None, "", "auto") else int(value)
        kind = _FIELD_TYPES[name]
        if kind == "bool":
            if not isinstance(value, bool):
                raise ValueError("expected true or false")
            return value
        if kind == "int":
            if isinstance(value, bool):
                raise ValueError("expected a whole number")
            return int(value)
        if kind == "float":
            return float(value)
        return "" if value is None else str(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: {exc}") from None


def parse_hosts(text: str) -> list[str]:
    """Split a comma (or semicolon) separated host list, dropping blanks and spaces."""
    return [part.strip() for part in re.split(r"[,;]", text) if part.strip()]


def split_host_port(entry: str, default_port: int) -> tuple[str, int]:
    """Parse `host`, `host:port`, `[v6]` or `[v6]:port`; raise ValueError on a bad port."""
    entry = entry.strip()
    if entry.startswith("["):
        end = entry.find("]")
        if end < 0:
            raise ValueError(f"'{entry}' has no closing ']'")
        host, rest = entry[1:end], entry[end + 1:]
        if rest and not rest.startswith(":"):
            raise ValueError(f"'{entry}' is not [address]:port")
        port_text = rest[1:] if rest else ""
    elif entry.count(":") == 1:
        host, port_text = entry.split(":")
    else:
        host, port_text = entry, ""  # a bare IPv6 address or a host name
    if not host:
        raise ValueError(f"'{entry}' has no host")
    if not port_text:
        return host, default_port
    if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
        raise ValueError(f"'{entry}' has a bad port (use 1-65535)")
    return host, int(port_text)


HOST_HELP = ("a host is a name (db1.example.com), an IPv4 address (10.0.0.5) or an IPv6 address, optionally "
             "with :port (host:9042, [2001:db8::1]:9042), without a scheme such as http://")
_HOST_LABEL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?", re.ASCII)


def host_problem(entry: str, default_port: int = 9042) -> str | None:
    """Why `entry` is not a contact point (host, host:port, [v6] or [v6]:port), or None when it is one.

    Names are checked as the resolver will see them (IDNA, labels of 1-63 characters), so that a bad name is
    a message here instead of a UnicodeError when the driver connects.
    """
    try:
        host, _port = split_host_port(entry, default_port)
    except ValueError as exc:
        return f"{exc}: {HOST_HELP}"
    shown = printable(entry)
    if ":" in host or entry.startswith("["):
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return f"'{shown}' is not a host: {HOST_HELP}"
        return None
    try:
        ascii_name = host.rstrip(".").encode("idna").decode("ascii")
        labels = ascii_name.split(".")
        for label in labels:
            if label[:4].lower() == "xn--":
                label[4:].encode("ascii").decode("punycode")
    except (UnicodeError, ValueError):
        return (f"'{shown}' is not a valid host name (an empty label, a label over 63 characters or a broken "
                f"xn-- label): {HOST_HELP}")
    if len(ascii_name) > 253 or not all(_HOST_LABEL.fullmatch(label) for label in labels):
        return f"'{shown}' is not a host: {HOST_HELP}"
    return None


def validate(ds: DataSource, others: Iterable[DataSource] = (), *, check_files: bool = True,
             previous_name: str | None = None) -> list[tuple[str, str]]:
    """Every problem with the settings as (field, message); empty when the data source is usable.

    `others` are the other configured data sources, for the uniqueness checks. Without `check_files`, TLS
    files that cannot be read here are not problems (an imported Grafana server's paths); see `file_warnings`.
    A name with control characters is refused unless it is `previous_name` (already stored that way).
    """
    problems: list[tuple[str, str]] = []

    def bad(field_name: str, message: str) -> None:
        problems.append((field_name, message))

    name = ds.name.strip()
    if not name:
        bad("name", "the name is empty: give the data source a name")
    elif len(name) > MAX_NAME_LENGTH:
        bad("name", f"the name has {len(name)} characters; Grafana allows at most {MAX_NAME_LENGTH}")
    elif name != ds.name:
        bad("name", "the name starts or ends with spaces")
    elif ds.name != previous_name and any(is_unprintable(char) for char in ds.name):
        bad("name", f"the name '{printable(ds.name)}' has control characters: use printable characters only")
    for other in others:
        if other.uid == ds.uid:
            continue
        if other.name == ds.name:
            bad("name", f"a data source named '{printable(ds.name)}' already exists: choose another name")
        if other.is_default and ds.is_default and other.org_id == ds.org_id:
            bad("is_default", f"'{printable(other.name)}' is already the default of org {ds.org_id}")
    if not _UID_RE.match(ds.uid):
        bad("uid", "the uid must be 1-40 characters of letters, digits, '-' or '_'")
    if not isinstance(ds.flavor, Flavor):
        bad("flavor", "unknown flavor: use scylla or cassandra")
    if not 1 <= ds.port <= 65535:
        bad("port", f"port {ds.port} is out of range: use 1-65535 (CQL listens on 9042)")
    for entry in ds.hosts:
        if (problem := host_problem(entry, ds.port)) is not None:
            bad("hosts", problem)
    if not ds.hosts:
        if ds.flavor == Flavor.CASSANDRA:
            bad("hosts", "no contact point: give at least one host (host or host:port)")
        elif ds.scope != ConnectionScope.ANY:
            bad("hosts", f"no host: the scylla plugin with scope {ds.scope.value} needs at least one host")
    if ds.consistency not in CONSISTENCIES:
        if ds.consistency == "":
            bad("consistency", "no consistency: the cassandra plugin fails without one; LOCAL_ONE is usual")
        else:
            bad("consistency", f"unknown consistency '{ds.consistency}': use one of {', '.join(CONSISTENCIES)}")
    elif ds.flavor == Flavor.CASSANDRA and ds.consistency not in CASSANDRA_PLUGIN_CONSISTENCIES:
        bad("consistency", f"the cassandra plugin does not offer {ds.consistency}: use one of "
            + ", ".join(CASSANDRA_PLUGIN_CONSISTENCIES))
    if ds.keyspace and not _KEYSPACE_RE.match(ds.keyspace):
        bad("keyspace", f"'{ds.keyspace}' is not a keyspace name (letters, digits, _; at most 48)")
    if ds.protocol_version is not None and ds.protocol_version not in PROTOCOL_VERSIONS:
        bad("protocol_version", f"protocol version {ds.protocol_version} is not supported: use auto, 3, 4 or 5")
    if not 0 < ds.connect_timeout <= MAX_CONNECT_TIMEOUT_S:
        bad("connect_timeout", f"the connect timeout must be above 0 and at most {MAX_CONNECT_TIMEOUT_S:.0f} s")
    if not ds.request_timeout > 0:
        bad("request_timeout", "the request timeout must be above 0 seconds")
    if ds.org_id < 1:
        bad("org_id", "the org id must be 1 or more")
    if ds.tls_enabled:
        if check_files:
            problems.extend(file_warnings(ds))
        if bool(ds.tls_cert_file) != bool(ds.tls_key_file):
            missing = "client key" if ds.tls_cert_file else "client certificate"
            bad("tls_key_file" if ds.tls_cert_file else "tls_cert_file",
                f"a client certificate and key go together: set the {missing} too, or clear both")
    return problems


def file_warnings(ds: DataSource) -> list[tuple[str, str]]:
    """TLS files of an enabled TLS setup that cannot be read on this machine, as (field, message)."""
    found = []
    for field_name, path, what in (
        ("tls_ca_file", ds.tls_ca_file, "CA file"),
        ("tls_cert_file", ds.tls_cert_file, "client certificate"),
        ("tls_key_file", ds.tls_key_file, "client key"),
    ):
        if ds.tls_enabled and path and not _readable_file(path):
            found.append((field_name, f"the {what} '{path}' cannot be read: check the path and its permissions"))
    return found


def _readable_file(path: str) -> bool:
    expanded = os.path.expanduser(path)
    return os.path.isfile(expanded) and os.access(expanded, os.R_OK)
