"""The compatibility report: where the target plugin would fail, lose data or surprise, and what to do.

One Finding per problem, each with a suggestion. Query findings come from the prepared query (core.grafana.flavors);
result findings from the exact frame cqlscope fetched (core.grafana.frames).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from core.cql.values import base_type
from core.grafana.flavors import PreparedQuery
from core.grafana.frames import Field, Frame
from core.grafana.plugin_response import (
    CASSANDRA_FAILING_TYPES,
    SCYLLA_NULL_FAILING_TYPES,
    cassandra_id_problem,
)
from core.grafana.plugins.go_values import CqlType, GoPanic, GoTypeError, from_driver, go_type, parse_cql_type
from core.grafana.plugins.scylla import NO_HOST
from core.grafana.plugins.scylla_frames import NIL_RESPONSE, element_type, to_value

ERROR = "error"
WARNING = "warning"
INFO = "info"

_LEFTOVER_MACRO = re.compile(r"\$__\w+|\$\{__[^}]*\}|\[\[__\w+(?::\w+)?\]\]", re.ASCII)
_ALERT_NOTE = ("Alert rules run on the Grafana server and never substitute dashboard variables: there `$var` "
               "reaches the database as written.")


@dataclass(frozen=True)
class Finding:
    """One compatibility problem with its suggestion."""

    code: str
    severity: str
    message: str
    suggestion: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def line(self) -> str:
        return f"{self.severity}: {self.message} Suggestion: {self.suggestion}"


def query_findings(prepared: PreparedQuery) -> list[Finding]:
    """Findings about the query text and host field under the prepared flavor."""
    flavor = prepared.flavor.name
    findings: list[Finding] = []
    references = list(prepared.interpolation.references)
    unresolved_names: set[str] = set()
    for ref in prepared.interpolation.unresolved:
        if ref.name.startswith("__"):
            continue  # built-ins and macros: reported below from the text that would be sent
        unresolved_names.add(ref.match)
        findings.append(Finding(
            "unresolved-variable", ERROR,
            f"{ref.match} is not a defined variable: it would reach CQL as the literal text '{ref.match}'.",
            f"Define '{ref.name}' in the variables (or the dashboard), or remove it. {_ALERT_NOTE}"))
    for match in sorted(set(_LEFTOVER_MACRO.findall(prepared.text))):
        findings.append(_unknown_macro(flavor, match))
    dashboard_refs = [r for r in references if r.found and not r.name.startswith("__")]
    if dashboard_refs and not unresolved_names:
        findings.append(Finding("alert-variables", INFO,
                                "The query uses dashboard variables.", _ALERT_NOTE + " Use fixed values in alerts."))
    for ref in references:
        if not ref.found:
            continue
        variable = prepared.variables.get(ref.name)
        if variable is not None and variable.all_selected and variable.all_value is not None:
            findings.append(Finding(
                "custom-all-value", WARNING,
                f"{ref.match} has All selected with the custom all value '{variable.all_value}', which Grafana "
                "inserts raw: unformatted and unescaped, whatever the format.",
                "Make the custom all value valid CQL at this place, or clear it so that All expands to every "
                "option and is formatted."))
        elif ref.format == "glob" and not _explicit_glob(ref.match) and _is_multi(ref.source_value):
            findings.append(Finding(
                "glob-multi-value", ERROR,
                f"{ref.match} is multi-valued and gets the glob format (the {flavor} flavor's default, or the "
                f"fallback for an unknown format), so it becomes {ref.value}, which is not valid CQL.",
                f"Name a format: ${{{ref.name}:sqlstring}} inside IN (...) for text values, ${{{ref.name}:csv}} "
                "for numbers."))
        if ref.format == "singlequote":
            findings.append(Finding(
                "singlequote", WARNING,
                f"{ref.match} uses singlequote, which escapes a quote as \\' : not valid CQL.",
                f"Use ${{{ref.name}:sqlstring}}, which doubles quotes as CQL expects."))
    if prepared.rejected:
        findings.append(Finding("statement-rejected", ERROR, prepared.rejected,
                                "Write the query as a SELECT starting with 'SELECT ' (upper or lower case)."))
    if prepared.flavor.name == "scylla" and prepared.hosts and not prepared.all_hosts:
        listed = (f"The host field lists {len(prepared.hosts)} hosts; without 'all hosts' the plugin takes only the "
                  f"first, {prepared.hosts[0]}, and" if len(prepared.hosts) > 1 else
                  "Without 'all hosts' the plugin")
        findings.append(Finding(
            "host-list-first-only" if len(prepared.hosts) > 1 else "host-not-pinned", INFO,
            f"{listed} does not pin the query to {prepared.hosts[0]}: it runs on the data source's own "
            "connection, to any node (the host only names a cached session, pinned only if an 'all hosts' query "
            "opened it first).",
            "Turn on all hosts to query each host itself (rows get a _host column)."))
    return by_severity(findings)


def by_severity(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, then notes; the order of discovery within each."""
    rank = {ERROR: 0, WARNING: 1, INFO: 2}
    return sorted(findings, key=lambda f: rank[f.severity])


def _unknown_macro(flavor: str, match: str) -> Finding:
    if match in ("$__interval", "$__interval_ms", "${__interval}", "${__interval_ms}") and flavor == "scylla":
        return Finding("unknown-macro", ERROR,
                       f"The scylla plugin passes no request interval: {match} reaches CQL as written.",
                       "Use a fixed bucket size, or a dashboard variable that holds it.")
    if flavor == "scylla" and match.startswith(("$__time", "$__unixEpoch")):
        return Finding("unknown-macro", ERROR,
                       f"The scylla plugin has no time macros: {match} reaches CQL as written (the plugin ignores "
                       "the time range).", "Use ${__from} and ${__to} (epoch ms), which Grafana fills in.")
    return Finding("unknown-macro", ERROR, f"{match} is not a macro the {flavor} plugin knows: it reaches CQL as "
                   "written.", "Remove it, or use a built-in such as ${__from}, ${__to} or $__interval.")


def _explicit_glob(match: str) -> bool:
    """True when the expression names glob itself (`${x:glob}`), not by default or fallback."""
    return match.endswith((":glob}", ":glob]]"))


def _is_multi(value: Any) -> bool:
    return isinstance(value, tuple) and len(value) > 1


def result_findings(flavor: str, frame: Frame) -> list[Finding]:
    """Findings about column types and result shape under the flavor."""
    findings: list[Finding] = []
    has_null = {f.name for f in frame.fields if any(v is None for v in f.values)}
    if flavor == "scylla":
        findings += scylla_result_findings(frame)
    elif flavor == "cassandra":
        findings += _cassandra_findings(frame, has_null)
    if frame.fields and (not frame.time_fields() or not frame.number_fields()):
        missing = "a time column" if not frame.time_fields() else "a numeric column"
        findings.append(Finding("alert-shape", INFO,
                                f"The result has no {missing.split(' ', 1)[1]}: it can be shown as a table, but "
                                "alert rules and time series panels need a time column and numeric values.",
                                f"Select {missing} for graphs and alerts."))
    return findings


def _cassandra_findings(frame: Frame, has_null: set[str]) -> list[Finding]:
    """The cassandra plugin names each row's series by its first column before it checks any type, so a first
    column it cannot name fails the query first; then every unsupported column does."""
    findings: list[Finding] = []
    id_problem = cassandra_id_problem(frame)
    if id_problem is not None:
        first = frame.fields[0]
        findings.append(Finding(
            "first-column-type", ERROR,
            f"The first column, {first.name} ({first.cql_type}), names the series, and the cassandra plugin "
            f"cannot turn that type into a name: the whole query fails with \"{id_problem}\".",
            "Put a text, uuid, integer, float, timestamp or boolean column (the series id) first."))
    for index, item in enumerate(frame.fields):
        kind = base_type(item.cql_type)
        if (index > 0 or id_problem is None) and (kind in CASSANDRA_FAILING_TYPES or item.type == "other"):
            findings.append(Finding(
                "type-fails-query", ERROR,
                f"Column {item.name} is {item.cql_type}: the cassandra plugin fails the whole query "
                "(unsupported type).", f"Leave {item.name} out of the SELECT."))
    if has_null:
        findings.append(Finding("null-unsupported", WARNING,
                                f"NULL values in {', '.join(sorted(has_null))}: the cassandra plugin does not "
                                "support NULL (it gets the type's zero value).", "Filter NULLs out."))
    if id_problem is None and frame.fields:
        first = frame.fields[0]
        distinct = len({_hashable(v) for v in first.values}) if frame.row_count else 0
        findings.append(Finding(
            "first-column-series", INFO,
            f"The first column ({first.name}) becomes the series id: {distinct} frame(s), one per distinct value.",
            "Put the series id (e.g. sensor_id) first, then the value and the time column."))
    return findings


def _hashable(value: Any) -> Any:
    """A set key for any CQL value: lists, sets, maps and UDT-like values by their repr."""
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


def scylla_result_findings(frame: Frame) -> list[Finding]:
    """What the scylla plugin 0.5.0 makes of this result, column by column (rules: core.grafana.plugins)."""
    findings: list[Finding] = []
    cqls = [parse_cql_type(item.cql_type) for item in frame.fields]
    unreadable = [item for item, cql in zip(frame.fields, cqls, strict=True) if cql.contains_custom()]
    for item in unreadable:
        findings.append(Finding(
            "no-data-unreadable-type", ERROR,
            f"Column {item.name} is {item.cql_type}: gocql 1.7 cannot read it, so the scylla plugin returns the "
            "columns with no rows and no error: the panel shows no data.",
            f"Leave {item.name} out of the SELECT (SELECT * includes it)."))
    nulls: list[str] = []
    for item, cql in zip(frame.fields, cqls, strict=True):
        panic = _scylla_panic(item, cql, check_rows=not unreadable)
        if panic is not None:
            has_null = any(v is None for v in item.values)
            what = "its NULL values" if cql.name in SCYLLA_NULL_FAILING_TYPES and has_null else "its values"
            findings.append(Finding(
                "type-fails-query", ERROR,
                f"Column {item.name} is {item.cql_type}: the scylla plugin panics on {what} ({panic}) and fails the "
                f"whole query: the panel shows the error '{NIL_RESPONSE}'.", _SCYLLA_FIXES.get(
                    cql.name, f"Leave {item.name} out of the SELECT.").format(name=item.name)))
            continue
        if cql.name == "blob":
            findings.append(Finding("blob-as-text", WARNING,
                                    f"Column {item.name} is a blob: the scylla plugin shows the text 'Blob'.",
                                    "Select blobAsText() or a derived column to see the content."))
        elif cql.name in ("decimal", "varint") and _loses_digits(item.values):
            findings.append(Finding("number-precision", WARNING,
                                    f"Column {item.name} ({item.cql_type}) has values that float64 cannot hold "
                                    "exactly: the plugin rounds them.", "Keep exact values out of panels, or "
                                    "scale them into the float64 range."))
        if any(v is None for v in item.values):
            nulls.append(item.name)
    if nulls and not unreadable:
        findings.append(Finding("null-as-zero", WARNING,
                                f"NULL values in {', '.join(sorted(nulls))} become the type's zero value "
                                "(0, false, empty text; a timestamp becomes 0001-01-01, which the panel shows as "
                                "1754-08-30) in the scylla plugin.",
                                "Filter NULLs out, or read zeros in the panel with care."))
    return findings


_SCYLLA_FIXES = {
    "date": "Select toTimestamp({name}) (a time field) or CAST({name} AS text) instead.",
    "counter": "Select CAST({name} AS bigint) instead.",
    "decimal": "Select CAST({name} AS double) instead (a NULL then reads as 0).",
    "varint": "Select CAST({name} AS double) instead (a NULL then reads as 0).",
    "tuple": "Leave {name} out of the SELECT: the plugin cannot show tuples.",
}


def _scylla_panic(item: Field, cql: CqlType, check_rows: bool) -> str | None:
    """The panic this column causes in the scylla plugin: a map key Go cannot have (even with no rows), or the
    first value whose Go type is not its field's (with at least one row). None when it causes none."""
    try:
        go_type(cql)
    except GoPanic as panic:
        return str(panic)
    except GoTypeError:
        return None
    if not check_rows:
        return None
    element = element_type(cql)
    for value in item.values:
        gotype, _payload = to_value(None if cql.name == "tuple" else from_driver(cql, value), cql, [])
        if gotype != element:
            return f"interface conversion: interface {{}} is {gotype}, not {element}"
    return None


def scylla_settings_findings(host: str) -> list[Finding]:
    """Findings about a scylla data source's `jsonData.host`, which the plugin hands to gocql whole."""
    text = host.strip()
    if not text:
        return [Finding("no-host", ERROR, f"The data source has no host: the scylla plugin answers every panel "
                        f"with no data (it logs '{NO_HOST}').", "Set the host, e.g. 10.0.0.1 or 10.0.0.1:9042.")]
    if "," in text:
        return [Finding("host-list-fails", ERROR,
                        f"The data source's host '{text}' is a list: the scylla plugin hands it to gocql as one "
                        "host name, the look-up fails and every panel shows no data.",
                        "Give one host (the driver finds the other nodes), e.g. "
                        f"{text.split(',')[0].strip() or '10.0.0.1'}.")]
    if text.startswith("[") and text.endswith("]"):
        return [Finding("host-brackets-need-port", ERROR,
                        f"The data source's host '{text}' has brackets but no port: gocql takes it for a host name, "
                        "the look-up fails and every panel shows no data.",
                        f"Add the port ({text}:9042) or drop the brackets ({text[1:-1]}).")]
    return []


def scylla_error_findings(message: str) -> list[Finding]:
    """The scylla plugin only logs a CQL error: the panel shows no data, not the error."""
    return [Finding("error-hidden", WARNING,
                    f"The scylla plugin only logs CQL errors: the panel shows no data, not '{message}'.",
                    "Run the query in cqlscope to see the error; fix it before using it in a panel.")]


def _loses_digits(values: list[Any]) -> bool:
    for value in values:
        if value is None:
            continue
        if Decimal(float(value)) != Decimal(value):
            return True
    return False


def compatibility_report(prepared: PreparedQuery, frame: Frame | None = None, error: str | None = None,
                         datasource_host: str | None = None) -> list[Finding]:
    """Every finding for a query and, when it ran, its result (or its CQL error); with the data source's host
    for the scylla flavor, findings about it too."""
    findings = query_findings(prepared)
    if frame is not None and prepared.flavor.name != "generic":
        findings += result_findings(prepared.flavor.name, frame)
    if prepared.flavor.name == "scylla":
        if error is not None:
            findings += scylla_error_findings(error)
        if datasource_host is not None:
            findings += scylla_settings_findings(datasource_host)
    return by_severity(findings)
