"""The `cqlscope` command line: manage data sources and their secrets, check their health, run queries
as the plugins would, and export or import provisioning files.

Errors print one clear line to standard error and exit non-zero (2 for a bad option value or input file, 1 for
other errors); no traceback reaches the user.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from core import unsupported_python
from core.cli.common import EXIT_FAILED, EXIT_PARTIAL, EXIT_USAGE, is_usage_error, terminal_safe
from core.cli.parser import build_parser
from core.config.workspace import Workspace
from core.errors import CqlscopeError, PartialChangeError
from core.query.threads import share_the_gil_finely

Command = Callable[[Workspace, argparse.Namespace], int]

#: (command, action) -> "module.function" in core.cli, imported on use (start-up stays quick); the action is
#: None for commands without one.
COMMANDS: dict[tuple[str, str | None], str] = {
    ("datasource", "list"): "datasource_commands.list_all",
    ("datasource", "show"): "datasource_commands.show",
    ("datasource", "add"): "datasource_commands.add",
    ("datasource", "edit"): "datasource_commands.edit",
    ("datasource", "remove"): "datasource_commands.remove",
    ("datasource", "set-secret"): "datasource_commands.set_secret",
    ("datasource", "clear-secret"): "datasource_commands.clear_secret",
    ("check", None): "datasource_commands.check",
    ("render", None): "query_commands.render",
    ("query", None): "plugin_commands.query",  # plain CQL goes on to query_commands.query
    ("variables", None): "plugin_commands.variables",
    ("export", None): "provisioning_commands.export",
    ("import", None): "provisioning_commands.import_file",
    ("dashboard", "check"): "dashboard_commands.check",
}

#: Commands that work on text alone: they never read the profile, so a broken one cannot stop them.
PROFILE_FREE = {("render", None)}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `cqlscope` console script."""
    if (problem := unsupported_python()) is not None:
        print(f"cqlscope: {problem}", file=sys.stderr)
        return EXIT_FAILED
    args = build_parser().parse_args(argv)
    share_the_gil_finely()
    if args.debug:
        logging.basicConfig(level=logging.DEBUG, stream=sys.stderr,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    key = (args.command, getattr(args, "action", None))
    handler = _handler(COMMANDS[key])
    workspace = Workspace()
    try:
        if key not in PROFILE_FREE:
            workspace.store.load()
        return handler(workspace, args)
    except PartialChangeError as exc:
        print(f"cqlscope: {exc.title.lower()}: {exc.message}", file=sys.stderr)
        return EXIT_PARTIAL
    except CqlscopeError as exc:
        print(f"cqlscope: {exc.title.lower()}: {terminal_safe(exc.message)}", file=sys.stderr)
        return EXIT_USAGE if is_usage_error(exc) else EXIT_FAILED
    except KeyboardInterrupt:
        print("cqlscope: interrupted", file=sys.stderr)
        return 130
    finally:
        workspace.close()


def _handler(path: str) -> Command:
    import importlib

    module_name, function = path.rsplit(".", 1)
    handler: Command = getattr(importlib.import_module(f"core.cli.{module_name}"), function)
    return handler


if __name__ == "__main__":
    sys.exit(main())
