"""The released ScyllaDB plugin `scylladb-scylla-datasource` 0.5.0 (pkg/plugin/datasource.go), emulated.

An instance reads only `jsonData.host` and the `user`/`password` of `secureJsonData`. It keeps one session per
host string for its whole life, as the plugin does, with the plugin's quirks: without "All hosts" a query host
does not pin the query (it runs on the data source's own cluster), and a host whose session once failed to open
crashes later queries (a nil cluster). Answers are the JSON Grafana receives.
"""

from __future__ import annotations

import struct
import threading
from collections.abc import Mapping
from typing import Any

from core.grafana.plugins import PluginRequest, ResourceAnswer
from core.grafana.plugins.go_values import GoPanic, decode
from core.grafana.plugins.gotext import json_kind
from core.grafana.plugins.scylla_frames import (
    NIL_RESPONSE,
    ScyllaFrame,
    element_type,
    row_data_ok,
    scan_slots,
    to_value,
)
from core.grafana.plugins.scylla_sessions import ClusterConfig, GoSession, SessionError

NIL_POINTER = "runtime error: invalid memory address or nil pointer dereference"
NO_HOST = "no host supplied for connection"


class ScyllaInstance:
    """One data source of type scylladb-scylla-datasource, as the plugin's instance holds it."""

    release = "0.5.0"

    def __init__(self, settings: Mapping[str, Any]) -> None:
        self.factory_error: str | None = None
        self.last_panic: str | None = None
        self.log: list[str] = []  # the plugin's warnings and errors for the last call
        self._lock = threading.Lock()
        self._sessions: dict[str, GoSession] = {}
        self._clusters: dict[str, ClusterConfig] = {}
        self._cluster: ClusterConfig | None = None
        self._user: str | None = None
        self._password: str | None = None
        try:
            host = settings_host(settings.get("jsonData"))
        except ValueError as error:
            self.factory_error = str(error)
            return
        secure = settings.get("secureJsonData") or {}
        if "user" in secure and "password" in secure:
            self._user, self._password = str(secure["user"]), str(secure["password"])
        if host:
            self._cluster = ClusterConfig(host, user=self._user, password=self._password)

    # -- the PluginInstance protocol ---------------------------------------------------------------

    def query(self, request: PluginRequest) -> dict[str, Any]:
        """QueryData with one target: `{"results": {refId: ...}}`, or `{"error": ...}` when the call fails."""
        with self._lock:
            self.log, self.last_panic = [], None
            if self.factory_error is not None:
                self.log.append(f"WARN error marsheling err={self.factory_error}")
                return {"error": self.factory_error}
            try:
                answer = self._query(request)
            except GoPanic as panic:
                self.last_panic = str(panic)
                self.log.append(f"INFO Recovered in QueryData error={panic}")
                return {"error": NIL_RESPONSE}
            return {"results": {request.ref_id: answer}}

    def resource(self, path: str, params: Mapping[str, str]) -> ResourceAnswer:
        """The plugin embeds a nil CallResourceHandler: every resource call panics inside the SDK, whose
        recovery turns it into a gRPC error, which Grafana answers with HTTP 500."""
        with self._lock:
            self.last_panic = None if self.factory_error else NIL_POINTER
            self.log = [f"ERROR panic triggered error={self.last_panic}"] if self.last_panic else []
        return ResourceAnswer(500, b'{"message":"Failed to call resource"}',
                              {"Content-Type": ["application/json"]})

    def check_health(self) -> dict[str, str]:
        """CheckHealth (the data source's "Save & test"): a session for the data source's own host."""
        with self._lock:
            self.log, self.last_panic = [], None
            if self.factory_error is not None:
                return {"status": "ERROR", "message": self.factory_error}
            try:
                self._session("", False)
            except SessionError as error:
                self.log.append(f"WARN Failed getting session err={error}")
                return {"status": "ERROR", "message": str(error)}
            return {"status": "OK", "message": "Data source is working"}

    def close(self) -> None:
        with self._lock:
            for session in self._sessions.values():
                session.close()
            self._sessions.clear()

    # -- the plugin's query ------------------------------------------------------------------------

    def _query(self, request: PluginRequest) -> dict[str, Any]:
        target = dict(request.target)
        model_error = struct_error(target, "queryModel", ("format", "queryTxt"))
        if model_error is not None:
            self.log.append(f"WARN Failed unmarsheling json err=<nil> json ={target}")
            return {"status": 400, "error": f"json unmarshal: {model_error}", "errorSource": "", "frames": []}
        frame = ScyllaFrame()
        if "queryText" in target:
            statement = go_sprint(target["queryText"])
            add_host = False
            if "allHosts" in target:
                flag = target["allHosts"]
                if not isinstance(flag, bool):
                    raise GoPanic(f"interface conversion: interface {{}} is {go_kind(flag)}, not bool")
                add_host = flag
            hosts = [""]
            query_host = target.get("queryHost")
            if "queryHost" in target and query_host != "":
                text = query_host if isinstance(query_host, str) else ""
                hosts = text.replace("{", "").replace("}", "").split(",")
            for index, host in enumerate(hosts):
                try:
                    session = self._session(host.strip(), add_host)
                except SessionError as error:
                    self.log.append(f"WARN Failed getting session err={error} host={host}")
                    return {"status": 200, "frames": []}
                self._run(frame, session, statement, host if add_host else None, first=index == 0)
                if not add_host:
                    break
        return {"status": 200, "frames": [frame.to_json(request.ref_id)]}

    def _run(self, frame: ScyllaFrame, session: GoSession, statement: str, host: str | None, first: bool) -> None:
        """One host's part: fields from the first host's columns, then every row through toValue."""
        result = session.run(statement)
        columns = [cql for _name, cql in result.columns]
        if first:
            for name, cql in result.columns:
                frame.add_field(name, element_type(cql))
            if host is not None:
                frame.add_field("_host", "string")
        if result.error is not None:
            self.log.append(f"WARN {result.error}")
            return
        if not row_data_ok(columns):  # may raise GoPanic (a map key type Go cannot have)
            if result.rows:
                self.log.append(f"WARN gocql: not enough columns to scan into: have 0 want {scan_slots(columns)}")
            return
        for row in result.rows:
            values = []
            for (name, cql), raw in zip(result.columns, row, strict=True):
                try:
                    value = None if cql.name == "tuple" else decode(cql, raw)  # MapScan splits tuples up
                except (ValueError, IndexError, struct.error):  # bytes gocql cannot unmarshal end the scan
                    self.log.append(f"WARN can not unmarshal column {name}")
                    return
                values.append(to_value(value, cql, self.log))
            if host is not None:
                values.append(("string", host))
            frame.append_row(values)

    def _session(self, host: str, specific: bool) -> GoSession:
        """getSession: the cached session of this host string, or a new one (see the module's docstring)."""
        cached = self._sessions.get(host)
        if cached is not None:
            return cached
        config: ClusterConfig | None
        if host == "":
            if self._cluster is None:
                raise SessionError(NO_HOST)
            config = self._cluster
        elif host not in self._clusters:
            self._clusters[host] = ClusterConfig(host, whitelist=host, user=self._user, password=self._password)
            if self._cluster is None:
                self._cluster = ClusterConfig(host)  # made without the login, as the plugin does
            config = self._clusters[host] if specific else self._cluster
        else:
            config = None  # the plugin leaves its cluster nil here and dereferences it
        if config is None:
            raise GoPanic(NIL_POINTER)
        session = GoSession(config)
        self._sessions[host] = session
        return session


# -- Go's view of the JSON it is given -----------------------------------------------------------------


def go_kind(value: Any) -> str:
    """The Go type json.Unmarshal gives a JSON value in an interface{}."""
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "float64"
    if isinstance(value, str):
        return "string"
    return "[]interface {}" if isinstance(value, list) else "map[string]interface {}"


def struct_error(data: Any, struct: str, fields: tuple[str, ...]) -> str | None:
    """json.Unmarshal into a struct of string fields: Go's error text, or None."""
    if data is None:
        return None
    if not isinstance(data, Mapping):
        return f"json: cannot unmarshal {json_kind(data)} into Go value of type plugin.{struct}"
    for key, value in data.items():
        for name in fields:
            if str(key).lower() == name.lower() and value is not None and not isinstance(value, str):
                return f"json: cannot unmarshal {json_kind(value)} into Go struct field {struct}.{name} of type string"
    return None


def settings_host(json_data: Any) -> str:
    """jsonData.host as the plugin's factory reads it; ValueError with Go's text when it fails."""
    error = struct_error(json_data, "editModel", ("host",))
    if error is not None:
        raise ValueError(error)
    host = ""
    for key, value in (json_data or {}).items():
        if str(key).lower() == "host" and isinstance(value, str):
            host = value
    return host


def go_sprint(value: Any) -> str:
    """fmt.Sprintf("%v") of a JSON value decoded by Go."""
    if isinstance(value, str):
        return value
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return _go_float_v(float(value))
    if isinstance(value, list):
        return "[" + " ".join(go_sprint(v) for v in value) + "]"
    items = sorted((str(k), go_sprint(v)) for k, v in dict(value).items())
    return "map[" + " ".join(f"{k}:{v}" for k, v in items) + "]"


def _go_float_v(value: float) -> str:
    from core.grafana.plugins.go_json import go_float_name, shortest_digits

    if value != value or value in (float("inf"), float("-inf")):
        return go_float_name(value)
    if value == 0:
        return "0"
    digits, exp = shortest_digits(abs(value), 64)
    sign = "-" if value < 0 else ""
    if exp < -4 or exp >= 21:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if exp < 0:
        return f"{sign}0.{'0' * (-exp - 1)}{digits}"
    if exp + 1 >= len(digits):
        return sign + digits + "0" * (exp + 1 - len(digits))
    return f"{sign}{digits[:exp + 1]}.{digits[exp + 1:]}"
