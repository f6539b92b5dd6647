"""The `cqlscope` argument parser: every command, flag and help text (the CLI reference)."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from typing import Any

from core import __version__
from core.config.datasource import CONSISTENCIES, SECRET_FIELDS
from core.config.options import OPTIONS, OptionKind
from core.cql.defaults import DEFAULT_FETCH_SIZE, MAX_TIMEOUT_S
from core.grafana.flavors import DEFAULT_FROM, DEFAULT_TO, FLAVOR_HELP, FLAVOR_NAMES
from core.grafana.timerange import DEFAULT_MAX_DATA_POINTS


def whole_number(minimum: int) -> Callable[[str], int]:
    """An argparse type: an integer of at least `minimum` (a clear usage error otherwise, exit 2)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{value} is below {minimum}")
        return value

    return parse


def seconds(text: str) -> float:
    """An argparse type: a finite number of seconds above 0 (nan, inf and 1e309 are refused)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds") from None
    if not (math.isfinite(value) and 0 < value <= MAX_TIMEOUT_S):
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds above 0 and at most {MAX_TIMEOUT_S:g}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser; its help texts are the CLI reference."""
    parser = argparse.ArgumentParser(
        prog="cqlscope",
        description="Configure, test and export ScyllaDB and Apache Cassandra data sources for Grafana, as the "
        "released plugins run them: scylladb-scylla-datasource 0.5.0 and hadesarchitect-cassandra-datasource 3.3.0. "
        "Secrets live in the system keyring; settings in the profile file (CQLSCOPE_CONFIG_DIR overrides "
        "its directory).",
    )
    parser.add_argument("--version", action="version", version=f"cqlscope {__version__}")
    parser.add_argument("--debug", action="store_true", help="log debug messages (never secrets) to standard error")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    ds_parser = commands.add_parser("datasource", help="list, show, add, edit and remove data sources",
                                    description="Manage data sources and their secrets.")
    ds_commands = ds_parser.add_subparsers(dest="action", metavar="ACTION")
    ds_commands.required = True

    listing = ds_commands.add_parser("list", help="list the configured data sources")
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")

    show = ds_commands.add_parser("show", help="show one data source (secrets only as configured / not set)")
    show.add_argument("name", metavar="NAME")
    show.add_argument("--json", action="store_true", help="print JSON")

    add = ds_commands.add_parser("add", help="add a data source", description="Add a data source.")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--uid", help="stable Grafana uid (generated when omitted)")
    _add_option_flags(add)

    edit = ds_commands.add_parser("edit", help="change settings of a data source",
                                  description="Change settings of a data source; options not given keep their value.")
    edit.add_argument("name", metavar="NAME")
    edit.add_argument("--rename", metavar="NEW_NAME", help="rename the data source (its secrets follow)")
    _add_option_flags(edit)

    remove = ds_commands.add_parser("remove", help="remove a data source and its keyring entries")
    remove.add_argument("name", metavar="NAME")
    remove.add_argument("--force", action="store_true",
                        help="remove the settings even when the keyring cannot delete its entries (exit code 3 "
                        "then says which entries stayed behind)")

    set_secret = ds_commands.add_parser(
        "set-secret", help="store the user or password in the keyring",
        description="Store a secret in the system keyring. The value is read from a no-echo prompt, or "
        "from standard input with --stdin; never from the command line.")
    set_secret.add_argument("name", metavar="NAME")
    set_secret.add_argument("field", choices=SECRET_FIELDS, metavar="{user,password}")
    set_secret.add_argument("--stdin", action="store_true", help="read the value from standard input")

    clear_secret = ds_commands.add_parser("clear-secret", help="reset the user or password")
    clear_secret.add_argument("name", metavar="NAME")
    clear_secret.add_argument("field", choices=SECRET_FIELDS, metavar="{user,password}")

    check = commands.add_parser(
        "check", help="connect and report health (exit 0 when healthy)",
        description="Connect with the data source's settings and secrets, and report the server version, "
        "cluster, nodes, keyspace and latency; exit 0 when healthy, 1 otherwise.")
    check.add_argument("name", metavar="NAME")
    check.add_argument("--json", action="store_true", help="print the report as JSON")

    render = commands.add_parser(
        "render", help="print a query as the plugin would send it (template variables, macros)",
        description="Interpolate TEXT the way Grafana and the chosen plugin would, and print only the result "
        "on standard output. Warnings and compatibility findings go to standard error.")
    render.add_argument("--flavor", choices=FLAVOR_NAMES, default="generic",
                        help=f"plugin release to emulate (default generic): {FLAVOR_HELP}")
    _add_time_flags(render)
    render.add_argument("--host", help="scylla host field to interpolate too (printed to standard error)")
    render.add_argument("--report", choices=["text", "json"], default="text",
                        help="findings on standard error as text (default) or JSON")
    render.add_argument("text", metavar="TEXT", help="the query text")

    query = _add_intermixed_parser(
        commands, "query", help="run a query on a data source and print the result",
        description="Prepare CQL as the chosen plugin would (variables, macros, host field), run it on the data "
        "source with exact values, and print the result. The compatibility report goes to standard error.")
    query.add_argument("name", metavar="NAME", help="data source")
    hosts = query.add_mutually_exclusive_group()
    hosts.add_argument("--host", help="pin the query to this node (variables allowed, like the plugin's host field)")
    hosts.add_argument("--all-hosts", action="store_true", help="run on every node and add a _host column")
    _add_time_flags(query)
    query.add_argument("--consistency", choices=CONSISTENCIES, help="consistency level override")
    query.add_argument("--limit", type=whole_number(0), help="stop after N rows and say that the result was truncated")
    query.add_argument("--fetch-size", type=whole_number(1), default=DEFAULT_FETCH_SIZE,
                       help="rows per page (default %(default)s)")
    query.add_argument("--timeout", type=seconds, help="request timeout in seconds (default: the data source's)")
    query.add_argument("--trace", action="store_true", help="trace the query; events go to standard error")
    query.add_argument("--flavor", choices=FLAVOR_NAMES,
                       help=f"plugin release to emulate (default: the data source's): {FLAVOR_HELP}")
    query.add_argument("--format", choices=["table", "csv", "json", "frame", "plugin"], default="table",
                       help="table (readable), csv, json (row objects), frame (Grafana data frame JSON) or plugin "
                       "(with --target: exactly the JSON Grafana receives from the emulated plugin)")
    query.add_argument("--report", choices=["text", "json"], default="text",
                       help="compatibility report on standard error as text (default) or JSON")
    query.add_argument("--target", metavar="FILE",
                       help="a panel target's JSON as Grafana stores it, instead of CQL (rawQuery/target or the "
                       "builder fields, alias, instant, queryType for cassandra; queryText/queryHost/allHosts for "
                       "scylla)")
    query.add_argument("cql", metavar="CQL", nargs="?", help="the query text (omit it with --target)")
    _add_variables_command(commands)
    _add_provisioning_commands(commands)
    _add_dashboard_commands(commands)
    return parser


class _IntermixedParser(argparse.ArgumentParser):
    """A subcommand parser whose optional positional (query's CQL, absent with --target) may follow flags:
    plain argparse would give it the empty match before the flags and then reject the CQL."""

    _inside = False

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        if self._inside:
            return super().parse_known_args(args, namespace)
        self._inside = True
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self._inside = False


def _add_intermixed_parser(commands: Any, name: str, **kwargs: Any) -> argparse.ArgumentParser:
    """commands.add_parser with _IntermixedParser for this one subcommand."""
    default_class = commands._parser_class
    commands._parser_class = _IntermixedParser
    try:
        parser: argparse.ArgumentParser = commands.add_parser(name, **kwargs)
    finally:
        commands._parser_class = default_class
    return parser


def _add_variables_command(commands: Any) -> None:
    """The `variables` subcommand (the cassandra plugin's variables resource)."""
    variables = commands.add_parser(
        "variables", help="list a query variable's options as the cassandra plugin returns them",
        description="Interpolate QUERY like the plugin's front end (csv), send it to the emulated cassandra "
        "plugin's variables resource and print its options: value from the first column, text from the second.")
    variables.add_argument("name", metavar="NAME", help="data source (Apache Cassandra plugin)")
    _add_time_flags(variables)
    variables.add_argument("--format", choices=["text", "json"], default="text",
                           help="text (one option a line, value TAB text when they differ) or json (the plugin's "
                           "answer as is)")
    variables.add_argument("query", metavar="QUERY", help="the variable's query, e.g. SELECT DISTINCT sensor FROM t")


def _add_provisioning_commands(commands: Any) -> None:
    """The `export` and `import` subcommands (Grafana provisioning files)."""
    export = commands.add_parser(
        "export", help="write data sources to a Grafana provisioning file",
        description="Write data sources to a Grafana provisioning file (apiVersion 1) on standard output or "
        "into -o FILE. Secrets become $VAR placeholders unless --secrets inline is given. Findings go to "
        "standard error; when validation fails, or -o FILE cannot be written (a directory, a read-only or full "
        "disk), nothing is written and the exit code is 1.")
    export.add_argument("names", nargs="*", metavar="NAME", help="data sources to export")
    export.add_argument("--all", action="store_true", help="export every configured data source")
    export.add_argument("--secrets", choices=["placeholders", "inline"], default="placeholders",
                        help="$VAR placeholders (default) or the real values from the keyring (plain text!)")
    export.add_argument("--env-file", metavar="PATH", help="also write an env file listing the variables")
    export.add_argument("--write-secrets-to-env-file", action="store_true",
                        help="put the real secret values into the env file (created with mode 0600)")
    export.add_argument("--var-prefix", action="append", default=[], metavar="NAME=PREFIX",
                        help="variable prefix for a data source (default: its name in UPPER_SNAKE_CASE)")
    export.add_argument("--merge", metavar="FILE",
                        help="merge into this provisioning file (other entries kept, ours updated by name and "
                        "orgId); the result is written back to it unless -o is given")
    export.add_argument("--delete", action="extend", nargs="+", default=[], metavar="NAME",
                        help="add deleteDatasources entries for these names")
    export.add_argument("--delete-org-id", type=int, default=1, metavar="N", help="orgId of --delete entries")
    export.add_argument("--prune", action="store_true",
                        help="set prune: true (Grafana 11.1+ removes provisioned data sources no longer in files)")
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")

    importing = commands.add_parser(
        "import", help="add data sources from a Grafana provisioning file",
        description="Read a provisioning file (apiVersion 1, or the deprecated format without it), expand "
        "environment variables like Grafana, and add the CQL data sources; secrets go to the keyring. Files over "
        "1 MiB are refused (exit code 2), as are files that are not UTF-8 YAML.")
    importing.add_argument("file", metavar="FILE")
    importing.add_argument("--on-conflict", choices=["skip", "rename", "replace"],
                           help="what to do when a name or uid is already configured (default: stop and report)")
    importing.add_argument("--dry-run", action="store_true", help="only show what would change")


def _add_time_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--vars", metavar="FILE", help="JSON variables file (UTF-8, at most 4 MiB)")
    parser.add_argument("--from", dest="time_from", default=DEFAULT_FROM, metavar="T",
                        help="range start: epoch ms, ISO-8601 or now-6h style (default %(default)s)")
    parser.add_argument("--to", dest="time_to", default=DEFAULT_TO, metavar="T",
                        help="range end (default %(default)s)")
    parser.add_argument("--timezone", default="utc", metavar="TZ",
                        help="dashboard time zone, e.g. utc or Europe/Berlin (default utc)")
    parser.add_argument("--interval", metavar="DUR", help="$__interval, e.g. 30s (default: computed like Grafana)")
    parser.add_argument("--max-data-points", type=int, default=DEFAULT_MAX_DATA_POINTS, metavar="N",
                        help="max data points for the computed interval (default %(default)s)")
    parser.add_argument("--min-interval", default="", metavar="DUR",
                        help="the panel's Min interval, the lowest computed $__interval, e.g. 1m (default: none)")
    grafana = parser.add_argument_group("Grafana settings the dashboard supplies")
    grafana.add_argument("--week-start", metavar="DAY",
                         help="dashboard week start, e.g. monday (now/w, date formats; default: the locale's, sunday)")
    grafana.add_argument("--fiscal-year-start-month", type=int, default=1, metavar="M",
                         help="dashboard fiscal year start month 1-12, for now/fy and now/fQ (default 1)")
    _add_viewer_flags(grafana)
    grafana.add_argument("--dashboard-uid", default="", metavar="UID",
                         help="${__dashboard.uid} (default: none, as for an unsaved dashboard)")
    grafana.add_argument("--dashboard-title", default="New dashboard", metavar="TITLE",
                         help="$__dashboard (default %(default)s)")


def _add_viewer_flags(grafana: argparse._ArgumentGroup) -> None:
    """The viewer's browser zone and Grafana's user and org (core.query.targets.Viewer)."""
    grafana.add_argument("--browser-timezone", metavar="TZ",
                         help="the viewer's zone, for 'browser' dashboards and date formats (default: this machine's)")
    grafana.add_argument("--org-name", default="Main Org.", help="${__org.name} (default %(default)s)")
    grafana.add_argument("--org-id", type=int, default=1, metavar="N", help="$__org (default %(default)s)")
    grafana.add_argument("--user-login", default="admin", metavar="LOGIN",
                         help="${__user.login} (default %(default)s)")
    grafana.add_argument("--user-id", type=int, default=1, metavar="N", help="$__user (default %(default)s)")
    grafana.add_argument("--user-email", default="admin@localhost", metavar="EMAIL",
                         help="${__user.email} (default %(default)s)")


def _add_option_flags(parser: argparse.ArgumentParser) -> None:
    """One flag per declared option (core.config.options), so the CLI and GUI offer the same settings."""
    for spec in OPTIONS:
        if spec.kind == OptionKind.BOOL:
            parser.add_argument(spec.flag, dest=spec.name, action=argparse.BooleanOptionalAction,
                                default=None, help=spec.help)
        else:
            choices = f" ({', '.join(spec.choices)})" if spec.choices else ""
            parser.add_argument(spec.flag, dest=spec.name, default=None, metavar=spec.metavar or "VALUE",
                                help=spec.help + choices)


def _add_dashboard_commands(commands: Any) -> None:
    """`dashboard check`: every CQL panel of a Grafana dashboard, run as Grafana would."""
    dashboard = commands.add_parser("dashboard", help="check the CQL panels of a Grafana dashboard",
                                    description="Work with Grafana dashboard JSON files.")
    actions = dashboard.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    check = actions.add_parser(
        "check", help="run every CQL panel as Grafana would and report what each would show",
        description="Read a dashboard JSON file (as Grafana exports it, with or without __inputs), resolve its "
        "variables (query variables through the plugin), expand repeated panels and rows, and run every target "
        "of the ScyllaDB and Cassandra plugins as the plugin would. Prints per panel the title, refId, plugin, "
        "CQL sent, row count and status (ok, no data, error with the plugin's message, or warnings). Panels of "
        "other data sources are listed as skipped. Exit 1 when any panel would fail.")
    check.add_argument("file", metavar="FILE", help="the dashboard JSON file")
    check.add_argument("--datasource", action="append", default=[], metavar="NAME",
                       help="configured data source for the dashboard's CQL panels (repeat for one per plugin); "
                       "default: a data source matching each panel's uid or name, else the only one of its plugin")
    check.add_argument("--var", action="append", default=[], metavar="NAME=VALUE",
                       help="set a variable (repeat a name for several values; VALUE $__all selects All)")
    check.add_argument("--from", dest="time_from", metavar="T", help="range start (default: the dashboard's)")
    check.add_argument("--to", dest="time_to", metavar="T", help="range end (default: the dashboard's)")
    check.add_argument("--timezone", metavar="TZ",
                       help="time zone (default: the dashboard's; browser is --browser-timezone, else this machine's)")
    check.add_argument("--panel-width", type=int, metavar="PX",
                       help="the panels' width in pixels in the viewer's browser: Grafana's max data points for a "
                       "panel without its own, which sets $__interval (default: 500, as when no width is known)")
    check.add_argument("--format", choices=["text", "json"], default="text", help="text (default) or json")
    _add_viewer_flags(check.add_argument_group("Grafana settings of the viewer (the dashboard's uid and title are "
                                               "its own)"))
