"""`python -m core.cli`: the same as the `cqlscope` console script."""

import sys

from core.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
