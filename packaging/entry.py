"""Entry point of the bundled executable: the GUI without arguments (or with `gui`), else the CLI.

`cqlscope --version` and every CLI subcommand work as with the installed console script;
`cqlscope` alone or `cqlscope gui [--quit-after MS]` opens the window.
"""

from __future__ import annotations

import sys


def main() -> int:
    args = sys.argv[1:]
    if args and args[0] == "--fetch-process":  # core.query.fetch_process.BUNDLE_ARGUMENT: a query's fetch process
        from core.query.fetch_child import main as fetch_main

        return fetch_main(args[1:])
    if not args or args[0] == "gui" or args[0].startswith("--quit-after"):
        from gui.app import main as gui_main

        gui_args = [sys.argv[0], *(args[1:] if args and args[0] == "gui" else args)]
        return gui_main(gui_args)
    from core.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
