"""The `cqlscope` command line: manage data sources and their secrets, and check their health.

Errors print one clear line to standard error and exit non-zero; no traceback reaches the user.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from core import __version__, unsupported_python
from core.compat import Finding
from core.datasource import CONSISTENCIES, SECRET_FIELDS, DataSource
from core.errors import CqlscopeError, NotFoundError, SecretStoreError, ValidationError
from core.execution import DEFAULT_FETCH_SIZE
from core.flavors import DEFAULT_FROM, DEFAULT_MAX_DATA_POINTS, DEFAULT_TO, FLAVOR_NAMES, PreparedQuery, prepare_query
from core.options import OPTIONS, OptionKind
from core.workspace import Workspace

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser; its help texts are the CLI reference."""
    parser = argparse.ArgumentParser(
        prog="cqlscope",
        description="Configure, test and export ScyllaDB and Apache Cassandra data sources for Grafana. "
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
                        help="plugin to emulate (default generic: plain Grafana interpolation)")
    _add_time_flags(render)
    render.add_argument("--host", help="scylla host field to interpolate too (printed to standard error)")
    render.add_argument("--report", choices=["text", "json"], default="text",
                        help="findings on standard error as text (default) or JSON")
    render.add_argument("text", metavar="TEXT", help="the query text")

    query = commands.add_parser(
        "query", help="run a query on a data source and print the result",
        description="Prepare CQL as the chosen plugin would (variables, macros, host field), run it on the data "
        "source with exact values, and print the result. The compatibility report goes to standard error.")
    query.add_argument("name", metavar="NAME", help="data source")
    hosts = query.add_mutually_exclusive_group()
    hosts.add_argument("--host", help="pin the query to this node (variables allowed, like the plugin's host field)")
    hosts.add_argument("--all-hosts", action="store_true", help="run on every node and add a _host column")
    _add_time_flags(query)
    query.add_argument("--consistency", choices=CONSISTENCIES, help="consistency level override")
    query.add_argument("--limit", type=int, help="stop after N rows and say that the result was truncated")
    query.add_argument("--fetch-size", type=int, default=DEFAULT_FETCH_SIZE, help="rows per page (default %(default)s)")
    query.add_argument("--timeout", type=float, help="request timeout in seconds (default: the data source's)")
    query.add_argument("--trace", action="store_true", help="trace the query; events go to standard error")
    query.add_argument("--flavor", choices=FLAVOR_NAMES, help="plugin to emulate (default: the data source's)")
    query.add_argument("--format", choices=["table", "csv", "json", "frame"], default="table",
                       help="table (readable), csv, json (row objects) or frame (Grafana data frame JSON)")
    query.add_argument("--report", choices=["text", "json"], default="text",
                       help="compatibility report on standard error as text (default) or JSON")
    query.add_argument("cql", metavar="CQL", help="the query text")
    _add_provisioning_commands(commands)
    return parser


def _add_provisioning_commands(commands: Any) -> None:
    """The `export` and `import` subcommands (Grafana provisioning files)."""
    export = commands.add_parser(
        "export", help="write data sources to a Grafana provisioning file",
        description="Write data sources to a Grafana provisioning file (apiVersion 1) on standard output or "
        "into -o FILE. Secrets become ${VAR} placeholders unless --secrets inline is given. Findings go to "
        "standard error; when validation fails nothing is written and the exit code is 1.")
    export.add_argument("names", nargs="*", metavar="NAME", help="data sources to export")
    export.add_argument("--all", action="store_true", help="export every configured data source")
    export.add_argument("--secrets", choices=["placeholders", "inline"], default="placeholders",
                        help="${VAR} placeholders (default) or the real values from the keyring (plain text!)")
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
        "environment variables like Grafana, and add the CQL data sources; secrets go to the keyring.")
    importing.add_argument("file", metavar="FILE")
    importing.add_argument("--on-conflict", choices=["skip", "rename", "replace"],
                           help="what to do when a name or uid is already configured (default: stop and report)")
    importing.add_argument("--dry-run", action="store_true", help="only show what would change")


def _add_time_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--vars", metavar="FILE", help="JSON variables file")
    parser.add_argument("--from", dest="time_from", default=DEFAULT_FROM, metavar="T",
                        help="range start: epoch ms, ISO-8601 or now-6h style (default %(default)s)")
    parser.add_argument("--to", dest="time_to", default=DEFAULT_TO, metavar="T",
                        help="range end (default %(default)s)")
    parser.add_argument("--timezone", default="utc", metavar="TZ",
                        help="dashboard time zone, e.g. utc or Europe/Berlin (default utc)")
    parser.add_argument("--interval", metavar="DUR", help="$__interval, e.g. 30s (default: computed like Grafana)")
    parser.add_argument("--max-data-points", type=int, default=DEFAULT_MAX_DATA_POINTS, metavar="N",
                        help="max data points for the computed interval (default %(default)s)")


def _add_option_flags(parser: argparse.ArgumentParser) -> None:
    """One flag per declared option (core.options), so the CLI and GUI offer the same settings."""
    for spec in OPTIONS:
        if spec.kind == OptionKind.BOOL:
            parser.add_argument(spec.flag, dest=spec.name, action=argparse.BooleanOptionalAction,
                                default=None, help=spec.help)
        else:
            choices = f" ({', '.join(spec.choices)})" if spec.choices else ""
            parser.add_argument(spec.flag, dest=spec.name, default=None, metavar=spec.metavar or "VALUE",
                                help=spec.help + choices)


def _apply_options(ds: DataSource, args: argparse.Namespace) -> bool:
    """Copy given flags onto `ds`; return whether --default was asked for."""
    wants_default = False
    problems: list[tuple[str, str]] = []
    for spec in OPTIONS:
        raw = getattr(args, spec.name)
        if raw is None:
            continue
        if spec.name == "is_default":
            wants_default = bool(raw)
            if not raw:
                ds.is_default = False
            continue
        if isinstance(raw, bool):
            setattr(ds, spec.name, raw)
            continue
        try:
            setattr(ds, spec.name, spec.parse(raw))
        except ValueError as exc:
            problems.append((spec.flag, str(exc)))
    if problems:
        raise ValidationError(problems)
    return wants_default


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `cqlscope` console script."""
    if (problem := unsupported_python()) is not None:
        print(f"cqlscope: {problem}", file=sys.stderr)
        return EXIT_FAILED
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.debug:
        logging.basicConfig(level=logging.DEBUG, stream=sys.stderr,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    workspace = Workspace()
    try:
        workspace.store.load()
        return _dispatch(workspace, args)
    except CqlscopeError as exc:
        print(f"cqlscope: {exc.title.lower()}: {exc.message}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("cqlscope: interrupted", file=sys.stderr)
        return 130
    finally:
        workspace.close()


def _dispatch(ws: Workspace, args: argparse.Namespace) -> int:
    if args.command == "check":
        return _check(ws, args.name, args.json, sys.stdout)
    if args.command == "render":
        return _render(args)
    if args.command == "query":
        return _query(ws, args)
    if args.command == "export":
        return _export(ws, args)
    if args.command == "import":
        return _import(ws, args)
    action = args.action
    if action == "list":
        return _list(ws, args.json, sys.stdout)
    if action == "show":
        return _show(ws, args.name, args.json, sys.stdout)
    if action == "add":
        ds = DataSource(name=args.name)
        if args.uid:
            ds.uid = args.uid
        wants_default = _apply_options(ds, args)
        ws.store.add(ds)
        if wants_default:
            ws.store.set_default(ds.name)
        print(f"added data source '{ds.name}' (uid {ds.uid})")
        _hint_secrets(ws, ds.name)
        return EXIT_OK
    if action == "edit":
        ds = ws.store.get(args.name)
        if args.rename:
            ds.name = args.rename
        wants_default = _apply_options(ds, args)
        ws.store.update(ds)
        if wants_default:
            ws.store.set_default(ds.name)
        print(f"updated data source '{ds.name}'")
        return EXIT_OK
    if action == "remove":
        ws.remove(args.name)
        print(f"removed data source '{args.name}' and its keyring entries")
        return EXIT_OK
    if action == "set-secret":
        ws.store.get(args.name)  # fail early on an unknown name, before prompting
        value = _read_secret(args.field, args.stdin)
        ws.store.set_secret(args.name, args.field, value)
        print(f"{args.field} of '{args.name}' saved in the system keyring")
        return EXIT_OK
    if action == "clear-secret":
        ws.store.clear_secret(args.name, args.field)
        print(f"{args.field} of '{args.name}' reset")
        return EXIT_OK
    raise NotFoundError(f"unknown action {action}")


def _prepare(args: argparse.Namespace, flavor: str, host: str | None, all_hosts: bool) -> PreparedQuery:
    """Variables, time range and interval from the flags, then the flavor's preparation of the text."""
    from core.templating import load_variables
    from core.timerange import Interval, interval_to_ms, time_range

    variables = load_variables(args.vars) if args.vars else {}
    if args.max_data_points < 1:
        raise CqlscopeError("--max-data-points must be 1 or more.", title="Invalid option")
    span = time_range(args.time_from, args.time_to, args.timezone)
    if span.to_ms < span.from_ms:
        raise CqlscopeError(f"The range ends before it starts ({args.time_from} .. {args.time_to}).",
                            title="Invalid time range")
    interval = Interval(args.interval, interval_to_ms(args.interval)) if args.interval else None
    text = args.text if hasattr(args, "text") else args.cql
    return prepare_query(flavor, text, variables, span, interval=interval, max_data_points=args.max_data_points,
                         host=host, all_hosts=all_hosts)


def _print_findings(findings: list[Finding], as_json: bool) -> None:
    if as_json:
        print(json.dumps([f.to_dict() for f in findings], indent=2), file=sys.stderr)
        return
    for finding in findings:
        print(f"{finding.severity}: {finding.message}\n  suggestion: {finding.suggestion}", file=sys.stderr)


def _render(args: argparse.Namespace) -> int:
    from core.compat import query_findings

    prepared = _prepare(args, args.flavor, args.host, False)
    sys.stdout.write(prepared.text + "\n")
    if prepared.hosts:
        print(f"host field: {','.join(prepared.hosts)}", file=sys.stderr)
    _print_findings(query_findings(prepared), args.report == "json")
    return EXIT_OK


def _query(ws: Workspace, args: argparse.Namespace) -> int:
    from core.compat import compatibility_report
    from core.execution import RunOptions, run_query
    from core.output import write_csv, write_frames, write_json_rows, write_table

    ds = ws.store.get(args.name)
    flavor = args.flavor or ds.flavor.value
    prepared = _prepare(args, flavor, args.host, args.all_hosts)
    if prepared.rejected:
        _print_findings(compatibility_report(prepared), args.report == "json")
        print(f"cqlscope: not run: {prepared.rejected}", file=sys.stderr)
        return EXIT_FAILED
    host: str | None = None
    fan_out: list[str] | None = None
    if args.all_hosts:
        fan_out = prepared.hosts or None
    elif prepared.hosts:
        host = prepared.hosts[0]  # like the scylla plugin: without all hosts only the first is used
    elif args.host:
        host = args.host
    options = RunOptions(consistency=args.consistency, timeout=args.timeout, fetch_size=args.fetch_size,
                         limit=args.limit, host=host, all_hosts=args.all_hosts, hosts=fan_out, trace=args.trace)
    try:
        outcome = run_query(ws, ds, prepared.text, options)
    except CqlscopeError:
        _print_findings(compatibility_report(prepared), args.report == "json")  # they often explain the error
        raise
    writers = {"table": write_table, "csv": write_csv, "json": write_json_rows}
    if args.format == "frame":
        write_frames([outcome.frame], sys.stdout)
    else:
        writers[args.format](outcome.frame, sys.stdout)
    sys.stdout.flush()
    nodes = ", ".join(outcome.hosts) or "?"
    print(f"{outcome.row_count} rows, {outcome.pages} page(s), {outcome.total_ms:.0f} ms, answered by {nodes}",
          file=sys.stderr)
    if outcome.truncated:
        print(f"truncated: more rows exist beyond the limit of {args.limit}", file=sys.stderr)
    for warning in outcome.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for trace in outcome.traces:
        print(f"trace: coordinator {trace.coordinator}, {trace.duration_us} us", file=sys.stderr)
        for event in trace.events:
            print(f"  {event.source_elapsed_us:>8} us  {event.source}  {event.description}", file=sys.stderr)
    _print_findings(compatibility_report(prepared, outcome.frame), args.report == "json")
    return EXIT_OK


def _export(ws: Workspace, args: argparse.Namespace) -> int:
    from pathlib import Path

    from core.provisioning import ExportOptions, SecretsMode, build_export, select, write_export
    from core.provisioning.model import Finding, ProvisioningError, Severity

    if args.all == bool(args.names):
        raise CqlscopeError("Name the data sources to export, or use --all (not both).", title="Invalid option")
    datasources = ws.store.list() if args.all else select(ws.store.list(), args.names)
    prefixes: dict[str, str] = {}
    for item in args.var_prefix:
        name, sep, prefix = item.partition("=")
        if not sep or not prefix:
            raise CqlscopeError(f"--var-prefix '{item}' is not NAME=PREFIX.", title="Invalid option")
        prefixes[name] = prefix
    merge = Path(args.merge) if args.merge else None
    output = Path(args.output) if args.output else merge
    siblings: list[Path] = []
    if output is not None and output.parent.is_dir():
        siblings = sorted(p for p in output.parent.iterdir()
                          if p.suffix in (".yaml", ".yml") and p.resolve() != output.resolve() and p.is_file())
    options = ExportOptions(
        secrets=SecretsMode(args.secrets), variable_prefixes=prefixes,
        env_file=Path(args.env_file) if args.env_file else None,
        write_secrets_to_env_file=args.write_secrets_to_env_file,
        delete=[(name, args.delete_org_id) for name in args.delete], prune=args.prune, merge_into=merge,
        sibling_files=siblings)
    result = build_export(datasources, options, lambda ds, field: ws.secrets.get(ds.uid, field))
    for finding in result.warnings:
        print(finding, file=sys.stderr)
    if result.errors:
        for finding in result.errors:
            print(finding, file=sys.stderr)
        raise ProvisioningError([Finding(Severity.ERROR, f"{len(result.errors)} problem(s) found, nothing written")])
    if output is None:
        sys.stdout.write(result.text)
        if options.env_file is not None and result.env_text is not None:
            from core.profiles import atomic_write

            atomic_write(options.env_file, result.env_text, 0o600 if result.env_has_secrets else 0o644)
            print(f"wrote {options.env_file}", file=sys.stderr)
        return EXIT_OK
    write_export(result, output, options.env_file)
    print(f"wrote {output} ({len(datasources)} data source(s))", file=sys.stderr)
    if options.env_file is not None:
        print(f"wrote {options.env_file}", file=sys.stderr)
    return EXIT_OK


def _import(ws: Workspace, args: argparse.Namespace) -> int:
    from pathlib import Path

    from core.provisioning import ConflictChoice, apply_import, plan_import, read_provisioning_file
    from core.provisioning.model import Finding, ProvisioningError, Severity

    choice = ConflictChoice(args.on_conflict) if args.on_conflict else None
    plan = plan_import(ws.store, read_provisioning_file(Path(args.file)), choice)
    for finding in plan.findings:
        if finding.severity != Severity.ERROR:
            print(finding, file=sys.stderr)
    if plan.errors:
        for finding in plan.errors:
            print(finding, file=sys.stderr)
        raise ProvisioningError([Finding(Severity.ERROR, f"{len(plan.errors)} problem(s) found, nothing imported")])
    for item in plan.items:
        print(("would " if args.dry_run else "") + item.describe())
    if args.dry_run:
        return EXIT_OK
    done = apply_import(ws.store, plan)
    print(f"imported {len(done)} data source(s)")
    return EXIT_OK


def _read_secret(field: str, from_stdin: bool) -> str:
    if from_stdin:
        value = sys.stdin.readline().rstrip("\r\n")
    else:
        if not sys.stdin.isatty():
            raise CqlscopeError("There is no terminal to prompt on: pipe the value in with --stdin.",
                                title="No terminal")
        value = getpass.getpass(f"{field}: ")
    if not value:
        raise CqlscopeError("The value is empty: nothing saved (use clear-secret to reset).", title="Empty secret")
    return value


def _hint_secrets(ws: Workspace, name: str) -> None:
    try:
        ws.secrets.backend()
    except SecretStoreError as exc:
        print(f"note: {exc.message}", file=sys.stderr)
        return
    print(f"set credentials with: cqlscope datasource set-secret '{name}' user (then password)")


def _secret_texts(ws: Workspace, name: str) -> dict[str, str]:
    return {field: state.value for field, state in ws.store.secret_states(name).items()}


def _list(ws: Workspace, as_json: bool, out: TextIO) -> int:
    items = ws.store.list()
    if as_json:
        json.dump([{**ds.to_dict(), "secrets": _secret_texts(ws, ds.name)} for ds in items], out, indent=2)
        out.write("\n")
        return EXIT_OK
    if not items:
        print("no data sources yet: cqlscope datasource add NAME --flavor cassandra --hosts HOST", file=out)
        return EXIT_OK
    rows = [("NAME", "FLAVOR", "HOSTS", "KEYSPACE", "DEFAULT")]
    for ds in items:
        rows.append((ds.name, ds.flavor.value, ",".join(ds.hosts), ds.keyspace or "-", "yes" if ds.is_default else ""))
    _print_table(rows, out)
    return EXIT_OK


def _show(ws: Workspace, name: str, as_json: bool, out: TextIO) -> int:
    ds = ws.store.get(name)
    secrets = _secret_texts(ws, name)
    if as_json:
        json.dump({**ds.to_dict(), "secrets": secrets}, out, indent=2)
        out.write("\n")
        return EXIT_OK
    rows: list[tuple[str, ...]] = [("name", ds.name), ("uid", ds.uid), ("plugin", ds.flavor.plugin_id)]
    rows += [(spec.label.lower(), spec.format(ds) or "-") for spec in OPTIONS]
    rows += [(field, state) for field, state in secrets.items()]
    width = max(len(key) for key, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}", file=out)
    return EXIT_OK


def _check(ws: Workspace, name: str, as_json: bool, out: TextIO) -> int:
    from core.health import check_health

    report = check_health(ws, ws.store.get(name))
    if as_json:
        json.dump(report.to_dict(), out, indent=2)
        out.write("\n")
    else:
        _print_report(report, out)
    return EXIT_OK if report.ok else EXIT_FAILED


def _print_report(report: Any, out: TextIO) -> None:
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if not report.ok:
        print(f"FAILED  {report.failure.title}: {report.failure.message}", file=out)
        return
    print(f"OK      {report.datasource}", file=out)
    print(f"version   {report.release_version}", file=out)
    print(f"cluster   {report.cluster_name}", file=out)
    print(f"contacted {report.contacted_host} (datacenter {report.datacenter})", file=out)
    if report.keyspace:
        print(f"keyspace  {report.keyspace} exists", file=out)
    print(f"latency   {report.latency_ms:.1f} ms (connect {report.connect_ms:.0f} ms)", file=out)
    print("nodes", file=out)
    rows = [("  ADDRESS", "DC", "RACK", "STATE", "VERSION")]
    for node in report.nodes:
        rows.append((f"  {node.address}", node.datacenter or "?", node.rack or "?", "up" if node.up else "DOWN",
                     node.release_version or "?"))
    _print_table(rows, out)


def _print_table(rows: Sequence[tuple[str, ...]], out: TextIO) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip(), file=out)


if __name__ == "__main__":
    sys.exit(main())
