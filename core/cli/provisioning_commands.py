"""`cqlscope export` and `cqlscope import`: Grafana provisioning files."""

from __future__ import annotations

import argparse
import sys

from core.cli.common import EXIT_OK, UsageError, terminal_safe
from core.config.workspace import Workspace


def export(ws: Workspace, args: argparse.Namespace) -> int:
    from pathlib import Path

    from core.provisioning import SecretsMode, build_export, export_options_for, select, write_export
    from core.provisioning.model import Finding, ProvisioningError, Severity

    if args.all == bool(args.names):
        raise UsageError("Name the data sources to export, or use --all (not both).")
    datasources = ws.store.list() if args.all else select(ws.store.list(), args.names)
    prefixes: dict[str, str] = {}
    for item in args.var_prefix:
        name, sep, prefix = item.partition("=")
        if not sep or not prefix:
            raise UsageError(f"--var-prefix '{item}' is not NAME=PREFIX.")
        prefixes[name] = prefix
    merge = Path(args.merge) if args.merge else None
    output = Path(args.output) if args.output else merge
    options = export_options_for(
        output, secrets=SecretsMode(args.secrets), variable_prefixes=prefixes,
        env_file=Path(args.env_file) if args.env_file else None,
        write_secrets_to_env_file=args.write_secrets_to_env_file,
        delete=[(name, args.delete_org_id) for name in args.delete], prune=args.prune, merge_into=merge)
    result = build_export(datasources, options, lambda ds, field: ws.secrets.get(ds.uid, field))
    for finding in result.warnings:
        print(terminal_safe(finding), file=sys.stderr)
    if result.errors:
        for finding in result.errors:
            print(terminal_safe(finding), file=sys.stderr)
        raise ProvisioningError([Finding("", Severity.ERROR,
                                         f"{len(result.errors)} problem(s) found, nothing written")])
    if output is None:
        sys.stdout.write(result.text)
        if options.env_file is not None and result.env_text is not None:
            from core.provisioning.export import write_file

            write_file(options.env_file, result.env_text, 0o600 if result.env_has_secrets else 0o644)
            print(f"wrote {options.env_file}", file=sys.stderr)
        return EXIT_OK
    write_export(result, output, options.env_file)
    print(f"wrote {output} ({len(datasources)} data source(s))", file=sys.stderr)
    if options.env_file is not None:
        print(f"wrote {options.env_file}", file=sys.stderr)
    return EXIT_OK


def import_file(ws: Workspace, args: argparse.Namespace) -> int:
    from pathlib import Path

    from core.provisioning import ConflictChoice, apply_import, plan_import, read_provisioning_file
    from core.provisioning.model import Finding, ProvisioningError, Severity

    choice = ConflictChoice(args.on_conflict) if args.on_conflict else None
    plan = plan_import(ws.store, read_provisioning_file(Path(args.file)), choice)
    for finding in plan.findings:
        if finding.severity != Severity.ERROR:
            print(terminal_safe(finding), file=sys.stderr)
    if plan.errors:
        for finding in plan.errors:
            print(terminal_safe(finding), file=sys.stderr)
        raise ProvisioningError([Finding("", Severity.ERROR, f"{len(plan.errors)} problem(s) found, nothing imported")])
    for item in plan.items:
        print(("would " if args.dry_run else "") + terminal_safe(item.describe()))
    if args.dry_run:
        return EXIT_OK
    done = apply_import(ws.store, plan)
    print(f"imported {len(done)} data source(s)")
    return EXIT_OK

