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

from core import __version__
from core.datasource import SECRET_FIELDS, DataSource
from core.errors import CqlscopeError, NotFoundError, SecretStoreError, ValidationError
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
    return parser


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
