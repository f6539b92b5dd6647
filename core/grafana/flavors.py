"""What each Grafana plugin does to a query before it reaches CQL ("flavor emulation").

scylla: the front end interpolates `queryText` and `queryHost` with no format (glob) and no request
variables ($__interval stays literal); no backend macros; any statement; the host field is one host or
a comma list with `{`/`}` stripped, and "all hosts" fans out. cassandra: the front end interpolates
`target` with csv as the default format and the request's variables, then the backend replaces
`$__timeFrom`, `$__timeTo` (epoch ms), `$__unixEpochFrom`, `$__unixEpochTo` (epoch s) and accepts only
text starting with `SELECT `. generic: plain Grafana interpolation, for a preview.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from core.grafana.globals import GrafanaGlobals
from core.grafana.templating import InterpolationResult, Variable, interpolate
from core.grafana.timerange import DEFAULT_MAX_DATA_POINTS, Interval, TimeRange, calculate_interval

FLAVOR_NAMES = ("scylla", "cassandra", "generic")
DEFAULT_FROM = "now-6h"  # Grafana's default dashboard range
DEFAULT_TO = "now"


@dataclass(frozen=True)
class FlavorSpec:
    """How one plugin prepares a query."""

    name: str
    default_format: str
    macros: tuple[str, ...]
    passes_request_variables: bool  # $__interval / $__interval_ms from the query request
    select_only: bool
    host_field: bool
    range_variables: bool = False


FLAVORS: dict[str, FlavorSpec] = {
    "scylla": FlavorSpec("scylla", "glob", (), False, False, True),
    "cassandra": FlavorSpec("cassandra", "csv", ("$__timeFrom", "$__timeTo", "$__unixEpochFrom", "$__unixEpochTo"),
                            True, True, False),
    "generic": FlavorSpec("generic", "glob", (), True, False, True, range_variables=True),
}


def flavor_spec(name: str) -> FlavorSpec:
    """The spec of a flavor name; ValueError naming the choices otherwise."""
    try:
        return FLAVORS[name]
    except KeyError:
        raise ValueError(f"unknown flavor '{name}': use one of {', '.join(FLAVOR_NAMES)}") from None


@dataclass
class PreparedQuery:
    """A query as the plugin would send it, with what was done to it on the way."""

    flavor: FlavorSpec
    original: str
    text: str
    interpolation: InterpolationResult
    variables: dict[str, Variable]
    time_range: TimeRange
    interval: Interval | None
    macros: list[tuple[str, str]] = field(default_factory=list)  # (macro, value) replaced by the backend
    host_original: str | None = None
    host_interpolation: InterpolationResult | None = None
    hosts: list[str] = field(default_factory=list)
    all_hosts: bool = False
    rejected: str | None = None  # why the plugin would refuse the statement


def prepare_query(
    flavor: str,
    text: str,
    variables: Mapping[str, Variable],
    time_range: TimeRange,
    *,
    interval: Interval | None = None,
    max_data_points: int = DEFAULT_MAX_DATA_POINTS,
    host: str | None = None,
    all_hosts: bool = False,
    browser_timezone: str | None = None,
    grafana_globals: GrafanaGlobals | None = None,
) -> PreparedQuery:
    """Interpolate and rewrite `text` (and the host field) exactly as the flavor's plugin would."""
    spec = flavor_spec(flavor)
    if interval is None and spec.passes_request_variables:
        interval = calculate_interval(time_range.range_ms, max_data_points)
    request_interval = interval if spec.passes_request_variables else None
    variables = dict(variables)

    def run(source: str) -> InterpolationResult:
        return interpolate(source, variables, time_range=time_range, default_format=spec.default_format,
                           interval=request_interval, browser_timezone=browser_timezone,
                           range_variables=spec.range_variables, grafana_globals=grafana_globals)

    result = run(text)
    prepared = PreparedQuery(spec, text, result.text, result, variables, time_range, request_interval,
                             all_hosts=all_hosts)
    if spec.macros:
        prepared.text = apply_cassandra_macros(prepared.text, time_range, prepared.macros)
    if spec.select_only and not prepared.text.strip().upper().startswith("SELECT "):
        prepared.rejected = ("The cassandra plugin runs raw queries only when they start with 'SELECT ' "
                             "(with the space); it rejects this statement.")
    if host is not None and host.strip():
        prepared.host_original = host
        if spec.host_field:
            prepared.host_interpolation = run(host)
            resolved = prepared.host_interpolation.text
        else:
            resolved = host
        prepared.hosts = split_host_field(resolved)
    return prepared


def apply_cassandra_macros(text: str, time_range: TimeRange, applied: list[tuple[str, str]]) -> str:
    """The cassandra plugin's backend macros: plain substring replacement, in its order."""
    replacements = (
        ("$__timeFrom", str(time_range.from_ms)),
        ("$__timeTo", str(time_range.to_ms)),
        ("$__unixEpochFrom", str(time_range.from_ms // 1000)),
        ("$__unixEpochTo", str(time_range.to_ms // 1000)),
    )
    for macro, value in replacements:
        if macro in text:
            applied.append((macro, value))
            text = text.replace(macro, value)
    return text


def split_host_field(text: str) -> list[str]:
    """The scylla plugin's host field: braces stripped, split on commas, spaces trimmed, blanks dropped."""
    cleaned = text.replace("{", "").replace("}", "")
    return [part.strip() for part in cleaned.split(",") if part.strip()]


#: The released plugin each flavor emulates (the plugins' own answers are in tests/fixtures/plugins).
RELEASES = {
    "scylla": "scylladb-scylla-datasource 0.5.0",
    "cassandra": "hadesarchitect-cassandra-datasource 3.3.0",
    "generic": "plain Grafana interpolation, no plugin",
}
FLAVOR_HELP = "; ".join(f"{name}: {release}" for name, release in RELEASES.items())
