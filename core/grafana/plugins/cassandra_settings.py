"""The cassandra plugin's (3.3.0) data source settings: `jsonData` decoded the way Go's encoding/json
fills its `dataSourceSettings` struct (pkg/settings.go), the consistency parsed as gocql does, and its
TLS configuration. Failures carry the plugin's own messages."""

from __future__ import annotations

import os
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core.grafana.plugins.gotext import decode_struct, go_quote

#: gocql's consistency names (ParseConsistencyWrapper upper-cases its input first).
CONSISTENCIES = ("ANY", "ONE", "TWO", "THREE", "QUORUM", "ALL", "LOCAL_QUORUM", "EACH_QUORUM", "LOCAL_ONE")

# (JSON tag, Go type) of dataSourceSettings, in struct order.
_FIELDS = (
    ("keyspace", "string"), ("user", "string"), ("password", "string"), ("consistency", "string"),
    ("certPath", "string"), ("rootPath", "string"), ("caPath", "string"), ("useCertContent", "bool"),
    ("timeout", "int"), ("UseCustomTLS", "bool"), ("allowInsecureTLS", "bool"),
    ("allowedAuthenticators", "string"),
)


class InstanceError(Exception):
    """The plugin could not create its instance: `message` is what instanceManager.Get returns, `log`
    the plugin's own log line with the cause."""

    def __init__(self, message: str, log: str) -> None:
        super().__init__(message)
        self.message = message
        self.log = log


@dataclass(frozen=True)
class CassandraSettings:
    """What newDataSource reads from Grafana's DataSourceInstanceSettings."""

    hosts: list[str]
    keyspace: str = ""
    user: str = ""
    password: str = field(default="", repr=False)
    consistency: str = ""
    timeout: int | None = None
    use_custom_tls: bool = False
    use_cert_content: bool = False
    allow_insecure_tls: bool = False
    cert_path: str = ""
    key_path: str = ""  # the plugin calls it rootPath
    ca_path: str = ""
    secure: Mapping[str, str] = field(default_factory=dict, repr=False)
    allowed_authenticators: list[str] = field(default_factory=list)


def parse_settings(settings: Mapping[str, Any]) -> CassandraSettings:
    """Decode the settings; InstanceError with the plugin's message when its json.Unmarshal fails."""
    json_data = settings.get("jsonData")
    values = _decode(json_data if json_data is not None else {})
    timeout: int | None = values["timeout"]
    secure = {str(k): str(v) for k, v in dict(settings.get("secureJsonData") or {}).items()}
    return CassandraSettings(
        hosts=str(settings.get("url") or "").split(";"),
        keyspace=values["keyspace"], user=values["user"], password=secure.get("password", ""),
        consistency=values["consistency"], timeout=timeout,
        use_custom_tls=values["UseCustomTLS"], use_cert_content=values["useCertContent"],
        allow_insecure_tls=values["allowInsecureTLS"], cert_path=values["certPath"],
        key_path=values["rootPath"], ca_path=values["caPath"], secure=secure,
        allowed_authenticators=[p.strip() for p in values["allowedAuthenticators"].split(";") if p.strip()],
    )


def _decode(data: Any) -> dict[str, Any]:
    values, error = decode_struct(data, _FIELDS, "dataSourceSettings")
    if error is not None:
        _fail(error)
    return values


def _fail(cause: str) -> None:
    raise InstanceError(f"Failed to parse connection parameters: {cause}",
                        f"Failed to parse connection parameter Message={cause}")


def parse_consistency(text: str) -> str:
    """gocql.ParseConsistencyWrapper: the upper-cased name, or InstanceError as the plugin reports it."""
    upper = text.upper()
    if upper in CONSISTENCIES:
        return upper
    raise connection_error(f"gocql.ParseConsistencyWrapper: invalid consistency {go_quote(upper)}")


def connection_error(cause: str) -> InstanceError:
    """The plugin's answer when cassandra.New fails (the cause only reaches its log)."""
    return InstanceError("Failed to create Cassandra connection, check Grafana logs for more details",
                         f"Failed to create Cassandra connection Message={cause}")


# -- TLS -------------------------------------------------------------------------------------------------


def tls_context(cfg: CassandraSettings) -> ssl.SSLContext | None:
    """The TLS configuration of `UseCustomTLS` (files, or `useCertContent` with secure contents);
    InstanceError with the plugin's message when a certificate cannot be loaded."""
    if not cfg.use_custom_tls:
        return None
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if cfg.allow_insecure_tls:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    try:
        if cfg.use_cert_content:
            _load_contents(context, cfg)
        else:
            _load_files(context, cfg)
    except _TlsError as error:
        raise InstanceError(f"Failed to create TLS config: {error}",
                            f"Failed to create TLS config Message={error}") from None
    return context


class _TlsError(Exception):
    pass


def _load_files(context: ssl.SSLContext, cfg: CassandraSettings) -> None:
    if cfg.cert_path and cfg.key_path:
        cert, key = os.path.abspath(cfg.cert_path), os.path.abspath(cfg.key_path)
        for path in (cert, key):
            if not os.path.exists(path):
                raise _TlsError(f"failed to load certificate from files: open {path}: no such file or directory")
        try:
            context.load_cert_chain(cert, key)
        except (ssl.SSLError, OSError) as error:
            raise _TlsError(f"failed to load certificate from files: {error}") from None
    if cfg.ca_path:
        path = os.path.abspath(cfg.ca_path)
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                pem = handle.read()
        except OSError as error:
            raise _TlsError(f"failed to read CA certificate file: open {path}: "
                            f"{(error.strerror or str(error)).lower()}") from None
        try:
            context.load_verify_locations(cadata=pem)
        except (ssl.SSLError, ValueError):
            raise _TlsError("failed to parse CA certificate from file") from None
    elif not cfg.allow_insecure_tls:
        context.load_default_certs()


def _load_contents(context: ssl.SSLContext, cfg: CassandraSettings) -> None:
    cert, key, ca = (cfg.secure.get("certContent", ""), cfg.secure.get("rootContent", ""),
                     cfg.secure.get("caContent", ""))
    if cert and key:
        # ssl loads key pairs only from paths: anonymous in-memory files keep the key off the disk.
        cert_fd, key_fd = os.memfd_create("cert"), os.memfd_create("key")
        try:
            os.write(cert_fd, cert.encode())
            os.write(key_fd, key.encode())
            context.load_cert_chain(f"/proc/self/fd/{cert_fd}", f"/proc/self/fd/{key_fd}")
        except (ssl.SSLError, OSError) as error:
            raise _TlsError(f"failed to parse certificate content: {error}") from None
        finally:
            os.close(cert_fd)
            os.close(key_fd)
    if ca:
        try:
            context.load_verify_locations(cadata=ca)
        except (ssl.SSLError, ValueError):
            raise _TlsError("failed to parse CA certificate content") from None
    elif not cfg.allow_insecure_tls:
        context.load_default_certs()
