"""`cqlscope datasource ...` and `cqlscope check`: data sources, their keyring secrets and their health."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import Any, TextIO

from core.cli.common import EXIT_FAILED, EXIT_OK, EXIT_PARTIAL, print_table, terminal_safe
from core.config.datasource import DataSource, printable
from core.config.options import OPTIONS
from core.config.workspace import Workspace
from core.errors import CqlscopeError, PartialChangeError, SecretStoreError, ValidationError


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


def add(ws: Workspace, args: argparse.Namespace) -> int:
    ds = DataSource(name=args.name)
    if args.uid:
        ds.uid = args.uid
    wants_default = _apply_options(ds, args)
    ws.store.add(ds)
    if wants_default:
        ws.store.set_default(ds.name)
    print(f"added data source '{printable(ds.name)}' (uid {ds.uid})")
    _hint_secrets(ws, ds.name)
    return EXIT_OK


def edit(ws: Workspace, args: argparse.Namespace) -> int:
    ds = ws.store.get(args.name)
    if args.rename is not None:
        ds.name = args.rename  # an empty or blank name is refused by validation
    wants_default = _apply_options(ds, args)
    ws.store.update(ds)  # merged with changes made elsewhere; a real conflict names the field (exit 1)
    if wants_default:
        ws.store.set_default(ds.name)
    print(f"updated data source '{printable(ds.name)}'")
    return EXIT_OK


def remove(ws: Workspace, args: argparse.Namespace) -> int:
    try:
        ws.remove(args.name, force=args.force)
    except PartialChangeError as exc:
        print(f"cqlscope: partly done: {exc.message}", file=sys.stderr)
        return EXIT_PARTIAL
    except SecretStoreError as exc:
        raise SecretStoreError(f"{exc.message} To remove only its settings and leave the keyring entries behind, "
                               "run again with --force.", title=exc.title) from None
    print(f"removed data source '{printable(args.name)}' and its keyring entries")
    return EXIT_OK


def set_secret(ws: Workspace, args: argparse.Namespace) -> int:
    ws.store.get(args.name)  # fail early on an unknown name, before prompting
    value = _read_secret(args.field, args.stdin)
    ws.store.set_secret(args.name, args.field, value)
    print(f"{args.field} of '{printable(args.name)}' saved in the system keyring")
    return EXIT_OK


def clear_secret(ws: Workspace, args: argparse.Namespace) -> int:
    ws.store.clear_secret(args.name, args.field)
    print(f"{args.field} of '{printable(args.name)}' reset")
    return EXIT_OK


def list_all(ws: Workspace, args: argparse.Namespace) -> int:
    return _list(ws, args.json, sys.stdout)


def show(ws: Workspace, args: argparse.Namespace) -> int:
    return _show(ws, args.name, args.json, sys.stdout)


def check(ws: Workspace, args: argparse.Namespace) -> int:
    return _check(ws, args.name, args.json, sys.stdout)


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
    print(f"set credentials with: cqlscope datasource set-secret '{printable(name)}' user (then password)")


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
        rows.append((printable(ds.name), ds.flavor.value, printable(",".join(ds.hosts)), printable(ds.keyspace) or "-",
                     "yes" if ds.is_default else ""))
    print_table(rows, out)
    return EXIT_OK


def _show(ws: Workspace, name: str, as_json: bool, out: TextIO) -> int:
    ds = ws.store.get(name)
    secrets = _secret_texts(ws, name)
    if as_json:
        json.dump({**ds.to_dict(), "secrets": secrets}, out, indent=2)
        out.write("\n")
        return EXIT_OK
    rows: list[tuple[str, ...]] = [("name", printable(ds.name)), ("uid", ds.uid), ("plugin", ds.flavor.plugin_id)]
    rows += [(spec.label.lower(), printable(spec.format(ds)) or "-") for spec in OPTIONS]
    rows += [(field, state) for field, state in secrets.items()]
    width = max(len(key) for key, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}", file=out)
    return EXIT_OK


def _check(ws: Workspace, name: str, as_json: bool, out: TextIO) -> int:
    from core.cql.health import check_health

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
    print(f"OK      {terminal_safe(report.datasource)}", file=out)
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
    print_table(rows, out)


