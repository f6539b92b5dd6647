"""Every data source option declared once: its label, kind, help and command-line flag.

The CLI builds its flags from `OPTIONS`, the GUI builds its form from them, and the exporter
uses `flavors` to warn about settings a plugin cannot express.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Any

from core.config.datasource import (
    CONSISTENCIES,
    PROTOCOL_VERSIONS,
    ConnectionScope,
    DataSource,
    Flavor,
    coerce_field,
    parse_hosts,
)


class OptionKind(StrEnum):
    """How an option is entered and shown."""

    TEXT = "text"
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    CHOICE = "choice"
    HOSTS = "hosts"
    PATH = "path"


ALL_FLAVORS = frozenset(Flavor)


@dataclass(frozen=True)
class OptionSpec:
    """One non-secure data source setting, as users see it everywhere."""

    name: str  # the DataSource attribute
    label: str
    kind: OptionKind
    help: str
    group: str
    flag: str
    choices: tuple[str, ...] = ()
    flavors: frozenset[Flavor] = ALL_FLAVORS  # the plugins that can express it
    metavar: str | None = None

    def parse(self, text: str) -> Any:
        """Convert user text (CLI argument or form field) to the model value; ValueError when bad."""
        text = text.strip()
        if self.kind == OptionKind.HOSTS:
            return parse_hosts(text)
        if self.kind == OptionKind.BOOL:
            lowered = text.lower()
            if lowered in ("1", "true", "yes", "on"):
                return True
            if lowered in ("0", "false", "no", "off"):
                return False
            raise ValueError(f"{self.label}: expected yes or no")
        if self.kind == OptionKind.CHOICE and self.choices and text not in self.choices:
            raise ValueError(f"{self.label}: '{text}' is not one of {', '.join(self.choices)}")
        if self.kind in (OptionKind.INT, OptionKind.FLOAT) and text == "":
            raise ValueError(f"{self.label}: a number is needed")
        try:
            return coerce_field(self.name, text)
        except ValueError:
            raise ValueError(f"{self.label}: '{text}' is not a valid value") from None

    def format(self, ds: DataSource) -> str:
        """The current value as text for a form field or `datasource show`."""
        value = getattr(ds, self.name)
        if self.kind == OptionKind.HOSTS:
            return ",".join(value)
        if isinstance(value, Enum):
            return str(value.value)
        if value is None:
            return "auto"
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)


SCYLLA = frozenset({Flavor.SCYLLA})
CASSANDRA = frozenset({Flavor.CASSANDRA})

OPTIONS: tuple[OptionSpec, ...] = (
    OptionSpec("flavor", "Flavor", OptionKind.CHOICE,
               "the Grafana plugin: scylla (scylladb-scylla-datasource) or cassandra "
               "(hadesarchitect-cassandra-datasource)", "General", "--flavor",
               choices=tuple(f.value for f in Flavor)),
    OptionSpec("test_datasource", "Test data source", OptionKind.BOOL,
               "cqlscope only, never exported: statements that change data or schema (INSERT, DELETE, DROP...) "
               "run without a confirmation", "General", "--test-datasource"),
    OptionSpec("hosts", "Hosts", OptionKind.HOSTS,
               "contact points, comma separated: host or host:port", "Connection", "--hosts",
               metavar="H1,H2"),
    OptionSpec("port", "Port", OptionKind.INT, "CQL port for hosts given without one", "Connection", "--port"),
    OptionSpec("keyspace", "Keyspace", OptionKind.TEXT, "default keyspace for queries", "Connection",
               "--keyspace", flavors=CASSANDRA),
    OptionSpec("consistency", "Consistency", OptionKind.CHOICE, "consistency level of queries",
               "Connection", "--consistency", choices=CONSISTENCIES, flavors=CASSANDRA),
    OptionSpec("local_dc", "Local datacenter", OptionKind.TEXT,
               "prefer this datacenter's nodes (DC-aware load balancing)", "Connection", "--local-dc",
               flavors=frozenset()),
    OptionSpec("protocol_version", "Protocol version", OptionKind.CHOICE,
               "native protocol version; auto negotiates", "Connection", "--protocol-version",
               choices=("auto", *(str(v) for v in PROTOCOL_VERSIONS)), flavors=frozenset()),
    OptionSpec("connect_timeout", "Connect timeout (s)", OptionKind.FLOAT,
               "seconds to wait for a connection", "Connection", "--connect-timeout", flavors=frozenset()),
    OptionSpec("request_timeout", "Request timeout (s)", OptionKind.FLOAT,
               "seconds to wait for a query", "Connection", "--request-timeout", flavors=CASSANDRA),
    OptionSpec("scope", "Connection scope", OptionKind.CHOICE,
               "scylla plugin: cluster_only, specified_list or any", "Connection", "--scope",
               choices=tuple(s.value for s in ConnectionScope), flavors=SCYLLA),
    OptionSpec("tls_enabled", "Use TLS", OptionKind.BOOL, "encrypt client connections", "TLS", "--tls"),
    OptionSpec("tls_ca_file", "CA certificate", OptionKind.PATH,
               "PEM file of the CA that signed the server certificates", "TLS", "--tls-ca", metavar="FILE"),
    OptionSpec("tls_cert_file", "Client certificate", OptionKind.PATH,
               "PEM client certificate (with --tls-key)", "TLS", "--tls-cert", metavar="FILE"),
    OptionSpec("tls_key_file", "Client key", OptionKind.PATH,
               "PEM client private key (with --tls-cert)", "TLS", "--tls-key", metavar="FILE"),
    OptionSpec("tls_verify_hostname", "Verify server certificate", OptionKind.BOOL,
               "check the certificate chain and host name; no skips certificate verification entirely "
               "(insecure), like the cassandra plugin's 'Allow self-signed certificates' (allowInsecureTLS)",
               "TLS", "--verify-hostname"),
    OptionSpec("is_default", "Default data source", OptionKind.BOOL,
               "Grafana's default data source of the org", "Grafana", "--default"),
    OptionSpec("org_id", "Org id", OptionKind.INT, "Grafana organization id", "Grafana", "--org-id"),
    OptionSpec("editable", "Editable in Grafana", OptionKind.BOOL,
               "let Grafana users edit the provisioned data source", "Grafana", "--editable"),
)

OPTIONS_BY_NAME = {spec.name: spec for spec in OPTIONS}
SECRET_LABELS = {"user": "User", "password": "Password"}
