"""What the released ScyllaDB plugin (0.5.0) makes of a result, its errors and its data source's host, as
compatibility findings; the rules come from its emulation (core.grafana.plugins)."""

from __future__ import annotations

from core.findings import Finding, Severity
from core.grafana.plugin_response import SCYLLA_NULL_FAILING_TYPES
from core.grafana.plugins.go_values import CqlType, GoPanic, GoTypeError, go_type, parse_cql_type
from core.grafana.plugins.scylla import NO_HOST
from core.grafana.plugins.scylla_frames import NIL_RESPONSE
from core.grafana.result_facts import ResultFacts

ERROR = Severity.ERROR
WARNING = Severity.WARNING
INFO = Severity.INFO


def scylla_result_findings(facts: ResultFacts) -> list[Finding]:
    """What the scylla plugin 0.5.0 makes of this result, column by column (rules: core.grafana.plugins)."""
    assert facts.shape is not None
    findings: list[Finding] = []
    fields = facts.shape.fields
    cqls = [parse_cql_type(item.cql_type) for item in fields]
    unreadable = [item for item, cql in zip(fields, cqls, strict=True) if cql.contains_custom()]
    for item in unreadable:
        findings.append(Finding(
            "no-data-unreadable-type", ERROR,
            f"Column {item.name} is {item.cql_type}: gocql 1.7 cannot read it, so the scylla plugin returns the "
            "columns with no rows and no error: the panel shows no data.",
            f"Leave {item.name} out of the SELECT (SELECT * includes it)."))
    nulls: list[str] = []
    for item, cql, column in zip(fields, cqls, facts.columns, strict=True):
        panic = _scylla_panic(cql, None if unreadable else column.scylla_panic)
        if panic is not None:
            what = ("its NULL values" if cql.name in SCYLLA_NULL_FAILING_TYPES and column.has_null
                    else "its values")
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
        elif cql.name in ("decimal", "varint") and column.loses_digits:
            findings.append(Finding("number-precision", WARNING,
                                    f"Column {item.name} ({item.cql_type}) has values that float64 cannot hold "
                                    "exactly: the plugin rounds them.", "Keep exact values out of panels, or "
                                    "scale them into the float64 range."))
        if column.has_null:
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


def _scylla_panic(cql: CqlType, value_panic: str | None) -> str | None:
    """The panic this column causes in the scylla plugin: a map key Go cannot have (even with no rows), or the
    first value whose Go type is not its field's (found while the rows arrived). None when it causes none."""
    try:
        go_type(cql)
    except GoPanic as panic:
        return str(panic)
    except GoTypeError:
        return None
    return value_panic


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
