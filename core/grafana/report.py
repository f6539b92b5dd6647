"""The compatibility report: where the target plugin would fail, lose data or surprise, and what to do.

One Finding per problem, each with a suggestion. Query findings come from the prepared query (core.grafana.flavors);
result findings from the exact frame cqlscope fetched (core.grafana.frames).
"""

from __future__ import annotations

import re
from typing import Any

from core.cql.values import base_type
from core.findings import Finding, Severity, by_severity
from core.grafana.flavors import PreparedQuery
from core.grafana.frames import Frame
from core.grafana.plugin_response import (
    CASSANDRA_FAILING_TYPES,
    cassandra_id_problem,
)
from core.grafana.result_facts import ResultFacts
from core.grafana.series import SeriesGroups
from core.grafana.template_scan import finditer_closed

ERROR = Severity.ERROR
WARNING = Severity.WARNING
INFO = Severity.INFO

_LEFTOVER_MACRO = re.compile(r"\$__\w+|\$\{__[^}]*\}|\[\[__\w+(?::\w+)?\]\]", re.ASCII)
_LEFTOVER_OPEN = re.compile(r"\$__\w+|\[\[__\w+(?::\w+)?\]\]", re.ASCII)  # past the last `}`
_ALERT_NOTE = ("Alert rules run on the Grafana server and never substitute dashboard variables: there `$var` "
               "reaches the database as written.")


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
    leftovers = finditer_closed(_LEFTOVER_MACRO, _LEFTOVER_OPEN, prepared.text, "}")
    for match in sorted({leftover.group(0) for leftover in leftovers}):
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


def result_findings(flavor: str, result: Frame | ResultFacts) -> list[Finding]:
    """Findings about column types and result shape under the flavor, from a whole frame or from the facts
    gathered while its pages arrived."""
    facts = result if isinstance(result, ResultFacts) else ResultFacts.of(flavor, result)
    if facts.shape is None:
        return []
    findings: list[Finding] = []
    shape = facts.shape
    if flavor == "scylla":
        from core.grafana.scylla_findings import scylla_result_findings

        findings += scylla_result_findings(facts)
    elif flavor == "cassandra":
        findings += _cassandra_findings(facts)
    if shape.fields and (not shape.time_fields() or not shape.number_fields()):
        missing = "a time column" if not shape.time_fields() else "a numeric column"
        findings.append(Finding("alert-shape", INFO,
                                f"The result has no {missing.split(' ', 1)[1]}: it can be shown as a table, but "
                                "alert rules and time series panels need a time column and numeric values.",
                                f"Select {missing} for graphs and alerts."))
    return findings


def _cassandra_findings(facts: ResultFacts) -> list[Finding]:
    """The cassandra plugin names each row's series by its first column before it checks any type, so a first
    column it cannot name fails the query first; then every unsupported column does."""
    assert facts.shape is not None
    shape = facts.shape
    findings: list[Finding] = []
    id_problem = cassandra_id_problem(shape, facts.row_count)
    if id_problem is not None:
        first = shape.fields[0]
        findings.append(Finding(
            "first-column-type", ERROR,
            f"The first column, {first.name} ({first.cql_type}), names the series, and the cassandra plugin "
            f"cannot turn that type into a name: the whole query fails with \"{id_problem}\".",
            "Put a text, uuid, integer, float, timestamp or boolean column (the series id) first."))
    for index, item in enumerate(shape.fields):
        kind = base_type(item.cql_type)
        if (index > 0 or id_problem is None) and (kind in CASSANDRA_FAILING_TYPES or item.type == "other"):
            findings.append(Finding(
                "type-fails-query", ERROR,
                f"Column {item.name} is {item.cql_type}: the cassandra plugin fails the whole query "
                "(unsupported type).", f"Leave {item.name} out of the SELECT."))
    has_null = facts.null_columns()
    if has_null:
        findings.append(Finding("null-unsupported", WARNING,
                                f"NULL values in {', '.join(sorted(has_null))}: the cassandra plugin does not "
                                "support NULL (it gets the type's zero value).", "Filter NULLs out."))
    if id_problem is None and shape.fields:
        first = shape.fields[0]
        distinct = facts.distinct_first() if facts.row_count else "0"
        findings.append(Finding(
            "first-column-series", INFO,
            f"The first column ({first.name}) becomes the series id: {distinct} frame(s), one per distinct value.",
            "Put the series id (e.g. sensor_id) first, then the value and the time column."))
    return findings


def compatibility_report(prepared: PreparedQuery, frame: Frame | None = None, error: str | None = None,
                         datasource_host: str | None = None, *, facts: ResultFacts | None = None,
                         groups: SeriesGroups | None = None) -> list[Finding]:
    """Every finding for a query and, when it ran, its result (or its CQL error); with the data source's host
    for the scylla flavor, findings about it too. The result comes as a whole `frame`, or as the `facts` and
    series `groups` gathered while its pages arrived."""
    findings = query_findings(prepared)
    flavor = prepared.flavor.name
    if frame is not None:
        facts = ResultFacts.of(flavor, frame)
        groups = SeriesGroups.of(frame, keep_values=False)
    if facts is not None and flavor != "generic":
        findings += result_findings(flavor, facts)
        if groups is not None:
            findings += graph_findings(groups)
    if flavor == "scylla":
        from core.grafana.scylla_findings import scylla_error_findings, scylla_settings_findings

        if error is not None:
            findings += scylla_error_findings(error)
        if datasource_host is not None:
            findings += scylla_settings_findings(datasource_host)
    return by_severity(findings)


def graph_findings(result: Frame | SeriesGroups) -> list[Finding]:
    """A warning when rows share a timestamp inside one series: the time series panel draws them all, the line
    going back and forth at that time."""
    groups = result if isinstance(result, SeriesGroups) else SeriesGroups.of(result, keep_values=False)
    repeats = groups.shared_times()
    if not repeats:
        return []
    total = sum(count for _labels, count in repeats)
    where = "; ".join(", ".join(f"{k}={v!r}" for k, v in labels.items()) or "the only series"
                      for labels, _count in repeats[:3])
    more = f" and {len(repeats) - 3} more" if len(repeats) > 3 else ""
    return [Finding(
        "shared-timestamps", WARNING,
        f"{total} row{'s share' if total != 1 else ' shares'} a timestamp with another row of the same series ({where}"
        f"{more}): the time series panel draws every row, so the line goes back and forth at those times.",
        "Select the column that tells the rows apart (e.g. the partition key) as a text column, so each gets its "
        "own series, or aggregate the rows per time.")]
