"""HadesArchitect's Apache Cassandra plugin `hadesarchitect-cassandra-datasource` 3.3.0, emulated.

Like the plugin's backend (pkg/main.go, pkg/handler), an instance connects lazily on its first request
and keeps its session; a failed connection is retried on the next request. Queries answer with the
JSON Grafana receives; the `variables`, `keyspaces`, `tables` and `columns` resources with the bytes
the plugin writes.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from core.grafana.plugins import PluginRequest, ResourceAnswer
from core.grafana.plugins.cassandra_frames import make_frames, variables
from core.grafana.plugins.cassandra_query import GoTime, build_statement, parse_query, split_ids
from core.grafana.plugins.cassandra_rows import SelectError
from core.grafana.plugins.cassandra_session import CassandraSession
from core.grafana.plugins.cassandra_settings import InstanceError, parse_settings
from core.grafana.plugins.gotext import go_json_marshal_indent
from core.grafana.plugins.sdk_frames import error_result, frames_result

PLUGIN_ID = "hadesarchitect-cassandra-datasource"
RELEASE = "3.3.0"
_TEXT_HEADERS = {"Content-Type": ["text/plain; charset=utf-8"]}
_NOT_FOUND = ResourceAnswer(404, b"404 page not found\n",
                            {**_TEXT_HEADERS, "X-Content-Type-Options": ["nosniff"]})
_FAILED = ResourceAnswer(500, b"")


class CassandraInstance:
    """One emulated plugin instance for one data source's settings."""

    release = RELEASE

    def __init__(self, settings: Mapping[str, Any]) -> None:
        self._settings = dict(settings)
        self._session: CassandraSession | None = None
        self._lock = threading.Lock()
        self.log: list[str] = []  # the plugin's error log lines of the last call, as far as cqlscope knows them

    def _repository(self) -> CassandraSession:
        with self._lock:
            if self._session is None:
                try:
                    self._session = CassandraSession(parse_settings(self._settings))
                except InstanceError as error:
                    self.log.append(f"ERROR {error.log}")
                    raise
            return self._session

    # -- QueryData ---------------------------------------------------------------------------------

    def query(self, request: PluginRequest) -> dict[str, Any]:
        """The JSON Grafana receives for one target (`{"error": ...}` when the call fails as a whole)."""
        self.log = []
        ref_id = request.ref_id
        query_type = request.target.get("queryType", "")
        if query_type not in ("query", "alert"):  # the SDK's QueryTypeMux fallback
            message = f"no handler found for query type '{query_type if isinstance(query_type, str) else ''}'"
            return {"results": {ref_id: error_result(message, "plugin")}}
        try:
            repo = self._repository()
        except InstanceError as error:
            self.log.append(f"ERROR Failed to get plugin instance Message=instanceManager.Get: {error.message}")
            return {"error": f"failed to get plugin instance: instanceManager.Get: {error.message}"}
        return {"results": {ref_id: self._run(repo, request)}}

    def _run(self, repo: CassandraSession, request: PluginRequest) -> dict[str, Any]:
        try:
            query = parse_query(request.target, request.from_ms, request.to_ms)
        except ValueError as error:
            self.log.append(f"ERROR Failed to parse query Message={error}")
            return error_result(f"json.Unmarshal: {error}")
        try:
            if query.raw:
                grouped = self._select(repo, query.target, None, "repo.Select")
            else:
                values = [split_ids(query.value_id), GoTime(query.from_ms), GoTime(query.to_ms)]
                grouped = self._select(repo, build_statement(query), values, "repo.ExecStrictQuery")
        except SelectError as error:
            message = f"query processing: {error}"
            self.log.append(f"ERROR Failed to execute query Message={message}")
            return error_result(f"p.ExecQuery: {message}")
        return frames_result(make_frames(grouped, query.alias, query.alert), request.ref_id)

    @staticmethod
    def _select(repo: CassandraSession, statement: str, values: list[Any] | None, prefix: str) -> Any:
        try:
            return repo.select(statement, values)
        except SelectError as error:
            raise SelectError(f"{prefix}: {error}") from None

    # -- CallResource ------------------------------------------------------------------------------

    def resource(self, path: str, params: Mapping[str, str]) -> ResourceAnswer:
        """The plugin's resources: `variables?query=`, `keyspaces`, `tables?keyspace=`,
        `columns?keyspace=&table=&needType=`; anything else is the mux's 404."""
        self.log = []
        name = path.split("?", 1)[0].strip("/")
        handlers = {"variables": self._variables, "keyspaces": self._keyspaces,
                    "tables": self._tables, "columns": self._columns}
        handler = handlers.get(name)
        if handler is None:
            return _NOT_FOUND
        try:
            repo = self._repository()
        except InstanceError as error:
            self.log.append(f"ERROR Failed to get plugin instance Message=instanceManager.Get: {error.message}")
            return _FAILED
        try:
            body = handler(repo, params)
        except SelectError as error:
            self.log.append(f"ERROR Failed to get {name} Message={error}")
            return _FAILED
        return ResourceAnswer(200, go_json_marshal_indent(body).encode("utf-8"), dict(_TEXT_HEADERS))

    def _variables(self, repo: CassandraSession, params: Mapping[str, str]) -> Any:
        try:
            grouped = repo.select(params.get("query", ""))
        except SelectError as error:
            raise SelectError(f"repo.Select: {error}") from None
        return variables(grouped)

    @staticmethod
    def _keyspaces(repo: CassandraSession, params: Mapping[str, str]) -> Any:
        try:
            return repo.keyspaces() or None
        except Exception as error:
            raise SelectError(f"repo.GetKeyspaces: query processing: {error}") from None

    @staticmethod
    def _tables(repo: CassandraSession, params: Mapping[str, str]) -> Any:
        keyspace = params.get("keyspace", "")
        tables = _schema_rows(repo, "SELECT table_name FROM system_schema.tables WHERE keyspace_name = %s",
                              [keyspace], keyspace)
        return [row[0] for row in tables]

    @staticmethod
    def _columns(repo: CassandraSession, params: Mapping[str, str]) -> Any:
        keyspace, table, need = params.get("keyspace", ""), params.get("table", ""), params.get("needType", "")
        rows = _schema_rows(repo, "SELECT column_name, type FROM system_schema.columns "
                                  "WHERE keyspace_name = %s AND table_name = %s", [keyspace, table], keyspace)
        if not rows:
            raise SelectError(f"repo.GetColumns: no such table: '{table}'")
        return [name for name, cql_type in rows if _gocql_type_word(cql_type) == need]

    def close(self) -> None:
        with self._lock:
            if self._session is not None:
                self._session.close()
                self._session = None


def _schema_rows(repo: CassandraSession, statement: str, values: list[str], keyspace: str) -> list[Any]:
    try:
        if keyspace not in repo.keyspaces():
            raise SelectError("session.KeyspaceMetadata: keyspace does not exist")
        return repo.rows(statement, values)
    except SelectError:
        raise
    except Exception as error:
        raise SelectError(f"session.KeyspaceMetadata: {error}") from None


def _gocql_type_word(cql_type: str) -> str:
    """gocql's `Type().String()` of a schema type: the outer word, `udt` for user types."""
    text = cql_type.strip()
    while text.startswith("frozen<"):
        text = text[len("frozen<"):-1].strip()
    word = text.split("<", 1)[0].strip()
    known = {"ascii", "bigint", "blob", "boolean", "counter", "date", "decimal", "double", "duration", "float",
             "inet", "int", "smallint", "text", "time", "timestamp", "timeuuid", "tinyint", "uuid", "varchar",
             "varint", "list", "set", "map", "tuple"}
    if word in known:
        return word
    return "custom" if "." in word or "'" in word else "udt"
