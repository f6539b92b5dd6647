"""The `cqlscope` command line: the parser, one module of commands per concern, and the dispatcher."""

from core.cli.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from core.cli.main import main

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "main"]
